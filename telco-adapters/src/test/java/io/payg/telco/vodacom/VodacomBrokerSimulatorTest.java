package io.payg.telco.vodacom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.DeviceType;
import io.payg.domain.Money;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentQuery;
import io.payg.domain.payment.PaymentReceipt;
import io.payg.domain.payment.Refusal;
import io.payg.domain.payment.ValidationOutcome;
import io.payg.domain.port.TelcoCall;
import io.payg.domain.port.TelcoRequest;
import io.payg.domain.port.TelcoResponse;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link VodacomBrokerSimulator} sends real HTTP to a loopback server that does what the gateway's
 * TelcoRoutes does with {@link VodacomBrokerTelcoAdapter}: the bytes must decode into the payment
 * they describe, and bad ones come back as the broker's refusal.
 */
class VodacomBrokerSimulatorTest {

  static final Instant PAID = Instant.parse("2026-01-16T05:30:00Z");
  static final Instant NOW = Instant.parse("2026-01-16T05:30:05Z");

  Vertx vertx;
  HttpServer server;
  WebClient client;
  final VodacomBrokerTelcoAdapter adapter = new VodacomBrokerTelcoAdapter();
  volatile Map<String, String> settings = Map.of("username", "300300", "password", "broker-secret",
      "allowedSources", "127.0.0.0/8, ::1", "businessNumber", "123456");
  volatile ValidationOutcome outcome = ValidationOutcome.accepted("Amina", DeviceType.METER, 100);
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
      TelcoRequest request = new TelcoRequest(path.substring(path.lastIndexOf('/') + 1), headers, body.getBytes(),
          req.remoteAddress().hostAddress(), NOW.plusSeconds(2)); // the broker's fixed clock, seconds later: fresh
      TelcoCall call = adapter.decode(request, "TZS", settings);
      decoded.add(call);
      TelcoResponse answer;
      if (call instanceof TelcoCall.Rejected r) {
        answer = adapter.refusal(r.refusal(), r.detail(), r.processCall());
      } else if (call instanceof TelcoCall.Process) {
        answer = adapter.processAnswer(new PaymentReceipt("tx-1", "PROCESSED", List.of(), null, null));
      } else {
        answer = adapter.validationAnswer(outcome);
      }
      req.response().setStatusCode(answer.status()).putHeader("Content-Type", answer.contentType())
          .end(Buffer.buffer(answer.body()));
    });
  }

  VodacomBrokerSimulator broker(String password) {
    return new VodacomBrokerSimulator(client, "http://127.0.0.1:" + server.actualPort()
        + "/api/v1/telco/vodacom-tz/company-1", "300300", password, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  static VodacomBrokerSimulator.Payment payment() {
    return VodacomBrokerSimulator.Payment.payBill("173388288_664400", "123456", "SN-0001", "5000.00", "255754123456",
        PAID);
  }

  @Test
  void validationAndConfirmationRoundTrip() throws Exception {
    VodacomBrokerSimulator broker = broker("broker-secret");
    HttpResponse<Buffer> validation = await(broker.validation(payment()));
    assertEquals(200, validation.statusCode());
    assertEquals("application/xml", validation.getHeader("Content-Type"));
    assertTrue(validation.bodyAsString().contains("<responseCode>0</responseCode>"), validation.bodyAsString());
    assertEquals(new PaymentQuery("SN-0001", Money.of(500_000, "TZS"), "255754123456"),
        assertInstanceOf(TelcoCall.Validate.class, decoded.poll()).query());

    HttpResponse<Buffer> confirmation = await(broker.confirmation(payment()));
    assertEquals(200, confirmation.statusCode());
    assertTrue(confirmation.bodyAsString().contains("<serviceID>tx-1</serviceID><responseCode>0</responseCode>"
        + "<responseDesc>Received</responseDesc><serviceStatus>Success</serviceStatus>"), confirmation.bodyAsString());
    assertEquals(new PaymentCommand("173388288_664400", "SN-0001", Money.of(500_000, "TZS"), "255754123456", PAID),
        assertInstanceOf(TelcoCall.Process.class, decoded.poll()).command());
  }

  @Test
  void theSimulatorSendsTheBrokersExactDocument() {
    String expected = """
        <?xml version="1.0" encoding="UTF-8"?>
        <mpesaBroker xmlns="http://infowise.co.tz/broker/" version="2.0">
          <request>
            <serviceProvider>
              <spId>300300</spId>
              <spPassword>%s</spPassword>
              <timestamp>20260116083005</timestamp>
            </serviceProvider>
            <transaction>
              <amount>5000.00</amount>
              <commandID>customerPayBill</commandID>
              <initiator>255754123456</initiator>
              <conversationID>c-173388288_664400</conversationID>
              <originatorConversationID>oc-173388288_664400</originatorConversationID>
              <recipient>123456</recipient>
              <mpesaReceipt>R173388288664400</mpesaReceipt>
              <transactionDate>2026-01-16 08:30:00</transactionDate>
              <accountReference>SN-0001</accountReference>
              <transactionID>173388288_664400</transactionID>
            </transaction>
          </request>
        </mpesaBroker>
        """.formatted(VodacomBrokerTelcoAdapter.spPassword("300300", "broker-secret", "20260116083005"));
    assertEquals(expected, new String(broker("broker-secret").body(payment()), StandardCharsets.UTF_8));
  }

  @Test
  void refusalsOverHttpAreTheBrokersFailureAnswer() throws Exception {
    VodacomBrokerSimulator broker = broker("broker-secret");

    HttpResponse<Buffer> wrongPassword = await(broker("not-the-secret").confirmation(payment()));
    assertEquals(401, wrongPassword.statusCode());
    assertTrue(wrongPassword.bodyAsString().contains("<responseCode>999</responseCode>"));
    rejected(Refusal.UNAUTHENTICATED);

    HttpResponse<Buffer> badAmount = await(broker.validation(payment().withAmount("5000.005")));
    assertEquals(200, badAmount.statusCode());
    assertTrue(badAmount.bodyAsString().contains("<responseDesc>Invalid amount</responseDesc>"));
    rejected(Refusal.INVALID_AMOUNT);

    HttpResponse<Buffer> badAccount = await(broker.validation(payment().withAccountReference("")));
    assertTrue(badAccount.bodyAsString().contains("<responseDesc>Invalid account reference</responseDesc>"));
    rejected(Refusal.DEVICE_NOT_FOUND);

    outcome = ValidationOutcome.refused(Refusal.DEVICE_NOT_FOUND);
    HttpResponse<Buffer> unknownSerial = await(broker.validation(payment().withAccountReference("SN-9999")));
    assertEquals(200, unknownSerial.statusCode());
    assertTrue(unknownSerial.bodyAsString().contains("<responseCode>999</responseCode>"
        + "<responseDesc>Invalid account reference</responseDesc><serviceStatus>Failed</serviceStatus>"));
    assertEquals("SN-9999", assertInstanceOf(TelcoCall.Validate.class, decoded.poll()).query().serial());

    HttpResponse<Buffer> json = await(broker.send("validation", broker.body(payment()), "application/json"));
    assertTrue(json.bodyAsString().contains("<responseDesc>Malformed request</responseDesc>"));
    rejected(Refusal.MALFORMED_REQUEST);
    await(broker.send("confirmation", broker.body(payment()), null));
    rejected(Refusal.MALFORMED_REQUEST);

    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE mpesaBroker [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
        + "<mpesaBroker><request><transaction><accountReference>&xxe;</accountReference></transaction></request>"
        + "</mpesaBroker>";
    HttpResponse<Buffer> attack = await(broker.send("confirmation", xxe.getBytes(StandardCharsets.UTF_8)));
    assertEquals(200, attack.statusCode());
    assertTrue(attack.bodyAsString().contains("<responseCode>999</responseCode>"));
    assertFalse(attack.bodyAsString().contains("root:"));
    rejected(Refusal.MALFORMED_REQUEST);

    settings = Map.of("username", "300300", "password", "broker-secret", "allowedSources", "196.41.60.4");
    HttpResponse<Buffer> notTheBroker = await(broker.validation(payment()));
    assertEquals(401, notTheBroker.statusCode());
    rejected(Refusal.UNAUTHENTICATED);
  }

  private void rejected(Refusal refusal) {
    TelcoCall.Rejected r = assertInstanceOf(TelcoCall.Rejected.class, decoded.poll());
    assertEquals(refusal, r.refusal(), r.detail());
  }
}
