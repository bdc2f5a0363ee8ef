package io.payg.telco.safaricom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.Money;
import io.payg.domain.port.CollectionRequest;
import io.payg.domain.port.CollectionStatus;
import io.payg.telco.simulator.SafaricomStkSimulator;
import io.payg.telco.support.CollectionCallException;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The STK client against Daraja's simulator over loopback HTTP: token, password, push, query, failures. */
class SafaricomStkCollectionsTest {

  static Vertx vertx;
  static WebClient http;
  static SafaricomStkSimulator daraja;
  static SafaricomStkCollections stk;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
    daraja = SafaricomStkSimulator.start(vertx, 0)
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    stk = new SafaricomStkCollections(http, System::nanoTime, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw e.getCause() instanceof RuntimeException r ? r : new CompletionException(e);
    }
  }

  static CollectionRequest request(
      String serial, long minor, Map<String, String> settings, String checkout) {
    return new CollectionRequest(
        "7d0c3f34-0000-4000-8000-000000000001",
        "254708374149",
        Money.of(minor, "KES"),
        serial,
        "http://127.0.0.1:1/api/v1/telco/safaricom-stk/c/callback",
        settings,
        checkout);
  }

  @Test
  void thePasswordIsBase64OfShortCodePasskeyAndTimestamp() {
    // MpesaExpressSimulate's sample: Timestamp 20210628092408 for the sandbox short code and
    // passkey
    assertEquals(
        "MTc0Mzc5YmZiMjc5ZjlhYTliZGJjZjE1OGU5N2RkNzFhNDY3Y2QyZTBjODkz"
            + "MDU5YjEwZjc4ZTZiNzJhZGExZWQyYzkxOTIwMjEwNjI4MDkyNDA4",
        SafaricomStkCollections.password(
            "174379", SafaricomStkSimulator.PASSKEY, "20210628092408"));
  }

  @Test
  void aPushIsPendingUnderItsCheckoutRequestIdAndTheQueryFollowsThePayer() {
    CollectionStatus pushed =
        await(stk.requestToPay(request("SERIAL-LONGER-THAN-12", 25_000, daraja.settings(), null)));
    assertEquals(CollectionStatus.State.PENDING, pushed.state());
    assertNotNull(pushed.providerRequestId());
    SafaricomStkSimulator.Push push =
        daraja.pushFor("SERIAL-LONGE"); // AccountReference: at most 12 characters
    assertEquals(250, push.amount());
    assertEquals(pushed.providerRequestId(), push.checkoutRequestId());
    CollectionRequest asked =
        request("SERIAL-LONGER-THAN-12", 25_000, daraja.settings(), push.checkoutRequestId());
    assertEquals(CollectionStatus.State.PENDING, await(stk.status(asked)).state());
    await(daraja
        .fail(push.checkoutRequestId(), 2001, "The initiator information is invalid.")
        .toCompletionStage());
    CollectionStatus failed = await(stk.status(asked));
    assertEquals(CollectionStatus.State.FAILED, failed.state());
    assertTrue(failed.reason().startsWith("2001"), failed.reason());
  }

  @Test
  void aRevokedTokenIsRenewedOnceAndTheCallGoesThrough() {
    await(stk.requestToPay(request("TOKEN-A", 10_000, daraja.settings(), null)));
    int tokens = daraja.tokenRequests();
    daraja.revokeTokens(); // Daraja then answers 404.001.03 "Invalid Access Token"
    assertEquals(
        CollectionStatus.State.PENDING,
        await(stk.requestToPay(request("TOKEN-B", 10_000, daraja.settings(), null)))
            .state());
    assertEquals(tokens + 1, daraja.tokenRequests());
  }

  @Test
  void refusedCredentialsAWrongPasskeyAndBadRequestsFailWithoutAPrompt() {
    Map<String, String> wrongSecret = new HashMap<>(daraja.settings());
    wrongSecret.put("consumerSecret", "nope");
    CollectionStatus refused =
        await(stk.requestToPay(request("CRED-1", 10_000, wrongSecret, null)));
    assertEquals(CollectionStatus.State.FAILED, refused.state());
    assertTrue(refused.reason().startsWith(DarajaCalls.CREDENTIALS_REFUSED), refused.reason());

    Map<String, String> wrongPasskey = new HashMap<>(daraja.settings());
    wrongPasskey.put("passkey", "0000");
    CollectionStatus wrongCredentials =
        await(stk.requestToPay(request("CRED-2", 10_000, wrongPasskey, null)));
    assertTrue(wrongCredentials.reason().contains("500.001.1001"), wrongCredentials.reason());

    assertEquals(
        CollectionStatus.State.FAILED,
        await(stk.requestToPay(request("CRED-3", 10_050, daraja.settings(), null)))
            .state());
    assertEquals(
        CollectionStatus.State.FAILED,
        await(stk.requestToPay(new CollectionRequest(
                "r",
                "255754123456",
                Money.of(10_000, "KES"),
                "CRED-4",
                "http://127.0.0.1:1/cb",
                daraja.settings())))
            .state());
    assertEquals(
        0,
        daraja.pushes().stream()
            .filter(p -> p.accountReference().startsWith("CRED"))
            .count());
  }

  @Test
  void anUnansweredPushFailsRetryableAndAQueryWithoutCheckoutIdIsNotAsked() {
    daraja.setFailNext(
        1); // a bare 500 from Daraja's gateway: the push may or may not be on the phone
    Throwable e = assertInstanceOf(
        CollectionCallException.class,
        failure(stk.requestToPay(request("FAIL-1", 10_000, daraja.settings(), null))));
    assertTrue(((CollectionCallException) e).retryable());
    Throwable noId = failure(stk.status(request("FAIL-1", 10_000, daraja.settings(), null)));
    assertTrue(noId instanceof CollectionCallException c && !c.retryable());
  }

  private static Throwable failure(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("expected a failure");
  }
}
