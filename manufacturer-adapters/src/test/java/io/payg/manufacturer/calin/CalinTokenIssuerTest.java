package io.payg.manufacturer.calin;

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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.VertxExtension;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
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

/** Calin specifics the manufacturer-neutral contract does not cover: wire shape and mapping. */
@ExtendWith(VertxExtension.class)
class CalinTokenIssuerTest {

  private static final Clock FIXED = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L),
      ZoneOffset.UTC);

  private Vertx vertx;
  private WebClient client;
  private CalinSimulator simulator;
  private CalinTokenIssuer issuer;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    client = WebClient.create(vertx, new WebClientOptions());
    simulator = await(CalinSimulator.start(vertx, 0));
    issuer = new CalinTokenIssuer(client, FIXED);
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    await(simulator.stop());
  }

  @Test
  void cipherIsMd5OfTheConcatenatedFieldsAndKey() {
    // md5("k-1" "payg-sim" "47000124512" "CreditToken" "4.3" "1700000000" "calin-sim-key"), by md5sum
    assertEquals("327f032bbe0038f78c6b0e0222a7af12", CalinProtocol.cipher("k-1", "payg-sim",
        "47000124512", "CreditToken", "4.3", 1_700_000_000L, "calin-sim-key"));
  }

  @Test
  void amountIsPrintedLikePhp() {
    assertEquals("4.3", CalinProtocol.amountText(new BigDecimal("4.3")));
    assertEquals("4", CalinProtocol.amountText(new BigDecimal("4.0")));
    assertEquals("10", CalinProtocol.amountText(new BigDecimal("10.0")));
    assertEquals("0.5", CalinProtocol.amountText(new BigDecimal("0.5")));
  }

  @Test
  void sendsTheMicroPowerManagerRequestShape() throws Exception {
    Stub stub = await(Stub.start(vertx, 200,
        "{\"result_code\":0,\"reason\":\"OK\",\"result\":\"12345678901234567890\"}"));
    try {
      IssuedToken token = issue(request("k-1", "47000124512", TokenAmount.kwhTenths(43),
          settings(stub.baseUrl(), "calin-sim-key")));

      assertEquals(new IssuedToken("12345678901234567890", "k-1"), token);
      assertEquals("/token/", stub.path.get());
      JsonObject body = stub.body.get();
      assertEquals(new JsonObject()
          .put("serial_id", "k-1")
          .put("user_id", "payg-sim")
          .put("meter_id", "47000124512")
          .put("token_type", "CreditToken")
          .put("amount", 4.3)
          .put("timestamp", 1_700_000_000)
          .put("ciphertext", "327f032bbe0038f78c6b0e0222a7af12"), body);
    } finally {
      await(stub.server.close());
    }
  }

  @Test
  void wholeKwhAmountsVerifyAtTheSimulator() throws Exception {
    IssuedToken token = issue(request("k-2", "47000124512", TokenAmount.kwhTenths(40),
        simulator.settings()));

    assertEquals(List.of(new CalinSimulator.Vend("47000124512", "4.0", token.value())),
        simulator.vends());
  }

  @Test
  void trailingSlashInBaseUrlIsTolerated() throws Exception {
    Map<String, String> settings = new HashMap<>(simulator.settings());
    settings.put("baseUrl", simulator.baseUrl() + "/");

    issue(request("k-3", "SN-1", TokenAmount.kwhTenths(5), settings));
    assertEquals(1, simulator.vends().size());
  }

  @Test
  void wrongApiKeyIsACipherErrorAndNotRetryable() {
    TokenIssueException e = failure(request("k-4", "SN-1", TokenAmount.kwhTenths(43),
        settings(simulator.baseUrl(), "not-the-key")));

    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains("ciphertext"), e.getMessage());
    assertEquals(List.of(), simulator.vends());
  }

  @Test
  void unknownUserIsNotRetryable() {
    Map<String, String> settings = new HashMap<>(simulator.settings());
    settings.put("userId", "somebody-else");

    assertFalse(failure(request("k-5", "SN-1", TokenAmount.kwhTenths(43), settings)).retryable());
  }

  @Test
  void secondUserWithItsOwnKeyIsAccepted() throws Exception {
    simulator.addUser("co-2", "key-2");
    Map<String, String> settings = Map.of("baseUrl", simulator.baseUrl(), "userId", "co-2",
        "apiKey", "key-2");

    issue(request("k-6", "SN-1", TokenAmount.kwhTenths(43), settings));
    assertEquals(1, simulator.vends().size());
  }

  @Test
  void incompleteSettingsFailWithoutCallingCalin() {
    Map<String, String> settings = Map.of("baseUrl", simulator.baseUrl(), "userId", "payg-sim");

    assertFalse(failure(request("k-7", "SN-1", TokenAmount.kwhTenths(43), settings)).retryable());
    assertEquals(List.of(), simulator.vends());
  }

  @Test
  void badTimeoutSettingIsNotRetryable() {
    Map<String, String> settings = new HashMap<>(simulator.settings());
    settings.put("timeoutMs", "soon");

    assertFalse(failure(request("k-8", "SN-1", TokenAmount.kwhTenths(43), settings)).retryable());
  }

  @Test
  void nonEnergyAmountsAreNotRetryable() {
    assertFalse(failure(request("k-9", "SN-1", TokenAmount.days(7), simulator.settings()))
        .retryable());
    assertFalse(failure(request("k-10", "SN-1", TokenAmount.kwhTenths(0), simulator.settings()))
        .retryable());
    assertEquals(List.of(), simulator.vends());
  }

  @Test
  void answersAreMappedToRetryability() throws Exception {
    assertEquals(false, retryableFor(400, "{\"error\":\"bad\"}"));
    assertEquals(false, retryableFor(200, "<html>not calin</html>"));
    assertEquals(false, retryableFor(200, "{\"result_code\":0,\"reason\":\"OK\"}"));
    assertEquals(false, retryableFor(200, "{\"result_code\":7,\"reason\":\"meter locked\"}"));
    assertEquals(true, retryableFor(429, ""));
    assertEquals(true, retryableFor(502, "bad gateway"));
  }

  @Test
  void simulatorTokensAreDeterministicTwentyDigits() throws Exception {
    CalinSimulator other = await(CalinSimulator.start(vertx, 0));
    try {
      List<String> first = new ArrayList<>();
      List<String> second = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        first.add(issue(request("a" + i, "SN-9", TokenAmount.kwhTenths(43),
            simulator.settings())).value());
        second.add(issue(request("b" + i, "SN-9", TokenAmount.kwhTenths(43),
            other.settings())).value());
      }

      assertEquals(first, second);
      assertNotEquals(first.get(0), first.get(1), "same meter and amount, new vend, new token");
      first.forEach(t -> assertTrue(t.matches("\\d{20}"), t));
    } finally {
      await(other.stop());
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  private boolean retryableFor(int status, String body) throws Exception {
    Stub stub = await(Stub.start(vertx, status, body));
    try {
      return failure(request("k-r", "SN-1", TokenAmount.kwhTenths(43),
          settings(stub.baseUrl(), "calin-sim-key"))).retryable();
    } finally {
      await(stub.server.close());
    }
  }

  private static Map<String, String> settings(String baseUrl, String apiKey) {
    return Map.of("baseUrl", baseUrl, "userId", CalinSimulator.DEFAULT_USER_ID, "apiKey", apiKey,
        "timeoutMs", "3000");
  }

  private static TokenRequest request(String key, String serial, TokenAmount amount,
      Map<String, String> settings) {
    return new TokenRequest(key, serial, DeviceType.METER, amount, Money.of(50_000, "KES"),
        settings);
  }

  private IssuedToken issue(TokenRequest request) throws Exception {
    return issuer.issue(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private TokenIssueException failure(TokenRequest request) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> issuer.issue(request).toCompletableFuture().get(10, TimeUnit.SECONDS));
    return assertInstanceOf(TokenIssueException.class, e.getCause());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A fixed-answer HTTP peer that captures what the issuer sent. */
  private record Stub(HttpServer server, AtomicReference<String> path,
                      AtomicReference<JsonObject> body) {

    static Future<Stub> start(Vertx vertx, int status, String answer) {
      AtomicReference<String> path = new AtomicReference<>();
      AtomicReference<JsonObject> body = new AtomicReference<>();
      Router router = Router.router(vertx);
      router.route().handler(BodyHandler.create());
      router.route().handler(ctx -> {
        path.set(ctx.request().path());
        body.set(ctx.body().asJsonObject());
        ctx.response().setStatusCode(status).end(answer);
      });
      return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
          .map(server -> new Stub(server, path, body));
    }

    String baseUrl() {
      return "http://127.0.0.1:" + server.actualPort();
    }
  }
}
