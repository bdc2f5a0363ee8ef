package io.payg.telco.vodacommz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.Money;
import io.payg.domain.port.CollectionRequest;
import io.payg.domain.port.CollectionStatus;
import io.payg.telco.simulator.VodacomMzSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The M-Pesa Mozambique client against the simulator, over HTTP: bearer token, push outcomes, status query. */
class VodacomMzCollectionsTest {

  Vertx vertx;
  VodacomMzSimulator mpesa;
  VodacomMzCollections collections;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    mpesa = await(VodacomMzSimulator.start(vertx, 0));
    collections = new VodacomMzCollections(WebClient.create(vertx));
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static <T> T await(CompletionStage<T> s) throws Exception {
    return s.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private CollectionRequest request(String msisdn, long minor, Map<String, String> settings) {
    return new CollectionRequest(
        UUID.randomUUID().toString(), msisdn, Money.of(minor, "MZN"), "SN-1", "unused", settings);
  }

  @Test
  void insufficientBalanceIsFinalAndPlaceholdersAreNeverIds() throws Exception {
    mpesa.insufficientBalanceFor("258840000066");
    CollectionStatus broke =
        await(collections.requestToPay(request("258840000066", 50_000, mpesa.settings())));
    assertEquals(CollectionStatus.failed("INS-2006: Insufficient balance"), broke);
    // INS-0 without a usable TransactionID is still the provider's word; the conversation id is
    // never taken for it
    mpesa.scriptPush(
        201,
        "{\"output_ConversationID\":\"abc123\",\"output_ResponseCode\":\"INS-0\","
            + "\"output_ResponseDesc\":\"Request processed successfully\",\"output_ThirdPartyReference\":\"X\","
            + "\"output_TransactionID\":\"N/A\"}");
    assertEquals(
        CollectionStatus.succeeded(null),
        await(collections.requestToPay(request("258843330333", 50_000, mpesa.settings()))));
    assertEquals(null, VodacomMzCollections.transactionId("N/A"));
    assertEquals("49XCD123F6", VodacomMzCollections.transactionId(" 49XCD123F6 "));
  }

  @Test
  void anApprovedPushSucceedsWithMpesasTransactionIdAndTheRealFields() throws Exception {
    CollectionRequest r = request("258843330333", 50_050, mpesa.settings());
    CollectionStatus status = await(collections.requestToPay(r));
    assertEquals(CollectionStatus.State.SUCCEEDED, status.state());
    assertTrue(status.providerTxnId().startsWith("MZ"), status.providerTxnId());
    VodacomMzSimulator.Push push = mpesa.pushes().get(0);
    String reference = VodacomMzCollections.reference(r.reference());
    assertEquals(20, reference.length());
    assertEquals(
        new VodacomMzSimulator.Push(reference, "258843330333", "500.5", reference, "171717"), push);
    assertEquals(status, await(collections.status(r)), "the status API agrees");
  }

  @Test
  void aWrongApiKeyFailsWithIns2AndAnUnreadableKeyFailsWithoutACall() throws Exception {
    Map<String, String> wrong = new HashMap<>(mpesa.settings());
    wrong.put("apiKey", "not-the-key");
    CollectionStatus status =
        await(collections.requestToPay(request("258843330333", 10_000, wrong)));
    assertEquals(CollectionStatus.State.FAILED, status.state());
    assertTrue(
        status.reason().startsWith(VodacomMzCollections.CREDENTIALS_REFUSED + ": INS-2 "),
        status.reason());
    wrong.put("publicKey", "bm90IGEga2V5");
    assertEquals(
        CollectionStatus.State.FAILED,
        await(collections.requestToPay(request("258843330333", 10_000, wrong))).state());
    assertEquals(0, mpesa.pushes().size());
  }

  @Test
  void aCancelledPushFailsWithIns5() throws Exception {
    mpesa.cancelBy("258840000001");
    CollectionStatus status =
        await(collections.requestToPay(request("258840000001", 10_000, mpesa.settings())));
    assertEquals(CollectionStatus.State.FAILED, status.state());
    assertTrue(status.reason().startsWith("INS-5:"), status.reason());
  }

  @Test
  void aTimedOutPushIsPendingUntilTheStatusApiSaysCompletedAndARetryIsTheSamePush()
      throws Exception {
    mpesa.holdPushes(true);
    CollectionRequest r = request("258843330333", 10_000, mpesa.settings());
    assertEquals(
        CollectionStatus.State.PENDING, await(collections.requestToPay(r)).state());
    assertEquals(CollectionStatus.State.PENDING, await(collections.status(r)).state());
    assertEquals(
        CollectionStatus.State.PENDING,
        await(collections.requestToPay(r)).state(),
        "INS-10: the same push");
    assertEquals(1, mpesa.pushes().size());
    mpesa.approve(VodacomMzCollections.reference(r.reference()));
    CollectionStatus done = await(collections.status(r));
    assertEquals(CollectionStatus.State.SUCCEEDED, done.state());
    assertNotNull(done.providerTxnId());
  }

  @Test
  void aNumberOutsideMozambiqueIsRefusedWithoutAPush() throws Exception {
    CollectionStatus status =
        await(collections.requestToPay(request("255754123456", 10_000, mpesa.settings())));
    assertEquals(CollectionStatus.State.FAILED, status.state());
    assertEquals(0, mpesa.pushes().size());
  }

  @Test
  void anUnreachableMpesaFailsTheStageSoThePollerAsksLater() throws Exception {
    Map<String, String> down = new HashMap<>(mpesa.settings());
    down.put("baseUrl", "http://127.0.0.1:1");
    down.put("queryBaseUrl", "http://127.0.0.1:1");
    ExecutionException e = assertThrows(
        ExecutionException.class,
        () -> await(collections.requestToPay(request("258843330333", 10_000, down))));
    assertInstanceOf(VodacomMzException.class, e.getCause());
    assertThrows(
        ExecutionException.class,
        () -> await(collections.status(request("258843330333", 10_000, down))));
  }
}
