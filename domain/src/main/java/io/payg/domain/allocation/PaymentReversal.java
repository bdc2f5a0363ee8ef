package io.payg.domain.allocation;

import io.payg.domain.payment.Allocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What reversing a payment compensates. A reversal never deletes: each allocation of the
 * payment is undone where it can be, and what cannot be taken back becomes a {@link ReversalDebt}:
 *
 * <ul>
 *   <li>INSTALLMENT, DEVICE_INSTALLMENT: the installment is re-opened by the amount this payment
 *       paid on it (the customer owes it again, whatever later payments paid on others);</li>
 *   <li>ACCESS_RATE: the meter's access rate paid goes down by it (the arrears are back);</li>
 *   <li>REVERSAL_DEBT: the older reversal debt it paid is re-opened;</li>
 *   <li>METER_CREDIT: removed from the meter's carried credit, as far as the credit is still there;
 *       what later purchases already spent of it was delivered as energy: a reversal debt;</li>
 *   <li>ENERGY: delivered (or on its way to the meter: a token job cannot be recalled once the
 *       manufacturer may have answered), so a reversal debt; only a token that finally failed
 *       delivered nothing (then nothing is owed for it: {@code undelivered});</li>
 *   <li>days of an SHS / e-bike: when the payment bought a token, the money it applied to the
 *       device's own sale bought days of use already given; those installments are re-opened (the
 *       appliance is owed in full again) and the days used are a reversal debt at the price they
 *       were bought.</li>
 * </ul>
 *
 * <p>So {@code installmentsReopened + accessRateRestored + debtsReopened + meterCreditRemoved +
 * energyDebt + undelivered == amount}, and {@code debt == energyDebt + daysDebt}.
 */
public final class PaymentReversal {

  private PaymentReversal() {}

  /**
   * The compensation of one reversed payment.
   *
   * @param reopened            what each installment gets back (its paid amount goes down by it)
   * @param accessRateRestored  minor units taken off the meter's access rate paid
   * @param debtsReopened       what each older reversal debt gets back
   * @param meterCreditRemoved  minor units taken off the meter's carried credit
   * @param energyDebt          energy delivered by this payment's money (ENERGY and spent credit)
   * @param daysDebt            days delivered: the money this payment applied to the device's own sale
   *                            when it bought a token; 0 for meters
   * @param undelivered         energy this payment bought whose token finally failed: owed by nobody
   */
  public record Compensation(
      List<InstallmentPayment> reopened,
      long accessRateRestored,
      List<ReversalDebtPayment> debtsReopened,
      long meterCreditRemoved,
      long energyDebt,
      long daysDebt,
      long undelivered) {

    public Compensation {
      reopened = List.copyOf(reopened);
      debtsReopened = List.copyOf(debtsReopened);
      if (accessRateRestored < 0
          || meterCreditRemoved < 0
          || energyDebt < 0
          || daysDebt < 0
          || undelivered < 0) {
        throw new IllegalArgumentException("compensation figures are never negative");
      }
    }

    /** The new reversal debt the customer owes: what was delivered and cannot be taken back. */
    public long debt() {
      return Math.addExact(energyDebt, daysDebt);
    }

    /** Sum of what is undone or becomes energy debt: equals the payment's amount. */
    public long compensated() {
      long total = Math.addExact(
          accessRateRestored,
          Math.addExact(meterCreditRemoved, Math.addExact(energyDebt, undelivered)));
      for (InstallmentPayment p : reopened) {
        total = Math.addExact(total, p.amount());
      }
      for (ReversalDebtPayment p : debtsReopened) {
        total = Math.addExact(total, p.amount());
      }
      return total;
    }
  }

  /**
   * Compensates a payment.
   *
   * @param allocations        the payment's allocations, as recorded
   * @param ownSaleInstallments ids of the installments of the paid SHS / e-bike's own sale (empty for a meter)
   * @param boughtToken        whether the payment bought a token (kWh, days or an unlock)
   * @param delivered          false only when that token finally failed and none was stored
   * @param meterCreditNow     the meter's carried credit now (0 for SHS / e-bikes)
   */
  public static Compensation of(
      List<Allocation> allocations,
      Set<String> ownSaleInstallments,
      boolean boughtToken,
      boolean delivered,
      long meterCreditNow) {
    Objects.requireNonNull(allocations, "allocations");
    Objects.requireNonNull(ownSaleInstallments, "ownSaleInstallments");
    if (meterCreditNow < 0) {
      throw new IllegalArgumentException("meter credit must not be negative: " + meterCreditNow);
    }
    List<InstallmentPayment> reopened = new ArrayList<>();
    List<ReversalDebtPayment> debtsReopened = new ArrayList<>();
    long accessRate = 0;
    long credit = 0;
    long energy = 0;
    long days = 0;
    for (Allocation a : allocations) {
      switch (a.kind()) {
        case INSTALLMENT, DEVICE_INSTALLMENT -> {
          Objects.requireNonNull(a.reference(), "an installment allocation names its installment");
          reopened.add(new InstallmentPayment(a.reference(), a.amount()));
          if (boughtToken && delivered && ownSaleInstallments.contains(a.reference())) {
            days = Math.addExact(days, a.amount());
          }
        }
        case ACCESS_RATE -> accessRate = Math.addExact(accessRate, a.amount());
        case REVERSAL_DEBT -> {
          Objects.requireNonNull(a.reference(), "a reversal debt allocation names its debt");
          debtsReopened.add(new ReversalDebtPayment(a.reference(), a.amount()));
        }
        case METER_CREDIT -> credit = Math.addExact(credit, a.amount());
        case ENERGY -> energy = Math.addExact(energy, a.amount());
      }
    }
    long removed = Math.min(credit, meterCreditNow);
    // credit spent by later purchases was delivered by their tokens, whatever became of this one
    long spentCredit = credit - removed;
    return delivered
        ? new Compensation(
            reopened,
            accessRate,
            debtsReopened,
            removed,
            Math.addExact(energy, spentCredit),
            days,
            0)
        : new Compensation(reopened, accessRate, debtsReopened, removed, spentCredit, 0, energy);
  }
}
