package io.payg.domain.payment;

/**
 * One part of a payment.
 *
 * @param kind      what it paid
 * @param amount    minor units, positive
 * @param reference what exactly it paid (installment id, device id), may be null
 */
public record Allocation(AllocationKind kind, long amount, String reference) {

  public Allocation {
    if (amount <= 0) {
      throw new IllegalArgumentException("an allocation is positive: " + amount);
    }
  }
}
