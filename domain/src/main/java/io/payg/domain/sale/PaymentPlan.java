package io.payg.domain.sale;

/**
 * How the financed part of an appliance sale (price minus down payment) is split: the operator
 * gives either the number of installments or the amount of each.
 */
public sealed interface PaymentPlan {

  /**
   * N installments of {@code financed / N} rounded down; the first {@code financed mod N} are one
   * minor unit more, so the schedule sums exactly.
   */
  record InstallmentCount(int count) implements PaymentPlan {
    public InstallmentCount {
      if (count < 1) {
        throw new IllegalArgumentException(
            "The number of installments must be at least 1 (got " + count + ")");
      }
    }
  }

  /** Installments of {@code amount} each, the last one being what is left: N = ceil(financed / amount). */
  record InstallmentAmount(long amount) implements PaymentPlan {
    public InstallmentAmount {
      if (amount < 1) {
        throw new IllegalArgumentException(
            "The installment amount must be more than zero (got " + amount + " minor units)");
      }
    }
  }

  static PaymentPlan count(int count) {
    return new InstallmentCount(count);
  }

  static PaymentPlan amount(long amount) {
    return new InstallmentAmount(amount);
  }
}
