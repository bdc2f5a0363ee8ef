package io.payg.gateway.token;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.payg.domain.port.IssuedToken;
import io.payg.domain.port.TokenIssueException;
import io.payg.domain.port.TokenIssuer;
import io.payg.domain.port.TokenRequest;
import io.payg.gateway.config.ManufacturerLimits;
import io.payg.gateway.logging.TraceParent;
import io.payg.gateway.outbound.OutboundRefused;
import io.payg.gateway.outbound.PeerFailure;
import io.payg.gateway.outbox.JobDeferred;
import io.payg.gateway.outbox.JobFailure;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.tracing.opentelemetry.VertxContextStorageProvider.VertxContextStorage;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

/**
 * Every call to a manufacturer goes through here — token jobs and operators' UNLOCKs alike (one
 * instance per gateway): one circuit breaker and one set of permits
 * per (company, manufacturer), and their metrics per manufacturer. Each company configures its
 * own manufacturer URL and credentials, so one company's dead or slow peer is that company's
 * outage only: it opens that company's breaker and holds that company's permits, never
 * another's. Only failures of the manufacturer itself (timeouts, 5xx, refused connections: the
 * retryable ones) count toward opening the breaker; a refusal of one request (unknown meter)
 * says nothing of the manufacturer's health. While a breaker is open, jobs fail fast and are
 * retried with backoff instead of piling up on a dead peer.
 *
 * <p>Before the breaker, {@link ManufacturerPermits} bound how many requests are in flight
 * ({@link ManufacturerLimits}, per company and manufacturer); a job without a permit is deferred
 * ({@link JobDeferred}), not failed. Each request carries the manufacturer's timeout, or the
 * company's plugin setting {@code timeoutMs}, never more than OUTBOUND_TIMEOUT_MAX_MS.
 *
 * <p>What a failure tells the tenant is {@link PeerFailure}'s safe text, never the peer's answer.
 */
public final class ManufacturerCalls {

  /** What a call ended in, kept apart from the breaker's view. */
  private record Outcome(IssuedToken token, Throwable refusal) {}

  /** One company's way to one manufacturer. */
  private record Lane(String manufacturer, ManufacturerPermits permits, CircuitBreaker breaker) {}

  private final Vertx vertx;
  private final MeterRegistry registry;
  private final CircuitBreakerOptions options;
  private final Duration resetTimeout;
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
  private final Map<String, Boolean> gauges = new ConcurrentHashMap<>();
  private final ManufacturerLimits limits;
  private final Duration maxQueueWait;
  private final long maxTimeoutMs;

  public ManufacturerCalls(
      Vertx vertx,
      MeterRegistry registry,
      int maxFailures,
      Duration resetTimeout,
      ManufacturerLimits limits,
      Duration maxQueueWait,
      Duration maxTimeout) {
    this.vertx = vertx;
    this.registry = registry;
    this.limits = limits;
    this.maxQueueWait = maxQueueWait;
    this.resetTimeout = resetTimeout;
    this.maxTimeoutMs = maxTimeout.toMillis();
    // no breaker timeout (each adapter has its own request timeout) and no event-bus notifications
    this.options = new CircuitBreakerOptions()
        .setMaxFailures(maxFailures)
        .setTimeout(-1)
        .setResetTimeout(resetTimeout.toMillis())
        .setNotificationAddress(null);
  }

  /**
   * The request through the company's permits and breaker to the manufacturer; fails with
   * {@link JobDeferred} (no permit in time), {@link JobFailure} (refused, failed, or not attempted
   * while the breaker is open), each with a text safe to show the company.
   */
  public Future<IssuedToken> issue(UUID companyId, TokenIssuer issuer, TokenRequest request) {
    String name = issuer.manufacturer();
    Lane lane = lane(companyId, name);
    return lane.permits()
        .acquire()
        .recover(err -> {
          Counter.builder("payg_manufacturer_deferred")
              .description("Token jobs sent back to the outbox for want of a permit")
              .tag("manufacturer", name)
              .register(registry)
              .increment();
          return Future.failedFuture(err);
        })
        .compose(permit -> {
          Future<IssuedToken> call;
          try {
            call = call(lane, issuer, withTimeout(name, request));
          } catch (RuntimeException e) {
            call = Future.failedFuture(e); // a permit is never kept by a call that threw
          }
          return call.andThen(ar -> lane.permits().release());
        });
  }

  /** The manufacturer's timeout, or the company's own, never above the gateway's maximum. */
  private TokenRequest withTimeout(String name, TokenRequest request) {
    long timeout = limits.timeoutMs(name);
    String own = request.settings().get("timeoutMs");
    if (own != null) {
      try {
        timeout = Long.parseLong(own.trim());
      } catch (NumberFormatException e) {
        return request; // the adapter refuses it with its own reason
      }
    }
    Map<String, String> settings = new HashMap<>(request.settings());
    settings.put("timeoutMs", Long.toString(Math.min(timeout, maxTimeoutMs)));
    return new TokenRequest(
        request.idempotencyKey(),
        request.serial(),
        request.deviceType(),
        request.amount(),
        request.paid(),
        settings,
        request.traceparent());
  }

  private Future<IssuedToken> call(Lane lane, TokenIssuer issuer, TokenRequest request) {
    String name = lane.manufacturer();
    long start = System.nanoTime();
    return lane.breaker()
        .<Outcome>execute(() -> Future.fromCompletionStage(
                traced(issuer, request), vertx.getOrCreateContext())
            .map(token -> new Outcome(token, null))
            .recover(err -> refusal(err)
                ? Future.succeededFuture(new Outcome(null, err)) // not the peer's health
                : Future.failedFuture(err)))
        .transform(ar -> {
          String result;
          Future<IssuedToken> out;
          if (ar.succeeded() && ar.result().token() != null) {
            result = "ok";
            out = Future.succeededFuture(ar.result().token());
          } else if (ar.succeeded()) {
            result = "refused";
            out = Future.failedFuture(
                new JobFailure(PeerFailure.of(name, ar.result().refusal()).toString(), false));
          } else if (ar.cause() instanceof OpenCircuitException) {
            result = "breaker_open";
            // not a call: the job comes back when the breaker may let calls through, its budget
            // intact
            out = Future.failedFuture(
                JobFailure.notAttempted(name + ": circuit breaker open", resetTimeout));
          } else {
            result = "error";
            out = Future.failedFuture(
                new JobFailure(PeerFailure.of(name, ar.cause()).toString(), true));
          }
          Timer.builder("payg_manufacturer_requests")
              .description("Token requests to manufacturers")
              .tag("manufacturer", name)
              .tag("outcome", result)
              .publishPercentileHistogram()
              .register(registry)
              .record(Duration.ofNanos(System.nanoTime() - start));
          return out;
        });
  }

  /**
   * The issuer's call under its payment's trace ({@code request.traceparent()}: the payment's
   * span, https://www.w3.org/TR/trace-context/#parent-id). With no tracer (OTEL_EXPORTER=none)
   * the manufacturer is sent a child made here: the same trace id, a new span id. With
   * OpenTelemetry on, the call runs on a context of its own carrying the payment's span, so
   * Vert.x's HTTP client opens its CLIENT span under it and sends that span as the traceparent
   * (the request then carries none of its own: one header, one span id). The answer still comes
   * back on the caller's context ({@link #call}).
   */
  private CompletionStage<IssuedToken> traced(TokenIssuer issuer, TokenRequest request) {
    TraceParent parent = TraceParent.parse(request.traceparent());
    if (parent == null) {
      return issuer.issue(request);
    }
    if (((VertxInternal) vertx).tracer() == null) {
      return issuer.issue(withTrace(request, parent.child().header()));
    }
    ContextInternal own = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
    SpanContext span = SpanContext.createFromRemoteParent(
        parent.traceId(),
        parent.spanId(),
        "01".equals(parent.flags()) ? TraceFlags.getSampled() : TraceFlags.getDefault(),
        TraceState.getDefault());
    // the context is this call's alone: the span stays attached for all of the call's steps
    VertxContextStorage.INSTANCE.attach(own, Context.root().with(Span.wrap(span)));
    CompletableFuture<IssuedToken> answer = new CompletableFuture<>();
    own.emit(v -> issuer.issue(withTrace(request, null)).whenComplete((token, err) -> {
      if (err != null) {
        answer.completeExceptionally(err);
      } else {
        answer.complete(token);
      }
    }));
    return answer;
  }

  private static TokenRequest withTrace(TokenRequest request, String traceparent) {
    return new TokenRequest(
        request.idempotencyKey(),
        request.serial(),
        request.deviceType(),
        request.amount(),
        request.paid(),
        request.settings(),
        traceparent);
  }

  /** The peer answered no to this request, or the plugin's URL may not be called: retrying cannot help. */
  private static boolean refusal(Throwable err) {
    OutboundRefused refused = OutboundRefused.in(err);
    if (refused != null) {
      return refused.permanent();
    }
    return err instanceof TokenIssueException e && !e.retryable();
  }

  private Lane lane(UUID companyId, String name) {
    gauges.computeIfAbsent(name, this::registerGauges);
    return lanes.computeIfAbsent(
        companyId + "/" + name,
        key -> new Lane(
            name,
            new ManufacturerPermits(
                vertx, name, limits.limit(name), limits.queue(name), maxQueueWait),
            CircuitBreaker.create("manufacturer-" + key, vertx, options)));
  }

  /** Gauges per manufacturer over all companies' lanes (a label per company would grow with sign-ups). */
  private Boolean registerGauges(String name) {
    Gauge.builder(
            "payg_manufacturer_in_flight",
            this,
            c -> c.sum(name, l -> l.permits().inFlight()))
        .description("Token requests in flight to the manufacturer")
        .tag("manufacturer", name)
        .register(registry);
    Gauge.builder(
            "payg_manufacturer_queued", this, c -> c.sum(name, l -> l.permits().queued()))
        .description("Token jobs waiting in memory for a permit")
        .tag("manufacturer", name)
        .register(registry);
    Gauge.builder("payg_manufacturer_breaker_state", this, c -> c.worst(name))
        .description(
            "Worst breaker of the manufacturer over all companies: 0 closed, 1 half-open, 2 open")
        .tag("manufacturer", name)
        .register(registry);
    Gauge.builder(
            "payg_manufacturer_breakers_open",
            this,
            c -> c.sum(name, l -> l.breaker().state() == CircuitBreakerState.OPEN ? 1 : 0))
        .description("Companies whose breaker to the manufacturer is open")
        .tag("manufacturer", name)
        .register(registry);
    return true;
  }

  private double sum(String name, ToIntFunction<Lane> f) {
    return lanes.values().stream()
        .filter(l -> l.manufacturer().equals(name))
        .mapToInt(f)
        .sum();
  }

  private double worst(String name) {
    return lanes.values().stream()
        .filter(l -> l.manufacturer().equals(name))
        .mapToDouble(l -> stateValue(l.breaker()))
        .max()
        .orElse(0);
  }

  private static double stateValue(CircuitBreaker b) {
    return switch (b.state()) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }
}
