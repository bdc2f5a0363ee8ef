package io.payg.gateway.device;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.manufacturer.simulator.AngazaSimulator;
import io.payg.manufacturer.simulator.SunKingSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * UNLOCK of an Angaza or Sun King SHS: the manufacturer's unlock call over HTTP (simulators), its
 * keycode answered, once per key.
 */
class ManufacturerUnlockTest {

  static GatewayFixture gw;
  static GatewayFixture.Company co;
  static AngazaSimulator angaza;
  static SunKingSimulator sunking;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(ManufacturerUnlockTest.class, GatewayFixture.LOOPBACK_PEERS);
    co = gw.company("Unlock Energy");
    angaza = await(AngazaSimulator.start(gw.app.vertx(), 0));
    sunking = await(SunKingSimulator.start(gw.app.vertx(), 0));
    ok(gw.put(
        "/api/v1/plugins/angaza",
        co.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(Map.copyOf(angaza.settings())))));
    ok(gw.put(
        "/api/v1/plugins/sunking",
        co.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(Map.copyOf(sunking.settings())))));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** An SHS of {@code manufacturer} sold on installments. */
  static String shs(String manufacturer) {
    String serial = "UL-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    String appliance = ok(gw.post(
            "/api/v1/appliances",
            co.adminToken(),
            new JsonObject()
                .put("name", "SHS " + serial)
                .put("type", "SHS")
                .put("price", 30_000)
                .put("currency", "KES")))
        .getString("id");
    ok(gw.post(
        "/api/v1/customers",
        co.adminToken(),
        new JsonObject()
            .put("name", "Solar " + serial)
            .put("phone", "+254700000778")
            .put("villageId", co.villageId())
            .put(
                "device",
                new JsonObject()
                    .put("serial", serial)
                    .put("type", "SHS")
                    .put("manufacturer", manufacturer)
                    .put(
                        "sale",
                        new JsonObject()
                            .put("applianceId", appliance)
                            .put(
                                "plan",
                                new JsonObject()
                                    .put("kind", "INSTALLMENT_COUNT")
                                    .put("count", 3))
                            .put("period", "WEEKLY")))));
    return serial;
  }

  static HttpResponse<Buffer> issue(String serial, JsonObject body, String key) {
    return await(gw.http
        .postAbs(gw.base + "/api/v1/devices/" + serial + "/tokens")
        .bearerTokenAuthentication(co.adminToken())
        .putHeader("Idempotency-Key", key)
        .sendJsonObject(body));
  }

  static JsonObject unlock() {
    return new JsonObject().put("kind", "UNLOCK").put("reason", "paid off at the office");
  }

  /**
   * The unlock stored, audited without its keycode, no money moved; a repeat of the key answers it
   * again, no second call.
   */
  static void assertUnlockedOnce(
      String serial,
      HttpResponse<Buffer> first,
      String keycode,
      String key,
      int vendsAfter,
      IntSupplier vends) {
    JsonObject answer = first.bodyAsJsonObject();
    assertEquals("UNLOCK", answer.getString("kind"));
    assertEquals(serial, answer.getString("serial"));
    assertEquals(
        keycode, answer.getString("token"), "the manufacturer's keycode, for the operator");
    assertNull(answer.getValue("tokenCount"));
    assertEquals(
        keycode,
        gw.db.text(
            "SELECT m.token FROM maintenance_tokens m JOIN devices d ON d.id = m.device_id "
                + "WHERE d.serial = ? AND m.kind = 'UNLOCK'",
            serial));
    String audit = gw.db.text(
        "SELECT after::text FROM audit_log WHERE action = 'device.maintenance_token' AND entity_id = "
            + "(SELECT id::text FROM devices WHERE serial = ?)",
        serial);
    assertTrue(audit.contains("UNLOCK") && audit.contains("****"), audit);
    assertFalse(audit.contains(keycode), "the keycode opens the device: never audited");
    assertEquals(
        0, gw.db.count("SELECT count(*) FROM transactions WHERE serial = ?", serial), "no money");
    assertEquals(
        0,
        gw.db.count(
            "SELECT coalesce(sum(i.paid), 0) FROM installments i JOIN devices d "
                + "ON d.customer_id = i.customer_id WHERE d.serial = ?",
            serial),
        "no installment paid");

    HttpResponse<Buffer> again = issue(serial, unlock(), key);
    assertEquals(201, again.statusCode(), again.bodyAsString());
    assertEquals(answer, again.bodyAsJsonObject());
    assertEquals(vendsAfter, vends.getAsInt(), "a repeat of the key makes no second call");
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM maintenance_tokens m JOIN devices d ON d.id = m.device_id "
                + "WHERE d.serial = ?",
            serial));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM audit_log WHERE action = 'device.maintenance_token' AND entity_id = "
                + "(SELECT id::text FROM devices WHERE serial = ?)",
            serial));
  }

  @Test
  void anAngazaUnitIsUnlockedThroughAngazasUnitCreditCall() {
    String serial = shs("angaza");
    int before = angaza.vends().size();
    String key = "unlock-" + UUID.randomUUID();
    HttpResponse<Buffer> r = issue(serial, unlock(), key);
    assertEquals(201, r.statusCode(), r.bodyAsString());
    assertEquals(before + 1, angaza.vends().size());
    AngazaSimulator.Vend vend = angaza.vends().get(angaza.vends().size() - 1);
    assertEquals(serial, vend.serial());
    assertEquals("UNLOCKED", vend.creditUntil());
    assertEquals("UNLOCKED", angaza.creditUntil(serial));
    assertUnlockedOnce(
        serial, r, vend.token(), key, before + 1, () -> angaza.vends().size());
  }

  @Test
  void aSunKingUnitIsUnlockedThroughSunKingsUnlockCommand() {
    String serial = shs("sunking");
    int before = sunking.vends().size();
    String key = "unlock-" + UUID.randomUUID();
    HttpResponse<Buffer> r = issue(serial, unlock(), key);
    assertEquals(201, r.statusCode(), r.bodyAsString());
    assertEquals(before + 1, sunking.vends().size());
    SunKingSimulator.Vend vend = sunking.vends().get(sunking.vends().size() - 1);
    assertEquals(serial, vend.serial());
    assertEquals("unlock", vend.command());
    assertNull(vend.days());
    assertUnlockedOnce(
        serial, r, vend.token(), key, before + 1, () -> sunking.vends().size());
  }

  @Test
  void whatTheyDoNotPublishIsRefusedAndARefusedUnlockStoresNothing() {
    String serial = shs("angaza");
    int before = angaza.vends().size();
    HttpResponse<Buffer> days = issue(
        serial,
        new JsonObject().put("kind", "ADD_DAYS").put("value", 3).put("reason", "x"),
        "days-" + UUID.randomUUID());
    assertEquals(409, days.statusCode(), days.bodyAsString());
    assertEquals("MAINTENANCE_NOT_SUPPORTED", days.bodyAsJsonObject().getString("code"));
    assertTrue(
        days.bodyAsJsonObject().getString("detail").contains("angaza cannot issue a ADD_DAYS"),
        days.bodyAsString());
    HttpResponse<Buffer> disable = issue(
        serial,
        new JsonObject().put("kind", "DISABLE").put("reason", "x"),
        "disable-" + UUID.randomUUID());
    assertEquals(409, disable.statusCode());
    assertTrue(
        disable.bodyAsJsonObject().getString("detail").contains("kind UNLOCK"),
        disable.bodyAsString());
    assertEquals(
        400,
        issue(serial, unlock().put("value", 1), "value-" + UUID.randomUUID()).statusCode());

    // the manufacturer refuses the unit: a clear 502 naming it, nothing stored, nothing audited
    angaza.rejectSerial(serial);
    HttpResponse<Buffer> refused = issue(serial, unlock(), "refused-" + UUID.randomUUID());
    assertEquals(502, refused.statusCode(), refused.bodyAsString());
    assertEquals("MANUFACTURER_UNLOCK_FAILED", refused.bodyAsJsonObject().getString("code"));
    assertTrue(
        refused.bodyAsJsonObject().getString("detail").contains("angaza did not unlock " + serial));
    assertEquals(before, angaza.vends().size());
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM maintenance_tokens m JOIN devices d ON d.id = m.device_id "
                + "WHERE d.serial = ?",
            serial));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM audit_log WHERE action = 'device.maintenance_token' AND entity_id = "
                + "(SELECT id::text FROM devices WHERE serial = ?)",
            serial));
  }
}
