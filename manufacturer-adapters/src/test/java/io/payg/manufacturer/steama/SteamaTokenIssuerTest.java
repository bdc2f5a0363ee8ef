package io.payg.manufacturer.steama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.DeviceType;
import io.payg.domain.Money;
import io.payg.domain.TokenAmount;
import io.payg.domain.port.IssuedToken;
import io.payg.domain.port.TokenIssueException;
import io.payg.domain.port.TokenRequest;
import io.payg.manufacturer.simulator.SteamaSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Steama specifics the manufacturer-neutral contract does not cover: wire shape and mapping. */
@ExtendWith(VertxExtension.class)
class SteamaTokenIssuerTest {

  private static final String TOKEN_ANSWER = "{\"token\":\"abc123\"}";
  private static final String METERS_ANSWER = "{\"count\":1,\"next\":null,\"previous\":null,"
      + "\"results\":[{\"id\":3,\"reference\":\"SN-1\",\"customer\":77}]}";
  private static final String TRANSACTION_ANSWER = "{\"id\":9001,\"site_id\":4,\"customer_id\":77,"
      + "\"amount\":\"500.00\",\"category\":\"PAY\",\"provider\":\"AP\"}";

  private Vertx vertx;
  private WebClient client;
  private SteamaSimulator simulator;
  private SteamaTokenIssuer issuer;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    client = WebClient.create(vertx);
    simulator = await(SteamaSimulator.start(vertx, 0)).register("SN-1");
    issuer = new SteamaTokenIssuer(client);
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    await(simulator.stop());
  }

  @Test
  void sendsTheMicroPowerManagerRequestShape() throws Exception {
    Stub stub = await(Stub.start(vertx, path -> switch (path) {
      case "/get-token/" -> new Answer(200, TOKEN_ANSWER);
      case "/meters" -> new Answer(200, METERS_ANSWER);
      default -> new Answer(201, TRANSACTION_ANSWER);
    }));
    try {
      IssuedToken token = issue(request(
          "k-1",
          "SN-1",
          Money.of(50_000, "KES"),
          settings(stub.baseUrl() + "/", "alice", "s3cret")));

      assertEquals(new IssuedToken("9001", "9001"), token);
      assertEquals(3, stub.requests.size());
      Recorded login = stub.requests.get(0);
      assertEquals("POST /get-token/", login.method + " " + login.uri);
      assertEquals(
          new JsonObject().put("username", "alice").put("password", "s3cret"),
          new JsonObject(login.body));
      assertNull(login.headers.get("authorization"));
      Recorded lookup = stub.requests.get(1);
      assertEquals("GET /meters?page=1&page_size=100", lookup.method + " " + lookup.uri);
      assertEquals("Token abc123", lookup.headers.get("authorization"));
      Recorded credit = stub.requests.get(2);
      assertEquals("POST /customers/77/transactions/", credit.method + " " + credit.uri);
      assertEquals("Token abc123", credit.headers.get("authorization"));
      assertTrue(credit.headers.get("content-type").startsWith("application/json"));
      assertEquals("{\"amount\":500.00,\"category\":\"PAY\"}", credit.body);
    } finally {
      await(stub.server.close());
    }
  }

  @Test
  void theTokenIsReusedAndRenewedOnceWhenRefused() throws Exception {
    issue(request("k-2", "SN-1", Money.of(100, "KES"), simulator.settings()));
    issue(request("k-3", "SN-1", Money.of(100, "KES"), simulator.settings()));
    assertEquals(1, simulator.logins());

    simulator.revokeTokens();
    issue(request("k-4", "SN-1", Money.of(100, "KES"), simulator.settings()));

    assertEquals(2, simulator.logins());
    assertEquals(3, simulator.vends().size());
  }

  @Test
  void noIdempotencyKeySoARepeatedRequestCreditsAgain() throws Exception {
    TokenRequest request = request("k-same", "SN-1", Money.of(100, "KES"), simulator.settings());

    IssuedToken first = issue(request);
    IssuedToken second = issue(request);

    // documented double-vend risk: Steama's transaction API takes no reference to dedupe on
    assertNotEquals(first, second);
    assertEquals(2, simulator.vends().size());
  }

  @Test
  void refusedCredentialsAreNotRetryable() {
    Map<String, String> settings = new HashMap<>(simulator.settings());
    settings.put("password", "wrong");

    TokenIssueException e = failure(request("k-5", "SN-1", Money.of(100, "KES"), settings));
    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains("Unable to log in"), e.getMessage());
  }

  @Test
  void daysAndUnlockAreRefusedWithoutCallingSteama() {
    for (TokenAmount amount :
        List.of(TokenAmount.days(7), TokenAmount.unlock(), TokenAmount.kwhTenths(0))) {
      assertFalse(
          failure(new TokenRequest(
                  "k-6",
                  "SN-1",
                  DeviceType.METER,
                  amount,
                  Money.of(100, "KES"),
                  simulator.settings()))
              .retryable(),
          amount.describe());
    }
    assertEquals(0, simulator.logins());
  }

  @Test
  void incompleteOrBadSettingsAreNotRetryable() {
    assertFalse(failure(request(
            "k-7",
            "SN-1",
            Money.of(100, "KES"),
            Map.of("baseUrl", simulator.baseUrl(), "username", "u")))
        .retryable());
    Map<String, String> settings = new HashMap<>(simulator.settings());
    settings.put("timeoutMs", "-1");
    assertFalse(failure(request("k-8", "SN-1", Money.of(100, "KES"), settings)).retryable());
    assertFalse(
        failure(request("k-9", "SN-1", Money.of(100, "KES"), settings("not a url", "u", "p")))
            .retryable());
  }

  @Test
  void answersAreMappedToRetryability() throws Exception {
    Answer token = new Answer(200, TOKEN_ANSWER);
    Answer meters = new Answer(200, METERS_ANSWER);
    assertEquals(true, retryableFor(new Answer(502, ""), meters, null));
    assertEquals(true, retryableFor(token, new Answer(429, ""), null));
    assertEquals(true, retryableFor(token, meters, new Answer(503, "")));
    assertEquals(false, retryableFor(new Answer(200, "{}"), meters, null));
    assertEquals(
        false, retryableFor(token, new Answer(401, "{\"detail\":\"Invalid token.\"}"), null));
    assertEquals(
        false,
        retryableFor(
            token,
            new Answer(200, "{\"results\":[{\"id\":3,\"reference\":\"SN-1\",\"customer\":null}]}"),
            null));
    assertEquals(false, retryableFor(token, new Answer(200, "{\"results\":[]}"), null));
    assertEquals(
        false, retryableFor(token, meters, new Answer(404, "{\"detail\":\"Not found.\"}")));
    assertEquals(
        false,
        retryableFor(
            token, meters, new Answer(400, "{\"amount\":[\"A valid number is required.\"]}")));
    assertEquals(false, retryableFor(token, meters, new Answer(200, "{\"detail\":\"odd\"}")));
  }

  @Test
  void theMeterIsFoundOnALaterPageWhateverTheCase() throws Exception {
    for (int i = 0; i < 250; i++) {
      simulator.register("FILLER-" + i);
    }
    simulator.register("Late-Meter");

    issue(request("k-p", " late-meter ", Money.of(100, "KES"), simulator.settings()));

    assertEquals("Late-Meter", simulator.vends().get(0).serial());
    assertEquals(3, simulator.meterPages(), "pages 1 (SN-1, 99 fillers), 2, 3 (the meter)");
  }

  @Test
  void aMeterNowhereOnThePagesOrWithoutCustomerIsFinal() throws Exception {
    for (int i = 0; i < 150; i++) {
      simulator.register("FILLER-" + i);
    }
    simulator.registerWithoutCustomer("ORPHAN-1");

    TokenIssueException unknown =
        failure(request("k-u", "NOT-THERE", Money.of(100, "KES"), simulator.settings()));
    assertFalse(unknown.retryable());
    assertTrue(unknown.getMessage().contains("knows no meter"), unknown.getMessage());
    assertEquals(2, simulator.meterPages(), "every page was read");
    assertFalse(failure(request("k-o", "ORPHAN-1", Money.of(100, "KES"), simulator.settings()))
        .retryable());
    assertEquals(List.of(), simulator.vends());
  }

  @Test
  void aTransportFailureDuringTheLookupIsRetryable() throws Exception {
    issue(request("k-t1", "SN-1", Money.of(100, "KES"), simulator.settings()));
    int pages = simulator.meterPages();
    simulator.setDown(true);
    Map<String, String> settings = new HashMap<>(simulator.settings());
    settings.put("timeoutMs", "500");

    TokenIssueException e = failure(request("k-t2", "SN-1", Money.of(100, "KES"), settings));

    assertTrue(e.retryable(), e.getMessage());
    assertTrue(e.getMessage().contains("meter lookup"), e.getMessage());
    assertEquals(pages, simulator.meterPages());
    assertEquals(1, simulator.vends().size());
  }

  @Test
  void theMeterCacheSavesThePagesUntilItExpires() throws Exception {
    AtomicLong now = new AtomicLong(1_000_000);
    Clock clock = new Clock() {
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
        return Instant.ofEpochMilli(now.get());
      }
    };
    SteamaTokenIssuer cached = new SteamaTokenIssuer(client, clock);
    Map<String, String> settings = new HashMap<>(simulator.settings());
    settings.put("meterCacheSeconds", "60");

    cached
        .issue(request("k-c1", "SN-1", Money.of(100, "KES"), settings))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    cached
        .issue(request("k-c2", "sn-1", Money.of(100, "KES"), settings))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertEquals(1, simulator.meterPages(), "the second vend used the cache");
    now.addAndGet(61_000);
    cached
        .issue(request("k-c3", "SN-1", Money.of(100, "KES"), settings))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertEquals(2, simulator.meterPages(), "expired: listed again");
    assertEquals(3, simulator.vends().size());
  }

  // --- helpers -------------------------------------------------------------------------------

  private boolean retryableFor(Answer login, Answer meters, Answer credit) throws Exception {
    Stub stub = await(Stub.start(vertx, path -> switch (path) {
      case "/get-token/" -> login;
      case "/meters" -> meters;
      default -> credit;
    }));
    try {
      return failure(
              request("k-r", "SN-1", Money.of(100, "KES"), settings(stub.baseUrl(), "u", "p")))
          .retryable();
    } finally {
      await(stub.server.close());
    }
  }

  private static Map<String, String> settings(String baseUrl, String username, String password) {
    return Map.of(
        "baseUrl", baseUrl, "username", username, "password", password, "timeoutMs", "3000");
  }

  private static TokenRequest request(
      String key, String serial, Money paid, Map<String, String> settings) {
    return new TokenRequest(
        key, serial, DeviceType.METER, TokenAmount.kwhTenths(43), paid, settings);
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
