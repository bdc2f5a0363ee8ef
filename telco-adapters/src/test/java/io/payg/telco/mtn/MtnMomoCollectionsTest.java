package io.payg.telco.mtn;

import static io.payg.telco.support.Stages.await;
import static io.payg.telco.support.Stages.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.Money;
import io.payg.domain.port.CollectionRequest;
import io.payg.domain.port.CollectionStatus;
import io.payg.domain.port.CollectionStatus.State;
import io.payg.telco.simulator.MtnMomoSimulator;
import io.payg.telco.support.CollectionCallException;
import io.vertx.core.Vertx;
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

/** {@link MtnMomoCollections} against {@link MtnMomoSimulator}, over real HTTP on loopback. */
class MtnMomoCollectionsTest {

  Vertx vertx;
  WebClient client;
  MtnMomoSimulator momo;
  MtnMomoCollections collections;
  final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    momo = await(MtnMomoSimulator.start(vertx, 0));
    collections = new MtnMomoCollections(client, nanos::get);
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  CollectionRequest request(String reference, long minor, String currency) {
    return request(reference, minor, currency, momo.settings());
  }

  static CollectionRequest request(
      String reference, long minor, String currency, Map<String, String> settings) {
    return new CollectionRequest(
        reference, "256772123456", Money.of(minor, currency), "SN-0001", null, settings);
  }

  Map<String, String> settings(String key, String value) {
    Map<String, String> s = new HashMap<>(momo.settings());
    s.put(key, value);
    return s;
  }

  @Test
  void requestToPayIsPendingAndSendsWhatMoMoExpects() throws Exception {
    assertEquals("mtn-momo", collections.provider());
    String ref = UUID.randomUUID().toString();
    assertEquals(
        CollectionStatus.pending(), await(collections.requestToPay(request(ref, 5000, "UGX"))));
    String ref2 = UUID.randomUUID().toString();
    assertEquals(
        CollectionStatus.pending(),
        await(collections.requestToPay(new CollectionRequest(
            ref2,
            "+233 24 123 4567".replace(" ", ""),
            Money.of(1050, "GHS"),
            "SHS-9",
            null,
            momo.settings()))));
    assertEquals(
        List.of(
            new MtnMomoSimulator.Request(ref, "256772123456", "5000", "UGX"),
            new MtnMomoSimulator.Request(ref2, "233241234567", "10.50", "GHS")),
        momo.requests());
    assertEquals("PENDING", momo.statusOf(ref));
    assertEquals(CollectionStatus.pending(), await(collections.status(request(ref, 5000, "UGX"))));
  }

  @Test
  void theTokenIsObtainedOnceAndReused() throws Exception {
    for (int i = 0; i < 3; i++) {
      String ref = UUID.randomUUID().toString();
      await(collections.requestToPay(request(ref, 1000, "UGX")));
      await(collections.status(request(ref, 1000, "UGX")));
    }
    assertEquals(1, momo.tokenRequests());

    // concurrent first calls share the one token request (the cache holds the future)
    MtnMomoCollections fresh = new MtnMomoCollections(client);
    List<CompletableFuture<CollectionStatus>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(fresh
          .requestToPay(request(UUID.randomUUID().toString(), 1000, "UGX"))
          .toCompletableFuture());
    }
    for (CompletableFuture<CollectionStatus> call : calls) {
      assertEquals(State.PENDING, call.get(20, TimeUnit.SECONDS).state());
    }
    assertEquals(2, momo.tokenRequests());
  }

  @Test
  void theTokenIsRenewedShortlyBeforeItExpires() throws Exception {
    await(collections.requestToPay(request(UUID.randomUUID().toString(), 1000, "UGX")));
    // expires_in 3600: renewed 60 s before
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(3539));
    await(collections.requestToPay(request(UUID.randomUUID().toString(), 1000, "UGX")));
    assertEquals(1, momo.tokenRequests());
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(2));
    await(collections.requestToPay(request(UUID.randomUUID().toString(), 1000, "UGX")));
    assertEquals(2, momo.tokenRequests());
    assertEquals(60, MtnMomoCollections.refreshMargin(3600));
    assertEquals(3, MtnMomoCollections.refreshMargin(30));
  }

  @Test
  void aRevokedTokenIsReplacedOnceAndTheCallGoesThrough() throws Exception {
    await(collections.requestToPay(request(UUID.randomUUID().toString(), 1000, "UGX")));
    momo.revokeTokens();
    String ref = UUID.randomUUID().toString();
    assertEquals(
        CollectionStatus.pending(), await(collections.requestToPay(request(ref, 1000, "UGX"))));
    assertEquals(2, momo.tokenRequests());
    momo.revokeTokens();
    assertEquals(CollectionStatus.pending(), await(collections.status(request(ref, 1000, "UGX"))));
    assertEquals(3, momo.tokenRequests());
    assertEquals(2, momo.requests().size());
  }

  @Test
  void aRepeatedReferenceIsStillPendingAndRequestedOnce() throws Exception {
    String ref = UUID.randomUUID().toString();
    assertEquals(
        CollectionStatus.pending(), await(collections.requestToPay(request(ref, 5000, "UGX"))));
    // our retry (e.g. after a timeout): MoMo answers 409, which means "already requested"
    assertEquals(
        CollectionStatus.pending(), await(collections.requestToPay(request(ref, 5000, "UGX"))));
    assertEquals(1, momo.requests().size());
  }

  @Test
  void approvedIsSucceededWithMoMosTransactionId() throws Exception {
    String ref = UUID.randomUUID().toString();
    await(collections.requestToPay(request(ref, 5000, "UGX")));
    await(momo.approve(ref));
    CollectionStatus status = await(collections.status(request(ref, 5000, "UGX")));
    assertEquals(State.SUCCEEDED, status.state());
    assertNotNull(status.providerTxnId());
    assertTrue(status.providerTxnId().matches("[0-9]+"));
    assertNull(status.reason());
    // settled requests stay settled
    assertInstanceOf(
        IllegalStateException.class, failure(momo.reject(ref, "EXPIRED").toCompletionStage()));
  }

  @Test
  void approveAllSucceedsAtOnce() throws Exception {
    momo.approveAll(true);
    String ref = UUID.randomUUID().toString();
    assertEquals(
        CollectionStatus.pending(), await(collections.requestToPay(request(ref, 1050, "GHS"))));
    assertEquals(
        State.SUCCEEDED, await(collections.status(request(ref, 1050, "GHS"))).state());
  }

  @Test
  void rejectedIsFailedWithMoMosReason() throws Exception {
    String ref = UUID.randomUUID().toString();
    await(collections.requestToPay(request(ref, 5000, "UGX")));
    await(momo.reject(ref, "APPROVAL_REJECTED"));
    assertEquals(
        CollectionStatus.failed("APPROVAL_REJECTED"),
        await(collections.status(request(ref, 5000, "UGX"))));
  }

  @Test
  void bothPublishedReasonShapesAreRead() throws Exception {
    momo.setReasonAsObject(true);
    try {
      String ref = UUID.randomUUID().toString();
      await(collections.requestToPay(request(ref, 5000, "UGX")));
      await(momo.reject(ref, "NOT_ENOUGH_FUNDS"));
      assertEquals(
          CollectionStatus.failed("NOT_ENOUGH_FUNDS: The payer does not have enough funds"),
          await(collections.status(request(ref, 5000, "UGX"))));
    } finally {
      momo.setReasonAsObject(false);
    }
  }

  @Test
  void theReportedAmountIsComparedAsANumber() throws Exception {
    momo.setAmountWithDecimals(true);
    try {
      String ugx = UUID.randomUUID().toString();
      await(collections.requestToPay(
          request(ugx, 5000, "UGX"))); // reported "5000.00", UGX has no minor unit
      await(momo.approve(ugx));
      assertEquals(
          State.SUCCEEDED, await(collections.status(request(ugx, 5000, "UGX"))).state());
      assertEquals(
          Money.of(5000, "UGX"),
          await(collections.status(request(ugx, 500, "UGX"))).collected());
      String ghs = UUID.randomUUID().toString();
      await(collections.requestToPay(request(ghs, 5050, "GHS"))); // "50.50"
      await(momo.approve(ghs));
      assertEquals(
          State.SUCCEEDED, await(collections.status(request(ghs, 5050, "GHS"))).state());
    } finally {
      momo.setAmountWithDecimals(false);
    }
    String ref = UUID.randomUUID().toString();
    await(collections.requestToPay(request(ref, 5050, "GHS")));
    momo.scriptStatus(
        ref,
        200,
        "{\"amount\":\"50.5\",\"currency\":\"GHS\",\"financialTransactionId\":\"23503452\","
            + "\"externalId\":\"" + ref + "\",\"status\":\"SUCCESSFUL\"}");
    CollectionStatus status = await(collections.status(request(ref, 5050, "GHS")));
    assertEquals(CollectionStatus.succeeded("23503452"), status, "\"50.5\" is 50.50 GHS");
    assertEquals(
        0, MtnMomoCollections.decimal("5000.00").compareTo(MtnMomoCollections.decimal(5000)));
  }

  @Test
  void anUnknownReferenceIsFailed() throws Exception {
    assertEquals(
        CollectionStatus.notFound(MtnMomoCollections.UNKNOWN_REFERENCE),
        await(collections.status(request(UUID.randomUUID().toString(), 5000, "UGX"))));
  }

  @Test
  void anotherAmountOrCurrencyThanRequestedIsMoneyMovedInThatAmount() throws Exception {
    String ref = UUID.randomUUID().toString();
    await(collections.requestToPay(request(ref, 5000, "UGX")));
    await(momo.approve(ref));
    CollectionStatus more = await(collections.status(request(ref, 4000, "UGX")));
    assertEquals(State.SUCCEEDED, more.state());
    assertEquals(Money.of(5000, "UGX"), more.collected(), "what MoMo collected, not what we asked");
    assertTrue(more.reason().startsWith(MtnMomoCollections.AMOUNT_MISMATCH), more.reason());
    assertEquals(
        Money.of(5000, "UGX"),
        await(collections.status(request(ref, 5000, "RWF"))).collected());
    CollectionStatus same = await(collections.status(request(ref, 5000, "UGX")));
    assertEquals(State.SUCCEEDED, same.state());
    assertNull(same.collected());
  }

  @Test
  void wrongCredentialsFailTheRequestButOnlyFailTheStatusStage() throws Exception {
    // requestToPay: refused at the token endpoint, nothing was requested: FAILED for an operator
    CollectionStatus badKey = await(collections.requestToPay(request(
        UUID.randomUUID().toString(),
        5000,
        "UGX",
        settings(MtnMomoCollections.SETTING_API_KEY, "wrong"))));
    assertEquals(State.FAILED, badKey.state());
    assertTrue(badKey.reason().startsWith(MtnMomoCollections.CREDENTIALS_REFUSED), badKey.reason());
    assertFalse(badKey.reason().contains("wrong"));
    CollectionStatus badSubscription = await(collections.requestToPay(request(
        UUID.randomUUID().toString(),
        5000,
        "UGX",
        settings(MtnMomoCollections.SETTING_SUBSCRIPTION_KEY, "wrong"))));
    assertEquals(State.FAILED, badSubscription.state());
    assertEquals(0, momo.requests().size());

    // status: the payer may have paid, so never FAILED on a doubt: a failed stage, not retryable
    String ref = UUID.randomUUID().toString();
    await(collections.requestToPay(request(ref, 5000, "UGX")));
    await(momo.approve(ref));
    CollectionCallException e = assertInstanceOf(
        CollectionCallException.class,
        failure(collections.status(
            request(ref, 5000, "UGX", settings(MtnMomoCollections.SETTING_API_KEY, "wrong")))));
    assertFalse(e.retryable());
    assertTrue(e.getMessage().startsWith(MtnMomoCollections.CREDENTIALS_REFUSED), e.getMessage());
    // the right key works again (the wrong key's attempt replaced the cached token)
    assertEquals(
        State.SUCCEEDED, await(collections.status(request(ref, 5000, "UGX"))).state());
  }

  @Test
  void aWrongTargetEnvironmentIsFailedByMoMo() throws Exception {
    CollectionStatus status = await(collections.requestToPay(request(
        UUID.randomUUID().toString(),
        5000,
        "UGX",
        settings(MtnMomoCollections.SETTING_TARGET_ENVIRONMENT, "mtnuganda"))));
    assertEquals(State.FAILED, status.state());
    assertTrue(status.reason().contains("NOT_ALLOWED_TARGET_ENVIRONMENT"), status.reason());
  }

  @Test
  void invalidRequestsAndSettingsAreFailedWithoutSendingAnything() throws Exception {
    assertEquals(
        State.FAILED,
        await(collections.requestToPay(request("not-a-uuid", 5000, "UGX"))).state());
    assertEquals(
        State.FAILED,
        await(collections.requestToPay(new CollectionRequest(
                UUID.randomUUID().toString(),
                "call me",
                Money.of(5000, "UGX"),
                "SN-1",
                null,
                momo.settings())))
            .state());
    assertEquals(
        State.FAILED,
        await(collections.requestToPay(request(UUID.randomUUID().toString(), 0, "UGX")))
            .state());
    assertEquals(
        State.FAILED,
        await(collections.requestToPay(request(UUID.randomUUID().toString(), 5000, "ABC")))
            .state());
    Map<String, String> incomplete = new HashMap<>(momo.settings());
    incomplete.remove(MtnMomoCollections.SETTING_API_KEY);
    CollectionStatus status = await(
        collections.requestToPay(request(UUID.randomUUID().toString(), 5000, "UGX", incomplete)));
    assertEquals(State.FAILED, status.state());
    assertTrue(status.reason().contains("settings incomplete"), status.reason());
    assertEquals(0, momo.tokenRequests());
    assertEquals(0, momo.requests().size());
    // status: a configuration problem is a failed stage
    assertInstanceOf(
        CollectionCallException.class,
        failure(
            collections.status(request(UUID.randomUUID().toString(), 5000, "UGX", incomplete))));
  }

  @Test
  void aSimulatorThatIsDownFailsTheStage() throws Exception {
    momo.setDown(true);
    Map<String, String> quick = settings(MtnMomoCollections.SETTING_TIMEOUT_MS, "1000");
    CollectionCallException e = assertInstanceOf(
        CollectionCallException.class,
        failure(
            collections.requestToPay(request(UUID.randomUUID().toString(), 5000, "UGX", quick))));
    assertTrue(e.retryable());
    assertTrue(assertInstanceOf(
            CollectionCallException.class,
            failure(collections.status(request(UUID.randomUUID().toString(), 5000, "UGX", quick))))
        .retryable());

    // once up again, the same reference goes through
    momo.setDown(false);
    String ref = UUID.randomUUID().toString();
    assertEquals(
        CollectionStatus.pending(),
        await(collections.requestToPay(request(ref, 5000, "UGX", quick))));
  }

  @Test
  void serverErrorsAndTimeoutsFailTheStageAndTheStatusTellsWhatHappened() throws Exception {
    String ref = UUID.randomUUID().toString();
    await(collections.requestToPay(
        request(UUID.randomUUID().toString(), 5000, "UGX"))); // token cached
    momo.setFailNext(1);
    assertTrue(assertInstanceOf(
            CollectionCallException.class,
            failure(collections.requestToPay(request(ref, 5000, "UGX"))))
        .retryable());
    assertEquals(
        CollectionStatus.notFound(MtnMomoCollections.UNKNOWN_REFERENCE),
        await(collections.status(request(ref, 5000, "UGX"))));

    // recorded by MoMo, answer lost: the retry's 409 and the status both say PENDING
    String slow = UUID.randomUUID().toString();
    momo.setLatency(Duration.ofMillis(1500));
    Map<String, String> quick = settings(MtnMomoCollections.SETTING_TIMEOUT_MS, "300");
    assertTrue(assertInstanceOf(
            CollectionCallException.class,
            failure(collections.requestToPay(request(slow, 5000, "UGX", quick))))
        .retryable());
    momo.setLatency(Duration.ZERO);
    assertEquals(
        CollectionStatus.pending(), await(collections.requestToPay(request(slow, 5000, "UGX"))));
    assertEquals(CollectionStatus.pending(), await(collections.status(request(slow, 5000, "UGX"))));
    assertEquals(
        1, momo.requests().stream().filter(r -> r.reference().equals(slow)).count());
  }
}
