package io.payg.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * A token storm: {@code payments} new signed process calls (generic plugin, as in
 * {@link ProviderMixSimulation}) arriving evenly over {@code duration} seconds, open model. Each
 * one buys a token, so the gateway queues as many TOKEN jobs in a short time; against a slow
 * manufacturer (the demo with {@code DEMO_MANUFACTURER_LATENCY_MS}) they pile up in flight.
 * {@code load-tests/token-storm.sh} runs it and measures the drain (in-flight jobs, time, heap).
 *
 * <p>System properties (defaults in brackets), besides those of {@link GenericProvider}:
 * {@code payments} [10000], {@code duration} [20 s]. Assertion: failed requests below 1 %.
 */
public class TokenStormSimulation extends Simulation {

  static final int PAYMENTS = GenericProvider.intProperty("payments", 10_000, 1, 100_000);
  static final int DURATION = GenericProvider.intProperty("duration", 20, 1, 600);

  static final ScenarioBuilder STORM =
      scenario("token storm").exec(GenericProvider::payer).exec(GenericProvider.PROCESS);

  {
    double rate = (double) PAYMENTS / DURATION;
    System.out.printf(
        "TokenStormSimulation: %s company %s, %d serials, %d payments over %d s (%.0f/s, run %s)%n",
        GenericProvider.BASE_URL,
        GenericProvider.COMPANY_ID,
        GenericProvider.SERIALS.size(),
        PAYMENTS,
        DURATION,
        rate,
        GenericProvider.RUN);
    setUp(STORM.injectOpen(constantUsersPerSec(rate).during(DURATION)))
        .protocols(GenericProvider.PROTOCOL)
        .maxDuration(Duration.ofSeconds(DURATION + 120L)) // bounded even if the gateway stalls
        .assertions(global().failedRequests().percent().lt(1.0));
  }
}
