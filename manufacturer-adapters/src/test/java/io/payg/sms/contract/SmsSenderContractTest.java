package io.payg.sms.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.port.SmsMessage;
import io.payg.domain.port.SmsSender;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every {@link SmsSender} must do against its provider's simulator, over real HTTP (TCK
 * style): one subclass per provider supplies the simulator, the sender, its settings and how to
 * read "retryable" off the provider's failure.
 */
@ExtendWith(VertxExtension.class)
public abstract class SmsSenderContractTest {

  /** What the contract needs to steer and observe on a provider's simulator. */
  public interface Peer {

    /** The next {@code n} requests get an HTTP 5xx. */
    void failNext(int n);

    /** While down, the peer drops connections without answering. */
    void down(boolean down);

    /** Every message the peer accepted, one per recipient, oldest first. */
    List<RecordedSms> messages();

    Future<Void> stop();
  }

  public record RecordedSms(String to, String text, String messageId) {}

  protected Vertx vertx;
  protected WebClient client;
  protected Peer peer;
  protected SmsSender sender;
  private boolean peerStopped;

  protected abstract Future<Peer> startPeer(Vertx vertx);

  protected abstract SmsSender createSender(WebClient client);

  /** Settings that make the sender talk to {@code peer} with valid credentials. */
  protected abstract Map<String, String> settings(Peer peer);

  /** Same peer, credentials it refuses. */
  protected abstract Map<String, String> settingsWithWrongCredentials(Peer peer);

  /** Whether the provider's failure says a retry may help. */
  protected abstract boolean isRetryable(Throwable failure);

  @BeforeEach
  void startContractFixture(Vertx vertx) throws Exception {
    this.vertx = vertx;
    this.client = WebClient.create(vertx, new WebClientOptions());
    this.peer = await(startPeer(vertx));
    this.sender = createSender(client);
  }

  @AfterEach
  void stopContractFixture() throws Exception {
    client.close();
    if (!peerStopped) {
      await(peer.stop());
    }
  }

  @Test
  void namesItsProvider() {
    assertFalse(sender.provider().isBlank());
  }

  @Test
  void sendsOverHttpAndReturnsTheProviderMessageId() throws Exception {
    String id = send("+254711000001", "Token 1234 5678 9012 3456 7890, 4.3 kWh");

    assertNotNull(id);
    assertEquals(
        List.of(new RecordedSms("+254711000001", "Token 1234 5678 9012 3456 7890, 4.3 kWh", id)),
        peer.messages());
  }

  @Test
  void recordsExactlyOneMessagePerSuccessfulSend() throws Exception {
    List<RecordedSms> sent = new ArrayList<>();
    for (String to : List.of("+254711000002", "+254711000003", "+254711000002")) {
      sent.add(new RecordedSms(to, "hello " + to, send(to, "hello " + to)));
    }

    assertEquals(sent, peer.messages());
    assertEquals(3, new HashSet<>(sent).size(), "every send gets its own message id");
  }

  @Test
  void serverErrorIsRetryable() throws Exception {
    peer.failNext(1);

    assertTrue(isRetryable(failure(message("+254711000004", "x", settings(peer)))));
    assertEquals(List.of(), peer.messages());
    send("+254711000004", "x");
    assertEquals(1, peer.messages().size());
  }

  @Test
  void droppedConnectionIsRetryable() {
    peer.down(true);

    assertTrue(isRetryable(failure(message("+254711000005", "x", settings(peer)))));
    assertEquals(List.of(), peer.messages());
  }

  @Test
  void refusedConnectionIsRetryable() throws Exception {
    Map<String, String> settings = settings(peer);
    await(peer.stop());
    peerStopped = true;

    assertTrue(isRetryable(failure(message("+254711000006", "x", settings))));
  }

  @Test
  void refusedCredentialsAreNotRetryable() {
    Throwable e = failure(message("+254711000007", "x", settingsWithWrongCredentials(peer)));

    assertFalse(isRetryable(e));
    assertEquals(List.of(), peer.messages());
  }

  @Test
  void invalidNumberIsNotRetryable() {
    Throwable e = failure(message("not-a-number", "x", settings(peer)));

    assertFalse(isRetryable(e));
    assertEquals(List.of(), peer.messages());
  }

  // --- helpers -------------------------------------------------------------------------------

  protected SmsMessage message(String to, String text, Map<String, String> settings) {
    return new SmsMessage(UUID.randomUUID().toString(), to, text, settings);
  }

  protected String send(String to, String text) throws Exception {
    return sender
        .send(message(to, text, settings(peer)))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  protected Throwable failure(SmsMessage message) {
    ExecutionException e = assertThrows(
        ExecutionException.class,
        () -> sender.send(message).toCompletableFuture().get(10, TimeUnit.SECONDS));
    return e.getCause();
  }

  protected static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
