package io.payg.gateway.telco;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.AirtelSimulator;
import io.payg.telco.simulator.MtnMomoSimulator;
import io.payg.telco.simulator.VodacomMzSimulator;
import io.payg.telco.vodacommz.VodacomMzCollections;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The request-to-pay conformance kit ({@code src/test/resources/conformance/{mtn,airtel,vodacom-mz}},
 * each file's source in the README next to it): every published callback is sent to the gateway
 * over HTTP as published, every published status / enquiry / push / query answer is what the
 * provider's simulator answers when the gateway asks; each case asserts the answer the provider
 * gets and the database state.
 */
class RequestToPayConformanceTest {

  static GatewayFixture gw;
  static GatewayFixture.Company ugx;
  static GatewayFixture.Company tzs;
  static GatewayFixture.Company tzsSigned;
  static GatewayFixture.Company mzn;
  static MtnMomoSimulator momo;
  static AirtelSimulator airtel;
  static AirtelSimulator airtelSigned;
  static VodacomMzSimulator mpesa;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(RequestToPayConformanceTest.class, Map.of("COLLECTION_POLL_MS", "200"));
    ugx = gw.company("MoMo Uganda", "UGX", 500, 1000);
    tzs = gw.company("Airtel Tanzania", "TZS", 500, 1000);
    tzsSigned = gw.company("Airtel Tanzania v2", "TZS", 500, 1000);
    mzn = gw.company("M-Pesa Mozambique", "MZN", 50_000, 100_000);
    momo = await(MtnMomoSimulator.start(gw.app.vertx(), 0))
        .setCallbacks(false); // the kit sends the callbacks
    airtel = await(AirtelSimulator.start(gw.app.vertx(), 0)); // no callback URL: the kit sends them
    airtelSigned = await(AirtelSimulator.start(gw.app.vertx(), 0));
    mpesa = await(VodacomMzSimulator.start(gw.app.vertx(), 0));
    enable(ugx, "mtn-momo", momo.settings());
    enable(tzs, "airtel", airtel.settings());
    enable(tzsSigned, "airtel", airtelSigned.settingsV2());
    enable(mzn, "vodacom-mz", mpesa.settings());
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static void enable(
      GatewayFixture.Company c, String plugin, Map<String, String> settings) {
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/" + plugin,
        c.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(new HashMap<String, Object>(settings)))));
  }

  // ---------------------------------------------------------------- helpers

  /** A published sample with the kit's substitutions (see conformance/README.md). */
  static String sample(String file, Map<String, String> vars) {
    String text;
    try (InputStream in =
        RequestToPayConformanceTest.class.getResourceAsStream("/conformance/" + file)) {
      if (in == null) {
        throw new IllegalArgumentException("no conformance sample " + file);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    for (Map.Entry<String, String> v : vars.entrySet()) {
      text = text.replace("${" + v.getKey() + "}", v.getValue());
    }
    if (text.contains("${")) {
      throw new IllegalArgumentException(file + " still has a placeholder: " + text);
    }
    return text;
  }

  static JsonObject collect(
      GatewayFixture.Company c,
      String provider,
      String msisdn,
      String serial,
      long amount,
      String currency) {
    HttpResponse<Buffer> r = await(gw.http
        .postAbs(gw.base + "/api/v1/collections")
        .bearerTokenAuthentication(c.adminToken())
        .putHeader("Idempotency-Key", "kit-" + UUID.randomUUID())
        .sendJsonObject(new JsonObject()
            .put("provider", provider)
            .put("msisdn", msisdn)
            .put("serial", serial)
            .put("amount", amount)
            .put("currency", currency)));
    assertEquals(202, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  static HttpResponse<Buffer> callback(
      GatewayFixture.Company c, String provider, HttpMethod method, String body) {
    return await(gw.http
        .requestAbs(method, gw.base + "/api/v1/telco/" + provider + "/" + c.id() + "/callback")
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body)));
  }

  static String meter(GatewayFixture.Company c) {
    String serial = "KIT-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(c, serial);
    return serial;
  }

  static String status(String id) {
    return gw.db.text("SELECT status FROM collections WHERE id = ?::uuid", id);
  }

  static JsonObject collection(GatewayFixture.Company c, String id) {
    return GatewayFixture.ok(gw.get("/api/v1/collections/" + id, c.adminToken()));
  }

  static long transactions(String id) {
    return gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", id);
  }

  /** Brings the poller's next look forward to now, as time passing would; answers the attempts so far. */
  static long pollNow(String id) {
    long attempts = gw.db.count("SELECT poll_attempts FROM collections WHERE id = ?::uuid", id);
    gw.db.count(
        "WITH u AS (UPDATE collections SET next_poll_at = now() WHERE id = ?::uuid RETURNING 1) "
            + "SELECT count(*) FROM u",
        id);
    return attempts;
  }

  /** Brings the poller forward and waits until it looked once more. */
  static void pollOnce(String id) {
    long before = pollNow(id);
    eventually(
        Duration.ofSeconds(10),
        "the poller asked about " + id,
        () -> gw.db.count("SELECT poll_attempts FROM collections WHERE id = ?::uuid", id) > before
            && gw.db.count(
                    "SELECT count(*) FROM collections WHERE id = ?::uuid AND next_poll_at > now()",
                    id)
                == 1);
  }

  static void settledAs(String id, String expected) {
    eventually(
        Duration.ofSeconds(10),
        "collection " + id + " " + expected,
        () -> expected.equals(status(id)));
  }

  // ---------------------------------------------------------------- MTN MoMo

  @Nested
  class Mtn {

    Map<String, String> vars(String id, String serial, String amount) {
      return Map.of(
          "reference",
          id,
          "amount",
          amount,
          "currency",
          "UGX",
          "msisdn",
          "256772123456",
          "serial",
          serial);
    }

    JsonObject collect(String serial) {
      return RequestToPayConformanceTest.collect(
          ugx, "mtn-momo", "256772123456", serial, 10_000, "UGX");
    }

    @Test
    void successfulCallbackWithAStatusInDecimalsIsBookedOnce() {
      String serial = meter(ugx);
      String id = collect(serial).getString("id");
      Map<String, String> v = vars(id, serial, "10000");
      momo.scriptStatus(
          id, 200, sample("mtn/status-successful-decimals.json", v)); // "10000.00" UGX
      HttpResponse<Buffer> answer =
          callback(ugx, "mtn-momo", HttpMethod.PUT, sample("mtn/callback-successful.json", v));
      assertEquals(200, answer.statusCode());
      assertEquals(new JsonObject(), answer.bodyAsJsonObject());
      settledAs(id, "SUCCEEDED");
      JsonObject c = collection(ugx, id);
      assertEquals("23503453", c.getString("providerTxnId"), "MoMo's financialTransactionId");
      assertNotNull(c.getString("transactionId"));
      assertEquals(1, transactions(id));
      assertEquals(
          10_000L, gw.db.count("SELECT amount FROM transactions WHERE provider_txn_id = ?", id));
      // the same callback again (MoMo never retries, anyone may replay): nothing more
      assertEquals(
          200,
          callback(ugx, "mtn-momo", HttpMethod.POST, sample("mtn/callback-successful.json", v))
              .statusCode());
      assertEquals(1, transactions(id));
    }

    @Test
    void failedCallbacksWithBothReasonShapesFailTheCollection() {
      for (String[] c : new String[][] {
        {"string", "APPROVAL_REJECTED"}, {"object", "PAYER_NOT_FOUND: Payee does not exist"}
      }) {
        String serial = meter(ugx);
        String id = collect(serial).getString("id");
        Map<String, String> v = vars(id, serial, "10000");
        momo.scriptStatus(id, 200, sample("mtn/status-failed-reason-" + c[0] + ".json", v));
        HttpResponse<Buffer> answer = callback(
            ugx,
            "mtn-momo",
            HttpMethod.PUT,
            sample("mtn/callback-failed-reason-" + c[0] + ".json", v));
        assertEquals(200, answer.statusCode());
        settledAs(id, "FAILED");
        assertEquals(c[1], collection(ugx, id).getString("reason"));
        assertEquals(0, transactions(id));
      }
    }

    @Test
    void aNotFoundAfterMoMoAcceptedIsNotYetAndFinalOnlyWhenItNeverWas() {
      String serial = meter(ugx);
      String id = collect(serial).getString("id");
      Map<String, String> v = vars(id, serial, "10000");
      momo.scriptStatus(id, 404, sample("mtn/status-not-found.json", v));
      assertEquals(
          200,
          callback(ugx, "mtn-momo", HttpMethod.PUT, sample("mtn/callback-successful.json", v))
              .statusCode());
      assertEquals("PENDING", status(id), "202 was answered: a 404 means not yet");
      momo.scriptStatus(id, 200, sample("mtn/status-successful.json", v));
      pollNow(id);
      settledAs(id, "SUCCEEDED");
      assertEquals(1, transactions(id));

      // never accepted: MoMo was unreachable when asked, and does not know the reference
      momo.setDown(true);
      String lost;
      try {
        lost = collect(meter(ugx)).getString("id");
      } finally {
        momo.setDown(false);
      }
      assertEquals("PENDING", status(lost));
      pollNow(lost);
      settledAs(lost, "FAILED");
      assertEquals("unknown reference", collection(ugx, lost).getString("reason"));
    }

    @Test
    void anExpiredCollectionGetsOneLastQueryAndALateCallbackStillBooks() {
      String serial = meter(ugx);
      String id = collect(serial).getString("id");
      Map<String, String> v = vars(id, serial, "10000");
      gw.db.count(
          "WITH u AS (UPDATE collections SET created_at = now() - interval '25 hours' WHERE id = ?::uuid "
              + "RETURNING 1) SELECT count(*) FROM u",
          id);
      momo.scriptStatus(id, 200, sample("mtn/status-pending.json", v));
      pollNow(id);
      settledAs(id, "FAILED");
      assertEquals("expired: never approved", collection(ugx, id).getString("reason"));
      assertEquals(0, transactions(id));
      // the payer approved after all: MoMo's callback comes late, the status says SUCCESSFUL
      momo.scriptStatus(id, 200, sample("mtn/status-successful.json", v));
      assertEquals(
          200,
          callback(ugx, "mtn-momo", HttpMethod.PUT, sample("mtn/callback-successful.json", v))
              .statusCode());
      settledAs(id, "SUCCEEDED");
      assertEquals(1, transactions(id));

      // the last query itself finds the success: booked
      String serial2 = meter(ugx);
      String id2 = collect(serial2).getString("id");
      gw.db.count(
          "WITH u AS (UPDATE collections SET created_at = now() - interval '25 hours' WHERE id = ?::uuid "
              + "RETURNING 1) SELECT count(*) FROM u",
          id2);
      momo.scriptStatus(
          id2, 200, sample("mtn/status-successful.json", vars(id2, serial2, "10000")));
      pollNow(id2);
      settledAs(id2, "SUCCEEDED");
      assertEquals(1, transactions(id2));
    }

    @Test
    void aCallbackIsTakenWhenTheStatusApiFailsAndThePollerAsksSoon() {
      String serial = meter(ugx);
      String id = collect(serial).getString("id");
      await(momo.approve(id)); // no callback from the simulator: the kit sends it
      momo.setFailNext(1); // the status call the callback triggers answers 500
      HttpResponse<Buffer> answer = callback(
          ugx,
          "mtn-momo",
          HttpMethod.PUT,
          sample("mtn/callback-successful.json", vars(id, serial, "10000")));
      assertEquals(200, answer.statusCode(), answer.bodyAsString());
      assertEquals("PENDING", status(id));
      assertEquals(
          1,
          gw.db.count(
              "SELECT count(*) FROM collections WHERE id = ?::uuid "
                  + "AND next_poll_at <= now() + interval '5 seconds'",
              id),
          "asked again within seconds, not 30 s");
      eventually(
          Duration.ofSeconds(15), "the poller settles it", () -> "SUCCEEDED".equals(status(id)));
      assertEquals(1, transactions(id));
    }

    @Test
    void aSuccessInAnotherAmountIsKeptAsUnmatchedInThatAmount() {
      String serial = meter(ugx);
      String id = collect(serial).getString("id");
      momo.scriptStatus(id, 200, sample("mtn/status-successful.json", vars(id, serial, "9000")));
      callback(
          ugx,
          "mtn-momo",
          HttpMethod.PUT,
          sample("mtn/callback-successful.json", vars(id, serial, "9000")));
      settledAs(id, "SUCCEEDED");
      JsonObject c = collection(ugx, id);
      assertNull(c.getString("transactionId"));
      assertEquals(0, transactions(id));
      assertEquals(
          1,
          gw.db.count(
              "SELECT count(*) FROM unmatched_payments WHERE provider_txn_id = ? AND amount = 9000 "
                  + "AND reason = 'INVALID_AMOUNT' AND authenticated AND id = ?::uuid",
              id,
              c.getString("unmatchedPaymentId")));
    }

    @Test
    void aSuccessWhosePaymentIsNowRefusedIsKeptAsUnmatchedOnce() {
      String serial = meter(ugx);
      String id = collect(serial).getString("id");
      // the device left the books meanwhile (re-serialled by an operator): the payment cannot be
      // booked
      gw.db.count(
          "WITH u AS (UPDATE devices SET serial = serial || '-OLD' WHERE serial = ? RETURNING 1) "
              + "SELECT count(*) FROM u",
          serial);
      Map<String, String> v = vars(id, serial, "10000");
      momo.scriptStatus(id, 200, sample("mtn/status-successful.json", v));
      assertEquals(
          200,
          callback(ugx, "mtn-momo", HttpMethod.PUT, sample("mtn/callback-successful.json", v))
              .statusCode());
      settledAs(id, "SUCCEEDED");
      JsonObject c = collection(ugx, id);
      assertNull(c.getString("transactionId"));
      assertNotNull(c.getString("unmatchedPaymentId"), c.encode());
      assertTrue(c.getString("reason").contains("DEVICE_NOT_FOUND"), c.encode());
      assertEquals(0, transactions(id));
      assertEquals(
          1,
          gw.db.count(
              "SELECT count(*) FROM unmatched_payments WHERE provider = 'mtn-momo' "
                  + "AND provider_txn_id = ? AND authenticated AND status = 'OPEN' AND reason = 'DEVICE_NOT_FOUND' "
                  + "AND amount = 10000 AND account_reference = ? AND id = ?::uuid",
              id,
              serial,
              c.getString("unmatchedPaymentId")));
      momo.scriptStatus(id, 200, sample("mtn/status-successful.json", v));
      callback(ugx, "mtn-momo", HttpMethod.PUT, sample("mtn/callback-successful.json", v));
      assertEquals(
          1, gw.db.count("SELECT count(*) FROM unmatched_payments WHERE provider_txn_id = ?", id));
      assertEquals(0, transactions(id));
    }
  }

  // ---------------------------------------------------------------- Airtel Money

  @Nested
  class Airtel {

    String collect(String serial) {
      return RequestToPayConformanceTest.collect(tzs, "airtel", "255754123456", serial, 5000, "TZS")
          .getString("id");
    }

    @Test
    void aTsCallbackConfirmedByATsEnquiryIsBookedWithAirtelsMoneyId() {
      String id = collect(meter(tzs));
      Map<String, String> v = Map.of("reference", id);
      airtel.scriptStatus(id, 200, sample("airtel/enquiry-ts.json", v));
      HttpResponse<Buffer> answer =
          callback(tzs, "airtel", HttpMethod.POST, sample("airtel/callback-ts.json", v));
      assertEquals(200, answer.statusCode());
      assertEquals(new JsonObject(), answer.bodyAsJsonObject());
      settledAs(id, "SUCCEEDED");
      assertEquals("MP210603.1234.L06941", collection(tzs, id).getString("providerTxnId"));
      assertEquals(1, transactions(id));
    }

    @Test
    void tfAndTeAreFailed() {
      String failed = collect(meter(tzs));
      airtel.scriptStatus(
          failed, 200, sample("airtel/enquiry-tf.json", Map.of("reference", failed)));
      assertEquals(
          200,
          callback(
                  tzs,
                  "airtel",
                  HttpMethod.POST,
                  sample("airtel/callback-tf.json", Map.of("reference", failed)))
              .statusCode());
      settledAs(failed, "FAILED");
      assertEquals("Transaction failed", collection(tzs, failed).getString("reason"));

      String expired = collect(meter(tzs));
      airtel.scriptStatus(
          expired, 200, sample("airtel/enquiry-te.json", Map.of("reference", expired)));
      pollNow(expired);
      settledAs(expired, "FAILED");
      assertEquals("TE: Transaction Expired", collection(tzs, expired).getString("reason"));
      assertEquals(0, transactions(failed) + transactions(expired));
    }

    @Test
    void tipAndNotFoundRightAfterTheAcceptedPushAreNotYet() {
      for (String[] answer : new String[][] {
        {"enquiry-tip.json", "200"},
        {"enquiry-not-found-404.json", "404"},
        {"enquiry-not-found-200.json", "200"}
      }) {
        String id = collect(meter(tzs));
        Map<String, String> v = Map.of("reference", id);
        airtel.scriptStatus(id, Integer.parseInt(answer[1]), sample("airtel/" + answer[0], v));
        assertEquals(
            200,
            callback(tzs, "airtel", HttpMethod.POST, sample("airtel/callback-ts.json", v))
                .statusCode());
        assertEquals(
            "PENDING", status(id), answer[0] + " is not a final answer for an accepted push");
        airtel.scriptStatus(id, 200, sample("airtel/enquiry-ts.json", v));
        pollNow(id);
        settledAs(id, "SUCCEEDED");
        assertEquals(1, transactions(id));
      }
    }

    @Test
    void notFoundAtExpiryIsFinal() {
      String id = collect(meter(tzs));
      gw.db.count(
          "WITH u AS (UPDATE collections SET created_at = now() - interval '25 hours' WHERE id = ?::uuid "
              + "RETURNING 1) SELECT count(*) FROM u",
          id);
      airtel.scriptStatus(id, 404, sample("airtel/enquiry-not-found-404.json", Map.of()));
      pollNow(id);
      settledAs(id, "FAILED");
      assertTrue(
          collection(tzs, id).getString("reason").startsWith("expired"),
          collection(tzs, id).encode());
    }

    @Test
    void aV2CompanyPushesSignedCalls() {
      int before = airtelSigned.signedRequests();
      String serial = meter(tzsSigned);
      JsonObject c = RequestToPayConformanceTest.collect(
          tzsSigned, "airtel", "255754123456", serial, 5000, "TZS");
      assertEquals("PENDING", c.getString("status"), c.encode());
      assertEquals(
          before + 1,
          airtelSigned.signedRequests(),
          "x-signature / x-key decrypted to the body sent");
      String id = c.getString("id");
      await(airtelSigned.approve(id));
      assertEquals(
          200,
          callback(
                  tzsSigned,
                  "airtel",
                  HttpMethod.POST,
                  sample("airtel/callback-ts.json", Map.of("reference", id)))
              .statusCode());
      settledAs(id, "SUCCEEDED");
      assertEquals(1, transactions(id));
    }
  }

  // ---------------------------------------------------------------- Vodacom M-Pesa Mozambique

  @Nested
  class VodacomMz {

    static final Map<String, String> PUSH_VARS = Map.of("thirdPartyReference", "11114");

    JsonObject push(String sampleFile, int httpStatus) {
      mpesa.scriptPush(httpStatus, sample("vodacom-mz/" + sampleFile, PUSH_VARS));
      return collect(mzn, "vodacom-mz", "258843330333", meter(mzn), 500_000, "MZN");
    }

    void query(String id, String sampleFile) {
      mpesa.scriptQuery(
          VodacomMzCollections.reference(id),
          200,
          sample("vodacom-mz/" + sampleFile, Map.of("queryThirdPartyReference", "Q1")));
    }

    @Test
    void ins0IsBookedFromThePushAnswerWithMpesasTransactionId() {
      int queries = mpesa.queries();
      JsonObject c = push("push-ins-0.json", 201);
      assertEquals("SUCCEEDED", c.getString("status"), c.encode());
      assertEquals(
          "49XCD123F6",
          c.getString("providerTxnId"),
          "output_TransactionID, not the conversation id");
      String id = c.getString("id");
      assertEquals(1, transactions(id), "the payment is recorded under the collection id");
      assertEquals(
          500_000L, gw.db.count("SELECT amount FROM transactions WHERE provider_txn_id = ?", id));
      assertEquals(queries, mpesa.queries(), "INS-0 is M-Pesa's word: no query needed");
    }

    @Test
    void ins9AndIns10AreSettledByTheQuery() {
      JsonObject timeout = push("push-ins-9.json", 408);
      assertEquals("PENDING", timeout.getString("status"), timeout.encode());
      assertNull(timeout.getString("providerTxnId"), "N/A is not an id");
      JsonObject duplicate = push("push-ins-10.json", 409);
      assertEquals("PENDING", duplicate.getString("status"), duplicate.encode());

      String t = timeout.getString("id");
      query(t, "query-completed.json");
      pollNow(t);
      settledAs(t, "SUCCEEDED");
      assertEquals(1, transactions(t));

      String d = duplicate.getString("id");
      query(d, "query-pending.json");
      pollOnce(d);
      assertEquals("PENDING", status(d));
      query(d, "query-completed.json");
      pollNow(d);
      settledAs(d, "SUCCEEDED");
      assertEquals(1, transactions(d));
    }

    @Test
    void ins2006AndAnAuthenticationErrorAreFinalAndRecordNothing() {
      JsonObject broke = push("push-ins-2006.json", 422);
      assertEquals("FAILED", broke.getString("status"));
      assertEquals("INS-2006: Insufficient balance", broke.getString("reason"));
      JsonObject auth = push("push-ins-2.json", 401);
      assertEquals("FAILED", auth.getString("status"));
      assertEquals(
          VodacomMzCollections.CREDENTIALS_REFUSED + ": INS-2 Invalid API Key",
          auth.getString("reason"));
      assertEquals(0, transactions(broke.getString("id")) + transactions(auth.getString("id")));
    }

    @Test
    void aCancelledQueryFailsTheCollection() {
      String id = push("push-ins-9.json", 408).getString("id");
      query(id, "query-cancelled.json");
      pollNow(id);
      settledAs(id, "FAILED");
      assertEquals(0, transactions(id));
    }
  }
}
