package io.payg.domain.allocation;

import java.util.Objects;

/**
 * What a customer owes because a payment of theirs was reversed after it had delivered energy or
 * days, which cannot be taken back (see {@link PaymentReversal}). The customer's next payments
 * clear it before anything else, oldest first.
 *
 * @param id          the debt's id; becomes the allocation's reference
 * @param outstanding minor units still owed on it; 0 is accepted and treated as paid
 */
public record ReversalDebt(String id, long outstanding) {

  public ReversalDebt {
    Objects.requireNonNull(id, "id");
    if (outstanding < 0) {
      throw new IllegalArgumentException(
          "reversal debt " + id + ": outstanding must not be negative: " + outstanding);
    }
  }
}
