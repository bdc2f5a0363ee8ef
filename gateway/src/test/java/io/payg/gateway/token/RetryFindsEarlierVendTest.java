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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SparkMeter credits money without an idempotency key: a first attempt whose answer was lost after
 * the site credited must not credit again. With the Koios settings the retry asks the
 * organisation's history for the transaction's external_id and stores the vend it finds.
 */
class RetryFindsEarlierVendTest {

  static GatewayFixture gw;
  static SparkMeterSimulator sparkMeter;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(RetryFindsEarlierVendTest.class);
    sparkMeter = await(SparkMeterSimulator.start(gw.app.vertx(), 0));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  GatewayFixture.Company company(String name, Map<String, String> settings) {
    GatewayFixture.Company company = gw.company(name);
    ok(gw.put(
        "/api/v1/plugins/sparkmeter",
        company.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(new HashMap<String, Object>(settings)))));
    return company;
  }

  /** Pays for a new SparkMeter meter whose first credit's answer is lost; returns (serial, transaction id). */
  String[] payWithLostAnswer(GatewayFixture.Company company) {
    String serial = "SPK-" + UUID.randomUUID().toString().substring(0, 8);
    ok(gw.post(
        "/api/v1/customers",
        company.adminToken(),
        new JsonObject()
            .put("name", "Spark Customer")
            .put("phone", "+254700000011")
            .put("villageId", company.villageId())
            .put(
                "device",
                new JsonObject()
                    .put("serial", serial)
                    .put("type", "METER")
                    .put("manufacturer", "sparkmeter")
                    .put("tariffId", company.tariffId()))));
    sparkMeter.loseAnswerAfterCredit(1);
    String id = ok(await(company
            .provider()
            .process("SPK-" + serial, serial, 50_000, "KES", "+254700000011", null)))
        .getString("transactionId");
    eventually(
        Duration.ofSeconds(15),
        "token",
        () -> "COMPLETED"
            .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", id)));
    return new String[] {serial, id};
  }

  List<SparkMeterSimulator.Vend> vendsOf(String serial) {
    return sparkMeter.vends().stream().filter(v -> v.serial().equals(serial)).toList();
  }

  @Test
  void theRetryFindsTheCreditOfTheLostAnswerAndCreditsNothingNew() {
    Map<String, String> settings = new HashMap<>(sparkMeter.settings());
    settings.putAll(sparkMeter.koiosSettings());
    String[] paid = payWithLostAnswer(company("Spark Koios", settings));
    List<SparkMeterSimulator.Vend> vends = vendsOf(paid[0]);
    assertEquals(1, vends.size(), "one credit for one payment: " + vends);
    assertEquals(paid[1], vends.get(0).externalId());
    // the stored token is the credit the first attempt made, found by the second
    assertEquals(
        vends.get(0).token(),
        gw.db.text("SELECT value FROM tokens WHERE transaction_id = ?::uuid", paid[1]));
    assertEquals(
        "1", gw.db.text("SELECT count(*) FROM tokens WHERE transaction_id = ?::uuid", paid[1]));
    assertTrue(
        Integer.parseInt(gw.db.text(
                "SELECT attempts FROM outbox WHERE kind = 'TOKEN' AND transaction_id = ?::uuid",
                paid[1]))
            >= 2,
        "the first attempt failed");
  }

  @Test
  void withoutKoiosTheRetryCannotTellAndCreditsAgain() {
    // what a site without the organisation credentials allows: the operator reconciles on
    // external_id
    String[] paid = payWithLostAnswer(company("Spark Site Only", sparkMeter.settings()));
    List<SparkMeterSimulator.Vend> vends = vendsOf(paid[0]);
    assertEquals(2, vends.size(), "cannot tell, so the retry credits again: " + vends);
    assertEquals(
        vends.get(1).token(),
        gw.db.text("SELECT value FROM tokens WHERE transaction_id = ?::uuid", paid[1]));
  }
}
