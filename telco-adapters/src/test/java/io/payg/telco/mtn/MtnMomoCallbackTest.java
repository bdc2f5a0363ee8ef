package io.payg.telco.mtn;

import static io.payg.telco.support.Stages.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.Money;
import io.payg.domain.port.CollectionRequest;
import io.payg.domain.port.CollectionStatus;
import io.payg.domain.port.TelcoCall;
import io.payg.domain.port.TelcoRequest;
import io.payg.domain.port.TelcoResponse;
import io.payg.telco.simulator.MtnMomoSimulator;
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
 * the gateway's TelcoRoutes does: decode with {@link MtnMomoTelcoAdapter} and answer.
 */
class MtnMomoCallbackTest {

  record Received(
      HttpMethod method, String path, String contentType, Buffer body, TelcoCall call) {}

  Vertx vertx;
  HttpServer listener;
  MtnMomoSimulator momo;
  MtnMomoCollections collections;
  final MtnMomoTelcoAdapter adapter = new MtnMomoTelcoAdapter();
  final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  volatile int answerStatus = 0; // 0: the adapter's answer

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    momo = await(MtnMomoSimulator.start(vertx, 0));
    collections = new MtnMomoCollections(WebClient.create(vertx));
    listener = await(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
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
          "UGX",
          Map.of());
      received.add(new Received(req.method(), path, req.getHeader("Content-Type"), body, call));
      TelcoResponse answer = call instanceof TelcoCall.Rejected r
          ? adapter.refusal(r.refusal(), r.detail(), true)
          : adapter.callbackAnswer();
      int status = answerStatus == 0 ? answer.status() : answerStatus;
      req.response()
          .setStatusCode(status)
          .putHeader("Content-Type", answer.contentType())
          .end(Buffer.buffer(answer.body()));
    });
  }

  String callbackUrl() {
    return "http://127.0.0.1:" + listener.actualPort()
        + "/api/v1/telco/mtn-momo/company-1/callback";
  }

  CollectionRequest request(String reference) {
    return new CollectionRequest(
        reference,
        "256772123456",
        Money.of(5000, "UGX"),
        "SN-0001",
        callbackUrl(),
        momo.settings());
  }

  @Test
  void anApprovalIsPutOnceToTheCallbackUrlAndDecodesToASucceededUpdate() throws Exception {
    String ref = UUID.randomUUID().toString();
    assertEquals(CollectionStatus.pending(), await(collections.requestToPay(request(ref))));
    assertTrue(received.isEmpty());
    await(momo.approve(ref)); // completes once the callback was answered

    assertEquals(1, received.size());
    Received callback = received.poll();
    assertEquals(HttpMethod.PUT, callback.method());
    assertEquals("/api/v1/telco/mtn-momo/company-1/callback", callback.path());
    assertEquals("application/json", callback.contentType());
    JsonObject body = callback.body().toJsonObject();
    assertEquals(ref, body.getString("externalId"));
    assertEquals("SUCCESSFUL", body.getString("status"));
    assertEquals("5000", body.getString("amount"));
    assertEquals("UGX", body.getString("currency"));
    assertEquals(
        new JsonObject().put("partyIdType", "MSISDN").put("partyId", "256772123456"),
        body.getJsonObject("payer"));
    String txnId = body.getString("financialTransactionId");
    assertEquals(
        new TelcoCall.CollectionUpdate(ref, CollectionStatus.succeeded(txnId)), callback.call());
    // the gateway then confirms with the status call, which agrees
    assertEquals(CollectionStatus.succeeded(txnId), await(collections.status(request(ref))));
    assertEquals(
        List.of(new MtnMomoSimulator.Callback(ref, callbackUrl(), "SUCCESSFUL", 200)),
        momo.callbacks());
  }

  @Test
  void aRejectionDecodesToAFailedUpdateWithTheReason() throws Exception {
    String ref = UUID.randomUUID().toString();
    await(collections.requestToPay(request(ref)));
    await(momo.reject(ref, "NOT_ENOUGH_FUNDS"));
    Received callback = received.poll();
    assertEquals("FAILED", callback.body().toJsonObject().getString("status"));
    assertNull(callback.body().toJsonObject().getValue("financialTransactionId"));
    assertEquals(
        new TelcoCall.CollectionUpdate(ref, CollectionStatus.failed("NOT_ENOUGH_FUNDS")),
        callback.call());
  }

  @Test
  void approveAllCallsBackToo() throws Exception {
    momo.approveAll(true).setCallbackMethod(HttpMethod.POST);
    String ref = UUID.randomUUID().toString();
    await(collections.requestToPay(request(ref)));
    for (int i = 0; i < 100 && received.isEmpty(); i++) {
      Thread.sleep(20);
    }
    Received callback = received.poll();
    assertEquals(HttpMethod.POST, callback.method());
    assertEquals(TelcoCall.CollectionUpdate.class, callback.call().getClass());
  }

  @Test
  void withCallbacksOffTheCallbackIsLostAndOnlyTheStatusTells() throws Exception {
    momo.setCallbacks(false);
    String ref = UUID.randomUUID().toString();
    await(collections.requestToPay(request(ref)));
    await(momo.approve(ref));
    Thread.sleep(200);
    assertTrue(received.isEmpty());
    assertTrue(momo.callbacks().isEmpty());
    assertEquals(
        CollectionStatus.State.SUCCEEDED,
        await(collections.status(request(ref))).state());
  }

  @Test
  void aCallbackIsNeverRetriedWhateverTheAnswer() throws Exception {
    answerStatus = 500;
    String ref = UUID.randomUUID().toString();
    await(collections.requestToPay(request(ref)));
    await(momo.approve(ref));
    Thread.sleep(300);
    assertEquals(1, received.size());
    assertEquals(
        List.of(new MtnMomoSimulator.Callback(ref, callbackUrl(), "SUCCESSFUL", 500)),
        momo.callbacks());

    // and to a listener that is gone: one attempt, recorded as undelivered
    String gone = UUID.randomUUID().toString();
    await(collections.requestToPay(request(gone)));
    await(listener.close());
    await(momo.reject(gone, null));
    assertEquals(-1, momo.callbacks().get(1).statusCode());
    assertEquals("FAILED", momo.callbacks().get(1).status());
  }

  @Test
  void aForgedCallbackIsOnlyAHint() throws Exception {
    // anyone can post this: it decodes, but the status call (what the gateway acts on) says
    // otherwise
    String ref = UUID.randomUUID().toString();
    await(collections.requestToPay(request(ref)));
    var forged = WebClient.create(vertx)
        .putAbs(callbackUrl())
        .sendJsonObject(new JsonObject()
            .put("externalId", ref)
            .put("status", "SUCCESSFUL")
            .put("financialTransactionId", "999")
            .put("amount", "5000000")
            .put("currency", "UGX"));
    assertEquals(200, await(forged).statusCode());
    assertInstanceOf(TelcoCall.CollectionUpdate.class, received.poll().call());
    assertEquals(CollectionStatus.pending(), await(collections.status(request(ref))));
  }
}
