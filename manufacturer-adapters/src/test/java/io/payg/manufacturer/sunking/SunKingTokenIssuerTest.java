package io.payg.manufacturer.sunking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.DeviceType;
import io.payg.domain.Money;
import io.payg.domain.TokenAmount;
import io.payg.domain.port.IssuedToken;
import io.payg.domain.port.TokenIssueException;
import io.payg.domain.port.TokenRequest;
import io.payg.manufacturer.simulator.SunKingSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.VertxExtension;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** SunKing specifics the manufacturer-neutral contract does not cover: wire shape and mapping. */
@ExtendWith(VertxExtension.class)
class SunKingTokenIssuerTest {

  private static final String GRANT =
      "{\"access_token\":\"at-1\",\"expires_in\":300," + "\"token_type\":\"Bearer\"}";

  private Vertx vertx;
  private WebClient client;
  private SunKingSimulator simulator;
  private MutableClock clock;
  private SunKingTokenIssuer issuer;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    client = WebClient.create(vertx);
    simulator = await(SunKingSimulator.start(vertx, 0));
    clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    issuer = new SunKingTokenIssuer(client, clock);
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    await(simulator.stop());
  }

  @Test
  void sendsTheMicroPowerManagerRequestShape() throws Exception {
    Stub stub = await(Stub.start(
        vertx,
        path -> path.startsWith("/auth")
            ? new Answer(200, GRANT)
            : new Answer(200, "{\"token\":\"483920175533\"}")));
    try {
      IssuedToken token = issue(
          request("k-1", "SK-1", TokenAmount.days(7), settings(stub.baseUrl(), "cid", "s3cret")));

      assertEquals(new IssuedToken("483920175533", "k-1"), token);
      assertEquals(2, stub.requests.size());
      Recorded grant = stub.requests.get(0);
      assertEquals(
          "POST /auth/realms/glp/protocol/openid-connect/token", grant.method + " " + grant.uri);
      assertTrue(grant.headers.get("content-type").startsWith("application/x-www-form-urlencoded"));
      assertEquals(
          Map.of(
              "grant_type",
              "client_credentials",
              "client_id",
              "cid",
              "client_secret",
              "s3cret",
              "scope",
              "roles"),
          form(grant.body));
      Recorded vend = stub.requests.get(1);
      assertEquals("POST /v2/token", vend.method + " " + vend.uri);
      assertEquals("Bearer at-1", vend.headers.get("authorization"));
      assertTrue(vend.headers.get("content-type").startsWith("application/json"));
      assertEquals(
          new JsonObject()
              .put("device", "SK-1")
              .put("command", "add_credit")
              .put("payload", 7)
              .put("time_unit", "day"),
          new JsonObject(vend.body));
    } finally {
      await(stub.server.close());
    }
  }

  @Test
  void unlockAsksForTheUnlockCommand() throws Exception {
    IssuedToken token = issue(request("k-2", "SK-2", TokenAmount.unlock(), simulator.settings()));

    assertEquals(
        List.of(new SunKingSimulator.Vend("SK-2", "unlock", null, token.value())),
        simulator.vends());
  }

  @Test
  void accessTokenIsReusedUntilItExpiresOrIsRefused() throws Exception {
    issue(request("k-3", "SK-1", TokenAmount.days(1), simulator.settings()));
    issue(request("k-4", "SK-1", TokenAmount.days(1), simulator.settings()));
    assertEquals(1, simulator.grants());

    clock.advance(Duration.ofSeconds(SunKingSimulator.ACCESS_TOKEN_SECONDS - 29));
    issue(request("k-5", "SK-1", TokenAmount.days(1), simulator.settings()));
    assertEquals(2, simulator.grants(), "renewed 30 s before expiry");

    simulator.revokeAccessTokens();
    issue(request("k-6", "SK-1", TokenAmount.days(1), simulator.settings()));
    assertEquals(3, simulator.grants(), "a refused token is replaced once");
    assertEquals(4, simulator.vends().size());
  }

  @Test
  void noIdempotencyKeySoARepeatedRequestIssuesAnotherCode() throws Exception {
    TokenRequest request = request("k-same", "SK-1", TokenAmount.days(7), simulator.settings());

    IssuedToken first = issue(request);
    IssuedToken second = issue(request);

    // documented double-vend risk: SunKing's token request takes no reference to dedupe on
    assertNotEquals(first.value(), second.value());
    assertEquals(2, simulator.vends().size());
  }

  @Test
  void refusedClientCredentialsAreNotRetryable() {
    Map<String, String> settings = new HashMap<>(simulator.settings());
    settings.put("clientSecret", "wrong");

    TokenIssueException e = failure(request("k-7", "SK-1", TokenAmount.days(7), settings));
    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains("invalid_client"), e.getMessage());
  }

  @Test
  void energyAndEmptyAmountsAreRefusedWithoutCallingSunKing() {
    for (TokenAmount amount : List.of(TokenAmount.kwhTenths(43), TokenAmount.days(0))) {
      assertFalse(
          failure(request("k-8", "SK-1", amount, simulator.settings())).retryable(),
          amount.describe());
    }
    assertEquals(0, simulator.grants());
  }

  @Test
  void incompleteOrBadSettingsAreNotRetryable() {
    Map<String, String> settings = new HashMap<>(simulator.settings());
    settings.remove("apiUrl");
    assertFalse(failure(request("k-9", "SK-1", TokenAmount.days(7), settings)).retryable());
    settings = new HashMap<>(simulator.settings());
    settings.put("timeoutMs", "x");
    assertFalse(failure(request("k-10", "SK-1", TokenAmount.days(7), settings)).retryable());
    settings = new HashMap<>(simulator.settings());
    settings.put("authUrl", "not a url");
    assertFalse(failure(request("k-11", "SK-1", TokenAmount.days(7), settings)).retryable());
  }

  @Test
  void answersAreMappedToRetryability() throws Exception {
    Answer grant = new Answer(200, GRANT);
    assertEquals(true, retryableFor(new Answer(502, ""), null));
    assertEquals(true, retryableFor(grant, new Answer(503, "")));
    assertEquals(true, retryableFor(grant, new Answer(429, "")));
    assertEquals(false, retryableFor(new Answer(200, "{\"token_type\":\"Bearer\"}"), null));
    assertEquals(false, retryableFor(grant, new Answer(404, "{\"message\":\"Device not found\"}")));
    assertEquals(false, retryableFor(grant, new Answer(401, "{\"message\":\"Unauthorized\"}")));
    assertEquals(false, retryableFor(grant, new Answer(200, "{}")));
    assertEquals(false, retryableFor(grant, new Answer(200, "<html></html>")));
  }

  // --- helpers -------------------------------------------------------------------------------

  private boolean retryableFor(Answer grant, Answer vend) throws Exception {
    Stub stub = await(Stub.start(vertx, path -> path.startsWith("/auth") ? grant : vend));
    try {
      return failure(
              request("k-r", "SK-1", TokenAmount.days(7), settings(stub.baseUrl(), "cid", "sec")))
          .retryable();
    } finally {
      await(stub.server.close());
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      String[] kv = pair.split("=", 2);
      fields.put(
          URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
          URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    return fields;
  }

  private static Map<String, String> settings(String root, String clientId, String secret) {
    return Map.of(
        "authUrl",
        root + "/auth/realms/glp/protocol/openid-connect/token",
        "apiUrl",
        root + "/v2/",
        "clientId",
        clientId,
        "clientSecret",
        secret,
        "timeoutMs",
        "3000");
  }

  private static TokenRequest request(
      String key, String serial, TokenAmount amount, Map<String, String> settings) {
    return new TokenRequest(key, serial, DeviceType.SHS, amount, Money.of(50_000, "KES"), settings);
  }

  private IssuedToken issue(TokenRequest request) throws Exception {
    return issuer.issue(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private TokenIssueException failure(TokenRequest request) {
    ExecutionException e = assertThrows(
        ExecutionException.class,
        () -> issuer.issue(request).toCompletableFuture().get(10, TimeUnit.SECONDS));
    return assertInstanceOf(TokenIssueException.class, e.getCause());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static final class MutableClock extends Clock {

    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private record Answer(int status, String body) {}

  private record Recorded(String method, String uri, Map<String, String> headers, String body) {}

  /** A scripted HTTP peer (answer by path) that records what the issuer sent. */
  private record Stub(HttpServer server, List<Recorded> requests) {

    static Future<Stub> start(Vertx vertx, Function<String, Answer> answers) {
      List<Recorded> requests = new CopyOnWriteArrayList<>();
      Router router = Router.router(vertx);
      router.route().handler(BodyHandler.create());
      router.route().handler(ctx -> {
        Map<String, String> headers = new HashMap<>();
        ctx.request().headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
        requests.add(new Recorded(
            ctx.request().method().name(),
            ctx.request().uri(),
            headers,
            ctx.body().asString()));
        Answer answer = answers.apply(ctx.request().path());
        ctx.response().setStatusCode(answer.status()).end(answer.body());
      });
      return vertx
          .createHttpServer()
          .requestHandler(router)
          .listen(0, "127.0.0.1")
          .map(server -> new Stub(server, requests));
    }

    String baseUrl() {
      return "http://127.0.0.1:" + server.actualPort();
    }
  }
}
