package io.payg.telco.vodacomtz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.Money;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentReceipt;
import io.payg.domain.payment.Refusal;
import io.payg.domain.port.TelcoCall;
import io.payg.domain.port.TelcoRequest;
import io.payg.domain.port.TelcoResponse;
import io.payg.telco.simulator.VodacomTzSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link VodacomTzSimulator} over real HTTP: its requests, in every namespace and spPassword
 * form, decode into the payment they describe; its result endpoint takes a result only over mutual
 * TLS and acknowledges it as the sources show; {@link VodacomTzBrokerResultClient} is the merchant side.
 */
class VodacomTzSimulatorTest {

  static final Instant PAID = Instant.parse("2026-01-16T05:30:00Z");
  static final Instant NOW = Instant.parse("2026-01-16T05:30:05Z");

  Vertx vertx;
  HttpServer server;
  WebClient client;
  final VodacomTzTelcoAdapter adapter = new VodacomTzTelcoAdapter();
  volatile Map<String, String> settings = Map.of(
      "username",
      "300300",
      "password",
      "broker-secret",
      "allowedSources",
      "127.0.0.0/8, ::1",
      "businessNumber",
      "123456");
  final ConcurrentLinkedQueue<TelcoCall> decoded = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = await(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      Map<String, String> headers = new HashMap<>();
      req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
      String path = req.path();
      TelcoRequest request = new TelcoRequest(
          path.substring(path.lastIndexOf('/') + 1),
          headers,
          body.getBytes(),
          req.remoteAddress().hostAddress(),
          NOW.plusSeconds(2)); // the broker's fixed clock, seconds later: fresh
      TelcoCall call = adapter.decode(request, "TZS", settings);
      decoded.add(call);
      TelcoResponse answer;
      if (call instanceof TelcoCall.Rejected r) {
        answer = adapter.refusal(r.refusal(), r.detail(), r.processCall(), r.echo());
      } else if (call instanceof TelcoCall.Unbookable u) {
        answer = adapter.refusal(u.refusal(), u.detail(), true, u.echo());
      } else {
        TelcoCall.Process p = (TelcoCall.Process) call;
        answer = adapter.processAnswer(
            new PaymentReceipt("tx-1", "PROCESSED", List.of(), null, null), p.echo());
      }
      req.response()
          .setStatusCode(answer.status())
          .putHeader("Content-Type", answer.contentType())
          .end(Buffer.buffer(answer.body()));
    });
  }

  VodacomTzSimulator broker(String password) {
    return new VodacomTzSimulator(
        client,
        "http://127.0.0.1:" + server.actualPort() + "/api/v1/telco/vodacom-tz/company-1",
        "300300",
        password,
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  static VodacomTzSimulator.Payment payment() {
    return VodacomTzSimulator.Payment.payBill(
        "173388288_664400", "123456", "SN-0001", "18000.0", "255754123456", PAID);
  }

  @Test
  void everyNamespaceAndEveryPasswordFormRoundTrips() throws Exception {
    for (VodacomTzSimulator.Namespace ns : VodacomTzSimulator.Namespace.values()) {
      for (BrokerPasswordDigest digest : BrokerPasswordDigest.values()) {
        Map<String, String> s = new HashMap<>(settings);
        s.put("passwordDigest", digest.setting);
        settings = Map.copyOf(s);
        HttpResponse<Buffer> r = await(broker("broker-secret").c2b(payment(), ns, digest, null));
        assertEquals(200, r.statusCode(), ns + "/" + digest + ": " + r.bodyAsString());
        String expectedRoot = ns.uri == null
            ? "<mpesaBroker version=\"2.0\">"
            : "<mpesaBroker xmlns=\"" + ns.uri + "\" version=\"2.0\">";
        assertTrue(
            r.bodyAsString()
                .contains(
                    expectedRoot + "<response><conversationID>c-173388288_664400</conversationID>"
                        + "<originatorConversationID>oc-173388288_664400</originatorConversationID>"
                        + "<serviceID>tx-1</serviceID><responseCode>0</responseCode>"
                        + "<responseDesc>Received</responseDesc><serviceStatus>Success</serviceStatus>"
                        + "<transactionID>173388288_664400</transactionID></response>"),
            r.bodyAsString());
        assertEquals(
            new PaymentCommand(
                "173388288_664400", "SN-0001", Money.of(1_800_000, "TZS"), "255754123456", PAID),
            assertInstanceOf(TelcoCall.Process.class, decoded.poll()).command());
      }
    }
  }

  @Test
  void aPasswordFormOtherThanTheConfiguredOneIsKeptFlaggedAndRefused() throws Exception {
    HttpResponse<Buffer> r = await(broker("broker-secret")
        .c2b(
            payment(),
            VodacomTzSimulator.Namespace.INFORWISE,
            BrokerPasswordDigest.BASE64_HEX_UPPER,
            null));
    assertEquals(401, r.statusCode());
    assertTrue(r.bodyAsString().contains("<responseCode>999</responseCode>"), r.bodyAsString());
    TelcoCall.Unbookable u = assertInstanceOf(TelcoCall.Unbookable.class, decoded.poll());
    assertFalse(u.authenticated());
    assertEquals(Refusal.UNAUTHENTICATED, u.refusal());
  }

  @Test
  void theSimulatorSendsTheBrokersExactDocument() {
    String expected = """
        <?xml version="1.0" encoding="UTF-8"?>
        <mpesaBroker xmlns="http://inforwise.co.tz/broker/" version="2.0">
          <request>
            <serviceProvider>
              <spId>300300</spId>
              <spPassword>%s</spPassword>
              <timestamp>20260116083005</timestamp>
            </serviceProvider>
            <transaction>
              <amount>18000.0</amount>
              <commandID>Pay Bill</commandID>
              <initiator>255754123456</initiator>
              <conversationID>c-173388288_664400</conversationID>
              <originatorConversationID>oc-173388288_664400</originatorConversationID>
              <recipient>123456</recipient>
              <mpesaReceipt>R173388288664400</mpesaReceipt>
              <transactionDate>2026-01-16 08:30:00</transactionDate>
              <accountReference>SN-0001</accountReference>
              <transactionID>173388288_664400</transactionID>
            </transaction>
            <resultURL>https://127.0.0.1:1/result</resultURL>
          </request>
        </mpesaBroker>
        """.formatted(
            VodacomTzTelcoAdapter.spPassword("300300", "broker-secret", "20260116083005"));
    assertEquals(
        expected,
        new String(
            broker("broker-secret")
                .body(
                    payment(),
                    VodacomTzSimulator.Namespace.INFORWISE,
                    BrokerPasswordDigest.BASE64_SHA256,
                    "https://127.0.0.1:1/result"),
            StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------- the result leg

  VodacomTzSimulator.ResultEndpoint endpoint(BrokerPasswordDigest digest) throws Exception {
    TestPki pki = TestPki.get();
    return await(VodacomTzSimulator.ResultEndpoint.start(
        vertx,
        pki.server.certificate(),
        pki.server.privateKey(),
        pki.caCertificate,
        "300300",
        "broker-secret",
        digest));
  }

  static VodacomTzBrokerResult.Result result(String code) {
    return new VodacomTzBrokerResult.Result(
        VodacomTzTelcoAdapter.NAMESPACE,
        code,
        VodacomTzBrokerResult.CONFIRM.equals(code)
            ? "Successful"
            : "failure, Invalid account reference",
        VodacomTzBrokerResult.CONFIRM.equals(code) ? "6f1c1f7e-0000-4000-8000-000000000001" : null,
        "c-173388288_664400",
        "oc-173388288_664400",
        "173388288_664400",
        "255754123456");
  }

  static byte[] document(String code, BrokerPasswordDigest digest) {
    return VodacomTzBrokerResult.document(
        result(code), "300300", "broker-secret", digest, NOW, VodacomTzTelcoAdapter.DAR_ES_SALAAM);
  }

  @ParameterizedTest
  @EnumSource(VodacomTzSimulator.AckStyle.class)
  void aConfirmationAndACancellationAreAcknowledgedOverMutualTls(VodacomTzSimulator.AckStyle style)
      throws Exception {
    TestPki pki = TestPki.get();
    VodacomTzSimulator.ResultEndpoint broker = endpoint(BrokerPasswordDigest.BASE64_SHA256);
    broker.ackStyle(style);
    VodacomTzBrokerResultClient merchant = new VodacomTzBrokerResultClient(vertx, 10_000);
    for (String code : List.of(VodacomTzBrokerResult.CONFIRM, VodacomTzBrokerResult.CANCEL)) {
      VodacomTzBrokerResultClient.Answer answer = await(merchant.post(
          broker.url(),
          document(code, BrokerPasswordDigest.BASE64_SHA256),
          pki.client.certificate(),
          pki.client.privateKey(),
          pki.caCertificate));
      assertEquals(200, answer.status());
      VodacomTzBrokerResult.Acknowledgement ack =
          VodacomTzBrokerResult.acknowledgement(answer.body(), code);
      assertTrue(ack.acknowledged(), new String(answer.body(), StandardCharsets.UTF_8));
      assertEquals(code.equals("0") ? "Confirming" : "Cancelling", ack.serviceStatus());
    }
    List<VodacomTzSimulator.ReceivedResult> got = broker.received();
    assertEquals(2, got.size());
    assertEquals("Completed", got.get(0).resultType());
    assertEquals("0", got.get(0).resultCode());
    assertEquals("Failed", got.get(1).resultType());
    assertEquals("999", got.get(1).resultCode());
    for (VodacomTzSimulator.ReceivedResult r : got) {
      assertTrue(r.passwordMatched(), r.body());
      assertEquals(VodacomTzTelcoAdapter.NAMESPACE, r.namespace());
      assertEquals("173388288_664400", r.transactionId());
      assertEquals("c-173388288_664400", r.conversationId());
      assertEquals("oc-173388288_664400", r.originatorConversationId());
    }
  }

  @Test
  void withoutTheVodacomIssuedCertificateTheHandshakeFails() throws Exception {
    TestPki pki = TestPki.get();
    VodacomTzSimulator.ResultEndpoint broker = endpoint(BrokerPasswordDigest.BASE64_SHA256);
    VodacomTzBrokerResultClient merchant = new VodacomTzBrokerResultClient(vertx, 10_000);
    ExecutionException e = assertThrows(
        ExecutionException.class,
        () -> await(merchant.post(
            broker.url(),
            document("0", BrokerPasswordDigest.BASE64_SHA256),
            pki.stranger.certificate(),
            pki.stranger.privateKey(),
            pki.caCertificate)));
    assertInstanceOf(VodacomTzBrokerResultClient.ResultLegException.class, e.getCause());
    assertTrue(((VodacomTzBrokerResultClient.ResultLegException) e.getCause()).retryable);
    assertTrue(broker.received().isEmpty());
    // plain http and a missing certificate are refused before anything is sent
    e = assertThrows(
        ExecutionException.class,
        () -> await(merchant.post(
            broker.url().replace("https", "http"),
            document("0", BrokerPasswordDigest.BASE64_SHA256),
            pki.client.certificate(),
            pki.client.privateKey(),
            null)));
    assertFalse(((VodacomTzBrokerResultClient.ResultLegException) e.getCause()).retryable);
    e = assertThrows(
        ExecutionException.class,
        () -> await(merchant.post(
            broker.url(),
            document("0", BrokerPasswordDigest.BASE64_SHA256),
            null,
            null,
            pki.caCertificate)));
    assertFalse(((VodacomTzBrokerResultClient.ResultLegException) e.getCause()).retryable);
  }

  @Test
  void aResultSignedInAnotherPasswordFormIsNotAcknowledgedAndABusyBrokerAnswers503()
      throws Exception {
    TestPki pki = TestPki.get();
    VodacomTzSimulator.ResultEndpoint broker = endpoint(BrokerPasswordDigest.BASE64_HEX_LOWER);
    VodacomTzBrokerResultClient merchant = new VodacomTzBrokerResultClient(vertx, 10_000);
    VodacomTzBrokerResultClient.Answer answer = await(merchant.post(
        broker.url(),
        document("0", BrokerPasswordDigest.BASE64_SHA256),
        pki.client.certificate(),
        pki.client.privateKey(),
        pki.caCertificate));
    assertFalse(VodacomTzBrokerResult.acknowledgement(answer.body(), "0").acknowledged());
    broker.failNext(1);
    assertEquals(
        503,
        await(merchant.post(
                broker.url(),
                document("0", BrokerPasswordDigest.BASE64_HEX_LOWER),
                pki.client.certificate(),
                pki.client.privateKey(),
                pki.caCertificate))
            .status());
    answer = await(merchant.post(
        broker.url(),
        document("0", BrokerPasswordDigest.BASE64_HEX_LOWER),
        pki.client.certificate(),
        pki.client.privateKey(),
        pki.caCertificate));
    assertTrue(VodacomTzBrokerResult.acknowledgement(answer.body(), "0").acknowledged());
  }

  @Test
  void unreadableOrHostileAcknowledgementsAreNotAcknowledgements() {
    for (String body : List.of(
        "",
        "not xml",
        "<mpesaBroker/>",
        "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a "
            + "SYSTEM \"file:///etc/passwd\">]>"
            + "<mpesaBroker><response><responseCode>&a;</responseCode></response></mpesaBroker>",
        "<mpesaBroker xmlns=\"urn:other\"><response><responseCode>0</responseCode></response></mpesaBroker>",
        "<mpesaBroker><response><responseCode>1</responseCode></response></mpesaBroker>")) {
      assertFalse(
          VodacomTzBrokerResult.acknowledgement(body.getBytes(StandardCharsets.UTF_8), "0")
              .acknowledged(),
          body);
    }
    assertTrue(VodacomTzBrokerResult.acknowledgement(
            ("<mpesaBroker xmlns=\"http://infowise.co.tz/broker/\"><response>"
                    + "<responseCode>999</responseCode></response></mpesaBroker>")
                .getBytes(StandardCharsets.UTF_8),
            "999")
        .acknowledged());
    assertFalse(
        VodacomTzBrokerResult.acknowledgement(
                ("<mpesaBroker><response><responseCode>999</responseCode>"
                        + "</response></mpesaBroker>")
                    .getBytes(StandardCharsets.UTF_8),
                "0")
            .acknowledged(),
        "999 to a confirmation is not an acknowledgement");
  }
}
