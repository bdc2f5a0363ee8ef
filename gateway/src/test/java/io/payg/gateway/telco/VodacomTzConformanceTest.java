package io.payg.gateway.telco;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.VodacomTzSimulator;
import io.payg.telco.simulator.VodacomTzSimulator.ReceivedResult;
import io.payg.telco.simulator.VodacomTzSimulator.ResultEndpoint;
import io.payg.telco.vodacomtz.BrokerPasswordDigest;
import io.payg.telco.vodacomtz.TestPki;
import io.payg.telco.vodacomtz.VodacomTzTelcoAdapter;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The Vodacom Tanzania conformance kit ({@code conformance/vodacom-tz}, sources in its README)
 * replayed through the gateway over HTTP: the broker's request in all three namespace forms, the
 * answer it expects at once, the result leg the gateway posts over mutual TLS to the broker's
 * result endpoint ({@link ResultEndpoint}) and the broker's acknowledgement, with the database state
 * of each: transaction, unmatched payment, broker result, outbox job.
 */
class VodacomTzConformanceTest {

  static final String SP_ID = "400205"; // the kit's service provider and business number
  static final String PASSWORD = "broker-password";
  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static ResultEndpoint broker;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(VodacomTzConformanceTest.class);
    company =
        gw.company("Tanzania Solar", "TZS", 50_000, 100_000); // 500.00 TZS/kWh, minimum 1,000.00
    broker = startBroker(gw);
    enable(gw, company, SP_ID, PASSWORD, broker.url());
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** The broker's result endpoint: loopback HTTPS requiring the CA's client certificate. */
  static ResultEndpoint startBroker(GatewayFixture gw) {
    TestPki pki = TestPki.get();
    return await(ResultEndpoint.start(
        gw.app.vertx(),
        pki.server.certificate(),
        pki.server.privateKey(),
        pki.caCertificate,
        SP_ID,
        PASSWORD,
        BrokerPasswordDigest.BASE64_SHA256));
  }

  /** The vodacom-tz plugin with the result leg: Vodacom's client certificate and the broker's CA. */
  static void enable(
      GatewayFixture gw, GatewayFixture.Company c, String spId, String password, String resultUrl) {
    TestPki pki = TestPki.get();
    JsonObject settings = new JsonObject()
        .put("username", spId)
        .put("password", password)
        .put("allowedSources", "127.0.0.1/32")
        .put("businessNumber", SP_ID)
        .put("clientCertificate", pki.client.certificate())
        .put("clientKey", pki.client.privateKey())
        .put("brokerCaCertificates", pki.caCertificate);
    if (resultUrl != null) {
      settings.put("resultUrl", resultUrl);
    }
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/vodacom-tz",
        c.adminToken(),
        new JsonObject().put("enabled", true).put("settings", settings)));
  }

  // ---------------------------------------------------------------- the kit

  static String kit(String file) {
    try (InputStream in =
        VodacomTzConformanceTest.class.getResourceAsStream("/conformance/vodacom-tz/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String fill(String template, Map<String, String> values) {
    String out = template;
    for (var e : values.entrySet()) {
      out = out.replace("${" + e.getKey() + "}", e.getValue());
    }
    assertFalse(out.contains("${"), "a placeholder is left: " + out);
    return out;
  }

  /** A kit request, signed now, for {@code serial} and a fresh broker transaction id. */
  static String request(String file, String serial, String transactionId, String resultUrl) {
    String timestamp = VodacomTzSimulator.timestamp(Instant.now());
    Map<String, String> values = new HashMap<>(Map.of(
        "spId",
        SP_ID,
        "timestamp",
        timestamp,
        "spPassword",
        VodacomTzTelcoAdapter.spPassword(SP_ID, PASSWORD, timestamp),
        "accountReference",
        serial,
        "transactionID",
        transactionId));
    if (resultUrl != null) {
      values.put("resultURL", resultUrl);
    }
    return fill(kit(file), values);
  }

  static Future<HttpResponse<Buffer>> post(GatewayFixture.Company c, String operation, String xml) {
    return gw.http
        .postAbs(gw.base + "/api/v1/telco/vodacom-tz/" + c.id() + "/" + operation)
        .putHeader("Content-Type", "text/xml")
        .sendBuffer(Buffer.buffer(xml));
  }

  /** The leaf elements of the document's first element named {@code section} (response, transaction...). */
  static Map<String, String> fields(String xml, String section) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Element root = f.newDocumentBuilder()
          .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))
          .getDocumentElement();
      Element s = (Element) root.getElementsByTagNameNS("*", section).item(0);
      Map<String, String> out = new HashMap<>();
      for (Node n = s.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e) {
          out.put(e.getLocalName(), e.getTextContent().trim());
        }
      }
      return out;
    } catch (Exception e) {
      throw new AssertionError("not XML: " + xml, e);
    }
  }

  static String root(String xml) {
    int start = xml.indexOf("<mpesaBroker");
    return xml.substring(start, xml.indexOf('>', start) + 1);
  }

  static List<ReceivedResult> resultsFor(String transactionId) {
    return broker.received().stream()
        .filter(r -> transactionId.equals(r.transactionId()))
        .toList();
  }

  static String txnId() {
    return "1251899" + ThreadLocalRandom.current().nextInt(100_000, 999_999);
  }

  static String serial() {
    String serial = "VTZ-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    return serial;
  }

  // ---------------------------------------------------------------- done when

  @Test
  void anInforwiseRequestIsBookedOnceAndConfirmedToTheBrokerOnceEvenWhenRedelivered() {
    String serial = serial();
    String id = txnId();
    String xml = request("request-inforwise.xml", serial, id, null);

    HttpResponse<Buffer> first = await(post(company, "c2b", xml));
    assertEquals(200, first.statusCode(), first.bodyAsString());
    assertEquals(root(kit("response-received.xml")), root(first.bodyAsString()));
    Map<String, String> expected =
        fields(fill(kit("response-received.xml"), Map.of("transactionID", id)), "response");
    Map<String, String> answered = fields(first.bodyAsString(), "response");
    expected.forEach((k, v) -> assertEquals(v, answered.get(k), k));
    String transactionId = gw.db.text(
        "SELECT id::text FROM transactions WHERE provider = 'vodacom-tz' "
            + "AND provider_txn_id = ?",
        id);
    assertEquals(
        transactionId, answered.get("serviceID"), "our transaction id rides along as serviceID");

    // the broker redelivers: again, on the old alias paths, and twenty at once
    assertEquals(first.bodyAsString(), await(post(company, "c2b", xml)).bodyAsString());
    assertEquals(first.bodyAsString(), await(post(company, "confirmation", xml)).bodyAsString());
    List<Future<HttpResponse<Buffer>>> storm = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      storm.add(post(company, i % 2 == 0 ? "c2b" : "validation", xml));
    }
    storm.forEach(f -> assertEquals(first.bodyAsString(), await(f).bodyAsString()));

    eventually(
        Duration.ofSeconds(15),
        "the broker acknowledged the result",
        () -> gw.db.count(
                "SELECT count(*) FROM broker_results WHERE provider_txn_id = ? AND acknowledged_at IS NOT NULL",
                id)
            == 1);
    assertEquals(1, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", id));
    assertEquals(
        1_800_000L, gw.db.count("SELECT amount FROM transactions WHERE provider_txn_id = ?", id));
    // and one more redelivery after the acknowledgement sends nothing new
    assertEquals(first.bodyAsString(), await(post(company, "c2b", xml)).bodyAsString());
    sleep(800);
    List<ReceivedResult> results = resultsFor(id);
    assertEquals(1, results.size(), "confirmed to the broker once");
    ReceivedResult r = results.get(0);
    assertTrue(r.passwordMatched(), r.body());
    Map<String, String> published = fields(kit("result-confirm.xml"), "transaction");
    Map<String, String> sent = fields(r.body(), "transaction");
    for (String k : List.of(
        "resultType",
        "resultCode",
        "resultDesc",
        "originatorConversationID",
        "conversationID",
        "initiator")) {
      assertEquals(published.get(k), sent.get(k), k);
    }
    assertEquals(id, sent.get("transactionID"));
    assertEquals(transactionId, sent.get("serviceReceipt"));
    assertTrue(
        sent.get("serviceDate").matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}"),
        sent.get("serviceDate"));
    assertEquals(
        root(kit("result-confirm.xml")),
        root(r.body()),
        "the result speaks the request's namespace");
    assertEquals(
        "0|Attempted successfully|Confirming|200",
        gw.db.text(
            "SELECT concat_ws('|', broker_response_code, "
                + "broker_response_desc, broker_service_status, broker_http_status) FROM broker_results WHERE "
                + "provider_txn_id = ?",
            id));
    assertEquals(
        "DONE",
        gw.db.text(
            "SELECT o.status FROM outbox o JOIN broker_results b ON b.id = o.broker_result_id "
                + "WHERE b.provider_txn_id = ?",
            id));
    eventually(
        Duration.ofSeconds(15),
        "token",
        () -> "COMPLETED"
            .equals(gw.db.text("SELECT status FROM transactions WHERE provider_txn_id = ?", id)));
  }

  // ---------------------------------------------------------------- the other forms and outcomes

  @Test
  void anInfowiseRequestForAnUnknownAccountIsReceivedKeptAndCancelledToTheBroker() {
    String id = txnId();
    String typed = "NO-SUCH-" + UUID.randomUUID().toString().substring(0, 4);
    broker.answerWith(r -> fill(
        kit("ack-echo-code.xml"),
        Map.of(
            "conversationID",
            r.conversationId(),
            "originatorConversationID",
            r.originatorConversationId(),
            "resultCode",
            r.resultCode(),
            "resultDesc",
            r.resultDesc(),
            "transactionID",
            r.transactionId())));
    try {
      HttpResponse<Buffer> answer =
          await(post(company, "c2b", request("request-infowise.xml", typed, id, null)));
      assertEquals(200, answer.statusCode(), answer.bodyAsString());
      assertEquals(
          "<mpesaBroker xmlns=\"http://infowise.co.tz/broker/\" version=\"2.0\">",
          root(answer.bodyAsString()));
      Map<String, String> fields = fields(answer.bodyAsString(), "response");
      assertEquals("0", fields.get("responseCode"));
      assertEquals("Received", fields.get("responseDesc"));
      assertEquals(id, fields.get("transactionID"));

      eventually(
          Duration.ofSeconds(15),
          "the cancellation acknowledged",
          () -> "CANCELLED"
              .equals(gw.db.text(
                  "SELECT status FROM unmatched_payments WHERE provider_txn_id = ?", id)));
      assertEquals(
          0, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", id));
      assertEquals(
          "DEVICE_NOT_FOUND|" + typed + "|1800000|t",
          gw.db.text(
              "SELECT concat_ws('|', reason, "
                  + "account_reference, amount, authenticated) FROM unmatched_payments WHERE provider_txn_id = ?",
              id));
      assertEquals(
          "999|999",
          gw.db.text(
              "SELECT concat_ws('|', result_code, broker_response_code) FROM broker_results "
                  + "WHERE provider_txn_id = ?",
              id));
      ReceivedResult r = resultsFor(id).get(0);
      Map<String, String> published = fields(kit("result-cancel.xml"), "transaction");
      Map<String, String> sent = fields(r.body(), "transaction");
      for (String k : List.of(
          "resultType",
          "resultCode",
          "resultDesc",
          "originatorConversationID",
          "conversationID",
          "initiator")) {
        assertEquals(published.get(k), sent.get(k), k);
      }
      assertEquals(root(kit("result-cancel.xml")), root(r.body()));
      String kept =
          gw.db.text("SELECT raw_body FROM unmatched_payments WHERE provider_txn_id = ?", id);
      assertTrue(kept.contains("<spPassword>[redacted]</spPassword>"), kept);
      assertFalse(
          kept.matches("(?s).*<spPassword>[^\\[].*"), "the kept body never holds the spPassword");
      // a redelivery changes nothing: no second result, no booking
      await(post(company, "c2b", request("request-infowise.xml", typed, id, null)));
      sleep(500);
      assertEquals(1, resultsFor(id).size());
      assertEquals(
          0, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", id));
    } finally {
      broker.answerWith(null);
    }
  }

  @Test
  void aRequestWithoutNamespaceIsConfirmedToTheResultUrlItCarries() {
    GatewayFixture.Company other = gw.company("Tanzania Solar Two", "TZS", 50_000, 100_000);
    enable(
        gw, other, SP_ID, PASSWORD,
        null); // no resultUrl setting: the request's <resultURL> is used
    String serial = "VTZ-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(other, serial);
    String id = txnId();
    broker.answerWith(r -> fill(
        kit("ack-attempted.xml"),
        Map.of(
            "conversationID",
            r.conversationId(),
            "originatorConversationID",
            r.originatorConversationId(),
            "serviceStatus",
            "0".equals(r.resultCode()) ? "Confirming" : "Cancelling",
            "transactionID",
            r.transactionId())));
    try {
      HttpResponse<Buffer> answer =
          await(post(other, "c2b", request("request-no-namespace.xml", serial, id, broker.url())));
      assertEquals(200, answer.statusCode(), answer.bodyAsString());
      assertEquals("<mpesaBroker version=\"2.0\">", root(answer.bodyAsString()));
      eventually(
          Duration.ofSeconds(15),
          "acknowledged",
          () -> gw.db.count(
                  "SELECT count(*) FROM broker_results WHERE provider_txn_id = ? AND acknowledged_at IS NOT NULL",
                  id)
              == 1);
      ReceivedResult r = resultsFor(id).get(0);
      assertEquals(null, r.namespace());
      assertEquals("0", r.resultCode());
      assertEquals(
          broker.url(),
          gw.db.text(
              "SELECT request_result_url FROM broker_results WHERE provider_txn_id = ?", id));
    } finally {
      broker.answerWith(null);
    }
  }

  @Test
  void aBrokerThatIsDownGetsTheResultRetriedWithBackoffAndStillOnce() {
    String serial = serial();
    String id = txnId();
    broker.failNext(2);
    assertEquals(
        200,
        await(post(company, "c2b", request("request-inforwise.xml", serial, id, null)))
            .statusCode());
    eventually(
        Duration.ofSeconds(20),
        "acknowledged after the outage",
        () -> gw.db.count(
                "SELECT count(*) FROM broker_results WHERE provider_txn_id = ? AND acknowledged_at IS NOT NULL",
                id)
            == 1);
    assertEquals(
        3,
        gw.db.count(
            "SELECT o.attempts FROM outbox o JOIN broker_results b ON b.id = o.broker_result_id "
                + "WHERE b.provider_txn_id = ?",
            id));
    assertEquals(1, resultsFor(id).size());
  }

  @Test
  void aBrokerThatAnswersWithoutAcknowledgingEndsTheJobFailedWithItsAnswerKept() {
    String serial = serial();
    String id = txnId();
    broker.answerWith(
        r -> "<mpesaBroker xmlns=\"http://inforwise.co.tz/broker/\" version=\"2.0\"><response>"
            + "<responseCode>1</responseCode><responseDesc>Invalid transaction</responseDesc>"
            + "<transactionID>" + r.transactionId() + "</transactionID></response></mpesaBroker>");
    try {
      assertEquals(
          200,
          await(post(company, "c2b", request("request-inforwise.xml", serial, id, null)))
              .statusCode());
      eventually(
          Duration.ofSeconds(15),
          "the job ended",
          () -> "FAILED"
              .equals(gw.db.text(
                  "SELECT o.status FROM "
                      + "outbox o JOIN broker_results b ON b.id = o.broker_result_id WHERE b.provider_txn_id = ?",
                  id)));
      assertEquals(
          "1|Invalid transaction|200|f",
          gw.db.text(
              "SELECT concat_ws('|', broker_response_code, "
                  + "broker_response_desc, broker_http_status, acknowledged_at IS NOT NULL) FROM broker_results "
                  + "WHERE provider_txn_id = ?",
              id));
      assertEquals(1, resultsFor(id).size(), "not retried: the broker answered");
    } finally {
      broker.answerWith(null);
    }
  }

  @Test
  void aPasswordInAnotherFormIsKeptFlaggedRefusedAndNotAnsweredForInTheResultLeg() {
    String serial = serial();
    String id = txnId();
    String timestamp = VodacomTzSimulator.timestamp(Instant.now());
    String xml = fill(
        kit("request-inforwise.xml"),
        Map.of(
            "spId",
            SP_ID,
            "timestamp",
            timestamp,
            "spPassword",
            BrokerPasswordDigest.BASE64_HEX_UPPER.spPassword(SP_ID, PASSWORD, timestamp),
            "accountReference",
            serial,
            "transactionID",
            id));
    HttpResponse<Buffer> answer = await(post(company, "c2b", xml));
    assertEquals(401, answer.statusCode(), answer.bodyAsString());
    assertEquals("999", fields(answer.bodyAsString(), "response").get("responseCode"));
    assertEquals(
        "UNAUTHENTICATED|f|OPEN",
        gw.db.text(
            "SELECT concat_ws('|', reason, authenticated, status) "
                + "FROM unmatched_payments WHERE provider_txn_id = ?",
            id));
    assertEquals(0, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", id));
    assertEquals(
        0, gw.db.count("SELECT count(*) FROM broker_results WHERE provider_txn_id = ?", id));
    // the same payment again with the right form is still not booked: the kept id waits for an
    // operator
    assertEquals(
        200,
        await(post(company, "c2b", request("request-inforwise.xml", serial, id, null)))
            .statusCode());
    assertEquals(0, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", id));
    assertEquals(
        0, gw.db.count("SELECT count(*) FROM broker_results WHERE provider_txn_id = ?", id));
  }

  @Test
  void theClientKeyIsASecretEncryptedAtRestAndNeverReturned() {
    String stored = gw.db.text(
        "SELECT settings::text FROM plugins WHERE company_id = ?::uuid AND name = 'vodacom-tz'",
        company.id());
    assertFalse(stored.contains("PRIVATE KEY"), "the key is sealed");
    assertTrue(stored.contains("BEGIN CERTIFICATE"), "the certificate is not a secret");
    JsonObject view = GatewayFixture.ok(gw.get("/api/v1/plugins/vodacom-tz", company.adminToken()));
    assertFalse(view.encode().contains("PRIVATE KEY"), view.encode());
    assertNotNull(view);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
