package io.payg.domain.allocation;

import io.payg.domain.TokenAmount;
import io.payg.domain.payment.Allocation;
import io.payg.domain.payment.AllocationKind;
import java.util.List;

/**
 * Where one payment went. {@code sum(allocations) + unallocated == amount}, exactly.
 *
 * @param allocations         in the order they were made (due installments, access rate,
 *                            device installments or energy and credit)
 * @param installmentPayments what each installment received (due ones and the device's own)
 * @param accessRatePaid      minor units that went to the meter's access-rate arrears
 * @param newMeterCredit      the meter's carried credit after this payment; 0 for SHS / e-bikes
 * @param tokenAmount         what to token: kWh tenths, days or an unlock; null for a pure debt
 *                            repayment (no token is requested)
 * @param unallocated         minor units nothing could take: only an SHS / e-bike whose sale is
 *                            paid off and whose customer has no due debts leaves any; the gateway
 *                            must keep it as an overpayment (never drop it)
 * @param reversalDebtPayments what each reversal debt received (paid before everything else)
 */
public record AllocationResult(
    List<Allocation> allocations,
    List<InstallmentPayment> installmentPayments,
    long accessRatePaid,
    long newMeterCredit,
    TokenAmount tokenAmount,
    long unallocated,
    List<ReversalDebtPayment> reversalDebtPayments) {

  public AllocationResult {
    allocations = List.copyOf(allocations);
    installmentPayments = List.copyOf(installmentPayments);
    reversalDebtPayments = List.copyOf(reversalDebtPayments);
    if (accessRatePaid < 0 || newMeterCredit < 0 || unallocated < 0) {
      throw new IllegalArgumentException("allocation figures are never negative");
    }
  }

  /** A result that paid no reversal debt. */
  public AllocationResult(
      List<Allocation> allocations,
      List<InstallmentPayment> installmentPayments,
      long accessRatePaid,
      long newMeterCredit,
      TokenAmount tokenAmount,
      long unallocated) {
    this(
        allocations,
        installmentPayments,
        accessRatePaid,
        newMeterCredit,
        tokenAmount,
        unallocated,
        List.of());
  }

  /** Sum of all allocations. */
  public long allocated() {
    return allocations.stream().mapToLong(Allocation::amount).sum();
  }

  /** Sum of the allocations of one kind. */
  public long total(AllocationKind kind) {
    return allocations.stream()
        .filter(a -> a.kind() == kind)
        .mapToLong(Allocation::amount)
        .sum();
  }

  /** False for a pure debt repayment: the customer gets a receipt instead of a token. */
  public boolean requestsToken() {
    return tokenAmount != null;
  }
}
