package io.payg.domain.allocation;

import java.util.Objects;

/**
 * What one payment paid on one installment; at most one per installment per payment.
 *
 * @param installmentId the installment's id
 * @param amount        minor units, positive, never more than what was outstanding
 */
public record InstallmentPayment(String installmentId, long amount) {

  public InstallmentPayment {
    Objects.requireNonNull(installmentId, "installmentId");
    if (amount <= 0) {
      throw new IllegalArgumentException("an installment payment is positive: " + amount);
    }
  }
}
