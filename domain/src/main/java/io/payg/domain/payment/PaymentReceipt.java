package io.payg.domain.payment;

import io.payg.domain.TokenAmount;
import java.util.List;

/**
 * What the gateway answers once a payment is recorded: the transaction, where the money went,
 * and the token when it is already there (it usually follows asynchronously).
 *
 * @param transactionId the gateway's id
 * @param status        PROCESSED, TOKEN_PENDING, COMPLETED or TOKEN_FAILED
 * @param allocations   where the money went
 * @param tokenAmount   what the token will be worth; null when the payment buys no token
 * @param token         the token, once issued; else null
 */
public record PaymentReceipt(
    String transactionId,
    String status,
    List<Allocation> allocations,
    TokenAmount tokenAmount,
    String token) {

  public PaymentReceipt {
    allocations = List.copyOf(allocations);
  }
}
