package io.payg.manufacturer.contract;

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
import io.payg.domain.port.TokenIssuer;
import io.payg.domain.port.TokenRequest;
import io.payg.manufacturer.simulator.SimulatedManufacturer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every {@link TokenIssuer} must do against its manufacturer's simulator, over real HTTP
 * (TCK style, like vertx-sql-client's): one subclass per manufacturer supplies the simulator,
 * the issuer and its settings; the tests here stay the same for all of them.
 */
@ExtendWith(VertxExtension.class)
public abstract class TokenIssuerContractTest {

  /** What the contract needs to steer and observe on a manufacturer's simulator. */
  public interface Peer {

    /** The next {@code n} requests get an HTTP 5xx. */
    void failNext(int n);

    /** While down, the peer drops connections without answering. */
    void down(boolean down);

    /** Delay before each answer. */
    void latency(Duration latency);

    /** This serial is unknown to the manufacturer from now on. */
    void rejectSerial(String serial);

    /**
     * The manufacturer knows this serial, as an operator would have set it up there; a no-op for
     * peers that accept every serial.
     */
    default void register(String serial) {}

    /** Every vend the peer made, oldest first. */
    List<RecordedVend> vends();

    Future<Void> stop();

    /** The contract's view of a manufacturer's simulator. */
    static Peer of(SimulatedManufacturer<?, ?> sim) {
      return new Peer() {
        @Override
        public void failNext(int n) {
          sim.setFailNext(n);
        }

        @Override
        public void down(boolean down) {
          sim.setDown(down);
        }

        @Override
        public void latency(Duration latency) {
          sim.setLatency(latency);
        }

        @Override
        public void rejectSerial(String serial) {
          sim.rejectSerial(serial);
        }

        @Override
        public void register(String serial) {
          sim.register(serial);
        }

        @Override
        public List<RecordedVend> vends() {
          return sim.vends().stream()
              .map(v -> new RecordedVend(v.serial(), v.token()))
              .toList();
        }

        @Override
        public Future<Void> stop() {
          return sim.stop();
        }
      };
    }
  }

  public record RecordedVend(String serial, String token) {}

  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

  protected Vertx vertx;
  protected WebClient client;
  protected Peer peer;
  protected SimulatedManufacturer<?, ?> simulator;
  protected TokenIssuer issuer;
  private boolean peerStopped;

  /** Starts the manufacturer's simulator on a free local port. */
  protected abstract Future<? extends SimulatedManufacturer<?, ?>> startSimulator(Vertx vertx);

  protected abstract TokenIssuer createIssuer(WebClient client);

  /** Settings that make the issuer talk to the simulator with this request timeout. */
  protected Map<String, String> settings(Peer peer, Duration timeout) {
    Map<String, String> settings = new HashMap<>(simulator.settings());
    settings.put("timeoutMs", Long.toString(timeout.toMillis()));
    return settings;
  }

  protected DeviceType deviceType() {
    return DeviceType.METER;
  }

  protected TokenAmount amount() {
    return TokenAmount.kwhTenths(43);
  }

  /** What a token from this manufacturer looks like. */
  protected Pattern tokenPattern() {
    return Pattern.compile("\\d+");
  }

  @BeforeEach
  void startContractFixture(Vertx vertx) throws Exception {
    this.vertx = vertx;
    this.client = WebClient.create(vertx, new WebClientOptions());
    this.simulator = await(startSimulator(vertx));
    this.peer = Peer.of(simulator);
    this.issuer = createIssuer(client);
  }

  @AfterEach
  void stopContractFixture() throws Exception {
    client.close();
    if (!peerStopped) {
      await(peer.stop());
    }
  }

  @Test
  void namesItsManufacturer() {
    assertFalse(issuer.manufacturer().isBlank());
  }

  @Test
  void issuesATokenOverHttp() throws Exception {
    IssuedToken token = issue("SN-1001", DEFAULT_TIMEOUT);

    assertTrue(tokenPattern().matcher(token.value()).matches(), token.value());
    assertEquals(List.of(new RecordedVend("SN-1001", token.value())), peer.vends());
  }

  @Test
  void recordsExactlyOneVendPerSuccessfulIssue() throws Exception {
    List<RecordedVend> issued = new ArrayList<>();
    for (String serial : List.of("SN-2001", "SN-2002", "SN-2001")) {
      issued.add(new RecordedVend(serial, issue(serial, DEFAULT_TIMEOUT).value()));
    }

    assertEquals(issued, peer.vends());
    assertEquals(3, new HashSet<>(issued).size(), "every vend gets its own token");
  }

  @Test
  void serverErrorIsRetryable() throws Exception {
    peer.failNext(1);

    assertTrue(failure("SN-3001", DEFAULT_TIMEOUT).retryable());
    assertEquals(List.of(), peer.vends());
    // the peer recovered: the retry goes through
    issue("SN-3001", DEFAULT_TIMEOUT);
    assertEquals(1, peer.vends().size());
  }

  @Test
  void droppedConnectionIsRetryable() throws Exception {
    peer.down(true);

    assertTrue(failure("SN-4001", DEFAULT_TIMEOUT).retryable());
    assertEquals(List.of(), peer.vends());
  }

  @Test
  void refusedConnectionIsRetryable() throws Exception {
    Map<String, String> settings = settings(peer, DEFAULT_TIMEOUT);
    await(peer.stop());
    peerStopped = true;

    TokenIssueException e = failure(request("SN-5001", settings));
    assertTrue(e.retryable());
  }

  @Test
  void timeoutIsRetryable() throws Exception {
    peer.latency(Duration.ofSeconds(4));

    long start = System.nanoTime();
    TokenIssueException e = failure("SN-6001", Duration.ofMillis(300));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertTrue(e.retryable());
    assertTrue(tookMs < 3_000, "the issuer's timeout fired, not the peer's answer: " + tookMs);
  }

  @Test
  void rejectedSerialIsNotRetryable() throws Exception {
    peer.rejectSerial("SN-UNKNOWN");

    assertFalse(failure("SN-UNKNOWN", DEFAULT_TIMEOUT).retryable());
    assertEquals(List.of(), peer.vends());
  }

  @Test
  void sendsTheRequestsTraceparentAndNoneWithoutOne() throws Exception {
    issue("SN-7001", DEFAULT_TIMEOUT);
    assertEquals(List.of(), simulator.traceparents(), "a request without a trace sends none");

    // the spec's own example
    // (https://www.w3.org/TR/trace-context/#examples-of-http-traceparent-headers)
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    TokenRequest plain = request("SN-7002", settings(peer, DEFAULT_TIMEOUT));
    TokenRequest traced = new TokenRequest(
        plain.idempotencyKey(),
        plain.serial(),
        plain.deviceType(),
        plain.amount(),
        plain.paid(),
        plain.settings(),
        traceparent);
    issuer.issue(traced).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertFalse(simulator.traceparents().isEmpty(), "the vend carries the trace");
    assertTrue(
        simulator.traceparents().stream().allMatch(traceparent::equals),
        simulator.traceparents().toString());
  }

  // --- helpers -------------------------------------------------------------------------------

  protected TokenRequest request(String serial, Map<String, String> settings) {
    peer.register(serial);
    return new TokenRequest(
        UUID.randomUUID().toString(),
        serial,
        deviceType(),
        amount(),
        Money.of(50_000, "KES"),
        settings);
  }

  protected IssuedToken issue(String serial, Duration timeout) throws Exception {
    return issuer
        .issue(request(serial, settings(peer, timeout)))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  protected TokenIssueException failure(String serial, Duration timeout) {
    return failure(request(serial, settings(peer, timeout)));
  }

  protected TokenIssueException failure(TokenRequest request) {
    ExecutionException e = assertThrows(
        ExecutionException.class,
        () -> issuer.issue(request).toCompletableFuture().get(10, TimeUnit.SECONDS));
    return assertInstanceOf(TokenIssueException.class, e.getCause());
  }

  protected static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
