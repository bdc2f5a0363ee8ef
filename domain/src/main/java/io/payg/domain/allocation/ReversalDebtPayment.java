package io.payg.domain.allocation;

import java.util.Objects;

/**
 * What one payment paid on one reversal debt; at most one per debt per payment.
 *
 * @param debtId the reversal debt's id
 * @param amount minor units, positive, never more than what was outstanding
 */
public record ReversalDebtPayment(String debtId, long amount) {

  public ReversalDebtPayment {
    Objects.requireNonNull(debtId, "debtId");
    if (amount <= 0) {
      throw new IllegalArgumentException("a reversal debt payment is positive: " + amount);
    }
  }
}
