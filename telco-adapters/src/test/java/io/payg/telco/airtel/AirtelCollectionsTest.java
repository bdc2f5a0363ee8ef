package io.payg.telco.airtel;

import static io.payg.telco.support.Stages.await;
import static io.payg.telco.support.Stages.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.Money;
import io.payg.domain.port.CollectionRequest;
import io.payg.domain.port.CollectionStatus;
import io.payg.domain.port.CollectionStatus.State;
import io.payg.telco.simulator.AirtelSimulator;
import io.payg.telco.support.CollectionCallException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link AirtelCollections} against {@link AirtelSimulator}, over real HTTP on loopback. */
class AirtelCollectionsTest {

  Vertx vertx;
  WebClient client;
  AirtelSimulator airtel;
  AirtelCollections collections;
  final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    airtel = await(AirtelSimulator.start(vertx, 0));
    collections = new AirtelCollections(client, nanos::get);
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  CollectionRequest request(String reference, long minor) {
    return request(reference, minor, airtel.settings());
  }

  static CollectionRequest request(String reference, long minor, Map<String, String> settings) {
    return new CollectionRequest(
        reference, "255754123456", Money.of(minor, "TZS"), "SN-0001", null, settings);
  }

  Map<String, String> settings(String key, String value) {
    Map<String, String> s = new HashMap<>(airtel.settings());
    if (value == null) {
      s.remove(key);
    } else {
      s.put(key, value);
    }
    return s;
  }

  @Test
  void aPushIsPendingAndSendsWhatAirtelExpects() throws Exception {
    assertEquals("airtel", collections.provider());
    String ref = UUID.randomUUID().toString();
    assertEquals(
        CollectionStatus.pending(), await(collections.requestToPay(request(ref, 500_000))));
    String ref2 = UUID.randomUUID().toString();
    assertEquals(
        CollectionStatus.pending(),
        await(collections.requestToPay(new CollectionRequest(
            ref2, "+255 754 000 111", Money.of(1_050, "TZS"), "SHS/9", null, airtel.settings()))));
    assertEquals(
        List.of(
            new AirtelSimulator.Request(ref, "754123456", "5000", "TZS", "TZ", "SN-0001"),
            new AirtelSimulator.Request(ref2, "754000111", "10.5", "TZS", "TZ", "SHS9")),
        airtel.requests());
    assertEquals("TIP", airtel.statusOf(ref));
    assertEquals(CollectionStatus.pending(), await(collections.status(request(ref, 500_000))));
  }

  @Test
  void theExactBodyAndHeadersAreAirtels() throws Exception {
    // a recording server in front: what goes on the wire
    List<JsonObject> bodies = new ArrayList<>();
    List<Map<String, String>> headers = new ArrayList<>();
    HttpServer recorder = await(vertx
        .createHttpServer()
        .requestHandler(req -> req.body().onSuccess(b -> {
          Map<String, String> h = new HashMap<>();
          req.headers().forEach(e -> h.put(e.getKey().toLowerCase(), e.getValue()));
          synchronized (bodies) {
            bodies.add(
                b.length() == 0 ? new JsonObject() : b.toJsonObject().put("_path", req.path()));
            headers.add(h);
          }
          String answer = req.path().equals(AirtelCollections.TOKEN_PATH)
              ? "{\"access_token\":\"tok\",\"expires_in\":\"180\",\"token_type\":\"bearer\"}"
              : "{\"data\":{\"transaction\":{\"id\":\"x\",\"status\":\"Success.\"}},\"status\":{\"code\":\"200\","
                  + "\"message\":\"SUCCESS\",\"result_code\":\"ESB000010\",\"success\":true}}";
          req.response().putHeader("Content-Type", "application/json").end(answer);
        }))
        .listen(0, "127.0.0.1"));
    Map<String, String> settings = Map.of(
        "baseUrl",
        "http://127.0.0.1:" + recorder.actualPort() + "/",
        "clientId",
        "cid",
        "clientSecret",
        "csecret",
        "country",
        "tz");
    String ref = UUID.randomUUID().toString();
    assertEquals(
        CollectionStatus.pending(),
        await(collections.requestToPay(request(ref, 500_000, settings))));
    assertEquals(
        new JsonObject()
            .put("client_id", "cid")
            .put("client_secret", "csecret")
            .put("grant_type", "client_credentials")
            .put("_path", "/auth/oauth2/token"),
        bodies.get(0));
    assertEquals("application/json", headers.get(0).get("content-type"));
    assertEquals(
        new JsonObject(
            "{\"reference\":\"SN-0001\",\"subscriber\":{\"country\":\"TZ\",\"currency\":\"TZS\","
                + "\"msisdn\":\"754123456\"},\"transaction\":{\"amount\":5000,\"country\":\"TZ\",\"currency\":\"TZS\","
                + "\"id\":\"" + ref + "\"},\"_path\":\"/merchant/v1/payments/\"}"),
        bodies.get(1));
    assertEquals("Bearer tok", headers.get(1).get("authorization"));
    assertEquals("TZ", headers.get(1).get("x-country"));
    assertEquals("TZS", headers.get(1).get("x-currency"));
    assertEquals("application/json", headers.get(1).get("content-type"));
    assertFalse(headers.get(1).containsKey("x-callback-url"));
  }

  @Test
  void theTokenIsObtainedOnceAndReused() throws Exception {
    for (int i = 0; i < 3; i++) {
      String ref = UUID.randomUUID().toString();
      await(collections.requestToPay(request(ref, 100_000)));
      await(collections.status(request(ref, 100_000)));
    }
    assertEquals(1, airtel.tokenRequests());

    AirtelCollections fresh = new AirtelCollections(client);
    List<CompletableFuture<CollectionStatus>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(
          fresh.requestToPay(request(UUID.randomUUID().toString(), 100_000)).toCompletableFuture());
    }
    for (CompletableFuture<CollectionStatus> call : calls) {
      assertEquals(State.PENDING, call.get(20, TimeUnit.SECONDS).state());
    }
    assertEquals(2, airtel.tokenRequests());
  }

  @Test
  void theTokenIsRenewedShortlyBeforeItExpires() throws Exception {
    await(collections.requestToPay(request(UUID.randomUUID().toString(), 100_000)));
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(3539));
    await(collections.requestToPay(request(UUID.randomUUID().toString(), 100_000)));
    assertEquals(1, airtel.tokenRequests());
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(2));
    await(collections.requestToPay(request(UUID.randomUUID().toString(), 100_000)));
    assertEquals(2, airtel.tokenRequests());
    assertEquals(18, AirtelCollections.refreshMargin(180));
  }

  @Test
  void aRevokedTokenIsReplacedOnceAndTheCallGoesThrough() throws Exception {
    await(collections.requestToPay(request(UUID.randomUUID().toString(), 100_000)));
    airtel.revokeTokens();
    String ref = UUID.randomUUID().toString();
    assertEquals(
        CollectionStatus.pending(), await(collections.requestToPay(request(ref, 100_000))));
    assertEquals(2, airtel.tokenRequests());
    airtel.revokeTokens();
    assertEquals(CollectionStatus.pending(), await(collections.status(request(ref, 100_000))));
    assertEquals(3, airtel.tokenRequests());
  }

  @Test
  void aRepeatedIdIsStillPendingAndRequestedOnce() throws Exception {
    String ref = UUID.randomUUID().toString();
    assertEquals(
        CollectionStatus.pending(), await(collections.requestToPay(request(ref, 500_000))));
    // our retry: Airtel answers ESB000041 "External Transaction ID already exists"
    assertEquals(
        CollectionStatus.pending(), await(collections.requestToPay(request(ref, 500_000))));
    assertEquals(1, airtel.requests().size());
  }

  @Test
  void approvedIsSucceededWithTheAirtelMoneyId() throws Exception {
    String ref = UUID.randomUUID().toString();
    await(collections.requestToPay(request(ref, 500_000)));
    await(airtel.approve(ref));
    CollectionStatus status = await(collections.status(request(ref, 500_000)));
    assertEquals(State.SUCCEEDED, status.state());
    assertTrue(status.providerTxnId().startsWith("MP260116.0830.L"), status.providerTxnId());
    assertNull(status.reason());
    assertInstanceOf(
        IllegalStateException.class, failure(airtel.reject(ref, null).toCompletionStage()));
  }

  @Test
  void approveAllSucceedsAtOnce() throws Exception {
    airtel.approveAll(true);
    String ref = UUID.randomUUID().toString();
    assertEquals(
        CollectionStatus.pending(), await(collections.requestToPay(request(ref, 500_000))));
    assertEquals(
        State.SUCCEEDED, await(collections.status(request(ref, 500_000))).state());
  }

  @Test
  void rejectedIsFailedWithAirtelsMessage() throws Exception {
    String ref = UUID.randomUUID().toString();
    await(collections.requestToPay(request(ref, 500_000)));
    await(airtel.reject(ref, "Insufficient funds"));
    assertEquals(
        CollectionStatus.failed("Insufficient funds"),
        await(collections.status(request(ref, 500_000))));
  }

  @Test
  void anExpiredPromptIsFailedWithTe() throws Exception {
    String id = UUID.randomUUID().toString();
    await(collections.requestToPay(request(id, 500_000)));
    airtel.expire(id);
    CollectionStatus status = await(collections.status(request(id, 500_000)));
    assertEquals(CollectionStatus.State.FAILED, status.state());
    assertEquals("TE: Transaction Expired", status.reason());
  }

  @Test
  void v2PushesAreSignedOverTheBytesSent() throws Exception {
    String id = UUID.randomUUID().toString();
    CollectionRequest signed = new CollectionRequest(
        id, "255754123456", Money.of(500_000, "TZS"), "SN-1", null, airtel.settingsV2());
    assertEquals(CollectionStatus.pending(), await(collections.requestToPay(signed)));
    assertEquals(1, airtel.signedRequests());
    await(airtel.approve(id));
    assertEquals(
        CollectionStatus.State.SUCCEEDED, await(collections.status(signed)).state());
    Map<String, String> oaep = new HashMap<>(airtel.settingsV2());
    oaep.put(AirtelCollections.SETTING_SIGNING_RSA_PADDING, "OAEP");
    assertEquals(
        CollectionStatus.pending(),
        await(collections.requestToPay(new CollectionRequest(
            UUID.randomUUID().toString(),
            "255754123456",
            Money.of(500_000, "TZS"),
            "SN-1",
            null,
            oaep))));
    assertEquals(2, airtel.signedRequests());
    // v2 without a key is never sent
    Map<String, String> noKey = new HashMap<>(airtel.settings());
    noKey.put(AirtelCollections.SETTING_API_VERSION, "v2");
    CollectionStatus refused = await(collections.requestToPay(new CollectionRequest(
        UUID.randomUUID().toString(),
        "255754123456",
        Money.of(500_000, "TZS"),
        "SN-1",
        null,
        noKey)));
    assertEquals(CollectionStatus.State.FAILED, refused.state());
    assertEquals(2, airtel.signedRequests());
  }

  @Test
  void anUnknownIdIsFailed() throws Exception {
    assertEquals(
        CollectionStatus.notFound(AirtelCollections.UNKNOWN_REFERENCE),
        await(collections.status(request(UUID.randomUUID().toString(), 500_000))));
    // never requested under a reference that is not a UUID: final
    assertEquals(
        CollectionStatus.failed(AirtelCollections.UNKNOWN_REFERENCE),
        await(collections.status(request("not-a-uuid", 500_000))));
  }

  @Test
  void statusesMapAsAirtelDocumentsThem() {
    JsonObject t = new JsonObject().put("airtel_money_id", "MP1.2").put("message", "Failed: PIN");
    assertEquals(CollectionStatus.succeeded("MP1.2"), AirtelCollections.map("TS", t));
    assertEquals(CollectionStatus.failed("Failed: PIN"), AirtelCollections.map("tf", t));
    assertEquals(CollectionStatus.failed("TF"), AirtelCollections.map("TF", new JsonObject()));
    for (String pending : List.of("TIP", "TA", "DP")) {
      assertEquals(CollectionStatus.pending(), AirtelCollections.map(pending, t));
    }
    assertNull(AirtelCollections.map("XYZ", t));
    assertEquals(
        CollectionStatus.succeeded(null),
        AirtelCollections.map("TS", new JsonObject().put("airtel_money_id", "bad id <>")));
  }

  @Test
  void wrongCredentialsFailThePushButOnlyFailTheStatusStage() throws Exception {
    CollectionStatus badSecret = await(collections.requestToPay(request(
        UUID.randomUUID().toString(),
        500_000,
        settings(AirtelCollections.SETTING_CLIENT_SECRET, "wrong"))));
    assertEquals(State.FAILED, badSecret.state());
    assertTrue(
        badSecret.reason().startsWith(AirtelCollections.CREDENTIALS_REFUSED), badSecret.reason());
    assertFalse(badSecret.reason().contains("wrong"));
    assertEquals(0, airtel.requests().size());

    String ref = UUID.randomUUID().toString();
    await(collections.requestToPay(request(ref, 500_000)));
    await(airtel.approve(ref));
    CollectionCallException e = assertInstanceOf(
        CollectionCallException.class,
        failure(collections.status(
            request(ref, 500_000, settings(AirtelCollections.SETTING_CLIENT_SECRET, "wrong")))));
    assertFalse(e.retryable());
    assertTrue(e.getMessage().startsWith(AirtelCollections.CREDENTIALS_REFUSED), e.getMessage());
    assertEquals(
        State.SUCCEEDED, await(collections.status(request(ref, 500_000))).state());
  }

  @Test
  void invalidRequestsAndSettingsAreFailedWithoutSendingAnything() throws Exception {
    assertEquals(
        State.FAILED,
        await(collections.requestToPay(request("not-a-uuid", 500_000))).state());
    assertEquals(
        State.FAILED,
        await(collections.requestToPay(new CollectionRequest(
                UUID.randomUUID().toString(),
                "call me",
                Money.of(5000, "TZS"),
                "SN-1",
                null,
                airtel.settings())))
            .state());
    // a Kenyan number on a Tanzanian account: 254712345678 is not 7-10 national digits
    assertEquals(
        State.FAILED,
        await(collections.requestToPay(new CollectionRequest(
                UUID.randomUUID().toString(),
                "254712345678",
                Money.of(5000, "TZS"),
                "SN-1",
                null,
                airtel.settings())))
            .state());
    assertEquals(
        State.FAILED,
        await(collections.requestToPay(request(UUID.randomUUID().toString(), 0)))
            .state());
    assertEquals(
        State.FAILED,
        await(collections.requestToPay(new CollectionRequest(
                UUID.randomUUID().toString(),
                "255754123456",
                Money.of(5000, "ABC"),
                "SN-1",
                null,
                airtel.settings())))
            .state());
    for (Map<String, String> bad : List.of(
        settings("clientId", null),
        settings("clientSecret", ""),
        settings("country", null),
        settings("country", "FR"),
        settings("baseUrl", "ftp://x"),
        settings("timeoutMs", "soon"),
        settings("timeoutMs", "0"))) {
      CollectionStatus status =
          await(collections.requestToPay(request(UUID.randomUUID().toString(), 500_000, bad)));
      assertEquals(State.FAILED, status.state());
      assertTrue(status.reason().startsWith("airtel setting"), status.reason());
    }
    assertEquals(0, airtel.tokenRequests());
    assertEquals(0, airtel.requests().size());
    assertInstanceOf(
        CollectionCallException.class,
        failure(collections.status(
            request(UUID.randomUUID().toString(), 500_000, settings("clientId", null)))));
  }

  @Test
  void nationalNumbersAreDerivedForEachCountry() {
    assertEquals("754123456", AirtelCollections.nationalNumber("255754123456", "TZ"));
    assertEquals("754123456", AirtelCollections.nationalNumber("+255754123456", "TZ"));
    assertEquals("754123456", AirtelCollections.nationalNumber("0754123456", "TZ"));
    assertEquals("772123456", AirtelCollections.nationalNumber("256772123456", "UG"));
    assertEquals("971234567", AirtelCollections.nationalNumber("260971234567", "ZM"));
    assertThrows(
        CollectionCallException.class, () -> AirtelCollections.nationalNumber("255", "TZ"));
    assertThrows(CollectionCallException.class, () -> AirtelCollections.nationalNumber(null, "TZ"));
  }

  @Test
  void aSimulatorThatIsDownFailsTheStage() throws Exception {
    airtel.setDown(true);
    Map<String, String> quick = settings(AirtelCollections.SETTING_TIMEOUT_MS, "1000");
    CollectionCallException e = assertInstanceOf(
        CollectionCallException.class,
        failure(collections.requestToPay(request(UUID.randomUUID().toString(), 500_000, quick))));
    assertTrue(e.retryable());
    assertTrue(assertInstanceOf(
            CollectionCallException.class,
            failure(collections.status(request(UUID.randomUUID().toString(), 500_000, quick))))
        .retryable());
    airtel.setDown(false);
    assertEquals(
        CollectionStatus.pending(),
        await(collections.requestToPay(request(UUID.randomUUID().toString(), 500_000, quick))));
  }

  @Test
  void serverErrorsAndTimeoutsFailTheStageAndTheStatusTellsWhatHappened() throws Exception {
    String ref = UUID.randomUUID().toString();
    await(collections.requestToPay(request(UUID.randomUUID().toString(), 500_000))); // token cached
    airtel.setFailNext(1);
    assertTrue(assertInstanceOf(
            CollectionCallException.class, failure(collections.requestToPay(request(ref, 500_000))))
        .retryable());
    assertEquals(
        CollectionStatus.notFound(AirtelCollections.UNKNOWN_REFERENCE),
        await(collections.status(request(ref, 500_000))));

    // taken by Airtel, answer lost: the retry's ESB000041 and the status both say PENDING
    String slow = UUID.randomUUID().toString();
    airtel.setLatency(Duration.ofMillis(1500));
    Map<String, String> quick = settings(AirtelCollections.SETTING_TIMEOUT_MS, "300");
    assertTrue(assertInstanceOf(
            CollectionCallException.class,
            failure(collections.requestToPay(request(slow, 500_000, quick))))
        .retryable());
    airtel.setLatency(Duration.ZERO);
    assertEquals(
        CollectionStatus.pending(), await(collections.requestToPay(request(slow, 500_000))));
    assertEquals(CollectionStatus.pending(), await(collections.status(request(slow, 500_000))));
    assertEquals(1, airtel.requests().stream().filter(r -> r.id().equals(slow)).count());
  }
}
