package io.payg.manufacturer.simulator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every in-process peer simulator (manufacturers, SMS) shares: the loopback HTTP server,
 * the failure knobs and a count of concurrent requests.
 *
 * <p>Knobs, applied in front of every route: {@link #setDown(boolean)} drops connections
 * without answering, {@link #setFailNext(int)} answers HTTP 503 (in the peer's own format,
 * {@link #outage(RoutingContext)}), {@link #setLatency(Duration)} delays every answer sent with
 * {@link #send}. A simulator does its work (vend, credit, send) before the delay, so a client
 * timing out reproduces the real "done but the answer was lost" case.
 *
 * <p>{@link #maxConcurrentRequests()} is the most requests it ever had open at once (from
 * arrival to the answer's end or the connection's loss): what a caller's concurrency limit
 * is checked against.
 *
 * @param <S> the simulator itself, so the knobs chain
 */
public abstract class SimulatedPeer<S extends SimulatedPeer<S>> {

  protected final Vertx vertx;
  private final AtomicInteger failNext = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile Duration latency = Duration.ZERO;
  private volatile boolean down;
  private final List<String> traceparents = new CopyOnWriteArrayList<>();
  private HttpServer server;

  protected SimulatedPeer(Vertx vertx) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
  }

  /** How this peer answers a simulated outage (HTTP 503 in its own format). */
  protected abstract void outage(RoutingContext ctx);

  /** A router with the request count, a body handler and the knobs in front of every route. */
  protected Router router() {
    Router router = Router.router(vertx);
    router.route().handler(this::count);
    router.route().handler(BodyHandler.create().setBodyLimit(64 * 1024));
    router.route().handler(this::knobs);
    return router;
  }

  /** Listens on 127.0.0.1 ({@code port} 0 picks a free one) and completes with this simulator. */
  protected Future<S> listen(Router router, int port) {
    return vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(port, "127.0.0.1")
        .map(s -> {
          server = s;
          return self();
        });
  }

  public int port() {
    return server.actualPort();
  }

  /** The server root, the value of an adapter's {@code baseUrl} setting. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public Future<Void> stop() {
    return server.close();
  }

  /** Every answer is sent this much later. */
  public S setLatency(Duration latency) {
    this.latency = Objects.requireNonNull(latency, "latency");
    return self();
  }

  /** The next {@code n} requests get HTTP 503 without effect. */
  public S setFailNext(int n) {
    failNext.set(n);
    return self();
  }

  /** While down, connections are closed without an answer. */
  public S setDown(boolean down) {
    this.down = down;
    return self();
  }

  /** The most requests this simulator ever had open at once. */
  public int maxConcurrentRequests() {
    return maxInFlight.get();
  }

  /** Starts {@link #maxConcurrentRequests()} again from the requests open now (a new phase of a run). */
  public S resetMaxConcurrentRequests() {
    maxInFlight.set(inFlight.get());
    return self();
  }

  /** The W3C {@code traceparent} header of every request received, in order (absent ones left out). */
  public List<String> traceparents() {
    return List.copyOf(traceparents);
  }

  /** Requests open now. */
  public int requestsInFlight() {
    return inFlight.get();
  }

  /** Sends an answer after the configured latency, unless the client went away meanwhile. */
  protected void send(RoutingContext ctx, int status, String contentType, String body) {
    Runnable send = () -> {
      if (!ctx.response().closed() && !ctx.response().ended()) {
        if (contentType != null) {
          ctx.response().putHeader("Content-Type", contentType);
        }
        ctx.response().setStatusCode(status).end(body);
      }
    };
    long delay = latency.toMillis();
    if (delay > 0) {
      vertx.setTimer(delay, id -> send.run());
    } else {
      send.run();
    }
  }

  @SuppressWarnings("unchecked")
  protected final S self() {
    return (S) this;
  }

  private void count(RoutingContext ctx) {
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    String traceparent = ctx.request().getHeader("traceparent");
    if (traceparent != null) {
      traceparents.add(traceparent);
    }
    // runs once the answer is written or the connection is gone
    ctx.addEndHandler(ar -> inFlight.decrementAndGet());
    ctx.next();
  }

  private void knobs(RoutingContext ctx) {
    if (down) {
      ctx.request().connection().close();
      return;
    }
    if (failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      outage(ctx);
      return;
    }
    ctx.next();
  }
}
