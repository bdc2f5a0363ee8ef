package io.payg.gateway.token;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.payg.domain.port.IssuedToken;
import io.payg.domain.port.TokenIssueException;
import io.payg.domain.port.TokenIssuer;
import io.payg.domain.port.TokenRequest;
import io.payg.gateway.config.ManufacturerLimits;
import io.payg.gateway.outbox.JobDeferred;
import io.payg.gateway.outbox.JobFailure;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every call to a manufacturer goes through here: one circuit breaker per manufacturer (Vert.x
 * circuit breaker) and its metrics. Only failures of the manufacturer itself (timeouts, 5xx,
 * refused connections: the retryable ones) count toward opening the breaker; a refusal of one
 * request (unknown meter) says nothing of the manufacturer's health. While a breaker is open,
 * jobs fail fast and are retried with backoff instead of piling up on a dead peer.
 *
 * <p>Before the breaker, each manufacturer's {@link ManufacturerPermits} bound how many of its
 * requests are in flight ({@link ManufacturerLimits}); a job without a permit is deferred
 * ({@link JobDeferred}), not failed. Each request carries the manufacturer's timeout (the
 * adapter's {@code timeoutMs} setting) unless the company's plugin settings set their own.
 */
final class ManufacturerCalls {

  /** What a call ended in, kept apart from the breaker's view. */
  private record Outcome(IssuedToken token, TokenIssueException refusal) {
  }

  private final Vertx vertx;
  private final MeterRegistry registry;
  private final CircuitBreakerOptions options;
  private final Duration resetTimeout;
  private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
  private final Map<String, ManufacturerPermits> permits = new ConcurrentHashMap<>();
  private final ManufacturerLimits limits;
  private final Duration maxQueueWait;

  ManufacturerCalls(Vertx vertx, MeterRegistry registry, int maxFailures, Duration resetTimeout,
                    ManufacturerLimits limits, Duration maxQueueWait) {
    this.vertx = vertx;
    this.registry = registry;
    this.limits = limits;
    this.maxQueueWait = maxQueueWait;
    this.resetTimeout = resetTimeout;
    // no breaker timeout (each adapter has its own request timeout) and no event-bus notifications
    this.options = new CircuitBreakerOptions().setMaxFailures(maxFailures).setTimeout(-1)
        .setResetTimeout(resetTimeout.toMillis()).setNotificationAddress(null);
  }

  Future<IssuedToken> issue(TokenIssuer issuer, TokenRequest request) {
    String name = issuer.manufacturer();
    ManufacturerPermits lane = permits(name);
    return lane.acquire()
        .recover(err -> {
          Counter.builder("payg_manufacturer_deferred").description("Token jobs sent back to the outbox for want of a permit")
              .tag("manufacturer", name).register(registry).increment();
          return Future.failedFuture(err);
        })
        .compose(permit -> {
          Future<IssuedToken> call;
          try {
            call = call(issuer, withTimeout(name, request));
          } catch (RuntimeException e) {
            call = Future.failedFuture(e); // a permit is never kept by a call that threw
          }
          return call.andThen(ar -> lane.release());
        });
  }

  private TokenRequest withTimeout(String name, TokenRequest request) {
    if (request.settings().containsKey("timeoutMs")) {
      return request; // the company's own setting wins
    }
    Map<String, String> settings = new HashMap<>(request.settings());
    settings.put("timeoutMs", Integer.toString(limits.timeoutMs(name)));
    return new TokenRequest(request.idempotencyKey(), request.serial(), request.deviceType(), request.amount(),
        request.paid(), settings);
  }

  private Future<IssuedToken> call(TokenIssuer issuer, TokenRequest request) {
    String name = issuer.manufacturer();
    CircuitBreaker breaker = breaker(name);
    long start = System.nanoTime();
    return breaker.<Outcome>execute(() -> Future.fromCompletionStage(issuer.issue(request), vertx.getOrCreateContext())
            .map(token -> new Outcome(token, null))
            .recover(err -> err instanceof TokenIssueException e && !e.retryable()
                ? Future.succeededFuture(new Outcome(null, e)) // the peer answered: healthy
                : Future.failedFuture(err)))
        .transform(ar -> {
          String result;
          Future<IssuedToken> out;
          if (ar.succeeded() && ar.result().token() != null) {
            result = "ok";
            out = Future.succeededFuture(ar.result().token());
          } else if (ar.succeeded()) {
            result = "refused";
            out = Future.failedFuture(new JobFailure(name + ": " + ar.result().refusal().getMessage(), false));
          } else if (ar.cause() instanceof OpenCircuitException) {
            result = "breaker_open";
            // not a call: the job comes back when the breaker may let calls through, its budget intact
            out = Future.failedFuture(JobFailure.notAttempted(name + ": circuit breaker open", resetTimeout));
          } else {
            result = "error";
            out = Future.failedFuture(new JobFailure(name + ": " + ar.cause().getMessage(), true));
          }
          Timer.builder("payg_manufacturer_requests").description("Token requests to manufacturers")
              .tag("manufacturer", name).tag("outcome", result).publishPercentileHistogram()
              .register(registry).record(Duration.ofNanos(System.nanoTime() - start));
          return out;
        });
  }

  private ManufacturerPermits permits(String name) {
    return permits.computeIfAbsent(name, n -> {
      ManufacturerPermits p = new ManufacturerPermits(vertx, n, limits.limit(n), limits.queue(n), maxQueueWait);
      Gauge.builder("payg_manufacturer_in_flight", p, ManufacturerPermits::inFlight)
          .description("Token requests in flight to the manufacturer").tag("manufacturer", n).register(registry);
      Gauge.builder("payg_manufacturer_queued", p, ManufacturerPermits::queued)
          .description("Token jobs waiting in memory for a permit").tag("manufacturer", n).register(registry);
      return p;
    });
  }

  private CircuitBreaker breaker(String name) {
    return breakers.computeIfAbsent(name, n -> {
      CircuitBreaker b = CircuitBreaker.create("manufacturer-" + n, vertx, options);
      Gauge.builder("payg_manufacturer_breaker_state", b, ManufacturerCalls::stateValue)
          .description("0 closed, 1 half-open, 2 open").tag("manufacturer", n).register(registry);
      return b;
    });
  }

  CircuitBreakerState state(String manufacturer) {
    CircuitBreaker b = breakers.get(manufacturer);
    return b == null ? CircuitBreakerState.CLOSED : b.state();
  }

  private static double stateValue(CircuitBreaker b) {
    return switch (b.state()) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }
}
