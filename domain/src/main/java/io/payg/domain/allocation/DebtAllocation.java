package io.payg.domain.allocation;

import io.payg.domain.TokenAmount;
import io.payg.domain.energy.EnergyPurchase;
import io.payg.domain.payment.Allocation;
import io.payg.domain.payment.AllocationKind;
import io.payg.domain.payment.Refusal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Splits one payment over the customer's debts and the paid device, in the order the rules set:
 *
 * <ol type="a">
 *   <li>(first of all) the customer's reversal debts, oldest first: the value of energy or days
 *       that reversed payments had delivered ({@link PaymentReversal});</li>
 *   <li>every due installment (due date on or before today) of every sale of the customer,
 *       oldest due date first, including an unpaid down payment; partly if money runs out;</li>
 *   <li>the paid meter's access-rate arrears;</li>
 *   <li>SHS / e-bike: the device's own next installments, in order;</li>
 *   <li>meter: the rest plus the carried credit buys whole tenths of a kWh, the remainder is
 *       carried as credit.</li>
 * </ol>
 *
 * <p>Pure: the same inputs always give the same result, nothing is read or stored. Installments
 * with the same due date are taken by sale id, then in the order given.
 */
public final class DebtAllocation {

  private DebtAllocation() {}

  /**
   * Allocates a payment.
   *
   * @param amount           minor units paid, positive
   * @param today            the payment's day (decides which installments are due)
   * @param openInstallments the customer's open installments across all sales; for an SHS /
   *                         e-bike it must include all open installments of the device's own sale
   * @param device           the device the payment names
   */
  public static AllocationResult allocate(
      long amount, LocalDate today, List<OpenInstallment> openInstallments, PaidDevice device) {
    return allocate(amount, today, List.of(), openInstallments, device);
  }

  /**
   * Allocates a payment of a customer who may owe reversal debts.
   *
   * @param reversalDebts the customer's open reversal debts, oldest first; paid before anything else
   */
  public static AllocationResult allocate(
      long amount,
      LocalDate today,
      List<ReversalDebt> reversalDebts,
      List<OpenInstallment> openInstallments,
      PaidDevice device) {
    if (amount <= 0) {
      throw new IllegalArgumentException(
          "A payment must be more than zero (got " + amount + " minor units)");
    }
    Objects.requireNonNull(today, "today");
    List<OpenInstallment> ordered = inPaymentOrder(openInstallments, device);

    List<Allocation> allocations = new ArrayList<>();
    List<InstallmentPayment> installmentPayments = new ArrayList<>();
    List<ReversalDebtPayment> debtPayments = new ArrayList<>();
    long remaining = amount;
    long paidToOwnSale = 0;

    // Reversal debts first: service was delivered and its money went back to the payer.
    for (ReversalDebt debt : checked(reversalDebts)) {
      if (remaining == 0) {
        break;
      }
      if (debt.outstanding() == 0) {
        continue;
      }
      long paid = Math.min(remaining, debt.outstanding());
      allocations.add(new Allocation(AllocationKind.REVERSAL_DEBT, paid, debt.id()));
      debtPayments.add(new ReversalDebtPayment(debt.id(), paid));
      remaining -= paid;
    }

    // (a) Due installments first: overdue debt must not grow while the customer buys service.
    for (OpenInstallment installment : ordered) {
      if (remaining == 0) {
        break;
      }
      if (!installment.isDue(today) || installment.outstanding() == 0) {
        continue;
      }
      long paid = Math.min(remaining, installment.outstanding());
      allocations.add(new Allocation(AllocationKind.INSTALLMENT, paid, installment.id()));
      installmentPayments.add(new InstallmentPayment(installment.id(), paid));
      remaining -= paid;
      if (installment.ownSale()) {
        paidToOwnSale += paid;
      }
    }

    if (device instanceof PaidDevice.Meter meter) {
      // (b) Access-rate arrears of this meter.
      long accessRatePaid = Math.min(remaining, meter.accessRateArrears());
      if (accessRatePaid > 0) {
        allocations.add(
            new Allocation(AllocationKind.ACCESS_RATE, accessRatePaid, meter.reference()));
        remaining -= accessRatePaid;
      }
      // (d) Energy.
      return buyEnergy(
          meter, remaining, allocations, installmentPayments, accessRatePaid, debtPayments);
    }

    PaidDevice.Appliance appliance = (PaidDevice.Appliance) device;
    // (c) The device's own next installments. Its due ones were all paid in (a) if money is
    // left, so this continues in due order where (a) stopped.
    long ownOutstanding = 0;
    for (OpenInstallment installment : ordered) {
      if (!installment.ownSale()) {
        continue;
      }
      ownOutstanding = Math.addExact(ownOutstanding, installment.outstanding());
      if (installment.isDue(today) || remaining == 0 || installment.outstanding() == 0) {
        continue;
      }
      long paid = Math.min(remaining, installment.outstanding());
      allocations.add(new Allocation(AllocationKind.DEVICE_INSTALLMENT, paid, installment.id()));
      installmentPayments.add(new InstallmentPayment(installment.id(), paid));
      remaining -= paid;
      paidToOwnSale += paid;
    }
    TokenAmount token = applianceToken(appliance, paidToOwnSale, ownOutstanding);
    return new AllocationResult(
        allocations, installmentPayments, 0, 0, token, remaining, debtPayments);
  }

  private static AllocationResult buyEnergy(
      PaidDevice.Meter meter,
      long rest,
      List<Allocation> allocations,
      List<InstallmentPayment> installmentPayments,
      long accessRatePaid,
      List<ReversalDebtPayment> debtPayments) {
    if (rest == 0) {
      // Pure debt repayment: the carried credit waits for a payment that buys energy.
      return new AllocationResult(
          allocations,
          installmentPayments,
          accessRatePaid,
          meter.carriedCredit(),
          null,
          0,
          debtPayments);
    }
    long oldCredit = meter.carriedCredit();
    EnergyPurchase purchase =
        EnergyPurchase.buy(Math.addExact(rest, oldCredit), meter.tariff().pricePerKwh());
    // The old credit is spent first; only what this payment adds is booked as ENERGY, the rest
    // of it as METER_CREDIT, so the allocations sum to the payment and no money is counted twice.
    long energy = Math.max(0, purchase.spent() - oldCredit);
    long credit = rest - energy;
    if (energy > 0) {
      allocations.add(new Allocation(AllocationKind.ENERGY, energy, meter.reference()));
    }
    if (credit > 0) {
      allocations.add(new Allocation(AllocationKind.METER_CREDIT, credit, meter.reference()));
    }
    TokenAmount token =
        purchase.tenthsOfKwh() > 0 ? TokenAmount.kwhTenths(purchase.tenthsOfKwh()) : null;
    return new AllocationResult(
        allocations,
        installmentPayments,
        accessRatePaid,
        purchase.credit(),
        token,
        0,
        debtPayments);
  }

  /**
   * Days for every minor unit applied to the device's own sale (due installments and down
   * payment included), rounded up in the customer's favour; an unlock once nothing is owed.
   */
  private static TokenAmount applianceToken(
      PaidDevice.Appliance appliance, long paidToOwnSale, long ownOutstanding) {
    if (paidToOwnSale == 0) {
      return null;
    }
    if (paidToOwnSale == ownOutstanding) {
      return TokenAmount.unlock();
    }
    long dayMinorUnits =
        Math.multiplyExact(paidToOwnSale, (long) appliance.period().periodDays());
    return TokenAmount.days(-Math.floorDiv(-dayMinorUnits, appliance.installmentAmount()));
  }

  /**
   * Which amounts the device accepts now (see {@link PaymentMinimum}).
   *
   * @param openInstallments as for {@link #allocate}
   */
  public static PaymentMinimum minimum(
      LocalDate today, List<OpenInstallment> openInstallments, PaidDevice device) {
    return minimum(today, List.of(), openInstallments, device);
  }

  /**
   * Which amounts the device accepts now when the customer owes reversal debts: any amount up to
   * them is a pure debt repayment; a purchase must reach the debts plus the usual minimum.
   */
  public static PaymentMinimum minimum(
      LocalDate today,
      List<ReversalDebt> reversalDebts,
      List<OpenInstallment> openInstallments,
      PaidDevice device) {
    Objects.requireNonNull(today, "today");
    long reversalDebt = 0;
    for (ReversalDebt debt : checked(reversalDebts)) {
      reversalDebt = Math.addExact(reversalDebt, debt.outstanding());
    }
    List<OpenInstallment> ordered = inPaymentOrder(openInstallments, device);
    if (device instanceof PaidDevice.Meter meter) {
      long debts = Math.addExact(reversalDebt, meter.accessRateArrears());
      for (OpenInstallment installment : ordered) {
        if (installment.isDue(today)) {
          debts = Math.addExact(debts, installment.outstanding());
        }
      }
      long minimumPurchase = Math.max(1, meter.tariff().minimumPurchase());
      return new PaymentMinimum(debts, Math.addExact(debts, minimumPurchase));
    }
    long nextInstallment = ordered.stream()
        .filter(i -> i.ownSale() && i.outstanding() > 0)
        .findFirst()
        .map(OpenInstallment::outstanding)
        .orElse(1L);
    return new PaymentMinimum(reversalDebt, Math.addExact(reversalDebt, nextInstallment));
  }

  /**
   * The minimum rules of validation.
   *
   * @return null when the amount may be paid; {@link Refusal#INVALID_AMOUNT} when it is not
   *     positive; {@link Refusal#AMOUNT_BELOW_MINIMUM} when it is below the minimum
   */
  public static Refusal validate(
      long amount, LocalDate today, List<OpenInstallment> openInstallments, PaidDevice device) {
    return validate(amount, today, List.of(), openInstallments, device);
  }

  /** The minimum rules of validation for a customer who may owe reversal debts. */
  public static Refusal validate(
      long amount,
      LocalDate today,
      List<ReversalDebt> reversalDebts,
      List<OpenInstallment> openInstallments,
      PaidDevice device) {
    if (amount <= 0) {
      return Refusal.INVALID_AMOUNT;
    }
    return minimum(today, reversalDebts, openInstallments, device).accepts(amount)
        ? null
        : Refusal.AMOUNT_BELOW_MINIMUM;
  }

  /** The smallest amount accepted now: the validation answer's {@code minimumAmount}. */
  public static long minimumAmount(
      LocalDate today, List<OpenInstallment> openInstallments, PaidDevice device) {
    return minimum(today, openInstallments, device).smallestAcceptable();
  }

  /** The smallest amount accepted now, reversal debts included. */
  public static long minimumAmount(
      LocalDate today,
      List<ReversalDebt> reversalDebts,
      List<OpenInstallment> openInstallments,
      PaidDevice device) {
    return minimum(today, reversalDebts, openInstallments, device).smallestAcceptable();
  }

  private static List<ReversalDebt> checked(List<ReversalDebt> reversalDebts) {
    Objects.requireNonNull(reversalDebts, "reversalDebts");
    Set<String> ids = new HashSet<>();
    for (ReversalDebt debt : reversalDebts) {
      Objects.requireNonNull(debt, "reversal debt");
      if (!ids.add(debt.id())) {
        throw new IllegalArgumentException("reversal debt " + debt.id() + " is listed twice");
      }
    }
    return reversalDebts;
  }

  private static List<OpenInstallment> inPaymentOrder(
      List<OpenInstallment> openInstallments, PaidDevice device) {
    Objects.requireNonNull(openInstallments, "openInstallments");
    Objects.requireNonNull(device, "device");
    Set<String> ids = new HashSet<>();
    for (OpenInstallment installment : openInstallments) {
      Objects.requireNonNull(installment, "open installment");
      if (!ids.add(installment.id())) {
        throw new IllegalArgumentException("installment " + installment.id() + " is listed twice");
      }
      if (installment.ownSale() && device instanceof PaidDevice.Meter) {
        throw new IllegalArgumentException("installment " + installment.id()
            + " is marked as the meter's own sale; meters have none");
      }
    }
    List<OpenInstallment> ordered = new ArrayList<>(openInstallments);
    // List.sort is stable: equal due dates and sale ids keep the caller's order.
    ordered.sort(
        Comparator.comparing(OpenInstallment::dueDate).thenComparing(OpenInstallment::saleId));
    return ordered;
  }
}
