package io.payg.load;

import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * The process path at saturation, closed model: {@code users} providers each sending one new
 * signed payment after another, for {@code duration} seconds. Every payment is new (its own
 * providerTxnId) and buys a token, so it also queues a TOKEN job (and then an SMS) that the
 * gateway's outbox workers run while the load goes on.
 *
 * <p>System properties (defaults in brackets), besides those of {@link GenericProvider}:
 * {@code users} [32], {@code duration} [20 s]. Assertion: failed requests below 1 %.
 */
public class ProcessSaturationSimulation extends Simulation {

  static final int USERS = GenericProvider.intProperty("users", 32, 1, 1000);
  static final int DURATION = GenericProvider.intProperty("duration", 20, 1, 3600);

  static final ScenarioBuilder PAYMENTS =
      scenario("process").exec(GenericProvider::payer).exec(GenericProvider.PROCESS);

  {
    System.out.printf(
        "ProcessSaturationSimulation: %s company %s, %d serials, %d concurrent payers for %d s (run %s)%n",
        GenericProvider.BASE_URL,
        GenericProvider.COMPANY_ID,
        GenericProvider.SERIALS.size(),
        USERS,
        DURATION,
        GenericProvider.RUN);
    setUp(PAYMENTS.injectClosed(constantConcurrentUsers(USERS).during(DURATION)))
        .protocols(GenericProvider.PROTOCOL)
        .maxDuration(Duration.ofSeconds(DURATION + 60L))
        .assertions(global().failedRequests().percent().lt(1.0));
  }
}
