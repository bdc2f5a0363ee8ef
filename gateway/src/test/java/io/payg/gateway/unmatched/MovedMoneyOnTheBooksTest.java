package io.payg.gateway.unmatched;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.BooksInvariant;
import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.MtnMomoSimulator;
import io.payg.telco.simulator.SafaricomSimulator;
import io.payg.telco.simulator.SafaricomSimulator.C2bPayment;
import io.payg.telco.simulator.SafaricomStkSimulator;
import io.payg.telco.simulator.WaveSimulator;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Money a provider says moved stays on the books whatever the gateway cannot read or book: HTTP
 * in through the real telco routes with the simulators' and the conformance kits' payloads, the
 * database out, and {@link BooksInvariant#check} after each scenario.
 */
class MovedMoneyOnTheBooksTest {

  static final String SHORT_CODE = "600979";
  static final String WAVE_SECRET = "wave_sn_WHS_books_test_secret";
  static GatewayFixture gw;
  static MtnMomoSimulator momo;
  static SafaricomStkSimulator stk;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(MovedMoneyOnTheBooksTest.class, Map.of("COLLECTION_POLL_MS", "200"));
    momo = await(MtnMomoSimulator.start(gw.app.vertx(), 0));
    stk = await(SafaricomStkSimulator.start(gw.app.vertx(), 0));
  }

  @AfterAll
  static void stop() {
    await(stk.stop());
    gw.close();
  }

  private static GatewayFixture.Company daraja(String name, String allowedSources) {
    GatewayFixture.Company c = gw.company(name);
    ok(gw.put(
        "/api/v1/plugins/safaricom",
        c.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put(
                "settings",
                new JsonObject()
                    .put("shortCode", SHORT_CODE)
                    .put("allowedSources", allowedSources))));
    return c;
  }

  private static SafaricomSimulator mpesa(GatewayFixture.Company c) {
    return new SafaricomSimulator(gw.http, gw.base + "/api/v1/telco/ke-c2b/" + c.id());
  }

  private static C2bPayment payment(String serial, String amount) {
    return C2bPayment.payBill(
        "QB" + UUID.randomUUID().toString().substring(0, 8).toUpperCase(),
        SHORT_CODE,
        serial,
        amount,
        "254708374149",
        Instant.now());
  }

  private static String unmatched(GatewayFixture.Company c, String column, String txnId) {
    return gw.db.text(
        "SELECT " + column + " FROM unmatched_payments WHERE company_id = ?::uuid "
            + "AND provider_txn_id = ?",
        c.id(),
        txnId);
  }

  private static long transactions(GatewayFixture.Company c) {
    return gw.db.count("SELECT count(*) FROM transactions WHERE company_id = ?::uuid", c.id());
  }

  @Test
  void
      anAuthenticConfirmationWithAnUnreadableAmountIsKeptOnceAcknowledgedAndAssignedAtTheStatedAmount() {
    GatewayFixture.Company c = daraja("Unreadable Amount", "127.0.0.1/32");
    String serial = "MTR-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(c, serial);
    C2bPayment p = payment(serial, "12,0x");
    // twenty concurrent deliveries of one confirmation (Daraja redelivers; dedupe on TransID)
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      sent.add(mpesa(c).confirmation(p));
    }
    for (Future<HttpResponse<Buffer>> f : sent) {
      HttpResponse<Buffer> r = await(f);
      assertEquals(200, r.statusCode(), r.bodyAsString());
      // the confirmation is always acknowledged with ResultCode 0 (providers.md, Daraja C2B)
      assertEquals(0, r.bodyAsJsonObject().getInteger("ResultCode"), r.bodyAsString());
    }
    assertEquals(
        1L,
        gw.db.count(
            "SELECT count(*) FROM unmatched_payments WHERE company_id = ?::uuid AND provider_txn_id = ?",
            c.id(),
            p.transId()));
    assertEquals(
        "|AMOUNT_UNREADABLE|t|OPEN|" + serial,
        unmatched(
            c,
            "concat_ws('|', coalesce(amount::text, ''), reason, authenticated, status, account_reference)",
            p.transId()));
    assertTrue(unmatched(c, "raw_body", p.transId()).contains("12,0x"), "the raw payload is kept");
    assertEquals(0, transactions(c), "nothing is booked at a made-up amount");
    BooksInvariant.check(gw.db, c.id());

    // the operator sees it without an amount, and must state one to book it
    JsonObject listed = ok(gw.get("/api/v1/unmatched-payments?status=OPEN", c.adminToken()))
        .getJsonArray("items")
        .getJsonObject(0);
    assertEquals(p.transId(), listed.getString("providerTxnId"));
    assertTrue(listed.containsKey("amount") && listed.getValue("amount") == null, listed.encode());
    String id = listed.getString("id");
    HttpResponse<Buffer> noAmount = gw.post(
        "/api/v1/unmatched-payments/" + id + "/assign",
        c.adminToken(),
        new JsonObject().put("serial", serial));
    assertEquals(422, noAmount.statusCode(), noAmount.bodyAsString());
    assertEquals("AMOUNT_REQUIRED", noAmount.bodyAsJsonObject().getString("code"));
    assertEquals(0, transactions(c));
    JsonObject txn = ok(gw.post(
        "/api/v1/unmatched-payments/" + id + "/assign",
        c.adminToken(),
        new JsonObject().put("serial", serial).put("amount", 12_000)));
    assertEquals(12_000L, txn.getLong("amount"));
    assertEquals(p.transId(), txn.getString("providerTxnId"));
    assertEquals("ASSIGNED", unmatched(c, "status", p.transId()));
    // a late redelivery books nothing more
    assertEquals(0, await(mpesa(c).confirmation(p)).bodyAsJsonObject().getInteger("ResultCode"));
    assertEquals(1, transactions(c));
    BooksInvariant.check(gw.db, c.id());
  }

  @Test
  void aMissingAmountIsKeptAndCanBeDismissedButUnauthenticatedJunkIsRefusedAndStoresNothing() {
    GatewayFixture.Company c = daraja("Missing Amount", "127.0.0.1/32");
    C2bPayment p = payment("MTR-ANY", "1.00");
    JsonObject body = new JsonObject(p.body());
    body.remove("TransAmount");
    body.remove("BillRefNumber");
    HttpResponse<Buffer> r = await(mpesa(c).send("confirmation", body.toBuffer()));
    assertEquals(0, r.bodyAsJsonObject().getInteger("ResultCode"), r.bodyAsString());
    assertEquals(
        "|AMOUNT_UNREADABLE|",
        unmatched(
            c,
            "concat_ws('|', coalesce(amount::text, ''), reason, account_reference)",
            p.transId()));
    String id = unmatched(c, "id", p.transId());
    JsonObject dismissed = ok(gw.post(
        "/api/v1/unmatched-payments/" + id + "/dismiss",
        c.adminToken(),
        new JsonObject().put("reason", "refunded at the counter, amount per statement 1.00")));
    assertEquals("DISMISSED", dismissed.getString("status"));
    assertNull(dismissed.getValue("amount"));
    BooksInvariant.check(gw.db, c.id());

    // the same unreadable confirmation from an address not on the allow-list: refused, not kept
    GatewayFixture.Company locked = daraja("Locked Sources", "10.9.9.9/32");
    C2bPayment junk = payment("MTR-ANY", "12,0x");
    HttpResponse<Buffer> refused = await(mpesa(locked).confirmation(junk));
    assertTrue(
        refused.bodyAsJsonObject().getValue("ResultCode") instanceof String,
        refused.bodyAsString());
    assertEquals(
        0L,
        gw.db.count(
            "SELECT count(*) FROM unmatched_payments WHERE company_id = ?::uuid", locked.id()));
  }

  // ------------------------------------------------------------------ Wave reversals

  static Buffer kit(String file) {
    try (InputStream in =
        MovedMoneyOnTheBooksTest.class.getResourceAsStream("/conformance/wave/" + file)) {
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("conformance file " + file, e);
    }
  }

  private static WaveSimulator wave(GatewayFixture.Company c) {
    ok(gw.put(
        "/api/v1/plugins/wave",
        c.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject().put("webhookSecret", WAVE_SECRET))));
    return new WaveSimulator(gw.http, gw.base + "/api/v1/telco/wave/" + c.id(), WAVE_SECRET);
  }

  @Test
  void aWaveReversalOfADismissedUnmatchedPaymentIsRecordedAsItsReversal() {
    GatewayFixture.Company c = gw.company("Wave Dismissed Reversal", "XOF", 150, 500);
    WaveSimulator w = wave(c);
    HttpResponse<Buffer> kept = await(w.send(kit("checkout.unknown_reference.json")));
    assertEquals(true, kept.bodyAsJsonObject().getBoolean("kept"), kept.bodyAsString());
    String id = unmatched(c, "id", "TUNKNOWNREF1");
    ok(gw.post(
        "/api/v1/unmatched-payments/" + id + "/dismiss",
        c.adminToken(),
        new JsonObject().put("reason", "not ours: paid to the wrong merchant")));
    BooksInvariant.check(gw.db, c.id());

    Buffer reversal = kit("merchant.payment_reversed.unmatched.json");
    HttpResponse<Buffer> r = await(w.send(reversal));
    // Wave retries any non-2xx for days (sources:
    // gateway/src/test/resources/conformance/wave/README.md)
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(true, r.bodyAsJsonObject().getBoolean("reversed"), r.bodyAsString());
    String reversalId = r.bodyAsJsonObject().getString("reversalId");
    assertEquals("REVERSED", unmatched(c, "status", "TUNKNOWNREF1"));
    assertTrue(
        unmatched(c, "resolution", "TUNKNOWNREF1").contains("not ours"),
        "the dismissal's reason is kept");
    assertEquals(
        "PROVIDER|1000",
        gw.db.text(
            "SELECT concat_ws('|', source, amount) FROM reversals WHERE unmatched_payment_id = ?::uuid",
            id));
    assertEquals(reversalId, await(w.send(reversal)).bodyAsJsonObject().getString("reversalId"));
    assertEquals(
        1L,
        gw.db.count("SELECT count(*) FROM reversals WHERE company_id = ?::uuid", c.id()),
        "a redelivery reverses nothing more");
    BooksInvariant.Line line = BooksInvariant.check(gw.db, c.id()).get(0);
    assertEquals(1000L, line.reversed());
    assertEquals(0L, line.dismissed());
  }

  // ------------------------------------------------------------------ request-to-pay

  @Test
  void aMomoCollectionReportedSuccessfulInAnUnreadableAmountIsKeptNeverFailed() {
    GatewayFixture.Company c = gw.company("MoMo Unreadable");
    ok(gw.put(
        "/api/v1/plugins/mtn-momo",
        c.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(Map.copyOf(momo.settings())))));
    String serial = "MOMO-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(c, serial);
    momo.setCallbacks(false);
    String id;
    try {
      HttpResponse<Buffer> r = await(gw.http
          .postAbs(gw.base + "/api/v1/collections")
          .bearerTokenAuthentication(c.adminToken())
          .putHeader("Idempotency-Key", "col-" + UUID.randomUUID())
          .sendJsonObject(new JsonObject()
              .put("provider", "mtn-momo")
              .put("msisdn", "256772123456")
              .put("serial", serial)
              .put("amount", 10_000)
              .put("currency", "KES")));
      assertEquals(202, r.statusCode(), r.bodyAsString());
      id = r.bodyAsJsonObject().getString("id");
      await(momo.approve(id));
      // MoMo's status object carries amount as a string (momodeveloper.mtn.com RequestToPay
      // schema); here one nobody can read, with the payer's money gone
      momo.scriptStatus(
          id,
          200,
          "{\"amount\":\"100,0x\",\"currency\":\"KES\",\"financialTransactionId\":\"77001\","
              + "\"externalId\":\"" + id + "\",\"status\":\"SUCCESSFUL\"}");
      gw.db.count(
          "WITH u AS (UPDATE collections SET next_poll_at = now() WHERE id = ?::uuid RETURNING 1) "
              + "SELECT count(*) FROM u",
          id);
      String collection = id;
      eventually(
          Duration.ofSeconds(10),
          "the poller settles it",
          () -> !"PENDING"
              .equals(gw.db.text("SELECT status FROM collections WHERE id = ?::uuid", collection)));
    } finally {
      momo.setCallbacks(true);
    }
    JsonObject col = ok(gw.get("/api/v1/collections/" + id, c.adminToken()));
    assertEquals("SUCCEEDED", col.getString("status"), col.encode());
    assertEquals(
        "|AMOUNT_UNREADABLE|OPEN|t",
        unmatched(
            c, "concat_ws('|', coalesce(amount::text, ''), reason, status, authenticated)", id));
    assertEquals(
        unmatched(c, "id", id),
        gw.db.text("SELECT unmatched_payment_id::text FROM collections WHERE id = ?::uuid", id));
    assertEquals(0, transactions(c), "never booked as the request");
    BooksInvariant.check(gw.db, c.id());
  }

  // ------------------------------------------------------------------ one M-Pesa receipt, two
  // calls

  /** A company taking both M-Pesa Express (STK) and pay-bill C2B confirmations on one short code. */
  private static GatewayFixture.Company mpesaBoth(String name) {
    GatewayFixture.Company c = gw.company(name);
    ok(gw.put(
        "/api/v1/plugins/safaricom-stk",
        c.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(new HashMap<String, Object>(stk.settings())))));
    ok(gw.put(
        "/api/v1/plugins/safaricom",
        c.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put(
                "settings",
                new JsonObject()
                    .put("shortCode", SafaricomStkSimulator.SHORT_CODE)
                    .put("allowedSources", "127.0.0.1/32"))));
    return c;
  }

  /** Starts a push of 100.00 KES for {@code serial}; answers [collection id, CheckoutRequestID]. */
  private static String[] push(GatewayFixture.Company c, String serial) {
    HttpResponse<Buffer> r = await(gw.http
        .postAbs(gw.base + "/api/v1/collections")
        .bearerTokenAuthentication(c.adminToken())
        .putHeader("Idempotency-Key", "stk-" + UUID.randomUUID())
        .sendJsonObject(new JsonObject()
            .put("provider", "safaricom-stk")
            .put("msisdn", "254708374149")
            .put("serial", serial)
            .put("amount", 10_000)
            .put("currency", "KES")));
    assertEquals(202, r.statusCode(), r.bodyAsString());
    return new String[] {
      r.bodyAsJsonObject().getString("id"), stk.pushFor(serial).checkoutRequestId()
    };
  }

  /**
   * The STK result callback for a push approved with {@code receipt}, in Daraja's success sample
   * shape (https://developer.safaricom.co.ke/apis/MpesaExpressSimulate, "Callback Payload").
   */
  private static Future<HttpResponse<Buffer>> stkCallback(
      GatewayFixture.Company c, String checkout, String receipt) {
    JsonArray items = new JsonArray()
        .add(new JsonObject().put("Name", "Amount").put("Value", 100.0))
        .add(new JsonObject().put("Name", "MpesaReceiptNumber").put("Value", receipt))
        .add(new JsonObject().put("Name", "TransactionDate").put("Value", 20261201101500L))
        .add(new JsonObject().put("Name", "PhoneNumber").put("Value", 254708374149L));
    JsonObject stkCallback = new JsonObject()
        .put("MerchantRequestID", "29115-34620561-1")
        .put("CheckoutRequestID", checkout)
        .put("ResultCode", 0)
        .put("ResultDesc", "The service request is processed successfully.")
        .put("CallbackMetadata", new JsonObject().put("Item", items));
    return gw.http
        .postAbs(gw.base + "/api/v1/telco/safaricom-stk/" + c.id() + "/callback")
        .sendJsonObject(
            new JsonObject().put("Body", new JsonObject().put("stkCallback", stkCallback)));
  }

  /** The pay bill's C2B confirmation of the same payment: TransID is the M-Pesa receipt. */
  private static Future<HttpResponse<Buffer>> c2b(
      GatewayFixture.Company c, String receipt, String serial) {
    return mpesa(c)
        .confirmation(C2bPayment.payBill(
            receipt,
            SafaricomStkSimulator.SHORT_CODE,
            serial,
            "100.00",
            "254708374149",
            Instant.now()));
  }

  private static String collectionStatus(String id) {
    return gw.db.text("SELECT status FROM collections WHERE id = ?::uuid", id);
  }

  /** Exactly one transaction for the receipt, the collection pointing at it, and the books balanced. */
  private static void bookedOnce(GatewayFixture.Company c, String collection, String receipt) {
    eventually(
        Duration.ofSeconds(10),
        "collection settled",
        () -> "SUCCEEDED".equals(collectionStatus(collection)));
    assertEquals(1, transactions(c), "one payment, one transaction");
    assertEquals(
        "safaricom|" + receipt + "|10000",
        gw.db.text(
            "SELECT concat_ws('|', provider, provider_txn_id, amount) FROM transactions "
                + "WHERE company_id = ?::uuid",
            c.id()));
    assertEquals(
        gw.db.text("SELECT id::text FROM transactions WHERE company_id = ?::uuid", c.id()),
        gw.db.text("SELECT transaction_id::text FROM collections WHERE id = ?::uuid", collection));
    assertEquals(
        0L,
        gw.db.count("SELECT count(*) FROM unmatched_payments WHERE company_id = ?::uuid", c.id()));
    assertEquals(
        0L, gw.db.count("SELECT count(*) FROM conflicts WHERE company_id = ?::uuid", c.id()));
    BooksInvariant.check(gw.db, c.id());
  }

  @Test
  void anStkPushAndItsC2bConfirmationBookOnceWhenThePushComesFirst() {
    GatewayFixture.Company c = mpesaBoth("STK then C2B");
    String serial = "STK-" + UUID.randomUUID().toString().substring(0, 7);
    gw.meterCustomer(c, serial);
    String[] p = push(c, serial);
    String receipt = await(stk.approve(p[1])); // the simulator calls back at once
    eventually(
        Duration.ofSeconds(10),
        "collection settled",
        () -> "SUCCEEDED".equals(collectionStatus(p[0])));
    HttpResponse<Buffer> r = await(c2b(c, receipt, serial));
    assertEquals(0, r.bodyAsJsonObject().getInteger("ResultCode"), r.bodyAsString());
    bookedOnce(c, p[0], receipt);
  }

  @Test
  void anStkPushAndItsC2bConfirmationBookOnceWhenTheConfirmationComesFirst() {
    GatewayFixture.Company c = mpesaBoth("C2B then STK");
    String serial = "STK-" + UUID.randomUUID().toString().substring(0, 7);
    gw.meterCustomer(c, serial);
    String[] p = push(c, serial);
    stk.setCallbacks(false);
    String receipt;
    try {
      receipt = await(stk.approve(p[1]));
    } finally {
      stk.setCallbacks(true);
    }
    HttpResponse<Buffer> r = await(c2b(c, receipt, serial));
    assertEquals(0, r.bodyAsJsonObject().getInteger("ResultCode"), r.bodyAsString());
    assertEquals(1, transactions(c));
    assertEquals(200, await(stkCallback(c, p[1], receipt)).statusCode());
    bookedOnce(c, p[0], receipt);
  }

  @Test
  void anStkPushAndItsC2bConfirmationRacingBookOnce() {
    GatewayFixture.Company c = mpesaBoth("STK and C2B racing");
    String serial = "STK-" + UUID.randomUUID().toString().substring(0, 7);
    gw.meterCustomer(c, serial);
    String[] p = push(c, serial);
    stk.setCallbacks(false);
    String receipt;
    try {
      receipt = await(stk.approve(p[1]));
    } finally {
      stk.setCallbacks(true);
    }
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      sent.add(stkCallback(c, p[1], receipt));
      sent.add(c2b(c, receipt, serial));
    }
    for (Future<HttpResponse<Buffer>> f : sent) {
      HttpResponse<Buffer> r = await(f);
      assertEquals(200, r.statusCode(), r.bodyAsString());
      assertEquals(0, r.bodyAsJsonObject().getInteger("ResultCode"), r.bodyAsString());
    }
    bookedOnce(c, p[0], receipt);
  }
}
