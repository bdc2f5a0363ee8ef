package io.payg.manufacturer.calin;

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
import io.payg.manufacturer.simulator.CalinSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class CalinTokenIssuerTest {

  private Vertx vertx;
  private WebClient client;
  private CalinSimulator simulator;
  private CalinTokenIssuer issuer;

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    client = WebClient.create(vertx, new WebClientOptions());
    simulator = await(CalinSimulator.start(vertx, 0));
    issuer = new CalinTokenIssuer(client);
  }

  @AfterEach
  void tearDown() throws Exception {
    client.close();
    await(simulator.stop());
  }

  @Test
  void resultCodeIsReadAsNumberOrNumericString() {
    assertEquals(0, CalinTokenIssuer.resultCode(0));
    assertEquals(0, CalinTokenIssuer.resultCode("0"));
    assertEquals(0, CalinTokenIssuer.resultCode(0.0));
    assertEquals(7, CalinTokenIssuer.resultCode(" 7 "));
    assertNull(
        CalinTokenIssuer.resultCode("OK"),
        "PHP's (int) would read 0: a success we must not assume");
    assertNull(CalinTokenIssuer.resultCode(null));
    assertNull(CalinTokenIssuer.resultCode(true));
  }

  @Test
  void amountIsAJsonNumberWithOneDecimal() {
    assertEquals(
        "{\"user_id\":\"u\",\"password\":\"p\",\"meter_id\":\"m\",\"token_type\":\"CreditToken\",\"amount\":10.0}",
        CalinTokenIssuer.requestBody("u", "p", "m", TokenAmount.kwhTenths(100)).encode());
    assertTrue(CalinTokenIssuer.requestBody("u", "p", "m", TokenAmount.kwhTenths(5))
        .encode()
        .endsWith("\"amount\":0.5}"));
  }

  @Test
  void simulatorVendsWholeAndTenthKwh() throws Exception {
    IssuedToken a =
        issue(request("k-1", "47000124512", TokenAmount.kwhTenths(40), simulator.settings()));
    IssuedToken b =
        issue(request("k-2", "47000124512", TokenAmount.kwhTenths(43), simulator.settings()));

    assertEquals(
        List.of(
            new CalinSimulator.Vend("47000124512", "4.0", a.value()),
            new CalinSimulator.Vend("47000124512", "4.3", b.value())),
        simulator.vends());
    assertEquals("k-1", a.manufacturerReference());
  }

  @Test
  void resultCodeAsStringIsUnderstood() throws Exception {
    simulator.answerCodesAsStrings(true);

    issue(request("k-s", "SN-1", TokenAmount.kwhTenths(43), simulator.settings()));
    simulator.rejectSerial("SN-2");
    TokenIssueException e =
        failure(request("k-s2", "SN-2", TokenAmount.kwhTenths(43), simulator.settings()));

    assertEquals(1, simulator.vends().size());
    assertFalse(e.retryable());
    assertTrue(e.getMessage().contains("refused the meter"), e.getMessage());
  }

  @Test
  void trailingSlashInBaseUrlIsTolerated() throws Exception {
    Map<String, String> settings = new HashMap<>(simulator.settings());
    settings.put("baseUrl", simulator.baseUrl() + "/");

    issue(request("k-3", "SN-1", TokenAmount.kwhTenths(5), settings));
    assertEquals(1, simulator.vends().size());
  }

  @Test
  void wrongPasswordIsFinalAndNamedWithoutCalinsText() {
    Map<String, String> settings = new HashMap<>(simulator.settings());
    settings.put("apiKey", "not-the-password");

    TokenIssueException e = failure(request("k-4", "SN-1", TokenAmount.kwhTenths(43), settings));

    assertFalse(e.retryable());
    assertEquals("calin: Calin refused the user id or password (result_code 2)", e.getMessage());
    assertEquals(List.of(), simulator.vends());
  }

  @Test
  void secondUserWithItsOwnPasswordIsAccepted() throws Exception {
    simulator.addUser("co-2", "pw-2");
    Map<String, String> settings =
        Map.of("baseUrl", simulator.baseUrl(), "userId", "co-2", "apiKey", "pw-2");

    issue(request("k-6", "SN-1", TokenAmount.kwhTenths(43), settings));
    assertEquals(1, simulator.vends().size());
  }

  @Test
  void incompleteSettingsFailWithoutCallingCalin() {
    Map<String, String> settings = Map.of("baseUrl", simulator.baseUrl(), "userId", "payg-sim");

    assertFalse(
        failure(request("k-7", "SN-1", TokenAmount.kwhTenths(43), settings)).retryable());
    assertEquals(List.of(), simulator.vends());
  }

  @Test
  void badTimeoutSettingIsNotRetryable() {
    Map<String, String> settings = new HashMap<>(simulator.settings());
    settings.put("timeoutMs", "soon");

    assertFalse(
        failure(request("k-8", "SN-1", TokenAmount.kwhTenths(43), settings)).retryable());
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
    assertEquals(false, retryableFor(404, "not found"));
    assertEquals(false, retryableFor(200, "<html>not calin</html>"));
    assertEquals(false, retryableFor(200, "{\"result_code\":0,\"reason\":\"OK\"}"));
    assertEquals(false, retryableFor(200, "{\"result_code\":\"OK\",\"result\":\"123\"}"));
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
        first.add(issue(request("a" + i, "SN-9", TokenAmount.kwhTenths(43), simulator.settings()))
            .value());
        second.add(issue(request("b" + i, "SN-9", TokenAmount.kwhTenths(43), other.settings()))
            .value());
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
    ReplayServer server = await(ReplayServer.start(vertx, status, body));
    try {
      Map<String, String> settings = new HashMap<>(simulator.settings());
      settings.put("baseUrl", server.baseUrl());
      return failure(request("k-r", "SN-1", TokenAmount.kwhTenths(43), settings))
          .retryable();
    } finally {
      await(server.stop());
    }
  }

  private static TokenRequest request(
      String key, String serial, TokenAmount amount, Map<String, String> settings) {
    return new TokenRequest(
        key, serial, DeviceType.METER, amount, Money.of(50_000, "KES"), settings);
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
}
