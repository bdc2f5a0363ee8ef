package io.payg.gateway.telco;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.SafaricomStkSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Safaricom's published Daraja payloads (src/test/resources/conformance/safaricom, sources in its
 * README) replayed through the gateway over HTTP: Daraja's expected answer and the database state.
 * The gateway runs behind a trusted proxy on 127.0.0.1 ({@code TRUSTED_PROXIES}).
 */
class SafaricomConformanceTest {

  static final String KIT = "/conformance/safaricom/";
  static final String SHORT_CODE = "600638";
  /** Safaricom's callback addresses as the pesafy SDK publishes them (see the kit's README). */
  static final String SAFARICOM_SOURCES =
      "196.201.214.200,196.201.214.206,196.201.213.114,196.201.214.207,"
          + "196.201.214.208,196.201.213.44,196.201.212.127,196.201.212.138,196.201.212.129,196.201.212.136,"
          + "196.201.212.74,196.201.212.69";

  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static GatewayFixture.Company checked;
  static SafaricomStkSimulator daraja;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(
        SafaricomConformanceTest.class,
        Map.of("TRUSTED_PROXIES", "127.0.0.1/32", "COLLECTION_POLL_MS", "100"));
    daraja = await(SafaricomStkSimulator.start(gw.app.vertx(), 0));
    // the kit's own Transaction Status result is the one that answers
    daraja.onTransactionStatus(false);
    company = gw.company("Conformance Energy");
    enableC2b(company, Map.of());
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/safaricom-stk",
        company.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(new HashMap<String, Object>(daraja.settings())))));
    checked = gw.company("Checked Conformance Energy");
    enableC2b(checked, daraja.transactionStatusSettings());
  }

  private static void enableC2b(GatewayFixture.Company c, Map<String, String> extra) {
    // loopback: the simulator and replays come straight from here (the proxy itself)
    JsonObject settings = new JsonObject()
        .put("shortCode", SHORT_CODE)
        .put("allowedSources", "127.0.0.1/32," + SAFARICOM_SOURCES);
    extra.forEach(settings::put);
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/safaricom",
        c.adminToken(),
        new JsonObject().put("enabled", true).put("settings", settings)));
  }

  @AfterAll
  static void stop() {
    await(daraja.stop());
    gw.close();
  }

  static JsonObject kit(String file) {
    try (InputStream in = SafaricomConformanceTest.class.getResourceAsStream(KIT + file)) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("conformance file " + file, e);
    }
  }

  static HttpResponse<Buffer> post(
      GatewayFixture.Company c, String path, JsonObject body, Map<String, String> headers) {
    HttpRequest<Buffer> request = gw.http
        .postAbs(gw.base + "/api/v1/telco/" + path.replace("{company}", c.id()))
        .putHeader("Content-Type", "application/json");
    headers.forEach(request::putHeader);
    return await(request.sendBuffer(body.toBuffer()));
  }

  static HttpResponse<Buffer> c2b(
      GatewayFixture.Company c, String operation, JsonObject body, Map<String, String> headers) {
    return post(c, "ke-c2b/{company}/" + operation, body, headers);
  }

  static String serial() {
    return "KIT-" + UUID.randomUUID().toString().substring(0, 7);
  }

  static String transId() {
    return "RK" + UUID.randomUUID().toString().replace("-", "").substring(0, 8).toUpperCase();
  }

  /** The published C2B body for our short code and device; numbers stay numbers. */
  static JsonObject ours(String file, String serial, String transId) {
    JsonObject body = kit(file);
    boolean numeric = body.getValue("TransAmount") instanceof Number;
    // the published 10 shillings are below the fixture tariff's 50.00 minimum
    return body.put("BusinessShortCode", numeric ? (Object) Long.parseLong(SHORT_CODE) : SHORT_CODE)
        .put("BillRefNumber", serial)
        .put("TransID", transId)
        .put("TransAmount", numeric ? (Object) 100 : "100");
  }

  static long count(String sql, Object... params) {
    return gw.db.count(sql, params);
  }

  // ---------------------------------------------------------------- C2B

  @Test
  void validationWithMaskedHashedAndNumericFieldsIsAccepted() {
    String serial = serial();
    gw.meterCustomer(company, serial);
    long before = gw.db.moneyRows();
    for (String file : new String[] {
      "c2b-validation-masked-msisdn.json",
      "c2b-validation-hashed-msisdn.json",
      "c2b-validation-numeric-fields.json"
    }) {
      HttpResponse<Buffer> r = c2b(company, "validation", ours(file, serial, transId()), Map.of());
      assertEquals(200, r.statusCode(), file);
      assertEquals(kit("c2b-validation-answer-accepted.json"), r.bodyAsJsonObject(), file);
    }
    assertEquals(before, gw.db.moneyRows());
    assertEquals(
        0, count("SELECT count(*) FROM unmatched_payments WHERE account_reference = ?", serial));
  }

  @Test
  void anUnknownAccountIsC2B00012AndNothingIsStored() {
    long before = gw.db.moneyRows();
    HttpResponse<Buffer> r = c2b(
        company,
        "validation",
        ours("c2b-validation-masked-msisdn.json", "NO-SUCH-METER", transId()),
        Map.of());
    assertEquals(200, r.statusCode());
    assertEquals(kit("c2b-validation-answer-invalid-account.json"), r.bodyAsJsonObject());
    assertEquals(before, gw.db.moneyRows());
  }

  @Test
  void aConfirmationIsBookedOnceAndItsReplayAnsweredTheSame() {
    String serial = serial();
    gw.meterCustomer(company, serial);
    String id = transId();
    JsonObject body = ours("c2b-confirmation.json", serial, id);
    HttpResponse<Buffer> first = c2b(company, "confirmation", body, Map.of());
    HttpResponse<Buffer> replay = c2b(company, "confirmation", body, Map.of());
    for (HttpResponse<Buffer> r : List.of(first, replay)) {
      assertEquals(200, r.statusCode());
      assertEquals(kit("c2b-confirmation-answer.json"), r.bodyAsJsonObject());
    }
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM transactions WHERE provider = 'safaricom' AND provider_txn_id = ?",
            id));
    assertEquals(10_000L, count("SELECT amount FROM transactions WHERE provider_txn_id = ?", id));
  }

  @Test
  void aBuyGoodsConfirmationWithoutAccountIsAcknowledgedAndKeptAuthenticated() {
    String id = transId();
    JsonObject body = kit("c2b-confirmation-buy-goods.json")
        .put("BusinessShortCode", SHORT_CODE)
        .put("TransID", id);
    HttpResponse<Buffer> r = c2b(company, "confirmation", body, Map.of());
    assertEquals(200, r.statusCode());
    assertEquals(kit("c2b-confirmation-answer.json"), r.bodyAsJsonObject());
    assertEquals(0, count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", id));
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM unmatched_payments WHERE provider_txn_id = ? AND authenticated "
                + "AND account_reference = '' AND reason = 'DEVICE_NOT_FOUND' AND amount = 1000",
            id));
  }

  /** The "done when" case: a forged confirmation through the trusted proxy books nothing and is kept flagged. */
  @Test
  void aForgedConfirmationThroughTheTrustedProxyBooksNothingAndIsKeptFlagged() {
    String serial = serial();
    gw.meterCustomer(company, serial);
    long before = count("SELECT count(*) FROM transactions");

    String forged = transId();
    HttpResponse<Buffer> r = c2b(
        company,
        "confirmation",
        ours("c2b-confirmation.json", serial, forged),
        Map.of("X-Forwarded-For", "203.0.113.9"));
    assertEquals(403, r.statusCode(), r.bodyAsString());
    assertEquals(before, count("SELECT count(*) FROM transactions"));
    assertEquals(
        1, count("SELECT count(*) FROM unmatched_payments WHERE provider_txn_id = ?", forged));
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM unmatched_payments WHERE provider_txn_id = ? AND NOT authenticated "
                + "AND reason = 'UNAUTHENTICATED' AND account_reference = ?",
            forged,
            serial));
    assertTrue(gw.db
        .text("SELECT detail FROM unmatched_payments WHERE provider_txn_id = ?", forged)
        .contains("203.0.113.9"));

    // the forger writes a Safaricom address first; the proxy appends what it saw: the rightmost
    // untrusted hop counts
    String spoofed = transId();
    assertEquals(
        403,
        c2b(
                company,
                "confirmation",
                ours("c2b-confirmation.json", serial, spoofed),
                Map.of("X-Forwarded-For", "196.201.214.200, 203.0.113.9"))
            .statusCode());
    // RFC 7239 Forwarded, with a port
    String rfc7239 = transId();
    assertEquals(
        403,
        c2b(
                company,
                "confirmation",
                ours("c2b-confirmation.json", serial, rfc7239),
                Map.of("Forwarded", "for=\"203.0.113.9:4711\";proto=https"))
            .statusCode());
    assertEquals(before, count("SELECT count(*) FROM transactions"));
    assertEquals(
        2,
        count(
            "SELECT count(*) FROM unmatched_payments WHERE provider_txn_id IN (?, ?) AND NOT authenticated",
            spoofed,
            rfc7239));

    // M-Pesa itself, through the same proxy, is booked
    String genuine = transId();
    assertEquals(
        200,
        c2b(
                company,
                "confirmation",
                ours("c2b-confirmation.json", serial, genuine),
                Map.of("X-Forwarded-For", "196.201.214.200"))
            .statusCode());
    assertEquals(1, count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", genuine));
  }

  @Test
  void aTransactionStatusResultBooksTheHeldConfirmation() {
    String serial = serial();
    gw.meterCustomer(checked, serial);
    // the status result's published receipt and amount, confirmed as they are
    JsonObject result = kit("transaction-status-result.json");
    JsonObject body = ours("c2b-confirmation.json", serial, "MBN31H462N").put("TransAmount", "300");
    HttpResponse<Buffer> ack = c2b(checked, "confirmation", body, Map.of());
    assertEquals(kit("c2b-confirmation-answer.json"), ack.bodyAsJsonObject());
    eventually(
        Duration.ofSeconds(15),
        "status query accepted",
        () -> "ASKED"
            .equals(gw.db.text(
                "SELECT status FROM daraja_status_checks WHERE trans_id = 'MBN31H462N'")));
    assertEquals(
        0, count("SELECT count(*) FROM transactions WHERE provider_txn_id = 'MBN31H462N'"));
    String originator = gw.db.text(
        "SELECT originator_conversation_id FROM daraja_status_checks WHERE trans_id = 'MBN31H462N'");
    result.getJsonObject("Result").put("OriginatorConversationID", originator);
    HttpResponse<Buffer> r = c2b(checked, "transaction-status-result", result, Map.of());
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(0, r.bodyAsJsonObject().getInteger("ResultCode"));
    assertEquals(
        "BOOKED",
        gw.db.text("SELECT status FROM daraja_status_checks WHERE trans_id = 'MBN31H462N'"));
    assertEquals(
        30_000L,
        count(
            "SELECT amount FROM transactions WHERE provider = 'safaricom' AND provider_txn_id = 'MBN31H462N'"));
  }

  // ---------------------------------------------------------------- STK push

  private static String collect(String serial) {
    HttpResponse<Buffer> r = await(gw.http
        .postAbs(gw.base + "/api/v1/collections")
        .bearerTokenAuthentication(company.adminToken())
        .putHeader("Idempotency-Key", "kit-" + UUID.randomUUID())
        .sendJsonObject(new JsonObject()
            .put("provider", "safaricom-stk")
            .put("msisdn", "254708374149")
            .put("serial", serial)
            .put("amount", 10_000)
            .put("currency", "KES")));
    assertEquals(202, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject().getString("id");
  }

  private static String state(String id) {
    return gw.db.text("SELECT status FROM collections WHERE id = ?::uuid", id);
  }

  private static void replayStk(
      String callbackFile,
      String queryFile,
      int queryStatus,
      String expectedState,
      String expectedReason) {
    String serial = serial();
    gw.meterCustomer(company, serial);
    String id = collect(serial);
    String checkout = daraja.pushFor(serial).checkoutRequestId();
    daraja.answerQuery(checkout, queryStatus, kit(queryFile).put("CheckoutRequestID", checkout));
    JsonObject callback = kit(callbackFile);
    callback.getJsonObject("Body").getJsonObject("stkCallback").put("CheckoutRequestID", checkout);
    HttpResponse<Buffer> r = post(company, "safaricom-stk/{company}/callback", callback, Map.of());
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(kit("stk-callback-answer.json"), r.bodyAsJsonObject(), callbackFile);
    eventually(Duration.ofSeconds(10), callbackFile, () -> expectedState.equals(state(id)));
    if ("SUCCEEDED".equals(expectedState)) {
      assertEquals(
          expectedReason,
          gw.db.text("SELECT provider_txn_id FROM collections WHERE id = ?::uuid", id));
      // booked under the pay bill's key for its M-Pesa receipt (a C2B confirmation of it replays)
      assertEquals(
          1,
          count(
              "SELECT count(*) FROM transactions WHERE provider = 'safaricom' AND provider_txn_id = ?",
              expectedReason));
    } else {
      assertTrue(
          gw.db
              .text("SELECT reason FROM collections WHERE id = ?::uuid", id)
              .startsWith(expectedReason),
          callbackFile);
      assertEquals(0, count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", id));
    }
  }

  @Test
  void stkCallbackSuccessRecordsTheMpesaReceipt() {
    replayStk(
        "stk-callback-success.json",
        "stk-query-answer-success.json",
        200,
        "SUCCEEDED",
        "NLJ7RT61SV");
  }

  @Test
  void stkCallbackCancelledByThePayerFails() {
    replayStk(
        "stk-callback-cancelled-1032.json",
        "stk-query-answer-cancelled-1032.json",
        200,
        "FAILED",
        "1032");
  }

  @Test
  void stkCallbackOtherFailuresFail() {
    replayStk(
        "stk-callback-insufficient-balance-1.json",
        "stk-query-answer-insufficient-balance-1.json",
        200,
        "FAILED",
        "1 ");
    replayStk(
        "stk-callback-wrong-pin-2001.json",
        "stk-query-answer-wrong-pin-2001.json",
        200,
        "FAILED",
        "2001");
    replayStk(
        "stk-callback-unreachable-1037.json",
        "stk-query-answer-unreachable-1037.json",
        200,
        "FAILED",
        "1037");
  }

  @Test
  void aSuccessCallbackTheQueryDoesNotConfirmBooksNothing() {
    // the callback is a hint: a "success" the query calls cancelled is not money
    replayStk(
        "stk-callback-success.json", "stk-query-answer-cancelled-1032.json", 200, "FAILED", "1032");
  }

  @Test
  void aSuccessCallbackForAnUnknownPushIsAcknowledgedAndKeptFlagged() {
    // the push's own answer was lost, so no collection has this CheckoutRequestID: the money is
    // kept
    JsonObject callback = kit("stk-callback-success.json");
    HttpResponse<Buffer> r = post(company, "safaricom-stk/{company}/callback", callback, Map.of());
    assertEquals(kit("stk-callback-answer.json"), r.bodyAsJsonObject());
    assertEquals(
        1,
        count("SELECT count(*) FROM unmatched_payments WHERE provider = 'safaricom-stk' "
            + "AND provider_txn_id = 'NLJ7RT61SV' AND NOT authenticated AND amount = 100 AND msisdn = "
            + "'254708374149'"));
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM transactions WHERE provider = 'safaricom-stk' AND provider_txn_id = 'NLJ7RT61SV'"));
  }

  @Test
  void stkQueryPendingThenSuccessSettlesWithoutACallback() {
    String serial = serial();
    gw.meterCustomer(company, serial);
    String id = collect(serial);
    String checkout = daraja.pushFor(serial).checkoutRequestId();
    daraja.answerQuery(checkout, 500, kit("stk-query-answer-pending.json"));
    gw.db.count("UPDATE collections SET next_poll_at = now() WHERE id = ?::uuid RETURNING 1", id);
    eventually(
        Duration.ofSeconds(10),
        "asked once",
        () -> gw.db.count("SELECT poll_attempts FROM collections WHERE id = ?::uuid", id) >= 1);
    assertEquals("PENDING", state(id));
    daraja.answerQuery(
        checkout, 200, kit("stk-query-answer-success.json").put("CheckoutRequestID", checkout));
    gw.db.count("UPDATE collections SET next_poll_at = now() WHERE id = ?::uuid RETURNING 1", id);
    eventually(Duration.ofSeconds(10), "settled by the query", () -> "SUCCEEDED".equals(state(id)));
    assertNull(gw.db.text("SELECT provider_txn_id FROM collections WHERE id = ?::uuid", id));
    assertEquals(1, count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", id));
  }
}
