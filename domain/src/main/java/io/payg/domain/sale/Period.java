package io.payg.domain.sale;

import java.time.LocalDate;
import java.util.Objects;

/** How often an appliance sale's installments fall due. */
public enum Period {
  /** Every day: pay-as-you-go plans for customers paid daily (one installment buys one day). */
  DAILY(1),
  /** Every 7 days. */
  WEEKLY(7),
  /**
   * The same day of every month, clamped to the month's last day. Always counted from the
   * anchor date (not from the previous due date), so a sale on 01-31 falls due on 02-28, 03-31,
   * 04-30, 05-31: one short month does not pull every later date to the 28th.
   */
  MONTHLY(30);

  private final int periodDays;

  Period(int periodDays) {
    this.periodDays = periodDays;
  }

  /**
   * Days of use one full installment buys on an SHS / e-bike: 1 for daily, 7 for weekly, 30 for monthly.
   * Monthly uses a flat 30 rather than the length of a given month so the same payment always
   * buys the same days, whatever month it is paid in.
   */
  public int periodDays() {
    return periodDays;
  }

  /** The date {@code periods} whole periods after {@code anchor}. */
  public LocalDate after(LocalDate anchor, long periods) {
    Objects.requireNonNull(anchor, "anchor");
    if (periods < 0) {
      throw new IllegalArgumentException("periods must not be negative: " + periods);
    }
    return switch (this) {
      case DAILY -> anchor.plusDays(periods);
      case WEEKLY -> anchor.plusDays(Math.multiplyExact(periods, 7L));
      // plusMonths clamps to the last valid day of the target month, relative to the anchor.
      case MONTHLY -> anchor.plusMonths(periods);
    };
  }
}
