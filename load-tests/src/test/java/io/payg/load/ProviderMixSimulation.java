package io.payg.load;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The validation-heavy provider mix against the {@code generic} telco plugin, open model.
 *
 * <p>Two populations, both arriving for {@code duration} seconds:
 * <ul>
 *   <li><b>payment</b>, {@code rate} users/s: one signed validate, then (after {@code pauseMs}) one
 *       signed process with a providerTxnId unique to this run and user: always a new payment;</li>
 *   <li><b>validation only</b>, {@code rate × (validationsPerPayment − 1)} users/s: one signed
 *       validate (payers who check the meter and the name, and do not pay).</li>
 * </ul>
 * So the gateway sees {@code validationsPerPayment} validations per processed payment.
 *
 * <p>System properties (defaults in brackets), besides those of {@link GenericProvider}:
 * {@code rate} [10 payments/s], {@code duration} [30 s], {@code validationsPerPayment} [4],
 * {@code pauseMs} [0]. Assertion: failed requests below 1 %.
 */
public class ProviderMixSimulation extends Simulation {

  static final double RATE = Double.parseDouble(System.getProperty("rate", "10"));
  static final int DURATION = GenericProvider.intProperty("duration", 30, 1, 3600);
  static final double VALIDATIONS_PER_PAYMENT =
      Double.parseDouble(System.getProperty("validationsPerPayment", "4"));
  static final int PAUSE_MS = GenericProvider.intProperty("pauseMs", 0, 0, 60_000);

  static final ScenarioBuilder PAYMENT = scenario("payment")
      .exec(GenericProvider::payer)
      .exec(GenericProvider.VALIDATE)
      .pause(Duration.ofMillis(PAUSE_MS))
      .exec(GenericProvider.PROCESS);

  static final ScenarioBuilder VALIDATION_ONLY =
      scenario("validation only").exec(GenericProvider::payer).exec(GenericProvider.VALIDATE);

  {
    if (RATE <= 0
        || RATE > 10_000
        || VALIDATIONS_PER_PAYMENT < 1
        || VALIDATIONS_PER_PAYMENT > 1000) {
      throw new IllegalArgumentException(
          "need 0 < rate <= 10000 and 1 <= validationsPerPayment <= 1000");
    }
    List<PopulationBuilder> populations = new ArrayList<>();
    populations.add(PAYMENT.injectOpen(constantUsersPerSec(RATE).during(DURATION)));
    double validationOnlyRate = RATE * (VALIDATIONS_PER_PAYMENT - 1);
    if (validationOnlyRate > 0) {
      populations.add(
          VALIDATION_ONLY.injectOpen(constantUsersPerSec(validationOnlyRate).during(DURATION)));
    }
    System.out.printf(
        "ProviderMixSimulation: %s company %s, %d serials, %.1f payments/s + %.1f validation-only/s"
            + " for %d s (run %s)%n",
        GenericProvider.BASE_URL,
        GenericProvider.COMPANY_ID,
        GenericProvider.SERIALS.size(),
        RATE,
        validationOnlyRate,
        DURATION,
        GenericProvider.RUN);
    setUp(populations)
        .protocols(GenericProvider.PROTOCOL)
        .maxDuration(Duration.ofSeconds(DURATION + 60L)) // bounded even if the gateway stalls
        .assertions(global().failedRequests().percent().lt(1.0));
  }
}
