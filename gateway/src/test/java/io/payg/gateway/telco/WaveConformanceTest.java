package io.payg.gateway.telco;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.WaveSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Wave's published webhook payloads ({@code src/test/resources/conformance/wave/}, sources in its
 * README) replayed through the gateway over HTTP with both of Wave's security strategies: the
 * answer Wave expects and what the database then holds.
 */
class WaveConformanceTest {

  static final String SECRET = "wave_sn_WHS_xz4m6g8rjs9bshxy05xj4khcvjv7j3hcp4fbpvv6met0zdrjvezg";
  static final String OLD_SECRET = "wave_sn_WHS_previous_secret_before_rotation";
  static final String BEARER_SECRET = "wave_sn_WHS_shared_secret_of_the_bearer_webhook";
  static GatewayFixture gw;
  static GatewayFixture.Company signing;
  static GatewayFixture.Company shared;
  static WaveSimulator wave;
  static WaveSimulator bearerWave;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(WaveConformanceTest.class);
    signing = gw.company("Wave Signing", "XOF", 150, 500); // 150 XOF/kWh, minimum 500 XOF
    ok(gw.put(
        "/api/v1/plugins/wave",
        signing.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put(
                "settings",
                new JsonObject()
                    .put("webhookSecret", SECRET)
                    .put("previousWebhookSecret", OLD_SECRET))));
    shared = gw.company("Wave Shared", "XOF", 150, 500);
    ok(gw.put(
        "/api/v1/plugins/wave",
        shared.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put(
                "settings",
                new JsonObject()
                    .put("webhookSecret", BEARER_SECRET)
                    .put("webhookStrategy", "SHARED_SECRET"))));
    // the devices the published examples name
    gw.meterCustomer(signing, "order_12345");
    gw.meterCustomer(signing, "abc-123");
    gw.meterCustomer(shared, "abc-123");
    wave = new WaveSimulator(gw.http, gw.base + "/api/v1/telco/wave/" + signing.id(), SECRET);
    bearerWave = new WaveSimulator(
            gw.http, gw.base + "/api/v1/telco/wave/" + shared.id(), BEARER_SECRET)
        .withSharedSecret();
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static Buffer kit(String file) {
    try (InputStream in =
        WaveConformanceTest.class.getResourceAsStream("/conformance/wave/" + file)) {
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("conformance file " + file, e);
    }
  }

  private long transactions(GatewayFixture.Company c, String txnId) {
    return gw.db.count(
        "SELECT count(*) FROM transactions WHERE company_id = ?::uuid AND provider = 'wave' "
            + "AND provider_txn_id = ?",
        c.id(),
        txnId);
  }

  private static void assertUnauthenticated(HttpResponse<Buffer> r) {
    assertEquals(401, r.statusCode(), r.bodyAsString());
    assertEquals("UNAUTHENTICATED", r.bodyAsJsonObject().getString("code"));
  }

  private static JsonObject assertRecorded(HttpResponse<Buffer> r) {
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(true, body.getBoolean("received"));
    assertEquals(true, body.getBoolean("recorded"), r.bodyAsString());
    assertNotNull(body.getString("transactionId"));
    return body;
  }

  @Test
  void aCheckoutWithFreshStaleWrongAndRotatedSignatures() {
    Buffer body = kit("checkout.session.completed.json");
    assertUnauthenticated(await(wave.stale(600).send(body)));
    assertUnauthenticated(
        await(wave.sendSigned(body, wave.signatureHeader(body, "wave_sn_WHS_not_this_webhook"))));
    assertUnauthenticated(await(wave.sendSigned(body, null)));
    assertEquals(0, transactions(signing, "TDH5TEWTLFE"), "a refused delivery books nothing");

    JsonObject first = assertRecorded(await(wave.send(body)));
    assertEquals(
        1000L,
        gw.db.count(
            "SELECT amount FROM transactions WHERE company_id = ?::uuid AND provider_txn_id = ?",
            signing.id(),
            "TDH5TEWTLFE"),
        "a checkout's amount is what the customer paid");
    assertEquals(
        "order_12345",
        gw.db.text("SELECT serial FROM transactions WHERE provider_txn_id = ?", "TDH5TEWTLFE"));
    // a rotation: the old and the new webhook both deliver; the second delivery is a replay
    List<HttpResponse<Buffer>> both = await(wave.rotated(body, OLD_SECRET));
    for (HttpResponse<Buffer> r : both) {
      assertEquals(first.getString("transactionId"), assertRecorded(r).getString("transactionId"));
    }
    // several v1 in one header: one matching is enough
    assertRecorded(
        await(wave.sendSigned(body, wave.signatureHeader(body, "wave_sn_WHS_other", SECRET))));
    assertEquals(1, transactions(signing, "TDH5TEWTLFE"));
  }

  @Test
  void aMerchantPaymentIsCreditedWhatTheCustomerPaidAmountPlusFee() {
    Buffer body = kit("merchant.payment_received.json");
    assertUnauthenticated(await(wave.stale(301).send(body)));
    assertUnauthenticated(await(wave.sendSigned(
        body, "t=1639081943,v1=942119aedf9fa377844cf010785fe14ef8478c72af0b73d62ea3941335b526a8")));
    JsonObject first = assertRecorded(await(wave.send(body)));
    String id = first.getString("transactionId");
    assertEquals(
        1000L,
        gw.db.count("SELECT amount FROM transactions WHERE id = ?::uuid", id),
        "990 + 10 XOF");
    assertEquals(
        1000L,
        gw.db.count("SELECT sum(amount) FROM allocations WHERE transaction_id = ?::uuid", id));
    assertEquals(
        "+221761110001", gw.db.text("SELECT msisdn FROM transactions WHERE id = ?::uuid", id));
    assertEquals("abc-123", gw.db.text("SELECT serial FROM transactions WHERE id = ?::uuid", id));
    assertEquals(
        id,
        assertRecorded(await(wave.send(body))).getString("transactionId"),
        "at least once: a replay");
    assertEquals(1, transactions(signing, "T_46HS5COOWE"));
  }

  @Test
  void theSharedSecretStrategyTakesTheBearer() {
    Buffer body = kit("merchant.payment_received.json");
    assertUnauthenticated(
        await(bearerWave.sendWithAuthorization(body, "Bearer wave_sn_WHS_guess")));
    assertUnauthenticated(await(bearerWave.sendWithAuthorization(body, null)));
    // a signature is not what this webhook was registered with
    assertUnauthenticated(await(bearerWave.sendSigned(
        body, new WaveSimulator(gw.http, "", BEARER_SECRET).signatureHeader(body))));
    assertEquals(0, transactions(shared, "T_46HS5COOWE"));
    JsonObject r = assertRecorded(await(bearerWave.send(body)));
    assertEquals(
        1000L,
        gw.db.count(
            "SELECT amount FROM transactions WHERE id = ?::uuid", r.getString("transactionId")));
    assertEquals(1, transactions(shared, "T_46HS5COOWE"));
  }

  @Test
  void aFailedCheckoutIsAcknowledgedAndBooksNothing() {
    long before = gw.db.moneyRows();
    HttpResponse<Buffer> r = await(wave.send(kit("checkout.session.payment_failed.json")));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(false, r.bodyAsJsonObject().getBoolean("recorded"));
    assertEquals(before, gw.db.moneyRows());
  }

  @Test
  void anUnknownReferenceIsKeptOnceAndItsReversalTakesItOutOfSuspense() {
    Buffer body = kit("checkout.unknown_reference.json");
    for (int i = 0; i < 3; i++) {
      HttpResponse<Buffer> r = await(wave.send(body));
      assertEquals(
          200, r.statusCode(), r.bodyAsString()); // 2xx: the money is on the books, in suspense
      assertEquals(true, r.bodyAsJsonObject().getBoolean("kept"), r.bodyAsString());
      assertEquals("DEVICE_NOT_FOUND", r.bodyAsJsonObject().getString("code"));
    }
    assertEquals(0, transactions(signing, "TUNKNOWNREF1"));
    assertEquals(
        1L,
        gw.db.count(
            "SELECT count(*) FROM unmatched_payments WHERE company_id = ?::uuid "
                + "AND provider = 'wave' AND provider_txn_id = 'TUNKNOWNREF1'",
            signing.id()));
    assertEquals(
        "1000|order_99999|t|OPEN",
        gw.db.text("SELECT concat_ws('|', amount, account_reference, authenticated, "
            + "status) FROM unmatched_payments WHERE provider_txn_id = 'TUNKNOWNREF1'"));

    Buffer reversal = kit("merchant.payment_reversed.unmatched.json");
    HttpResponse<Buffer> r = await(wave.send(reversal));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    String reversalId = r.bodyAsJsonObject().getString("reversalId");
    assertEquals(
        "REVERSED",
        gw.db.text("SELECT status FROM unmatched_payments WHERE provider_txn_id = 'TUNKNOWNREF1'"));
    assertEquals(
        "PROVIDER|1000",
        gw.db.text("SELECT concat_ws('|', r.source, r.amount) FROM reversals r "
            + "JOIN unmatched_payments u ON u.id = r.unmatched_payment_id "
            + "WHERE u.provider_txn_id = 'TUNKNOWNREF1'"));
    assertEquals(
        reversalId,
        await(wave.send(reversal)).bodyAsJsonObject().getString("reversalId"),
        "a redelivery");
    // the payment redelivered now is still not booked: the provider id is kept (and reversed)
    assertEquals(true, await(wave.send(body)).bodyAsJsonObject().getBoolean("kept"));
    assertEquals(0, transactions(signing, "TUNKNOWNREF1"));
  }

  @Test
  void aProviderReversalReversesTheBookedPaymentOnce() {
    GatewayFixture.Company c = gw.company("Wave Reversal", "XOF", 150, 500);
    ok(gw.put(
        "/api/v1/plugins/wave",
        c.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject().put("webhookSecret", SECRET))));
    gw.meterCustomer(c, "abc-123");
    WaveSimulator w = new WaveSimulator(gw.http, gw.base + "/api/v1/telco/wave/" + c.id(), SECRET);

    // a reversal of a payment not seen yet: non-2xx, so Wave delivers it again later
    Buffer reversal = kit("merchant.payment_reversed.json");
    HttpResponse<Buffer> early = await(w.send(reversal));
    assertEquals(409, early.statusCode(), early.bodyAsString());

    String txn = assertRecorded(await(w.send(kit("merchant.payment_received.json"))))
        .getString("transactionId");
    HttpResponse<Buffer> r = await(w.send(reversal));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(true, r.bodyAsJsonObject().getBoolean("reversed"));
    String reversalId = r.bodyAsJsonObject().getString("reversalId");
    assertEquals("REVERSED", gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", txn));
    assertEquals(
        "PROVIDER|1000",
        gw.db.text(
            "SELECT concat_ws('|', source, amount) FROM reversals WHERE transaction_id = ?::uuid",
            txn));
    assertEquals(
        reversalId,
        await(w.send(reversal)).bodyAsJsonObject().getString("reversalId"),
        "a redelivery");
    assertEquals(
        1L, gw.db.count("SELECT count(*) FROM reversals WHERE transaction_id = ?::uuid", txn));
    // the books: received = allocated (not reversed) + reversed
    assertEquals(
        1000L, gw.db.count("SELECT sum(amount) FROM reversals WHERE company_id = ?::uuid", c.id()));
    assertEquals(
        0L,
        gw.db.count(
            "SELECT coalesce(sum(a.amount), 0) FROM allocations a JOIN transactions t "
                + "ON t.id = a.transaction_id WHERE t.company_id = ?::uuid AND t.status <> 'REVERSED'",
            c.id()));
  }

  @Test
  void aProviderReversalOfAPaymentAnOperatorReversedIsTheSameReversal() {
    GatewayFixture.Company c = gw.company("Wave Both Reversals", "XOF", 150, 500);
    ok(gw.put(
        "/api/v1/plugins/wave",
        c.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject().put("webhookSecret", SECRET))));
    gw.meterCustomer(c, "abc-123");
    WaveSimulator w = new WaveSimulator(gw.http, gw.base + "/api/v1/telco/wave/" + c.id(), SECRET);
    String txn = assertRecorded(await(w.send(kit("merchant.payment_received.json"))))
        .getString("transactionId");
    HttpResponse<Buffer> operator = await(gw.http
        .postAbs(gw.base + "/api/v1/transactions/" + txn + "/reversal")
        .bearerTokenAuthentication(c.adminToken())
        .putHeader("Idempotency-Key", "op-reversal-1")
        .sendJsonObject(new JsonObject().put("reason", "customer refunded at the counter")));
    assertEquals(201, operator.statusCode(), operator.bodyAsString());
    HttpResponse<Buffer> provider = await(w.send(kit("merchant.payment_reversed.json")));
    assertEquals(200, provider.statusCode(), provider.bodyAsString());
    assertEquals(
        operator.bodyAsJsonObject().getString("id"),
        provider.bodyAsJsonObject().getString("reversalId"),
        "never reversed twice, never counted twice");
    assertEquals(
        "OPERATOR", gw.db.text("SELECT source FROM reversals WHERE transaction_id = ?::uuid", txn));
    assertEquals(
        1000L, gw.db.count("SELECT sum(amount) FROM reversals WHERE company_id = ?::uuid", c.id()));
  }
}
