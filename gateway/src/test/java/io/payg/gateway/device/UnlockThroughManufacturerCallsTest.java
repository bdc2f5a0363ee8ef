package io.payg.gateway.device;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.manufacturer.simulator.AngazaSimulator;
import io.payg.manufacturer.simulator.SunKingSimulator;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An UNLOCK calls its manufacturer the way token jobs do: through the company's breaker and
 * permits for that manufacturer. An open breaker or permits all taken hold it: a 502 naming the
 * reason, no call made, nothing stored.
 */
class UnlockThroughManufacturerCallsTest {

  private static final Pattern SUNKING_BREAKER_OPEN = Pattern.compile(
      "payg_manufacturer_requests_seconds_count\\{manufacturer=\"sunking\",outcome=\"breaker_open\"} ([0-9.]+)");

  static GatewayFixture gw;
  static GatewayFixture.Company co;
  static AngazaSimulator angaza;
  static SunKingSimulator sunking;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> env = new HashMap<>(GatewayFixture.LOOPBACK_PEERS);
    // two failures open a breaker, which then stays open for the whole test
    env.put("MANUFACTURER_BREAKER_FAILURES", "2");
    env.put("MANUFACTURER_BREAKER_RESET_MS", "600000");
    // one Angaza request in flight per company, two more waiting at most
    env.put("MANUFACTURER_LIMITS", "angaza=1");
    gw = new GatewayFixture(UnlockThroughManufacturerCallsTest.class, env);
    co = gw.company("Held Unlock Energy");
    angaza = await(AngazaSimulator.start(gw.app.vertx(), 0));
    sunking = await(SunKingSimulator.start(gw.app.vertx(), 0));
    for (var plugin :
        Map.of("angaza", angaza.settings(), "sunking", sunking.settings()).entrySet()) {
      ok(gw.put(
          "/api/v1/plugins/" + plugin.getKey(),
          co.adminToken(),
          new JsonObject()
              .put("enabled", true)
              .put("settings", new JsonObject(Map.copyOf(plugin.getValue())))));
    }
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void anOpenBreakerHoldsUnlocksWithoutCallingTheManufacturer() {
    sunking.setFailNext(2);
    for (int i = 0; i < 2; i++) {
      HttpResponse<Buffer> failed = unlock(shs("sunking"));
      assertEquals(502, failed.statusCode(), failed.bodyAsString());
    }
    int vends = sunking.vends().size();
    String serial = shs("sunking");
    HttpResponse<Buffer> held = unlock(serial);
    assertEquals(502, held.statusCode(), held.bodyAsString());
    assertEquals("MANUFACTURER_UNLOCK_FAILED", held.bodyAsJsonObject().getString("code"));
    assertTrue(
        held.bodyAsJsonObject().getString("detail").contains("circuit breaker open"),
        held.bodyAsString());
    assertEquals(vends, sunking.vends().size(), "Sun King, up again, was not called");
    assertEquals(1.0, breakerOpenCount(), "turned away by the breaker token jobs share");
    assertEquals(0, storedUnlocks(serial));
  }

  @Test
  void unlocksBeyondTheManufacturersPermitsAreHeld() {
    // a first unlock so that every later one is a single call, then each takes 3 s to answer
    assertEquals(201, unlock(shs("angaza")).statusCode());
    angaza.setLatency(Duration.ofSeconds(3));
    try {
      List<String> serials = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        serials.add(shs("angaza"));
      }
      int vends = angaza.vends().size();
      Future<HttpResponse<Buffer>> first = send(serials.get(0));
      eventually(
          Duration.ofSeconds(10),
          "the first unlock at Angaza",
          () -> angaza.requestsInFlight() == 1);
      // one permit: the next two wait (the second of them longer than a permit's 5 s wait), the
      // fourth finds the queue full
      List<Future<HttpResponse<Buffer>>> rest = new ArrayList<>();
      for (String serial : serials.subList(1, 4)) {
        rest.add(send(serial));
      }
      List<HttpResponse<Buffer>> answers = new ArrayList<>();
      answers.add(await(first));
      for (Future<HttpResponse<Buffer>> f : rest) {
        answers.add(await(f));
      }
      int unlocked = 0;
      for (int i = 0; i < answers.size(); i++) {
        HttpResponse<Buffer> r = answers.get(i);
        if (r.statusCode() == 201) {
          unlocked++;
          assertEquals(1, storedUnlocks(serials.get(i)));
        } else {
          assertEquals(502, r.statusCode(), r.bodyAsString());
          assertEquals("MANUFACTURER_UNLOCK_FAILED", r.bodyAsJsonObject().getString("code"));
          assertTrue(
              r.bodyAsJsonObject().getString("detail").contains("1 requests in flight"),
              r.bodyAsString());
          assertEquals(0, storedUnlocks(serials.get(i)), "a held unlock stores nothing");
        }
      }
      assertEquals(201, answers.get(0).statusCode());
      assertEquals(2, unlocked, "the first, and the one that waited for its permit");
      assertEquals(vends + 2, angaza.vends().size(), "Angaza saw only the unlocks with a permit");
      assertEquals(1, angaza.maxConcurrentRequests(), "never two at once");
    } finally {
      angaza.setLatency(Duration.ZERO);
    }
  }

  private static Future<HttpResponse<Buffer>> send(String serial) {
    return gw.http
        .postAbs(gw.base + "/api/v1/devices/" + serial + "/tokens")
        .bearerTokenAuthentication(co.adminToken())
        .putHeader("Idempotency-Key", "unlock-" + UUID.randomUUID())
        .sendJsonObject(new JsonObject().put("kind", "UNLOCK").put("reason", "paid off"));
  }

  private static HttpResponse<Buffer> unlock(String serial) {
    return await(send(serial));
  }

  private static long storedUnlocks(String serial) {
    return gw.db.count(
        "SELECT count(*) FROM maintenance_tokens m JOIN devices d ON d.id = m.device_id "
            + "WHERE d.serial = ? AND m.kind = 'UNLOCK'",
        serial);
  }

  private static double breakerOpenCount() {
    Matcher m = SUNKING_BREAKER_OPEN.matcher(gw.metrics());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** An SHS of {@code manufacturer} sold on installments. */
  private static String shs(String manufacturer) {
    String serial = "HU-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
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
            .put("phone", "+254700000779")
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
}
