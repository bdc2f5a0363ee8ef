package io.payg.domain.allocation;

import io.payg.domain.sale.InstallmentSchedule;
import io.payg.domain.sale.ScheduledInstallment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test fixture: a customer's open installments, as the gateway would load and update them. */
public final class CustomerDebts {

  private CustomerDebts() {}

  /** The open installments of a new sale; ids are "{saleId}-{number}" (number 0 = down payment). */
  public static List<OpenInstallment> ofSale(
      String saleId,
      InstallmentSchedule schedule,
      boolean ownSale,
      boolean downPaymentTakenAtSale) {
    List<OpenInstallment> open = new ArrayList<>();
    for (ScheduledInstallment entry : schedule.entries()) {
      if (entry.isDownPayment() && downPaymentTakenAtSale) {
        continue;
      }
      open.add(new OpenInstallment(
          saleId + "-" + entry.number(), saleId, entry.dueDate(), entry.amount(), ownSale));
    }
    return open;
  }

  /** The open installments once a payment's installment payments are stored; paid-off ones drop out. */
  public static List<OpenInstallment> afterPayment(
      List<OpenInstallment> open, AllocationResult result) {
    Map<String, Long> paid = new HashMap<>();
    for (InstallmentPayment payment : result.installmentPayments()) {
      paid.merge(payment.installmentId(), payment.amount(), Long::sum);
    }
    List<OpenInstallment> after = new ArrayList<>();
    for (OpenInstallment installment : open) {
      long left = installment.outstanding() - paid.getOrDefault(installment.id(), 0L);
      if (left < 0) {
        throw new AssertionError(
            "installment " + installment.id() + " paid more than its outstanding amount");
      }
      if (left > 0) {
        after.add(new OpenInstallment(
            installment.id(),
            installment.saleId(),
            installment.dueDate(),
            left,
            installment.ownSale()));
      }
    }
    return after;
  }
}
