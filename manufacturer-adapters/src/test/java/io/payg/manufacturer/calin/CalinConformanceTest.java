package io.payg.manufacturer.calin;

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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Replays the published {@code /tokennew} answers of {@code conformance/calin/} (see its README)
 * from a loopback server and checks the exact request the issuer sent against the kit's request.
 */
@ExtendWith(VertxExtension.class)
class CalinConformanceTest {

  private static final Map<String, String> SETTINGS_OF_THE_KIT =
      Map.of("userId", "payg-sim", "apiKey", "calin-sim-key", "timeoutMs", "3000");

  private Vertx vertx;
  private WebClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    client = WebClient.create(vertx, new WebClientOptions());
  }

  @AfterEach
  void tearDown() {
    client.close();
  }

  @ParameterizedTest
  @CsvSource({
    "tokennew-answer-ok-number.json, 43, tokennew-request.json",
    "tokennew-answer-ok-string.json, 43, tokennew-request.json",
    "tokennew-answer-ok-number.json, 40, tokennew-request-whole-kwh.json"
  })
  void successAnswersGiveTheToken(String answer, int kwhTenths, String expectedRequest)
      throws Exception {
    ReplayServer server = await(ReplayServer.start(vertx, 200, kit(answer)));
    try {
      IssuedToken token = issue(server, kwhTenths);

      assertEquals("48725997619297311927", token.value());
      assertSentExactly(server, kit(expectedRequest));
    } finally {
      await(server.stop());
    }
  }

  @ParameterizedTest
  @CsvSource({
    "tokennew-answer-error-number.json, 'calin: Calin refused the meter (result_code 3)'",
    "tokennew-answer-error-string.json, 'calin: Calin refused the user id or password (result_code 2)'"
  })
  void refusalsAreFinalAndClassified(String answer, String message) throws Exception {
    ReplayServer server = await(ReplayServer.start(vertx, 200, kit(answer)));
    try {
      TokenIssueException e = failure(server, 43);

      assertFalse(e.retryable());
      // the classified text only: the manufacturer's reason never reaches an operator verbatim
      assertEquals(message, e.getMessage());
      assertSentExactly(server, kit("tokennew-request.json"));
    } finally {
      await(server.stop());
    }
  }

  private static void assertSentExactly(ReplayServer server, String expectedBody) {
    assertEquals("/tokennew", server.path().get());
    assertEquals(expectedBody, server.body().get());
    assertEquals("application/json;charset=utf-8", server.headers().get().get("Content-Type"));
    assertTrue(server.headers().get().get("Content-Length") != null);
  }

  private IssuedToken issue(ReplayServer server, int kwhTenths) throws Exception {
    return new CalinTokenIssuer(client)
        .issue(request(server, kwhTenths))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private TokenIssueException failure(ReplayServer server, int kwhTenths) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> issue(server, kwhTenths));
    return assertInstanceOf(TokenIssueException.class, e.getCause());
  }

  private static TokenRequest request(ReplayServer server, int kwhTenths) {
    Map<String, String> settings = new HashMap<>(SETTINGS_OF_THE_KIT);
    settings.put("baseUrl", server.baseUrl());
    return new TokenRequest(
        "txn-1",
        "47000124512",
        DeviceType.METER,
        TokenAmount.kwhTenths(kwhTenths),
        Money.of(50_000, "KES"),
        settings);
  }

  static String kit(String file) throws IOException {
    try (InputStream in =
        CalinConformanceTest.class.getResourceAsStream("/conformance/calin/" + file)) {
      if (in == null) {
        throw new IOException("missing conformance file " + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
