package io.payg.manufacturer.angaza;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.DeviceType;
import io.payg.domain.Money;
import io.payg.domain.TokenAmount;
import io.payg.domain.port.IssuedToken;
import io.payg.domain.port.TokenIssueException;
import io.payg.domain.port.TokenRequest;
import io.payg.manufacturer.simulator.AngazaSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Angaza specifics the manufacturer-neutral contract does not cover: wire shape and mapping. */
@ExtendWith(VertxExtension.class)
class AngazaTokenIssuerTest {

  private static final Clock FIXED =
      Clock.fixed(Instant.parse("2026-01-01T10:00:00.250Z"), ZoneOffset.UTC);
  private static final String KEYCODE_ANSWER =
      "{\"_embedded\":{\"latest_keycode\":{\"keycode\":\"123456789012\"}}}";

  private Vertx vertx;
  private WebClient client;
  private AngazaSimulator simulator;
  private AngazaTokenIssuer issuer;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    client = WebClient.create(vertx);
    simulator = await(AngazaSimulator.start(vertx, 0));
    issuer = new AngazaTokenIssuer(client);
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    await(simulator.stop());
  }

  @Test
  void aRefusalInsideA200IsFinalToo() {
    simulator.refusalsWithOk(true).rejectSerial("AZ-GONE");

    TokenIssueException e =
        failure(issuer, request("k-200", "AZ-GONE", TokenAmount.days(7), simulator.settings()));

    assertFalse(e.retryable());
    assertEquals(List.of(), simulator.vends());
  }

  @Test
  void sendsTheMicroPowerManagerRequestShape() throws Exception {
    Stub stub = await(Stub.start(vertx, 200, KEYCODE_ANSWER));
    try {
      IssuedToken token = issue(
          new AngazaTokenIssuer(client, FIXED),
          request(
              "k-1", "AZ-1", TokenAmount.days(7), settings(stub.baseUrl() + "/", "cid", "s3cret")));

      assertEquals(new IssuedToken("123456789012", "k-1"), token);
      assertEquals("PUT /unit_credit", stub.request.get());
      // base64("cid:s3cret")
      assertEquals("Basic Y2lkOnMzY3JldA==", stub.authorization.get());
      assertEquals(
          new JsonObject()
              .put("unit_number", "AZ-1")
              .put(
                  "state",
                  new JsonObject()
                      .put(
                          "desired",
                          new JsonObject().put("credit_until_dt", "2026-01-08T10:00:00+00:00"))),
          new JsonObject(stub.body.get()));
    } finally {
      await(stub.server.close());
    }
  }

  @Test
  void unlockSetsTheUnitUnlocked() throws Exception {
    IssuedToken token =
        issue(issuer, request("k-2", "AZ-2", TokenAmount.unlock(), simulator.settings()));

    assertEquals(
        List.of(new AngazaSimulator.Vend("AZ-2", "UNLOCKED", token.value())), simulator.vends());
  }

  @Test
  void aRepeatedRequestRestatesTheEndDateInsteadOfAddingDaysTwice() throws Exception {
    TokenRequest request = request("k-same", "AZ-3", TokenAmount.days(7), simulator.settings());

    issue(issuer, request);
    issue(issuer, request);

    // no idempotency key: two keycodes, but the unit's end date stays about now + 7 days
    assertEquals(2, simulator.vends().size());
    OffsetDateTime until = OffsetDateTime.parse(simulator.creditUntil("AZ-3"));
    Duration ahead = Duration.between(Instant.now(), until.toInstant());
    assertTrue(
        ahead.compareTo(Duration.ofDays(7)) <= 0 && ahead.compareTo(Duration.ofDays(6)) > 0,
        ahead.toString());
  }

  @Test
  void refusedCredentialsAreNotRetryable() {
    Map<String, String> settings = new HashMap<>(simulator.settings());
    settings.put("clientSecret", "wrong");

    assertFalse(
        failure(issuer, request("k-4", "AZ-1", TokenAmount.days(7), settings)).retryable());
    assertEquals(List.of(), simulator.vends());
  }

  @Test
  void energyAndEmptyAmountsAreRefusedWithoutCallingAngaza() {
    for (TokenAmount amount : List.of(TokenAmount.kwhTenths(43), TokenAmount.days(0))) {
      assertFalse(
          failure(issuer, request("k-5", "AZ-1", amount, simulator.settings())).retryable(),
          amount.describe());
    }
    assertEquals(List.of(), simulator.vends());
  }

  @Test
  void incompleteOrBadSettingsAreNotRetryable() {
    assertFalse(failure(
            issuer,
            request(
                "k-6",
                "AZ-1",
                TokenAmount.days(7),
                Map.of("baseUrl", simulator.baseUrl(), "clientId", "cid")))
        .retryable());
    Map<String, String> settings = new HashMap<>(simulator.settings());
    settings.put("timeoutMs", "0");
    assertFalse(
        failure(issuer, request("k-7", "AZ-1", TokenAmount.days(7), settings)).retryable());
  }

  @Test
  void answersAreMappedToRetryability() throws Exception {
    assertEquals(true, retryableFor(502, "bad gateway"));
    assertEquals(true, retryableFor(429, ""));
    assertEquals(
        false,
        retryableFor(
            404, "{\"message\":\"Not Found\",\"context\":{\"reason\":\"Invalid unit number\"}}"));
    assertEquals(false, retryableFor(200, "{\"context\":{\"reason\":\"unit is locked\"}}"));
    assertEquals(false, retryableFor(400, "plain text"));
    assertEquals(false, retryableFor(200, "{\"_embedded\":{}}"));
    assertEquals(false, retryableFor(200, "<html></html>"));
  }

  @Test
  void refusalReasonIsReported() throws Exception {
    Stub stub = await(Stub.start(
        vertx,
        404,
        "{\"message\":\"Not Found\",\"context\":{\"reason\":\"Invalid unit number\"}}"));
    try {
      TokenIssueException e = failure(
          issuer,
          request("k-8", "AZ-1", TokenAmount.days(7), settings(stub.baseUrl(), "cid", "sec")));
      assertTrue(e.getMessage().contains("Invalid unit number"), e.getMessage());
    } finally {
      await(stub.server.close());
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  private boolean retryableFor(int status, String body) throws Exception {
    Stub stub = await(Stub.start(vertx, status, body));
    try {
      return failure(
              issuer,
              request("k-r", "AZ-1", TokenAmount.days(7), settings(stub.baseUrl(), "cid", "sec")))
          .retryable();
    } finally {
      await(stub.server.close());
    }
  }

  private static Map<String, String> settings(String baseUrl, String clientId, String secret) {
    return Map.of(
        "baseUrl", baseUrl, "clientId", clientId, "clientSecret", secret, "timeoutMs", "3000");
  }

  private static TokenRequest request(
      String key, String serial, TokenAmount amount, Map<String, String> settings) {
    return new TokenRequest(key, serial, DeviceType.SHS, amount, Money.of(50_000, "KES"), settings);
  }

  private static IssuedToken issue(AngazaTokenIssuer issuer, TokenRequest request)
      throws Exception {
    return issuer.issue(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static TokenIssueException failure(AngazaTokenIssuer issuer, TokenRequest request) {
    ExecutionException e = assertThrows(
        ExecutionException.class,
        () -> issuer.issue(request).toCompletableFuture().get(10, TimeUnit.SECONDS));
    return assertInstanceOf(TokenIssueException.class, e.getCause());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A fixed-answer HTTP peer that captures what the issuer sent. */
  private record Stub(
      HttpServer server,
      AtomicReference<String> request,
      AtomicReference<String> authorization,
      AtomicReference<String> body) {

    static Future<Stub> start(Vertx vertx, int status, String answer) {
      AtomicReference<String> request = new AtomicReference<>();
      AtomicReference<String> authorization = new AtomicReference<>();
      AtomicReference<String> body = new AtomicReference<>();
      Router router = Router.router(vertx);
      router.route().handler(BodyHandler.create());
      router.route().handler(ctx -> {
        request.set(ctx.request().method().name() + " " + ctx.request().uri());
        authorization.set(ctx.request().getHeader("Authorization"));
        body.set(ctx.body().asString());
        ctx.response().setStatusCode(status).end(answer);
      });
      return vertx
          .createHttpServer()
          .requestHandler(router)
          .listen(0, "127.0.0.1")
          .map(server -> new Stub(server, request, authorization, body));
    }

    String baseUrl() {
      return "http://127.0.0.1:" + server.actualPort();
    }
  }
}
