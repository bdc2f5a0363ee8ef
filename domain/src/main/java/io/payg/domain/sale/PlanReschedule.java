package io.payg.domain.sale;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A new schedule for what is still owed on an appliance sale.
 *
 * <ul>
 *   <li>A fully paid installment is untouched.</li>
 *   <li>Every installment with money still owed on it (partly paid or not paid at all) is closed
 *       at what was paid on it: its amount becomes its paid amount ({@code paid} itself never
 *       changes), and what was owed on it moves to the new schedule.</li>
 *   <li>The new installments split that outstanding amount with the same rounding as a new
 *       sale ({@link InstallmentSchedule}): for a count of N, the first {@code outstanding mod N}
 *       installments carry one minor unit more; for an amount A, every installment is A and the
 *       last one takes the remainder. So the new installments sum to the outstanding amount
 *       exactly, and the sale's installments still sum to its price.</li>
 *   <li>They are numbered after the sale's highest number and fall due period by period from
 *       the first due date (default: one period after today), counted from that one anchor.</li>
 * </ul>
 *
 * <p>Pure: nothing is read or stored. The gateway applies the result in one transaction that
 * holds the customer's row lock and bumps its debt_version, so a payment computed on the old
 * schedule is never applied to it.
 */
public final class PlanReschedule {

  private PlanReschedule() {}

  /**
   * One installment of the sale as stored now.
   *
   * @param number 0 for the down payment, then 1, 2, ...
   * @param amount what it claims now, minor units, not negative
   * @param paid   what was paid on it, 0 to {@code amount}
   */
  public record Installment(String id, int number, LocalDate dueDate, long amount, long paid) {
    public Installment {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(dueDate, "dueDate");
      if (amount < 0 || paid < 0 || paid > amount) {
        throw new IllegalArgumentException(
            "installment " + id + ": paid " + paid + " of " + amount);
      }
    }

    public long outstanding() {
      return amount - paid;
    }
  }

  /**
   * What the operator asks for.
   *
   * @param firstDueDate the first new installment's due date, or null for one period after today
   */
  public record Terms(PaymentPlan plan, Period period, LocalDate firstDueDate) {
    public Terms {
      Objects.requireNonNull(plan, "plan");
      Objects.requireNonNull(period, "period");
    }
  }

  /**
   * An installment closed by the reschedule.
   *
   * @param amount the amount it keeps: what was paid on it
   * @param moved  what was owed on it and is now in the new installments
   */
  public record Closed(String id, long amount, long moved) {}

  /**
   * @param closed      the installments closed at what was paid on them
   * @param added       the new installments, in due order
   * @param outstanding what was owed, = Σ moved = Σ added amounts
   */
  public record Result(List<Closed> closed, List<ScheduledInstallment> added, long outstanding) {
    public Result {
      closed = List.copyOf(closed);
      added = List.copyOf(added);
    }

    /** The amount a payment's days are measured against from now on: the first (largest) new installment. */
    public long regularInstallmentAmount() {
      return added.get(0).amount();
    }
  }

  /**
   * Reschedules a sale.
   *
   * @param installments every installment of the sale
   * @param today        the day of the reschedule; the first new due date may not be before it
   * @throws IllegalArgumentException with a message for the operator when nothing is owed or
   *                                  the terms make no schedule
   */
  public static Result of(List<Installment> installments, Terms terms, LocalDate today) {
    Objects.requireNonNull(today, "today");
    Set<String> ids = new HashSet<>();
    long outstanding = 0;
    int lastNumber = 0;
    List<Closed> closed = new ArrayList<>();
    for (Installment i : installments) {
      if (!ids.add(i.id())) {
        throw new IllegalArgumentException("installment " + i.id() + " is listed twice");
      }
      lastNumber = Math.max(lastNumber, i.number());
      if (i.outstanding() > 0) {
        outstanding = Math.addExact(outstanding, i.outstanding());
        closed.add(new Closed(i.id(), i.paid(), i.outstanding()));
      }
    }
    if (outstanding == 0) {
      throw new IllegalArgumentException(
          "Nothing is owed on this sale: there is nothing to reschedule");
    }
    if (terms.firstDueDate() != null && terms.firstDueDate().isBefore(today)) {
      throw new IllegalArgumentException("The first due date (" + terms.firstDueDate()
          + ") must not be before today (" + today + ")");
    }
    if (terms.plan() instanceof PaymentPlan.InstallmentCount c && c.count() > outstanding) {
      throw new IllegalArgumentException("Cannot split " + outstanding + " minor units into "
          + c.count() + " installments: each must be at least one minor unit");
    }
    long count = InstallmentSchedule.installmentCount(outstanding, terms.plan());
    if (count > InstallmentSchedule.MAX_INSTALLMENTS) {
      throw new IllegalArgumentException("The plan makes " + count + " installments; at most "
          + InstallmentSchedule.MAX_INSTALLMENTS
          + " are allowed (check the installment amount or count)");
    }
    long[] amounts = InstallmentSchedule.installmentAmounts(outstanding, terms.plan());
    LocalDate anchor = terms.firstDueDate() != null ? terms.firstDueDate() : today;
    int offset = terms.firstDueDate() != null ? 0 : 1;
    List<ScheduledInstallment> added = new ArrayList<>();
    for (int i = 0; i < amounts.length; i++) {
      added.add(new ScheduledInstallment(
          lastNumber + 1 + i, terms.period().after(anchor, i + offset), amounts[i]));
    }
    return new Result(closed, added, outstanding);
  }
}
