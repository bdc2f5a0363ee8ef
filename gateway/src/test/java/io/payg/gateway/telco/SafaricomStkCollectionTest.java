package io.payg.gateway.telco;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.SafaricomStkSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Safaricom M-Pesa Express (STK push) through POST /api/v1/collections, against Daraja's simulator. */
class SafaricomStkCollectionTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static SafaricomStkSimulator daraja;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(SafaricomStkCollectionTest.class, Map.of("COLLECTION_POLL_MS", "200"));
    company = gw.company("Express Energy");
    daraja = await(SafaricomStkSimulator.start(gw.app.vertx(), 0));
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/safaricom-stk",
        company.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(new HashMap<String, Object>(daraja.settings())))));
  }

  @AfterAll
  static void stop() {
    await(daraja.stop());
    gw.close();
  }

  static String serial() {
    return "STK-" + UUID.randomUUID().toString().substring(0, 7);
  }

  static HttpResponse<Buffer> collect(String serial, long amount) {
    return await(gw.http
        .postAbs(gw.base + "/api/v1/collections")
        .bearerTokenAuthentication(company.adminToken())
        .putHeader("Idempotency-Key", "stk-" + UUID.randomUUID())
        .sendJsonObject(new JsonObject()
            .put("provider", "safaricom-stk")
            .put("msisdn", "254708374149")
            .put("serial", serial)
            .put("amount", amount)
            .put("currency", "KES")));
  }

  static String status(String id) {
    return gw.db.text("SELECT status FROM collections WHERE id = ?::uuid", id);
  }

  @Test
  void anApprovedPushIsRecordedOnceUnderItsMpesaReceipt() {
    String serial = serial();
    gw.meterCustomer(company, serial);
    HttpResponse<Buffer> r = collect(serial, 10_000);
    assertEquals(202, r.statusCode(), r.bodyAsString());
    String id = r.bodyAsJsonObject().getString("id");
    SafaricomStkSimulator.Push push = daraja.pushFor(serial);
    assertNotNull(push, "Daraja received the push");
    assertEquals(100, push.amount());
    assertEquals("CustomerPayBillOnline", push.transactionType());
    assertEquals(
        push.checkoutRequestId(),
        gw.db.text("SELECT provider_request_id FROM collections WHERE id = ?::uuid", id));
    String receipt = await(daraja.approve(push.checkoutRequestId()));
    eventually(Duration.ofSeconds(10), "collection settled", () -> "SUCCEEDED".equals(status(id)));
    assertEquals(
        receipt, gw.db.text("SELECT provider_txn_id FROM collections WHERE id = ?::uuid", id));
    // booked under the pay bill's own key for that receipt: its C2B confirmation is then a replay
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM transactions WHERE provider = 'safaricom' AND provider_txn_id = ?",
            receipt));
    assertEquals(
        10_000L, gw.db.count("SELECT amount FROM transactions WHERE provider_txn_id = ?", receipt));
    SafaricomStkSimulator.Callback cb = daraja.callbacks().stream()
        .filter(c -> c.checkoutRequestId().equals(push.checkoutRequestId()))
        .findFirst()
        .orElseThrow();
    assertEquals(200, cb.httpStatus());
    assertEquals(0, cb.answer().getInteger("ResultCode"));
  }

  @Test
  void aPushThePayerCancelsFailsWith1032AndBooksNothing() {
    String serial = serial();
    gw.meterCustomer(company, serial);
    String id = collect(serial, 10_000).bodyAsJsonObject().getString("id");
    await(
        daraja.fail(daraja.pushFor(serial).checkoutRequestId(), 1032, "Request cancelled by user"));
    eventually(Duration.ofSeconds(10), "collection failed", () -> "FAILED".equals(status(id)));
    assertTrue(
        gw.db.text("SELECT reason FROM collections WHERE id = ?::uuid", id).startsWith("1032"));
    assertEquals(0, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", id));
  }

  @Test
  void aSuccessCallbackAfterThePushFailedIsKeptFlaggedNotLost() {
    String serial = serial();
    gw.meterCustomer(company, serial);
    String id = collect(serial, 10_000).bodyAsJsonObject().getString("id");
    String checkout = daraja.pushFor(serial).checkoutRequestId();
    await(daraja.fail(checkout, 1037, "DS timeout user cannot be reached."));
    eventually(Duration.ofSeconds(10), "collection failed", () -> "FAILED".equals(status(id)));
    // later M-Pesa says it went through after all: the collection stays FAILED, the money is kept
    // for an operator
    JsonObject late = new JsonObject()
        .put(
            "Body",
            new JsonObject()
                .put(
                    "stkCallback",
                    new JsonObject()
                        .put("MerchantRequestID", "29115-34620561-1")
                        .put("CheckoutRequestID", checkout)
                        .put("ResultCode", 0)
                        .put("ResultDesc", "The service request is processed successfully.")
                        .put(
                            "CallbackMetadata",
                            new JsonObject()
                                .put(
                                    "Item",
                                    new JsonArray()
                                        .add(new JsonObject()
                                            .put("Name", "Amount")
                                            .put("Value", 100.0))
                                        .add(new JsonObject()
                                            .put("Name", "MpesaReceiptNumber")
                                            .put("Value", "SLATE00001"))
                                        .add(new JsonObject()
                                            .put("Name", "TransactionDate")
                                            .put("Value", 20261201101500L))
                                        .add(new JsonObject()
                                            .put("Name", "PhoneNumber")
                                            .put("Value", 254708374149L))))));
    HttpResponse<Buffer> r = await(gw.http
        .postAbs(gw.base + "/api/v1/telco/safaricom-stk/" + company.id() + "/callback")
        .sendJsonObject(late));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("FAILED", status(id));
    assertEquals(
        1,
        gw.db.count("SELECT count(*) FROM unmatched_payments WHERE provider_txn_id = 'SLATE00001' "
            + "AND NOT authenticated AND amount = 10000"));
    assertEquals(0, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", id));
  }

  @Test
  void aLostCallbackIsSettledByTheStkQuery() {
    String serial = serial();
    gw.meterCustomer(company, serial);
    daraja.setCallbacks(false);
    try {
      String id = collect(serial, 20_000).bodyAsJsonObject().getString("id");
      await(daraja.approve(daraja.pushFor(serial).checkoutRequestId()));
      // the poller's first check is 30 s after the request: ask now, as the poller would
      gw.db.count("UPDATE collections SET next_poll_at = now() WHERE id = ?::uuid RETURNING 1", id);
      eventually(
          Duration.ofSeconds(15),
          "collection settled by the query",
          () -> "SUCCEEDED".equals(status(id)));
      assertEquals(
          1, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", id));
      // the query names no receipt: none is invented
      assertNull(gw.db.text("SELECT provider_txn_id FROM collections WHERE id = ?::uuid", id));
    } finally {
      daraja.setCallbacks(true);
    }
  }

  @Test
  void aLockedSubscriberOrShillingFractionsFailAtOnce() {
    String serial = serial();
    gw.meterCustomer(company, serial);
    daraja.setLockedSubscriber(true);
    try {
      HttpResponse<Buffer> r = collect(serial, 10_000);
      assertEquals("FAILED", r.bodyAsJsonObject().getString("status"), r.bodyAsString());
      assertTrue(r.bodyAsJsonObject().getString("reason").contains("500.001.1001"));
    } finally {
      daraja.setLockedSubscriber(false);
    }
    HttpResponse<Buffer> cents = collect(serial, 10_050);
    assertEquals("FAILED", cents.bodyAsJsonObject().getString("status"), cents.bodyAsString());
  }
}
