package io.payg.gateway.telco;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.MtnMomoSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Request-to-pay with MTN MoMo: the gateway asks, the payer approves, the callback or the poller settles it. */
class MtnMomoCollectionTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static MtnMomoSimulator momo;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(MtnMomoCollectionTest.class, Map.of("COLLECTION_POLL_MS", "200"));
    company = gw.company("MoMo Energy");
    momo = await(MtnMomoSimulator.start(gw.app.vertx(), 0));
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/mtn-momo",
        company.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(Map.copyOf(momo.settings())))));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private HttpResponse<Buffer> collect(String key, String serial, long amount) {
    return await(gw.http
        .postAbs(gw.base + "/api/v1/collections")
        .bearerTokenAuthentication(company.adminToken())
        .putHeader("Idempotency-Key", key)
        .sendJsonObject(new JsonObject()
            .put("provider", "mtn-momo")
            .put("msisdn", "256772123456")
            .put("serial", serial)
            .put("amount", amount)
            .put("currency", "KES")));
  }

  private String newMeter() {
    String serial = "MOMO-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    return serial;
  }

  @Test
  void anApprovedCollectionIsRecordedOnceByItsCallback() {
    String serial = newMeter();
    String key = "col-" + UUID.randomUUID();
    HttpResponse<Buffer> r = collect(key, serial, 10_000);
    assertEquals(202, r.statusCode(), r.bodyAsString());
    String id = r.bodyAsJsonObject().getString("id");
    assertEquals("PENDING", r.bodyAsJsonObject().getString("status"));
    assertEquals(
        id,
        collect(key, serial, 10_000).bodyAsJsonObject().getString("id"),
        "same key, same collection");
    assertEquals(409, collect(key, serial, 20_000).statusCode());
    assertEquals(
        1, momo.requests().stream().filter(q -> q.reference().equals(id)).count());

    await(momo.approve(id)); // MoMo calls back once (PUT)
    eventually(
        Duration.ofSeconds(10),
        "collection settled",
        () -> "SUCCEEDED"
            .equals(GatewayFixture.ok(gw.get("/api/v1/collections/" + id, company.adminToken()))
                .getString("status")));
    JsonObject c = GatewayFixture.ok(gw.get("/api/v1/collections/" + id, company.adminToken()));
    String txn = c.getString("transactionId");
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM transactions WHERE provider = 'mtn-momo' AND provider_txn_id = ?",
            id));
    eventually(
        Duration.ofSeconds(15),
        "token",
        () -> "COMPLETED"
            .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", txn)));
  }

  @Test
  void aLostCallbackIsCaughtByThePoller() {
    String serial = newMeter();
    momo.setCallbacks(false);
    try {
      String id =
          collect("col-" + UUID.randomUUID(), serial, 10_000).bodyAsJsonObject().getString("id");
      await(momo.approve(id));
      // the poller's first look is 30 s after the request: bring it forward, as time passing would
      gw.db.count(
          "WITH u AS (UPDATE collections SET next_poll_at = now() WHERE id = ?::uuid RETURNING 1) SELECT count(*) "
              + "FROM u",
          id);
      eventually(
          Duration.ofSeconds(10),
          "poller settles it",
          () -> "SUCCEEDED"
              .equals(gw.db.text("SELECT status FROM collections WHERE id = ?::uuid", id)));
      assertEquals(
          1, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", id));
    } finally {
      momo.setCallbacks(true);
    }
  }

  @Test
  void aRejectedCollectionFailsAndStoresNoPayment() {
    String serial = newMeter();
    String id =
        collect("col-" + UUID.randomUUID(), serial, 10_000).bodyAsJsonObject().getString("id");
    await(momo.reject(id, "APPROVAL_REJECTED"));
    eventually(
        Duration.ofSeconds(10),
        "collection failed",
        () -> "FAILED".equals(gw.db.text("SELECT status FROM collections WHERE id = ?::uuid", id)));
    assertEquals(0, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", id));
  }

  @Test
  void aCollectionThatWouldBeRefusedIsNeverRequested() {
    int before = momo.requests().size();
    HttpResponse<Buffer> unknown = collect("col-" + UUID.randomUUID(), "NO-SUCH-METER", 10_000);
    assertEquals(422, unknown.statusCode());
    assertEquals("DEVICE_NOT_FOUND", unknown.bodyAsJsonObject().getString("code"));
    assertEquals(
        422,
        collect("col-" + UUID.randomUUID(), newMeter(), 100).statusCode()); // below the minimum
    assertEquals(before, momo.requests().size());
    assertEquals(0, gw.db.count("SELECT count(*) FROM collections WHERE serial = 'NO-SUCH-METER'"));
  }
}
