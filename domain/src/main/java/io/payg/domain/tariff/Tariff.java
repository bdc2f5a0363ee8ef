package io.payg.domain.tariff;

import java.time.LocalDate;
import java.util.Optional;

/**
 * What a meter pays for energy.
 *
 * @param pricePerKwh     minor units per kWh, positive
 * @param minimumPurchase smallest amount that may go to energy in one payment, in minor units;
 *                        0 when the tariff has no minimum
 * @param accessRate      the periodic fixed charge, or null when the tariff has none
 */
public record Tariff(long pricePerKwh, long minimumPurchase, AccessRate accessRate) {

  public Tariff {
    if (pricePerKwh <= 0) {
      throw new IllegalArgumentException(
          "The price per kWh must be more than zero (got " + pricePerKwh + " minor units)");
    }
    if (minimumPurchase < 0) {
      throw new IllegalArgumentException(
          "The minimum purchase must not be negative (got " + minimumPurchase + " minor units)");
    }
  }

  /** A tariff with only a price: no minimum purchase, no access rate. */
  public static Tariff of(long pricePerKwh) {
    return new Tariff(pricePerKwh, 0, null);
  }

  public Tariff withMinimumPurchase(long minimumPurchase) {
    return new Tariff(pricePerKwh, minimumPurchase, accessRate);
  }

  public Tariff withAccessRate(AccessRate accessRate) {
    return new Tariff(pricePerKwh, minimumPurchase, accessRate);
  }

  public Tariff withAccessRate(long amount, int periodDays) {
    return withAccessRate(new AccessRate(amount, periodDays));
  }

  public boolean hasMinimumPurchase() {
    return minimumPurchase > 0;
  }

  public Optional<AccessRate> accessRateIfAny() {
    return Optional.ofNullable(accessRate);
  }

  /**
   * Access-rate arrears of a meter on this tariff; 0 when the tariff has no access rate.
   *
   * @param tariffSince the day the meter got this tariff
   * @param paidSoFar   access-rate payments received since then, minor units
   */
  public long accessRateArrears(LocalDate tariffSince, LocalDate today, long paidSoFar) {
    return accessRate == null ? 0 : accessRate.arrears(tariffSince, today, paidSoFar);
  }
}
