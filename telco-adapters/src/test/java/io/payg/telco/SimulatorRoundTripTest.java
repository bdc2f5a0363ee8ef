package io.payg.telco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.payg.domain.DeviceType;
import io.payg.domain.Money;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentQuery;
import io.payg.domain.payment.PaymentReceipt;
import io.payg.domain.payment.ValidationOutcome;
import io.payg.domain.port.TelcoAdapter;
import io.payg.domain.port.TelcoCall;
import io.payg.domain.port.TelcoRequest;
import io.payg.domain.port.TelcoResponse;
import io.payg.telco.safaricom.SafaricomTelcoAdapter;
import io.payg.telco.simulator.SafaricomSimulator;
import io.payg.telco.simulator.WaveSimulator;
import io.payg.telco.wave.WaveTelcoAdapter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The simulators send real HTTP to a loopback server that does what the gateway's TelcoRoutes
 * does with an adapter: the bytes they send must decode into the payment they describe.
 */
@ExtendWith(VertxExtension.class)
class SimulatorRoundTripTest {

  static final Instant PAID = Instant.parse("2026-01-16T05:30:00Z");

  Vertx vertx;
  HttpServer server;
  WebClient client;
  TelcoAdapter adapter;
  String currency;
  Map<String, String> settings;
  final ConcurrentLinkedQueue<TelcoCall> decoded = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void quiet() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx
        .createHttpServer()
        .requestHandler(this::handle)
        .listen(0, "127.0.0.1")
        .toCompletionStage()
        .toCompletableFuture()
        .get();
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      Map<String, String> headers = new HashMap<>();
      req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
      String path = req.path();
      String operation = path.substring(path.lastIndexOf('/') + 1);
      TelcoRequest request = new TelcoRequest(
          operation, headers, body.getBytes(), req.remoteAddress().hostAddress(), Instant.now());
      TelcoCall call = adapter.decode(request, currency, settings);
      decoded.add(call);
      TelcoResponse answer;
      if (call instanceof TelcoCall.Rejected r) {
        answer = adapter.refusal(r.refusal(), r.detail(), r.processCall());
      } else if (call instanceof TelcoCall.Unbookable u) {
        // as TelcoRoutes answers: a flagged message gets the refusal, an authentic one the
        // acknowledgement
        answer = u.authenticated()
            ? adapter.keptAnswer(u.refusal(), u.detail(), u.echo())
            : adapter.refusal(u.refusal(), u.detail(), u.processCall(), u.echo());
      } else if (call instanceof TelcoCall.Process) {
        answer =
            adapter.processAnswer(new PaymentReceipt("tx-1", "PROCESSED", List.of(), null, null));
      } else {
        answer = adapter.validationAnswer(ValidationOutcome.accepted("Amina", DeviceType.METER, 1));
      }
      req.response()
          .setStatusCode(answer.status())
          .putHeader("Content-Type", answer.contentType())
          .end(Buffer.buffer(answer.body()));
    });
  }

  String base(String provider) {
    return "http://127.0.0.1:" + server.actualPort() + "/api/v1/telco/" + provider + "/company-1";
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get();
  }

  @Test
  void safaricomValidationAndConfirmationRoundTrip() throws Exception {
    adapter = new SafaricomTelcoAdapter();
    currency = "KES";
    settings = Map.of("shortCode", "600638", "allowedSources", "127.0.0.1");
    SafaricomSimulator mpesa = new SafaricomSimulator(client, base("safaricom"));
    var payment = SafaricomSimulator.C2bPayment.payBill(
        "RKTQDM7W6S", "600638", "SN-0001", "500.00", "254708374149", PAID);

    HttpResponse<Buffer> validation = await(mpesa.validation(payment));
    assertEquals(200, validation.statusCode());
    assertEquals("{\"ResultCode\":\"0\",\"ResultDesc\":\"Accepted\"}", validation.bodyAsString());
    assertEquals(
        new PaymentQuery("SN-0001", Money.of(50_000, "KES"), "254708374149"),
        assertInstanceOf(TelcoCall.Validate.class, decoded.poll()).query());

    HttpResponse<Buffer> confirmation =
        await(mpesa.confirmation(payment.withOrgAccountBalance("49197.00")));
    assertEquals(200, confirmation.statusCode());
    assertEquals("{\"ResultCode\":0,\"ResultDesc\":\"Success\"}", confirmation.bodyAsString());
    assertEquals(
        new PaymentCommand("RKTQDM7W6S", "SN-0001", Money.of(50_000, "KES"), "254708374149", PAID),
        assertInstanceOf(TelcoCall.Process.class, decoded.poll()).command());

    // the exact Daraja body
    assertEquals(
        "{\"TransactionType\":\"Pay Bill\",\"TransID\":\"RKTQDM7W6S\",\"TransTime\":\"20260116083000\","
            + "\"TransAmount\":\"500.00\",\"BusinessShortCode\":\"600638\",\"BillRefNumber\":\"SN-0001\","
            + "\"InvoiceNumber\":\"\",\"OrgAccountBalance\":\"\",\"ThirdPartyTransID\":\"\","
            + "\"MSISDN\":\"254708374149\","
            + "\"FirstName\":\"John\",\"MiddleName\":\"\",\"LastName\":\"Doe\"}",
        payment.body().toString());
  }

  @Test
  void safaricomRefusalsOverHttp() throws Exception {
    adapter = new SafaricomTelcoAdapter();
    currency = "KES";
    settings = Map.of("shortCode", "600638", "allowedSources", "196.201.214.0/24");
    SafaricomSimulator mpesa = new SafaricomSimulator(client, base("safaricom"));
    var payment = SafaricomSimulator.C2bPayment.payBill(
        "RKTQDM7W6S", "600638", "SN-0001", "500.00", "2547 ***** 149", PAID);
    // loopback is not an M-Pesa address
    HttpResponse<Buffer> validation = await(mpesa.validation(payment));
    assertEquals(200, validation.statusCode());
    assertEquals(
        "{\"ResultCode\":\"C2B00016\",\"ResultDesc\":\"Rejected\"}", validation.bodyAsString());
    // a confirmation from there is kept flagged by the gateway and answered 403
    assertEquals(403, await(mpesa.confirmation(payment)).statusCode());
    assertTrue(decoded.stream().reduce((a, b) -> b).orElseThrow() instanceof TelcoCall.Unbookable u
        && !u.authenticated());

    settings = Map.of("shortCode", "600638", "allowedSources", "127.0.0.0/8");
    HttpResponse<Buffer> badAccount = await(mpesa.validation(SafaricomSimulator.C2bPayment.payBill(
        "RKTQDM7W6T", "600638", "", "500.00", "254708374149", PAID)));
    assertEquals(
        "{\"ResultCode\":\"C2B00012\",\"ResultDesc\":\"Rejected\"}", badAccount.bodyAsString());
    HttpResponse<Buffer> badAmount = await(mpesa.send(
        "validation",
        Buffer.buffer(payment.body().toJsonObject().put("TransAmount", "5.005").encode())));
    assertEquals(
        "{\"ResultCode\":\"C2B00013\",\"ResultDesc\":\"Rejected\"}", badAmount.bodyAsString());
  }

  @Test
  void waveWebhooksRoundTrip() throws Exception {
    adapter = new WaveTelcoAdapter();
    currency = "XOF";
    settings = Map.of("webhookSecret", "wave-secret");
    WaveSimulator wave = new WaveSimulator(client, base("wave"), "wave-secret");

    HttpResponse<Buffer> r = await(wave.send(WaveSimulator.checkoutCompleted(
        "EV_1", "cos-1", "TCN4Y4ZC3FM", "1000", "XOF", "SN-0001", PAID)));
    assertEquals(200, r.statusCode());
    assertEquals(
        new JsonObject(
            "{\"received\":true,\"recorded\":true,\"transactionId\":\"tx-1\",\"status\":\"PROCESSED\"}"),
        r.bodyAsJsonObject());
    assertEquals(
        new PaymentCommand("TCN4Y4ZC3FM", "SN-0001", Money.of(1000, "XOF"), null, PAID),
        assertInstanceOf(TelcoCall.Process.class, decoded.poll()).command());

    r = await(wave.send(WaveSimulator.merchantPaymentReceived(
        "EV_2", "T_46HS5COOWE", "2500", "XOF", "+221761110001", "SN-0002", PAID)));
    assertEquals(200, r.statusCode());
    assertEquals(
        new PaymentCommand("T_46HS5COOWE", "SN-0002", Money.of(2500, "XOF"), "+221761110001", PAID),
        assertInstanceOf(TelcoCall.Process.class, decoded.poll()).command());

    // a test event: acknowledged, nothing recorded
    r = await(wave.send(WaveSimulator.event("EV_3", "test.test_event", new JsonObject())));
    assertEquals(200, r.statusCode());
    assertEquals(false, r.bodyAsJsonObject().getBoolean("recorded"));
  }

  @Test
  void waveRefusesStaleWrongAndMissingSignatures() throws Exception {
    adapter = new WaveTelcoAdapter();
    currency = "XOF";
    settings = Map.of("webhookSecret", "wave-secret");
    Buffer body = WaveSimulator.checkoutCompleted(
        "EV_1", "cos-1", "TCN4Y4ZC3FM", "1000", "XOF", "SN-0001", PAID);

    WaveSimulator stale = new WaveSimulator(
        client,
        base("wave"),
        "wave-secret",
        Clock.fixed(Instant.now().minusSeconds(301), ZoneOffset.UTC));
    assertEquals(401, await(stale.send(body)).statusCode());
    WaveSimulator wrong = new WaveSimulator(client, base("wave"), "not-the-secret");
    assertEquals(401, await(wrong.send(body)).statusCode());
    WaveSimulator good = new WaveSimulator(client, base("wave"), "wave-secret");
    assertEquals(401, await(good.sendSigned(body, null)).statusCode());
    assertEquals(200, await(good.send(body)).statusCode());
  }
}
