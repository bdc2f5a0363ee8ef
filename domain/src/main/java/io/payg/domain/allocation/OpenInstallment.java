package io.payg.domain.allocation;

import java.time.LocalDate;
import java.util.Objects;

/**
 * An installment (or down payment) of one of the customer's appliance sales that is not fully
 * paid yet, as the allocation sees it.
 *
 * @param id          the installment's id; becomes the allocation's reference
 * @param saleId      the sale it belongs to
 * @param dueDate     when it falls due
 * @param outstanding minor units still owed on it; 0 is accepted and treated as paid
 * @param ownSale     true when it belongs to the sale of the device being paid (SHS / e-bike)
 */
public record OpenInstallment(
    String id, String saleId, LocalDate dueDate, long outstanding, boolean ownSale) {

  public OpenInstallment {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(saleId, "saleId");
    Objects.requireNonNull(dueDate, "dueDate");
    if (outstanding < 0) {
      throw new IllegalArgumentException(
          "installment " + id + ": outstanding must not be negative: " + outstanding);
    }
  }

  /** Due on or before {@code today}: step (a) pays it whatever device the payment names. */
  public boolean isDue(LocalDate today) {
    return !dueDate.isAfter(today);
  }
}
