package io.payg.telco.airtel;

import static io.payg.telco.support.Stages.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.Money;
import io.payg.domain.payment.Refusal;
import io.payg.domain.port.CollectionRequest;
import io.payg.domain.port.CollectionStatus;
import io.payg.domain.port.TelcoCall;
import io.payg.domain.port.TelcoRequest;
import io.payg.domain.port.TelcoResponse;
import io.payg.telco.simulator.AirtelSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator's callbacks, delivered over real HTTP to a tiny server that does with them what
 * the gateway's TelcoRoutes does: decode with {@link AirtelTelcoAdapter} and answer.
 */
class AirtelCallbackTest {

  record Received(
      HttpMethod method,
      String path,
      String contentType,
      Buffer body,
      TelcoCall call,
      int answered) {}

  Vertx vertx;
  HttpServer listener;
  AirtelSimulator airtel;
  AirtelCollections collections;
  final AirtelTelcoAdapter adapter = new AirtelTelcoAdapter();
  final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  volatile Map<String, String> pluginSettings = Map.of();
  volatile int answerStatus = 0; // 0: the adapter's answer

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    airtel = await(AirtelSimulator.start(vertx, 0));
    collections = new AirtelCollections(WebClient.create(vertx));
    listener = await(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
    airtel.setCallbackUrl(callbackUrl());
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      Map<String, String> headers = new HashMap<>();
      req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
      String path = req.path();
      TelcoCall call = adapter.decode(
          new TelcoRequest(
              path.substring(path.lastIndexOf('/') + 1),
              headers,
              body.getBytes(),
              req.remoteAddress().hostAddress(),
              Instant.now()),
          "TZS",
          pluginSettings);
      TelcoResponse answer = call instanceof TelcoCall.Rejected r
          ? adapter.refusal(r.refusal(), r.detail(), true)
          : adapter.callbackAnswer();
      int status = answerStatus == 0 ? answer.status() : answerStatus;
      received.add(
          new Received(req.method(), path, req.getHeader("Content-Type"), body, call, status));
      req.response()
          .setStatusCode(status)
          .putHeader("Content-Type", answer.contentType())
          .end(Buffer.buffer(answer.body()));
    });
  }

  String callbackUrl() {
    return "http://127.0.0.1:" + listener.actualPort() + "/api/v1/telco/airtel/company-1/callback";
  }

  CollectionRequest request(String reference) {
    return new CollectionRequest(
        reference, "255754123456", Money.of(500_000, "TZS"), "SN-0001", null, airtel.settings());
  }

  @Test
  void anApprovalIsPostedOnceAndDecodesToASucceededUpdateTheStatusConfirms() throws Exception {
    String ref = UUID.randomUUID().toString();
    assertEquals(CollectionStatus.pending(), await(collections.requestToPay(request(ref))));
    assertTrue(received.isEmpty());
    await(airtel.approve(ref));

    assertEquals(1, received.size());
    Received callback = received.poll();
    assertEquals(HttpMethod.POST, callback.method());
    assertEquals("/api/v1/telco/airtel/company-1/callback", callback.path());
    assertEquals("application/json", callback.contentType());
    JsonObject transaction = callback.body().toJsonObject().getJsonObject("transaction");
    assertEquals(ref, transaction.getString("id"));
    assertEquals("TS", transaction.getString("status_code"));
    String moneyId = transaction.getString("airtel_money_id");
    assertNull(callback.body().toJsonObject().getValue("hash"));
    assertEquals(
        new TelcoCall.CollectionUpdate(ref, CollectionStatus.succeeded(moneyId)), callback.call());
    assertEquals(CollectionStatus.succeeded(moneyId), await(collections.status(request(ref))));
    assertEquals(
        List.of(new AirtelSimulator.Callback(ref, callbackUrl(), "TS", 200)), airtel.callbacks());
  }

  @Test
  void aRejectionDecodesToAFailedUpdateWithTheMessage() throws Exception {
    String ref = UUID.randomUUID().toString();
    await(collections.requestToPay(request(ref)));
    await(airtel.reject(ref, "Insufficient funds"));
    Received callback = received.poll();
    assertEquals(
        new TelcoCall.CollectionUpdate(ref, CollectionStatus.failed("Insufficient funds")),
        callback.call());
  }

  @Test
  void withCallbackAuthenticationTheHashIsVerified() throws Exception {
    String secret = "zITVAAGYSlzl1WkUQJn81kbpT5drH3koffT8jCkcJJA=";
    airtel.setCallbackSecret(secret);
    pluginSettings = Map.of(AirtelTelcoAdapter.SETTING_CALLBACK_SECRET, secret);
    String ref = UUID.randomUUID().toString();
    await(collections.requestToPay(request(ref)));
    await(airtel.approve(ref));
    Received signed = received.poll();
    assertTrue(signed.body().toJsonObject().getValue("hash") instanceof String);
    assertInstanceOf(TelcoCall.CollectionUpdate.class, signed.call());
    assertEquals(200, signed.answered());

    // a company configured with another key refuses it (401), and the simulator does not retry
    pluginSettings = Map.of(AirtelTelcoAdapter.SETTING_CALLBACK_SECRET, "another-key");
    String other = UUID.randomUUID().toString();
    await(collections.requestToPay(request(other)));
    await(airtel.reject(other, null));
    Received refused = received.poll();
    assertEquals(
        Refusal.UNAUTHENTICATED,
        assertInstanceOf(TelcoCall.Rejected.class, refused.call()).refusal());
    assertEquals(401, refused.answered());
    assertEquals(401, airtel.callbacks().get(1).httpStatus());
  }

  @Test
  void approveAllCallsBackToo() throws Exception {
    airtel.approveAll(true);
    String ref = UUID.randomUUID().toString();
    await(collections.requestToPay(request(ref)));
    for (int i = 0; i < 100 && received.isEmpty(); i++) {
      Thread.sleep(20);
    }
    assertEquals(TelcoCall.CollectionUpdate.class, received.poll().call().getClass());
  }

  @Test
  void withCallbacksOffTheCallbackIsLostAndOnlyTheStatusTells() throws Exception {
    airtel.setCallbacks(false);
    String ref = UUID.randomUUID().toString();
    await(collections.requestToPay(request(ref)));
    await(airtel.approve(ref));
    Thread.sleep(200);
    assertTrue(received.isEmpty());
    assertTrue(airtel.callbacks().isEmpty());
    assertEquals(
        CollectionStatus.State.SUCCEEDED,
        await(collections.status(request(ref))).state());
  }

  @Test
  void aCallbackIsNeverRetriedWhateverTheAnswer() throws Exception {
    answerStatus = 500;
    String ref = UUID.randomUUID().toString();
    await(collections.requestToPay(request(ref)));
    await(airtel.approve(ref));
    Thread.sleep(300);
    assertEquals(1, received.size());
    assertEquals(
        List.of(new AirtelSimulator.Callback(ref, callbackUrl(), "TS", 500)), airtel.callbacks());

    String gone = UUID.randomUUID().toString();
    await(collections.requestToPay(request(gone)));
    await(listener.close());
    await(airtel.reject(gone, null));
    assertEquals(-1, airtel.callbacks().get(1).httpStatus());
    assertEquals("TF", airtel.callbacks().get(1).statusCode());
  }

  @Test
  void aForgedUnsignedCallbackIsOnlyAHint() throws Exception {
    String ref = UUID.randomUUID().toString();
    await(collections.requestToPay(request(ref)));
    var forged = WebClient.create(vertx)
        .postAbs(callbackUrl())
        .sendJsonObject(new JsonObject()
            .put(
                "transaction",
                new JsonObject()
                    .put("id", ref)
                    .put("status_code", "TS")
                    .put("message", "Paid")
                    .put("airtel_money_id", "MP999")));
    assertEquals(200, await(forged).statusCode());
    assertInstanceOf(TelcoCall.CollectionUpdate.class, received.poll().call());
    // what the gateway acts on: Airtel's own word
    assertEquals(CollectionStatus.pending(), await(collections.status(request(ref))));
  }
}
