package io.payg.manufacturer.sparkmeter;

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
import io.payg.manufacturer.simulator.SparkMeterSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.VertxExtension;
import java.util.HashMap;
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

/** SparkMeter specifics the manufacturer-neutral contract does not cover: wire shape and mapping. */
@ExtendWith(VertxExtension.class)
class SparkMeterTokenIssuerTest {

  private Vertx vertx;
  private WebClient client;
  private SparkMeterSimulator simulator;
  private SparkMeterTokenIssuer issuer;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    client = WebClient.create(vertx);
    simulator = await(SparkMeterSimulator.start(vertx, 0));
    issuer = new SparkMeterTokenIssuer(client);
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
        path -> path.endsWith("/customers")
            ? new Answer(200, customers("cust-7", "SM5R-01-0000ABCD"))
            : new Answer(
                200, "{\"transaction_id\":\"tx-42\",\"error\":null,\"status\":\"success\"}")));
    try {
      IssuedToken token = issue(request(
          "k-1",
          "SM5R-01-0000ABCD",
          TokenAmount.kwhTenths(43),
          Money.of(50_000, "KES"),
          settings(stub.baseUrl() + "/api/v0/", "site-token")));

      assertEquals(new IssuedToken("tx-42", "tx-42"), token);
      assertEquals(2, stub.requests.size());
      Recorded lookup = stub.requests.get(0);
      assertEquals(
          "GET /api/v0/customers?meter_serial=SM5R-01-0000ABCD", lookup.method + " " + lookup.uri);
      assertEquals("site-token", lookup.headers.get("authentication-token"));
      Recorded credit = stub.requests.get(1);
      assertEquals("POST /api/v0/transaction/", credit.method + " " + credit.uri);
      assertEquals("site-token", credit.headers.get("authentication-token"));
      assertTrue(credit.headers.get("content-type").startsWith("application/json"));
      assertEquals(
          new JsonObject()
              .put("customer_id", "cust-7")
              .put("amount", "500.00")
              .put("source", "cash")
              .put("external_id", "k-1"),
          new JsonObject(credit.body));
    } finally {
      await(stub.server.close());
    }
  }

  @Test
  void amountsAreMajorUnitsOfTheCurrency() {
    assertEquals("500.00", SparkMeterProtocol.major(Money.of(50_000, "KES")).toPlainString());
    assertEquals("50000", SparkMeterProtocol.major(Money.of(50_000, "UGX")).toPlainString());
    assertEquals("0.05", SparkMeterProtocol.major(Money.of(5, "TZS")).toPlainString());
  }

  @Test
  void sameTransactionIdCreditsOnceAndAnswersTheSameToken() throws Exception {
    simulator.deduplicateExternalId(true); // a site that deduplicates (unpublished)
    TokenRequest request = request(
        "tx-same",
        "SM-1",
        TokenAmount.kwhTenths(43),
        Money.of(20_000, "KES"),
        simulator.settings());

    IssuedToken first = issue(request);
    IssuedToken again = issue(request);

    assertEquals(first, again);
    assertEquals(
        List.of(new SparkMeterSimulator.Vend("SM-1", "200.00", "tx-same", first.value())),
        simulator.vends());
  }

  @Test
  void sameTransactionIdWithAnotherAmountIsRefused() throws Exception {
    simulator.deduplicateExternalId(true); // a site that deduplicates (unpublished)
    issue(request(
        "tx-2", "SM-1", TokenAmount.kwhTenths(43), Money.of(20_000, "KES"), simulator.settings()));

    TokenIssueException e = failure(request(
        "tx-2", "SM-1", TokenAmount.kwhTenths(43), Money.of(30_000, "KES"), simulator.settings()));
    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains("already used"), e.getMessage());
    assertEquals(1, simulator.vends().size());
  }

  @Test
  void withoutDeduplicationARepeatedTransactionCreditsTwice() throws Exception {
    TokenRequest request = request(
        "k-twice",
        "SN-1",
        TokenAmount.kwhTenths(43),
        Money.of(10_000, "KES"),
        simulator.settings());
    assertNotEquals(issue(request), issue(request));
    assertEquals(2, simulator.vends().size());
  }

  @Test
  void theLookupIsReadAsAListOrAsOneCustomer() throws Exception {
    simulator.answerLookupAsOneCustomer(true);
    issue(request(
        "k-one", "SN-7", TokenAmount.kwhTenths(43), Money.of(10_000, "KES"), simulator.settings()));
    assertEquals(1, simulator.vends().size());
  }

  @Test
  void wrongSiteTokenIsNotRetryable() {
    Map<String, String> settings = settings(simulator.baseUrl(), "not-the-token");

    assertFalse(
        failure(request("k-3", "SM-1", TokenAmount.kwhTenths(43), Money.of(100, "KES"), settings))
            .retryable());
    assertEquals(List.of(), simulator.vends());
  }

  @Test
  void daysAndUnlockAreRefusedWithoutCallingSparkMeter() {
    for (TokenAmount amount :
        List.of(TokenAmount.days(7), TokenAmount.unlock(), TokenAmount.kwhTenths(0))) {
      assertFalse(
          failure(request("k-4", "SM-1", amount, Money.of(100, "KES"), simulator.settings()))
              .retryable(),
          amount.describe());
    }
    assertFalse(failure(request(
            "k-5", "SM-1", TokenAmount.kwhTenths(43), Money.of(0, "KES"), simulator.settings()))
        .retryable());
    assertEquals(List.of(), simulator.vends());
  }

  @Test
  void incompleteOrBadSettingsAreNotRetryable() {
    assertFalse(failure(request(
            "k-6",
            "SM-1",
            TokenAmount.kwhTenths(43),
            Money.of(100, "KES"),
            Map.of("baseUrl", simulator.baseUrl())))
        .retryable());
    Map<String, String> settings = new HashMap<>(simulator.settings());
    settings.put("timeoutMs", "soon");
    assertFalse(
        failure(request("k-7", "SM-1", TokenAmount.kwhTenths(43), Money.of(100, "KES"), settings))
            .retryable());
    assertFalse(failure(request(
            "k-8",
            "SM-1",
            TokenAmount.kwhTenths(43),
            Money.of(100, "KES"),
            settings("not a url", "t")))
        .retryable());
  }

  @Test
  void answersAreMappedToRetryability() throws Exception {
    String customers = customers("c-1", "SM-1");
    assertEquals(true, retryableFor(new Answer(502, "bad gateway"), null));
    assertEquals(true, retryableFor(new Answer(429, ""), null));
    assertEquals(true, retryableFor(new Answer(200, customers), new Answer(503, "")));
    assertEquals(false, retryableFor(new Answer(404, "{\"error\":\"not found\"}"), null));
    assertEquals(false, retryableFor(new Answer(200, "<html>not thundercloud</html>"), null));
    assertEquals(false, retryableFor(new Answer(200, customers("c-1", "OTHER-METER")), null));
    assertEquals(
        false,
        retryableFor(
            new Answer(200, customers),
            new Answer(200, "{\"error\":\"customer inactive\",\"status\":\"failure\"}")));
    assertEquals(
        false,
        retryableFor(
            new Answer(200, customers),
            new Answer(200, "{\"error\":false,\"status\":\"success\"}")));
  }

  // --- helpers -------------------------------------------------------------------------------

  private static String customers(String id, String serial) {
    return new JsonObject()
        .put(
            "customers",
            new JsonArray()
                .add(new JsonObject()
                    .put("id", id)
                    .put("meters", new JsonArray().add(new JsonObject().put("serial", serial)))))
        .putNull("error")
        .put("status", "success")
        .encode();
  }

  private boolean retryableFor(Answer lookup, Answer credit) throws Exception {
    Stub stub = await(Stub.start(vertx, path -> path.endsWith("/customers") ? lookup : credit));
    try {
      return failure(request(
              "k-r",
              "SM-1",
              TokenAmount.kwhTenths(43),
              Money.of(100, "KES"),
              settings(stub.baseUrl(), "t")))
          .retryable();
    } finally {
      await(stub.server.close());
    }
  }

  private static Map<String, String> settings(String baseUrl, String apiToken) {
    return Map.of("baseUrl", baseUrl, "apiToken", apiToken, "timeoutMs", "3000");
  }

  private static TokenRequest request(
      String key, String serial, TokenAmount amount, Money paid, Map<String, String> settings) {
    return new TokenRequest(key, serial, DeviceType.METER, amount, paid, settings);
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
