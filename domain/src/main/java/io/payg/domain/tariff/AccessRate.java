package io.payg.domain.tariff;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A fixed amount a meter owes every {@code periodDays} days, whether it buys energy or not.
 *
 * <p>A charge falls due at the end of each whole period since the meter got the tariff: with
 * a 7-day period and a tariff given on 01-01, charges fall due on 01-08, 01-15, ... A period
 * that has not ended yet owes nothing, so a meter is never charged in advance.
 *
 * @param amount     minor units charged per period, positive
 * @param periodDays length of one period in days, at least 1
 */
public record AccessRate(long amount, int periodDays) {

  public AccessRate {
    if (amount <= 0) {
      throw new IllegalArgumentException(
          "The access rate amount must be more than zero (got " + amount + " minor units)");
    }
    if (periodDays < 1) {
      throw new IllegalArgumentException(
          "The access rate period must be at least 1 day (got " + periodDays + ")");
    }
  }

  /** Whole periods that ended between {@code tariffSince} and {@code today}; 0 before the first ends. */
  public long periodsEnded(LocalDate tariffSince, LocalDate today) {
    Objects.requireNonNull(tariffSince, "tariffSince");
    Objects.requireNonNull(today, "today");
    long days = ChronoUnit.DAYS.between(tariffSince, today);
    // A tariff dated in the future (or today) has not had a period end yet.
    return days <= 0 ? 0 : days / periodDays;
  }

  /** Minor units that have fallen due from {@code tariffSince} up to and including {@code today}. */
  public long chargesDue(LocalDate tariffSince, LocalDate today) {
    return Math.multiplyExact(periodsEnded(tariffSince, today), amount);
  }

  /**
   * What the meter still owes: charges fallen due minus the access-rate payments received.
   * Never negative: allocation never pays more than the arrears, and a surplus recorded by
   * hand (e.g. after a tariff change) must not show as a negative debt.
   *
   * @param paidSoFar minor units of access rate received since {@code tariffSince}, not negative
   */
  public long arrears(LocalDate tariffSince, LocalDate today, long paidSoFar) {
    if (paidSoFar < 0) {
      throw new IllegalArgumentException(
          "Access-rate payments received must not be negative (got " + paidSoFar + ")");
    }
    return Math.max(0, chargesDue(tariffSince, today) - paidSoFar);
  }

  /** The day the next charge falls due: strictly after {@code today}. */
  public LocalDate nextChargeDate(LocalDate tariffSince, LocalDate today) {
    long next = Math.addExact(periodsEnded(tariffSince, today), 1);
    return tariffSince.plusDays(Math.multiplyExact(next, (long) periodDays));
  }
}
