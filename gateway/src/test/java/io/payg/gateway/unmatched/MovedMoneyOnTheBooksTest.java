package io.payg.gateway.unmatched;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.BooksInvariant;
import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.SafaricomSimulator;
import io.payg.telco.simulator.SafaricomSimulator.C2bPayment;
import io.payg.telco.simulator.WaveSimulator;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(MovedMoneyOnTheBooksTest.class);
  }

  @AfterAll
  static void stop() {
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
    return gw.db.count(
        "SELECT count(*) FROM transactions WHERE company_id = ?::uuid", c.id());
  }

  @Test
  void anAuthenticConfirmationWithAnUnreadableAmountIsKeptOnceAcknowledgedAndAssignedAtTheStatedAmount() {
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
        refused.bodyAsJsonObject().getValue("ResultCode") instanceof String, refused.bodyAsString());
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
    // Wave retries any non-2xx for days (sources: gateway/src/test/resources/conformance/wave/README.md)
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
}
