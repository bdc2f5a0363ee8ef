package io.payg.gateway.token;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.manufacturer.simulator.SparkMeterSimulator;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MANUFACTURER_LIMITS: a slow manufacturer limited to 2 requests at once never sees a third,
 * every token still arrives once, waiting never eats the retry budget, and another
 * manufacturer's tokens go past the queue.
 */
class ManufacturerConcurrencyTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static SparkMeterSimulator sparkMeter;

  @BeforeAll
  static void start() throws Exception {
    // TOKEN_MAX_ATTEMPTS 2: had a deferral counted as an attempt, most calin jobs would end FAILED
    gw = new GatewayFixture(
        ManufacturerConcurrencyTest.class,
        Map.of("MANUFACTURER_LIMITS", "calin=2", "TOKEN_MAX_ATTEMPTS", "2"));
    company = gw.company("Busy Energy");
    sparkMeter = await(SparkMeterSimulator.start(gw.app.vertx(), 0));
    ok(gw.put(
        "/api/v1/plugins/sparkmeter",
        company.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(new HashMap<String, Object>(sparkMeter.settings())))));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void atMostTwoCallsInFlightAllTokensDeliveredAndTheOtherManufacturerIsNotHeldUp() {
    gw.calin.setLatency(Duration.ofMillis(800));
    List<String> calinIds = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String serial = "BUSY-" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
      gw.meterCustomer(company, serial);
      calinIds.add(pay(serial));
    }
    List<String> sparkIds = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String serial = "FREE-" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
      ok(gw.post(
          "/api/v1/customers",
          company.adminToken(),
          new JsonObject()
              .put("name", "Spark " + i)
              .put("phone", "+254700000011")
              .put("villageId", company.villageId())
              .put(
                  "device",
                  new JsonObject()
                      .put("serial", serial)
                      .put("type", "METER")
                      .put("manufacturer", "sparkmeter")
                      .put("tariffId", company.tariffId()))));
      sparkIds.add(pay(serial));
    }

    // 12 calin calls at 2 at a time take ~5 s; SparkMeter's tokens must not wait for them
    eventually(
        Duration.ofSeconds(30), "SparkMeter tokens", () -> completed(sparkIds) == sparkIds.size());
    long calinDoneThen = completed(calinIds);
    assertTrue(
        calinDoneThen < calinIds.size(),
        "SparkMeter finished while Calin's queue was still draining (calin done: " + calinDoneThen
            + ")");

    eventually(
        Duration.ofSeconds(60), "every Calin token", () -> completed(calinIds) == calinIds.size());
    assertEquals(
        2,
        gw.calin.maxConcurrentRequests(),
        "Calin saw at most (and, busy, exactly) 2 requests at once");
    assertEquals(12, gw.calin.vends().size(), "one vend per payment, none doubled");
    String idList = String.join(",", calinIds);
    assertEquals(
        12,
        gw.db.count(
            "SELECT count(*) FROM tokens WHERE transaction_id::text = ANY (string_to_array(?, ','))",
            idList));
    // a job waiting for a permit went back to the outbox without using an attempt
    assertEquals(
        12,
        gw.db.count(
            "SELECT count(*) FROM outbox WHERE kind = 'TOKEN' AND status = 'DONE' AND attempts = 1 "
                + "AND transaction_id::text = ANY (string_to_array(?, ','))",
            idList));

    String metrics = gw.metrics();
    assertTrue(
        metrics.contains("payg_manufacturer_in_flight{manufacturer=\"calin\"} 0.0"),
        "in-flight gauge");
    assertTrue(
        metrics.contains("payg_manufacturer_queued{manufacturer=\"calin\"} 0.0"), "queued gauge");
    assertTrue(
        metrics.matches("(?s).*payg_manufacturer_deferred_total\\{manufacturer=\"calin\"} [1-9].*"),
        "jobs beyond the in-memory queue were deferred to the outbox");
    assertTrue(metrics.contains("payg_outbox_depth{kind=\"TOKEN\"}"), "outbox depth gauge");
    assertTrue(
        metrics.contains("payg_outbox_oldest_seconds{kind=\"TOKEN\"}"), "oldest job age gauge");
  }

  private static String pay(String serial) {
    return ok(await(company
            .provider()
            .process("TX-" + serial, serial, 10_000, "KES", "+254700000000", null)))
        .getString("transactionId");
  }

  private static long completed(List<String> ids) {
    return gw.db.count(
        "SELECT count(*) FROM transactions WHERE status = 'COMPLETED' "
            + "AND id::text = ANY (string_to_array(?, ','))",
        String.join(",", ids));
  }
}
