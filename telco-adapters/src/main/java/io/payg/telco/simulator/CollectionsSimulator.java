package io.payg.telco.simulator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the in-process request-to-pay provider simulators (MTN MoMo, Airtel Money) share: an HTTP
 * server on 127.0.0.1, a client for callbacks, the bearer tokens they issue and check, and the
 * knobs tests turn ({@link #setDown}, {@link #setFailNext}, {@link #setLatency},
 * {@link #setTokenLifetime}, {@link #revokeTokens}, {@link #approveAll}, {@link #setCallbacks}), and
 * {@link #scriptStatus}: a published status answer given verbatim (the conformance kit).
 * Each provider's endpoints, bodies and codes stay in its own simulator.
 *
 * @param <S> the simulator itself, so the knobs chain
 */
public abstract class CollectionsSimulator<S extends CollectionsSimulator<S>> {

  private static final SecureRandom RANDOM = new SecureRandom();

  protected final Vertx vertx;
  protected final WebClient callbackClient;
  private final Map<String, Long> tokenExpiries = new ConcurrentHashMap<>();
  private final AtomicInteger tokenRequests = new AtomicInteger();
  private final AtomicInteger failNext = new AtomicInteger();
  private volatile Duration tokenLifetime = Duration.ofHours(1);
  private volatile Duration latency = Duration.ZERO;
  private volatile boolean approveAll;
  private volatile boolean callbacksOn = true;
  private volatile boolean down;
  private final Map<String, Queue<ScriptedAnswer>> scripted = new ConcurrentHashMap<>();
  private HttpServer server;

  /** A provider answer given verbatim (a published sample), in place of the simulated state. */
  public record ScriptedAnswer(int status, String body) {}

  /** A token just issued, and the {@code expires_in} to answer with it. */
  protected record IssuedToken(String accessToken, long lifetimeSeconds) {}

  protected CollectionsSimulator(Vertx vertx) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.callbackClient = WebClient.create(vertx);
  }

  /** Starts {@code simulator} listening on 127.0.0.1; port 0 picks a free port. */
  protected static <S extends CollectionsSimulator<S>> Future<S> listen(S simulator, int port) {
    CollectionsSimulator<S> base = simulator; // private members are reached through the base type
    return base.vertx
        .createHttpServer()
        .requestHandler(base::handle)
        .listen(port, "127.0.0.1")
        .map(server -> {
          base.server = server;
          return simulator;
        })
        .onFailure(e -> base.callbackClient.close());
  }

  public int port() {
    return server.actualPort();
  }

  /** The value for the {@code baseUrl} setting. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public Future<Void> stop() {
    callbackClient.close();
    return server.close();
  }

  // ---------------------------------------------------------------- knobs

  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }

  /** While on, every new request is approved as it arrives (and its callback sent). */
  public S approveAll(boolean approveAll) {
    this.approveAll = approveAll;
    return self();
  }

  /** On (the default): settled requests are called back once. Off: callbacks are lost. */
  public S setCallbacks(boolean on) {
    this.callbacksOn = on;
    return self();
  }

  /** While down, connections are closed without an answer. */
  public S setDown(boolean down) {
    this.down = down;
    return self();
  }

  /** The next {@code n} calls (any endpoint) answer 500 and change nothing. */
  public S setFailNext(int n) {
    failNext.set(n);
    return self();
  }

  /** Delays every answer. */
  public S setLatency(Duration latency) {
    this.latency = Objects.requireNonNull(latency, "latency");
    return self();
  }

  /** The {@code expires_in} of tokens issued from now on (default one hour). */
  public S setTokenLifetime(Duration lifetime) {
    this.tokenLifetime = Objects.requireNonNull(lifetime, "lifetime");
    return self();
  }

  /** Invalidates every token issued so far, as changing the API credentials does. */
  public S revokeTokens() {
    tokenExpiries.clear();
    return self();
  }

  /**
   * The next status call about {@code reference} is answered {@code status} with {@code body}
   * verbatim (a published sample, e.g. from the conformance kit); calls after the scripted ones
   * see the simulated state again. Scripted answers queue up in order.
   */
  public S scriptStatus(String reference, int status, String body) {
    scripted
        .computeIfAbsent(reference, k -> new ConcurrentLinkedQueue<>())
        .add(new ScriptedAnswer(status, body));
    return self();
  }

  /** The next scripted status answer for {@code reference}, or null (answer from the state). */
  protected ScriptedAnswer nextScripted(String reference) {
    Queue<ScriptedAnswer> queue = reference == null ? null : scripted.get(reference);
    return queue == null ? null : queue.poll();
  }

  /** Tokens issued so far. */
  public int tokenRequests() {
    return tokenRequests.get();
  }

  protected boolean approvesAll() {
    return approveAll;
  }

  protected boolean callbacksOn() {
    return callbacksOn;
  }

  // ---------------------------------------------------------------- HTTP

  private void handle(HttpServerRequest req) {
    if (down) {
      req.connection().close();
      return;
    }
    req.body().onSuccess(body -> {
      if (down) {
        req.connection().close();
        return;
      }
      if (failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        answerInternalError(req);
        return;
      }
      route(req, body);
    });
  }

  /** The provider's 500 answer while {@link #setFailNext} lasts. */
  protected abstract void answerInternalError(HttpServerRequest req);

  /** Answers one call to the provider's API (the body has arrived). */
  protected abstract void route(HttpServerRequest req, Buffer body);

  /** A new bearer token living {@link #setTokenLifetime the token lifetime}. */
  protected IssuedToken issueToken() {
    byte[] random = new byte[24];
    RANDOM.nextBytes(random);
    String token = HexFormat.of().formatHex(random);
    long lifetime = tokenLifetime.toSeconds();
    tokenExpiries.put(token, System.nanoTime() + TimeUnit.SECONDS.toNanos(lifetime));
    tokenRequests.incrementAndGet();
    return new IssuedToken(token, lifetime);
  }

  /** Whether the call carries {@code Authorization: Bearer} with a token issued, not expired nor revoked. */
  protected boolean bearerValid(HttpServerRequest req) {
    String authorization = req.getHeader("Authorization");
    Long expiry = authorization != null && authorization.startsWith("Bearer ")
        ? tokenExpiries.get(authorization.substring("Bearer ".length()))
        : null;
    return expiry != null && expiry - System.nanoTime() > 0;
  }

  protected static boolean constantTimeEquals(String expected, Object given) {
    return given instanceof String s
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), s.getBytes(StandardCharsets.UTF_8));
  }

  /** Answers after {@link #setLatency the latency}; {@code body} null: no body and no Content-Type. */
  protected void reply(HttpServerRequest req, int status, String contentType, String body) {
    Runnable send = () -> {
      // the client may have timed out and closed the connection meanwhile
      if (!req.response().closed() && !req.response().ended()) {
        req.response().setStatusCode(status);
        if (body == null) {
          req.response().end();
        } else {
          req.response().putHeader("Content-Type", contentType).end(body);
        }
      }
    };
    long delay = latency.toMillis();
    if (delay > 0) {
      vertx.setTimer(delay, id -> send.run());
    } else {
      send.run();
    }
  }
}
