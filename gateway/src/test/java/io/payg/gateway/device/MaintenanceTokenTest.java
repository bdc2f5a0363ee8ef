package io.payg.gateway.device;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tokens without money: OpenPAYGO generated at the device's count, decoded by the reference algorithm, audited. */
class MaintenanceTokenTest {

  static final String KEY = "bc41ec9530f6dac86b1a29ab82edc5fb";
  static final long STARTING_CODE = 516959010;

  static GatewayFixture gw;
  static GatewayFixture.Company co;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(MaintenanceTokenTest.class);
    co = gw.company("Maintenance Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** An OpenPAYGO SHS sold on installments, its count at 1 as registered. */
  static String shs() {
    return shs(co);
  }

  static String shs(GatewayFixture.Company co) {
    String serial = "MT-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    String appliance = ok(gw.post(
            "/api/v1/appliances",
            co.adminToken(),
            new JsonObject()
                .put("name", "SHS " + serial)
                .put("type", "SHS")
                .put("price", 300_000)
                .put("currency", "KES")))
        .getString("id");
    ok(gw.post(
        "/api/v1/customers",
        co.adminToken(),
        new JsonObject()
            .put("name", "Solar " + serial)
            .put("phone", "+254700000777")
            .put("villageId", co.villageId())
            .put(
                "device",
                new JsonObject()
                    .put("serial", serial)
                    .put("type", "SHS")
                    .put("manufacturer", "openpaygo")
                    .put(
                        "openPaygo",
                        new JsonObject().put("secretKey", KEY).put("startingCode", STARTING_CODE))
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

  static HttpResponse<Buffer> issue(
      String serial, JsonObject body, String key, String protectedPassword) {
    return issue(co, serial, body, key, protectedPassword);
  }

  static HttpResponse<Buffer> issue(
      GatewayFixture.Company co,
      String serial,
      JsonObject body,
      String key,
      String protectedPassword) {
    var req = gw.http
        .postAbs(gw.base + "/api/v1/devices/" + serial + "/tokens")
        .bearerTokenAuthentication(co.adminToken());
    if (key != null) {
      req.putHeader("Idempotency-Key", key);
    }
    if (protectedPassword != null) {
      req.putHeader("X-Protected-Password", protectedPassword);
    }
    return await(req.sendJsonObject(body));
  }

  static JsonObject days(String kind, long value) {
    return new JsonObject().put("kind", kind).put("value", value).put("reason", "technician visit");
  }

  @Test
  void theReferenceDecoderReadsEveryOfficialStandardVector() throws Exception {
    List<String> lines = Files.readAllLines(
        Path.of("../manufacturer-adapters/src/test/resources/openpaygo/test_tokens.jsonl"));
    int checked = 0;
    for (String line : lines) {
      JsonObject v = new JsonObject(line);
      if (v.getBoolean("restricted_digit_set") || v.getBoolean("extended_token")) {
        continue;
      }
      var d = OpenPaygoReferenceDecoder.decode(
          v.getString("token"),
          v.getLong("starting_code"),
          v.getString("key"),
          v.getInteger("count"));
      assertNotNull(d, line);
      int expected = switch (v.getString("token_type")) {
        case "DISABLE_PAYG" -> 998;
        case "COUNTER_SYNC" -> 999;
        default -> v.getInteger("value_raw");
      };
      assertEquals(expected, d.value(), line);
      assertEquals(v.getInteger("new_count"), d.count(), line);
      assertEquals(v.getString("token_type"), d.type(), line);
      checked++;
    }
    assertTrue(checked >= 20, "only " + checked + " standard vectors");
  }

  @Test
  void anAddDaysTokenIsAcceptedByTheReferenceDecoderAndMovesNoMoney() {
    String serial = shs();
    long moneyBefore = gw.db.moneyRows();
    String key = "maint-" + UUID.randomUUID();
    HttpResponse<Buffer> r = issue(serial.toLowerCase(), days("ADD_DAYS", 30), key, null);
    assertEquals(201, r.statusCode(), r.bodyAsString());
    JsonObject token = r.bodyAsJsonObject();
    assertEquals(serial, token.getString("serial"));
    assertEquals(2, token.getInteger("tokenCount"));
    var decoded = OpenPaygoReferenceDecoder.decode(token.getString("token"), STARTING_CODE, KEY, 1);
    assertEquals(new OpenPaygoReferenceDecoder.Decoded(30, 2, "ADD_TIME"), decoded);
    assertEquals(
        2, gw.db.count("SELECT openpaygo_token_count FROM devices WHERE serial = ?", serial));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM maintenance_tokens m JOIN devices d ON d.id = m.device_id "
                + "WHERE d.serial = ? AND m.kind = 'ADD_DAYS' AND m.value = 30 AND m.token = ? AND m.reason = "
                + "'technician visit' "
                + "AND m.issued_by IS NOT NULL",
            serial,
            token.getString("token")));
    assertEquals(moneyBefore, gw.db.moneyRows(), "no money moved");
    assertEquals(0, gw.db.count("SELECT count(*) FROM transactions WHERE serial = ?", serial));
    // audited, without the digits that open the device
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM audit_log a JOIN devices d ON d.id::text = a.entity_id "
                + "WHERE d.serial = ? AND a.action = 'device.maintenance_token' AND a.after->>'kind' = 'ADD_DAYS' "
                + "AND (a.after->>'value')::int = 30 AND (a.before->>'tokenCount')::int = 1",
            serial));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM audit_log WHERE after::text LIKE ?",
            "%" + token.getString("token") + "%"));

    // the same request again: the same token, the count not advanced
    HttpResponse<Buffer> again = issue(serial, days("ADD_DAYS", 30), key, null);
    assertEquals(201, again.statusCode(), again.bodyAsString());
    assertEquals(token.getString("token"), again.bodyAsJsonObject().getString("token"));
    assertEquals(
        2, gw.db.count("SELECT openpaygo_token_count FROM devices WHERE serial = ?", serial));
    assertEquals(
        1, gw.db.count("SELECT count(*) FROM maintenance_tokens WHERE idempotency_key = ?", key));
  }

  @Test
  void setDaysDisableAndCounterSyncTakeTheirTypesAndOddCounts() {
    String serial = shs();
    JsonObject set = ok(issue(serial, days("SET_DAYS", 7), "set-" + UUID.randomUUID(), null));
    assertEquals(
        new OpenPaygoReferenceDecoder.Decoded(7, 3, "SET_TIME"),
        OpenPaygoReferenceDecoder.decode(set.getString("token"), STARTING_CODE, KEY, 1));
    JsonObject sync = ok(issue(
        serial,
        new JsonObject().put("kind", "COUNTER_SYNC").put("reason", "lost token"),
        "sync-" + UUID.randomUUID(),
        null));
    assertEquals(
        new OpenPaygoReferenceDecoder.Decoded(999, 5, "COUNTER_SYNC"),
        OpenPaygoReferenceDecoder.decode(sync.getString("token"), STARTING_CODE, KEY, 3));
    JsonObject off = ok(issue(
        serial,
        new JsonObject().put("kind", "UNLOCK").put("reason", "paid off in cash"),
        "off-" + UUID.randomUUID(),
        null));
    assertEquals(
        new OpenPaygoReferenceDecoder.Decoded(998, 7, "DISABLE_PAYG"),
        OpenPaygoReferenceDecoder.decode(off.getString("token"), STARTING_CODE, KEY, 5));
    assertNull(
        OpenPaygoReferenceDecoder.decode(set.getString("token"), STARTING_CODE, KEY, 7),
        "an older token is refused by the device");
    assertEquals(
        7, gw.db.count("SELECT openpaygo_token_count FROM devices WHERE serial = ?", serial));
  }

  @Test
  void whatAManufacturerCannotDoIsRefusedClearly() {
    String serial = shs();
    HttpResponse<Buffer> energy =
        issue(serial, days("ADD_ENERGY", 5), "energy-" + UUID.randomUUID(), null);
    assertEquals(409, energy.statusCode());
    assertEquals("MAINTENANCE_NOT_SUPPORTED", energy.bodyAsJsonObject().getString("code"));
    assertTrue(
        energy
            .bodyAsJsonObject()
            .getString("detail")
            .startsWith("openpaygo cannot issue a ADD_ENERGY"),
        energy.bodyAsString());
    String meter = "MTC-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(co, meter);
    HttpResponse<Buffer> calin =
        issue(meter, days("ADD_DAYS", 5), "calin-" + UUID.randomUUID(), null);
    assertEquals(409, calin.statusCode());
    assertEquals("MAINTENANCE_NOT_SUPPORTED", calin.bodyAsJsonObject().getString("code"));
    assertTrue(
        calin.bodyAsJsonObject().getString("detail").contains("calin cannot issue a ADD_DAYS"),
        calin.bodyAsString());
    for (String kind : List.of(
        "UNLOCK", "COUNTER_SYNC", "ADD_ENERGY")) { // the problem names the manufacturer and kind
      HttpResponse<Buffer> refused = issue(
          meter,
          new JsonObject().put("kind", kind).put("reason", "x"),
          "calin-" + kind + UUID.randomUUID(),
          null);
      assertEquals(409, refused.statusCode(), refused.bodyAsString());
      assertTrue(
          refused.bodyAsJsonObject().getString("detail").contains("calin cannot issue a " + kind),
          kind);
    }
    assertEquals(
        400,
        issue(
                serial,
                new JsonObject().put("kind", "ADD_DAYS").put("reason", "x"),
                "novalue-" + UUID.randomUUID(),
                null)
            .statusCode(),
        "ADD_DAYS needs its days");
    assertEquals(
        400,
        issue(
                serial,
                new JsonObject().put("kind", "DISABLE").put("value", 3).put("reason", "x"),
                "value-" + UUID.randomUUID(),
                null)
            .statusCode());
    assertEquals(
        400,
        issue(serial, days("ADD_DAYS", 5), null, null).statusCode(),
        "an Idempotency-Key is required");
    assertEquals(
        400,
        issue(
                serial,
                new JsonObject().put("kind", "ADD_DAYS").put("value", 5),
                "noreason-" + UUID.randomUUID(),
                null)
            .statusCode(),
        "a reason is required");
    assertEquals(
        404,
        issue(
                "NO-SUCH-" + UUID.randomUUID(),
                days("ADD_DAYS", 5),
                "none-" + UUID.randomUUID(),
                null)
            .statusCode());
    assertEquals(
        1,
        gw.db.count("SELECT openpaygo_token_count FROM devices WHERE serial = ?", serial),
        "nothing issued");
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM maintenance_tokens m JOIN devices d ON d.id = m.device_id "
                + "WHERE d.serial IN (?, ?)",
            serial,
            meter));
  }

  @Test
  void theProtectedPagesPasswordGuardsMaintenanceTokens() {
    GatewayFixture.Company guarded = gw.company("Guarded Energy");
    String serial = shs(guarded);
    ok(gw.put(
        "/api/v1/company/protected-pages-password",
        guarded.adminToken(),
        new JsonObject().put("password", "office pages 42")));
    HttpResponse<Buffer> without =
        issue(guarded, serial, days("ADD_DAYS", 1), "pp-" + UUID.randomUUID(), null);
    assertEquals(403, without.statusCode());
    assertEquals("PROTECTED_PASSWORD_REQUIRED", without.bodyAsJsonObject().getString("code"));
    assertEquals(
        403,
        issue(guarded, serial, days("ADD_DAYS", 1), "pp-" + UUID.randomUUID(), "wrong one")
            .statusCode());
    assertEquals(
        1, gw.db.count("SELECT openpaygo_token_count FROM devices WHERE serial = ?", serial));
    assertEquals(
        201,
        issue(guarded, serial, days("ADD_DAYS", 1), "pp-" + UUID.randomUUID(), "office pages 42")
            .statusCode());
    assertEquals(
        2, gw.db.count("SELECT openpaygo_token_count FROM devices WHERE serial = ?", serial));
  }

  @Test
  void aTokenAskedWithSendSmsIsTextedToTheCustomerOnceAndAudited() {
    String serial = shs();
    String key = "mt-sms-" + UUID.randomUUID();
    long moneyBefore =
        gw.db.count("SELECT count(*) FROM transactions WHERE company_id = ?::uuid", co.id());
    HttpResponse<Buffer> r = issue(serial, days("ADD_DAYS", 7).put("sendSms", true), key, null);
    assertEquals(201, r.statusCode(), r.bodyAsString());
    JsonObject issued = r.bodyAsJsonObject();
    assertEquals("QUEUED", issued.getString("sms"));
    String token = issued.getString("token");
    GatewayFixture.eventually(
        Duration.ofSeconds(10),
        "the SMS simulator received the token",
        () -> gw.sms.messages().stream()
            .anyMatch(m -> m.text().contains(token) && m.text().contains(serial)));
    var sms = gw.sms.messages().stream().filter(m -> m.text().contains(token)).toList();
    assertEquals(1, sms.size());
    assertEquals("+254700000777", sms.get(0).to());
    assertTrue(sms.get(0).text().contains("7 days added"), sms.get(0).text());
    // recorded as every SMS is, with the token's id, once the provider's answer is in (the
    // simulator
    // has the message a moment before the gateway writes its row); the repeat is the same token and
    // no second SMS
    GatewayFixture.eventually(
        Duration.ofSeconds(10),
        "the sent SMS recorded",
        () -> gw.db.count(
                "SELECT count(*) FROM sms_messages WHERE maintenance_token_id = ?::uuid",
                issued.getString("id"))
            > 0);
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM sms_messages WHERE maintenance_token_id = ?::uuid",
            issued.getString("id")));
    JsonObject again =
        issue(serial, days("ADD_DAYS", 7).put("sendSms", true), key, null).bodyAsJsonObject();
    assertEquals(issued.getString("id"), again.getString("id"));
    assertEquals("SENT", again.getString("sms"));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM outbox WHERE maintenance_token_id = ?::uuid",
            issued.getString("id")));
    // no money: no transaction, and one audit row for the token, which never holds its digits
    assertEquals(
        moneyBefore,
        gw.db.count("SELECT count(*) FROM transactions WHERE company_id = ?::uuid", co.id()));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM audit_log WHERE action = 'device.maintenance_token' "
                + "AND after->>'id' = ? AND after->>'sms' = 'QUEUED' AND after->>'token' = '****'",
            issued.getString("id")));
    // without sendSms nothing is texted; a non-boolean is refused before anything is issued
    JsonObject quiet =
        ok(issue(serial, days("ADD_DAYS", 1), "mt-quiet-" + UUID.randomUUID(), null));
    assertNull(quiet.getString("sms"));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM outbox WHERE maintenance_token_id = ?::uuid",
            quiet.getString("id")));
    assertEquals(
        400,
        issue(
                serial,
                days("ADD_DAYS", 1).put("sendSms", "yes"),
                "mt-bad-" + UUID.randomUUID(),
                null)
            .statusCode());
  }
}
