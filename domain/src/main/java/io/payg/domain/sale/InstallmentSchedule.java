package io.payg.domain.sale;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The full schedule of an appliance sale: the down payment (if any), due on the sale date, then
 * the installments, the first one period after the sale date (or on the given first due date).
 * The entries always sum exactly to the price.
 *
 * @param entries in due order; the down payment, when there is one, first (number 0)
 */
public record InstallmentSchedule(List<ScheduledInstallment> entries) {

  /**
   * Upper bound on the number of installments (10 years of weekly installments is 520). It
   * catches typing slips such as an installment amount of 1 minor unit before they create a
   * schedule of millions of rows.
   */
  public static final int MAX_INSTALLMENTS = 1000;

  public InstallmentSchedule {
    entries = List.copyOf(entries);
  }

  /**
   * Builds the schedule of a sale.
   *
   * @param price        minor units, positive
   * @param downPayment  minor units, 0 to the price
   * @param plan         installment count or installment amount
   * @param period       daily, weekly or monthly
   * @param saleDate     the day of the sale; the down payment is due that day
   * @param firstDueDate when the first installment falls due, or null for one period after the
   *                     sale date; later installments follow it period by period
   * @throws IllegalArgumentException with a message for the operator when the inputs do not
   *                                  make a schedule
   */
  public static InstallmentSchedule of(
      long price,
      long downPayment,
      PaymentPlan plan,
      Period period,
      LocalDate saleDate,
      LocalDate firstDueDate) {
    requireValid(price, downPayment, plan, period, saleDate, firstDueDate);
    long financed = price - downPayment;
    List<ScheduledInstallment> entries = new ArrayList<>();
    if (downPayment > 0) {
      entries.add(new ScheduledInstallment(0, saleDate, downPayment));
    }
    if (financed == 0) {
      // Paid in full at sale: nothing to finance, whatever the plan says.
      return new InstallmentSchedule(entries);
    }
    long[] amounts = installmentAmounts(financed, plan);
    // Every date is counted from one anchor (the sale date, or the given first due date), never
    // from the previous due date, so a month-end clamp (01-31 -> 02-28) does not stick.
    LocalDate anchor = firstDueDate != null ? firstDueDate : saleDate;
    int offset = firstDueDate != null ? 0 : 1;
    for (int i = 0; i < amounts.length; i++) {
      entries.add(new ScheduledInstallment(i + 1, period.after(anchor, i + offset), amounts[i]));
    }
    return new InstallmentSchedule(entries);
  }

  /** Throws the operator-facing reason why these inputs make no schedule; returns when they do. */
  public static void requireValid(
      long price,
      long downPayment,
      PaymentPlan plan,
      Period period,
      LocalDate saleDate,
      LocalDate firstDueDate) {
    if (plan == null) {
      throw new IllegalArgumentException(
          "A payment plan (installment count or installment amount) is required");
    }
    if (period == null) {
      throw new IllegalArgumentException("A payment period (daily, weekly or monthly) is required");
    }
    if (saleDate == null) {
      throw new IllegalArgumentException("The sale date is required");
    }
    if (price <= 0) {
      throw new IllegalArgumentException(
          "The price must be more than zero (got " + price + " minor units)");
    }
    if (downPayment < 0) {
      throw new IllegalArgumentException(
          "The down payment must not be negative (got " + downPayment + " minor units)");
    }
    if (downPayment > price) {
      throw new IllegalArgumentException("The down payment (" + downPayment
          + " minor units) must not be more than the price (" + price + " minor units)");
    }
    if (firstDueDate != null && !firstDueDate.isAfter(saleDate)) {
      throw new IllegalArgumentException("The first due date (" + firstDueDate
          + ") must be after the sale date (" + saleDate + ")");
    }
    long financed = price - downPayment;
    if (financed == 0) {
      return;
    }
    long count = installmentCount(financed, plan);
    if (plan instanceof PaymentPlan.InstallmentCount c && c.count() > financed) {
      throw new IllegalArgumentException("Cannot split " + financed + " minor units into "
          + c.count() + " installments: each must be at least one minor unit");
    }
    if (count > MAX_INSTALLMENTS) {
      throw new IllegalArgumentException("The plan makes " + count + " installments; at most "
          + MAX_INSTALLMENTS + " are allowed (check the installment amount or count)");
    }
  }

  static long installmentCount(long financed, PaymentPlan plan) {
    if (plan instanceof PaymentPlan.InstallmentCount c) {
      return c.count();
    }
    return ceilDiv(financed, ((PaymentPlan.InstallmentAmount) plan).amount());
  }

  static long[] installmentAmounts(long financed, PaymentPlan plan) {
    int n = (int) installmentCount(financed, plan);
    long[] amounts = new long[n];
    if (plan instanceof PaymentPlan.InstallmentCount) {
      long base = financed / n;
      long plusOne = financed % n;
      for (int i = 0; i < n; i++) {
        // The first (financed mod N) installments carry the extra minor unit.
        amounts[i] = base + (i < plusOne ? 1 : 0);
      }
    } else {
      long a = ((PaymentPlan.InstallmentAmount) plan).amount();
      for (int i = 0; i < n - 1; i++) {
        amounts[i] = a;
      }
      amounts[n - 1] = financed - (n - 1) * a;
    }
    return amounts;
  }

  private static long ceilDiv(long x, long y) {
    return -Math.floorDiv(-x, y);
  }

  /** Sum of all entries; always the sale's price. */
  public long total() {
    long total = 0;
    for (ScheduledInstallment e : entries) {
      total = Math.addExact(total, e.amount());
    }
    return total;
  }

  /** The down payment in minor units, 0 when there is none. */
  public long downPayment() {
    return entries.isEmpty() || !entries.get(0).isDownPayment()
        ? 0
        : entries.get(0).amount();
  }

  /** The installments without the down payment, in due order. */
  public List<ScheduledInstallment> installments() {
    return entries.stream().filter(e -> !e.isDownPayment()).toList();
  }

  /**
   * The installment amount an SHS / e-bike token is measured against: the first (largest)
   * installment, i.e. A for an installment-amount plan and ceil(financed / N) for an
   * installment-count plan, so paying any one installment buys at most one period of days.
   * A sale paid in one go has no installments; its price then counts as the installment.
   */
  public long regularInstallmentAmount() {
    return entries.stream()
        .filter(e -> !e.isDownPayment())
        .findFirst()
        .map(ScheduledInstallment::amount)
        .orElseGet(this::total);
  }
}
