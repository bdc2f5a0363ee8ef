package io.payg.gateway.telco;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.AirtelSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Airtel Money collection (USSD push): requested by the gateway, settled by Airtel's callback. */
class AirtelCollectionTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static AirtelSimulator airtel;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(AirtelCollectionTest.class, Map.of("COLLECTION_POLL_MS", "200"));
    company = gw.company("Airtel Energy", "TZS", 50_000, 100_000);
    airtel = await(AirtelSimulator.start(gw.app.vertx(), 0));
    // Airtel's callback URL is set once in its portal, not per request
    airtel.setCallbackUrl(gw.base + "/api/v1/telco/airtel/" + company.id() + "/callback");
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/airtel",
        company.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(new HashMap<String, Object>(airtel.settings())))));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void anApprovedPushIsRecordedOnceAndARejectedOneFails() {
    String serial = "ATL-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    HttpResponse<Buffer> r = await(gw.http
        .postAbs(gw.base + "/api/v1/collections")
        .bearerTokenAuthentication(company.adminToken())
        .putHeader("Idempotency-Key", "atl-" + UUID.randomUUID())
        .sendJsonObject(new JsonObject()
            .put("provider", "airtel")
            .put("msisdn", "255754123456")
            .put("serial", serial)
            .put("amount", 500_000)
            .put("currency", "TZS")));
    assertEquals(202, r.statusCode(), r.bodyAsString());
    String id = r.bodyAsJsonObject().getString("id");
    await(airtel.approve(id));
    eventually(
        Duration.ofSeconds(10),
        "collection settled",
        () -> "SUCCEEDED"
            .equals(gw.db.text("SELECT status FROM collections WHERE id = ?::uuid", id)));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM transactions WHERE provider = 'airtel' AND provider_txn_id = ?",
            id));

    HttpResponse<Buffer> second = await(gw.http
        .postAbs(gw.base + "/api/v1/collections")
        .bearerTokenAuthentication(company.adminToken())
        .putHeader("Idempotency-Key", "atl-" + UUID.randomUUID())
        .sendJsonObject(new JsonObject()
            .put("provider", "airtel")
            .put("msisdn", "255754123456")
            .put("serial", serial)
            .put("amount", 500_000)
            .put("currency", "TZS")));
    String rejected = second.bodyAsJsonObject().getString("id");
    await(airtel.reject(rejected, "Insufficient funds"));
    eventually(
        Duration.ofSeconds(10),
        "collection failed",
        () -> "FAILED"
            .equals(gw.db.text("SELECT status FROM collections WHERE id = ?::uuid", rejected)));
    assertEquals(
        0, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", rejected));
  }
}
