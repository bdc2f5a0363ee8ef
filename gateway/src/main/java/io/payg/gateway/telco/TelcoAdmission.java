package io.payg.gateway.telco;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.payg.gateway.config.AdmissionLimits;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The provider calls one instance works on at once, per path ({@link AdmissionLimits}), shared by
 * every event loop. A call that finds its path full is shed when its provider has a busy answer
 * (it redelivers); a call whose provider does not redeliver is taken anyway and counted, so that it
 * keeps sheddable calls out while it runs.
 */
public final class TelcoAdmission {

  /** The two paths, each with its own limit: payments never take validation's place. */
  public enum Path {
    PAYMENT,
    VALIDATION
  }

  private final AdmissionLimits limits;
  private final AtomicInteger payments = new AtomicInteger();
  private final AtomicInteger validations = new AtomicInteger();
  private final MeterRegistry registry;
  private final Map<String, Counter> shed = new ConcurrentHashMap<>();

  public TelcoAdmission(AdmissionLimits limits, MeterRegistry registry) {
    this.limits = limits;
    this.registry = registry;
    Gauge.builder("payg_telco_in_flight", payments, AtomicInteger::get)
        .description("Provider calls being worked on")
        .tag("path", "payment")
        .register(registry);
    Gauge.builder("payg_telco_in_flight", validations, AtomicInteger::get)
        .description("Provider calls being worked on")
        .tag("path", "validation")
        .register(registry);
  }

  public int retryAfterSeconds() {
    return limits.retryAfterSeconds();
  }

  /**
   * Takes a place on the path. False: the path is full and {@code sheddable}, nothing was taken.
   * True: the caller must {@link #leave} once the call is answered.
   */
  public boolean enter(Path path, boolean sheddable) {
    AtomicInteger n = counter(path);
    int limit = path == Path.PAYMENT ? limits.paymentsInFlight() : limits.validationsInFlight();
    if (n.incrementAndGet() > limit && sheddable) {
      n.decrementAndGet();
      return false;
    }
    return true;
  }

  public void leave(Path path) {
    counter(path).decrementAndGet();
  }

  /** Counts a shed call; the provider label is one of the adapters' names, a fixed set. */
  public void countShed(String provider, Path path) {
    String p = path == Path.PAYMENT ? "payment" : "validation";
    shed.computeIfAbsent(
            provider + '|' + p,
            k -> Counter.builder("payg_telco_shed")
                .description(
                    "Provider calls answered busy (503 + Retry-After) because their path was full")
                .tag("provider", provider)
                .tag("path", p)
                .register(registry))
        .increment();
  }

  private AtomicInteger counter(Path path) {
    return path == Path.PAYMENT ? payments : validations;
  }
}
