package io.payg.domain.allocation;

/**
 * Which amounts a device accepts now. An amount is accepted when it only repays debts (up to
 * {@code debtRepaymentUpTo}) or when it reaches {@code purchaseFrom}; amounts in between are
 * below the minimum.
 *
 * <ul>
 *   <li>Meter: {@code debtRepaymentUpTo} = due installments + access-rate arrears (a pure, even
 *       partial, debt repayment is always accepted); {@code purchaseFrom} = those debts + the
 *       tariff's minimum purchase (at least 1).</li>
 *   <li>SHS / e-bike: {@code debtRepaymentUpTo} = 0; {@code purchaseFrom} = what remains of the
 *       next unpaid installment of its own sale, or 1 once that sale is paid off.</li>
 * </ul>
 * A customer's reversal debts ({@link ReversalDebt}) are added to both figures, for either device.
 *
 * @param debtRepaymentUpTo largest amount accepted as a pure debt repayment, 0 when none is
 * @param purchaseFrom      smallest amount accepted beyond that, at least 1
 */
public record PaymentMinimum(long debtRepaymentUpTo, long purchaseFrom) {

  public PaymentMinimum {
    if (debtRepaymentUpTo < 0 || purchaseFrom < 1) {
      throw new IllegalArgumentException(
          "invalid payment minimum: " + debtRepaymentUpTo + ", " + purchaseFrom);
    }
  }

  public boolean accepts(long amount) {
    return amount > 0 && (amount <= debtRepaymentUpTo || amount >= purchaseFrom);
  }

  /** The smallest acceptable amount: the validation answer's {@code minimumAmount}. */
  public long smallestAcceptable() {
    return debtRepaymentUpTo > 0 ? 1 : purchaseFrom;
  }
}
