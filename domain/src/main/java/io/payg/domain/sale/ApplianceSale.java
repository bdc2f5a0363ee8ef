package io.payg.domain.sale;

import java.time.LocalDate;

/**
 * An appliance sold to a customer on a payment plan. The terms are checked when the sale is
 * created, so a sale always has a schedule.
 *
 * @param price        minor units, positive
 * @param downPayment  minor units, 0 to the price; due on the sale date
 * @param plan         installment count or installment amount
 * @param period       daily, weekly or monthly
 * @param saleDate     the day of the sale
 * @param firstDueDate the first installment's due date, or null for one period after the sale
 */
public record ApplianceSale(
    long price,
    long downPayment,
    PaymentPlan plan,
    Period period,
    LocalDate saleDate,
    LocalDate firstDueDate) {

  public ApplianceSale {
    InstallmentSchedule.requireValid(price, downPayment, plan, period, saleDate, firstDueDate);
  }

  /** A sale whose first installment falls due one period after the sale date. */
  public static ApplianceSale of(
      long price, long downPayment, PaymentPlan plan, Period period, LocalDate saleDate) {
    return new ApplianceSale(price, downPayment, plan, period, saleDate, null);
  }

  public long financed() {
    return price - downPayment;
  }

  public InstallmentSchedule schedule() {
    return InstallmentSchedule.of(price, downPayment, plan, period, saleDate, firstDueDate);
  }

  /** See {@link InstallmentSchedule#regularInstallmentAmount()}. */
  public long regularInstallmentAmount() {
    return schedule().regularInstallmentAmount();
  }
}
