package io.payg.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * One operation at a fixed arrival rate, open model: {@code rate} new signed validations (or new
 * payments) per second for {@code duration} seconds, whatever the gateway's answer time. bench.sh
 * runs it at 80 % of the saturation it measured, for the p50 / p99 a provider sees when the
 * gateway is busy but not overloaded.
 *
 * <p>System properties (defaults in brackets), besides those of {@link GenericProvider}:
 * {@code operation} [validate] (validate or process), {@code rate} [100 /s], {@code duration} [20 s].
 * Assertion: failed requests below 1 %.
 */
public class FixedRateSimulation extends Simulation {

  static final String OPERATION = System.getProperty("operation", "validate");
  static final int RATE = GenericProvider.intProperty("rate", 100, 1, 100_000);
  static final int DURATION = GenericProvider.intProperty("duration", 20, 1, 3600);

  static final ScenarioBuilder SCENARIO = switch (OPERATION) {
    case "validate" ->
      scenario("validate").exec(GenericProvider::payer).exec(GenericProvider.VALIDATE);
    case "process" ->
      scenario("process").exec(GenericProvider::payer).exec(GenericProvider.PROCESS);
    default ->
      throw new IllegalArgumentException("operation must be validate or process: " + OPERATION);
  };

  {
    System.out.printf(
        "FixedRateSimulation: %s %s/s for %d s against %s company %s (run %s)%n",
        OPERATION,
        RATE,
        DURATION,
        GenericProvider.BASE_URL,
        GenericProvider.COMPANY_ID,
        GenericProvider.RUN);
    setUp(SCENARIO.injectOpen(constantUsersPerSec(RATE).during(DURATION)))
        .protocols(GenericProvider.PROTOCOL)
        .maxDuration(Duration.ofSeconds(DURATION + 60L))
        .assertions(global().failedRequests().percent().lt(1.0));
  }
}
