package io.payg.gateway.telco;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.VodacomMzSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Vodacom M-Pesa Mozambique: validated like a validation call, pushed, settled on M-Pesa's answer, token issued. */
class VodacomMzCollectionTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static VodacomMzSimulator mpesa;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(VodacomMzCollectionTest.class);
    company =
        gw.company("Mozambique Energy", "MZN", 50_000, 100_000); // 500.00 MZN/kWh, minimum 1,000.00
    mpesa = await(VodacomMzSimulator.start(gw.app.vertx(), 0));
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/vodacom-mz",
        company.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(new HashMap<String, Object>(mpesa.settings())))));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private HttpResponse<Buffer> collect(String serial, long amount, String msisdn) {
    return await(gw.http
        .postAbs(gw.base + "/api/v1/collections")
        .bearerTokenAuthentication(company.adminToken())
        .putHeader("Idempotency-Key", "mz-" + UUID.randomUUID())
        .sendJsonObject(new JsonObject()
            .put("provider", "vodacom-mz")
            .put("msisdn", msisdn)
            .put("serial", serial)
            .put("amount", amount)
            .put("currency", "MZN")));
  }

  @Test
  void validatedThenCollectedThenTheTokenIsIssued() {
    int pushed = mpesa.pushes().size();
    HttpResponse<Buffer> unknown = collect("NO-SUCH-METER", 500_000, "258843330333");
    assertEquals(422, unknown.statusCode(), unknown.bodyAsString());
    assertEquals("DEVICE_NOT_FOUND", unknown.bodyAsJsonObject().getString("code"));
    HttpResponse<Buffer> low = collect(newMeter(), 50_000, "258843330333");
    assertEquals(
        "AMOUNT_BELOW_MINIMUM", low.bodyAsJsonObject().getString("code"), low.bodyAsString());
    assertEquals(
        pushed, mpesa.pushes().size(), "nothing pushed to the payer for a refused collection");

    String serial = newMeter();
    HttpResponse<Buffer> r = collect(serial, 500_000, "258843330333");
    assertEquals(202, r.statusCode(), r.bodyAsString());
    JsonObject collection = r.bodyAsJsonObject();
    assertEquals(
        "SUCCEEDED", collection.getString("status"), "M-Pesa answered the push after the PIN");
    assertTrue(collection.getString("providerTxnId").startsWith("MZ"), collection.encode());
    String id = collection.getString("id");
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM transactions WHERE provider = 'vodacom-mz' AND provider_txn_id = ?",
            id));
    assertEquals(
        500_000L, gw.db.count("SELECT amount FROM transactions WHERE provider_txn_id = ?", id));
    eventually(
        Duration.ofSeconds(15),
        "token",
        () -> "COMPLETED"
            .equals(gw.db.text("SELECT status FROM transactions WHERE provider_txn_id = ?", id)));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM tokens t JOIN transactions x ON x.id = t.transaction_id "
                + "WHERE x.provider_txn_id = ?",
            id));
  }

  @Test
  void aPushTheCustomerCancelsFailsAndRecordsNothing() {
    mpesa.cancelBy("258840000009");
    HttpResponse<Buffer> r = collect(newMeter(), 500_000, "258840000009");
    assertEquals(202, r.statusCode(), r.bodyAsString());
    assertEquals("FAILED", r.bodyAsJsonObject().getString("status"));
    assertTrue(r.bodyAsJsonObject().getString("reason").startsWith("INS-5"), r.bodyAsString());
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM transactions WHERE provider_txn_id = ?",
            r.bodyAsJsonObject().getString("id")));
  }

  private String newMeter() {
    String serial = "MZ-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    return serial;
  }
}
