package io.payg.gateway.config;

/**
 * How much provider work one instance takes on at once, per path, in front of the database pool:
 * a call past the limit is answered at once with the provider's "busy, retry" answer instead of
 * waiting in the pool's queue (where, at twice the saturation rate, answers took tens of seconds
 * and providers timed out and redelivered while the work was still done). Validation has a limit
 * of its own, so that payments shed under a storm never take validation's place.
 *
 * @param paymentsInFlight    TELCO_PAYMENTS_MAX_IN_FLIGHT: process calls, confirmations and webhooks that
 *                            record money, in flight at once per instance, default 32 (docs/performance.md,
 *                            "Overload is shed": at this machine's ~160 payments/s saturation, 32 in flight
 *                            is ~0.2 s of work queued per call by Little's law)
 * @param validationsInFlight TELCO_VALIDATIONS_MAX_IN_FLIGHT: every other provider call (validations,
 *                            callbacks) in flight at once per instance, default 256
 * @param retryAfterSeconds   TELCO_SHED_RETRY_AFTER_SECONDS: the Retry-After of a shed call, default 1
 */
public record AdmissionLimits(
    int paymentsInFlight, int validationsInFlight, int retryAfterSeconds) {

  static AdmissionLimits from(SettingValues v) {
    return new AdmissionLimits(
        v.integer(Setting.TELCO_PAYMENTS_MAX_IN_FLIGHT),
        v.integer(Setting.TELCO_VALIDATIONS_MAX_IN_FLIGHT),
        v.integer(Setting.TELCO_SHED_RETRY_AFTER_SECONDS));
  }

  void validate() {
    if (paymentsInFlight < 1
        || validationsInFlight < 1
        || retryAfterSeconds < 0
        || retryAfterSeconds > 3600) {
      throw new IllegalStateException(
          "TELCO_PAYMENTS_MAX_IN_FLIGHT and TELCO_VALIDATIONS_MAX_IN_FLIGHT must be"
              + " at least 1, TELCO_SHED_RETRY_AFTER_SECONDS between 0 and 3600");
    }
  }

  String describe() {
    return paymentsInFlight + " payments / " + validationsInFlight
        + " validations in flight, shed with Retry-After " + retryAfterSeconds + " s";
  }
}
