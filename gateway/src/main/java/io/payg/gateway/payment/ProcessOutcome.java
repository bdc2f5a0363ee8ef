package io.payg.gateway.payment;

import io.payg.domain.payment.PaymentReceipt;
import io.payg.domain.payment.Refusal;
import java.util.UUID;

/** How a process command ended. */
public sealed interface ProcessOutcome {

  /** A new transaction was recorded (and its token job queued, if it buys a token). */
  record Recorded(PaymentReceipt receipt) implements ProcessOutcome {}

  /** The same provider transaction was already recorded: this is its first answer again. */
  record Replayed(PaymentReceipt receipt) implements ProcessOutcome {}

  /** A cash payment that would take the agent's cash above their risk limit; nothing stored. */
  record AgentRiskLimitExceeded() implements ProcessOutcome {}

  /**
   * The provider says the money moved but it cannot be booked: it is kept as the unmatched
   * payment {@code unmatchedId} (now, or by an earlier delivery of the same provider id).
   */
  record Kept(UUID unmatchedId, Refusal refusal, String detail) implements ProcessOutcome {}

  /**
   * An operator's assign found the unmatched payment no longer OPEN (another assign booked it,
   * or it was dismissed) or its provider id already booked: nothing stored.
   */
  record NotOpen() implements ProcessOutcome {}

  /** Refused; nothing stored but, for DUPLICATE_TRANSACTION, the conflict for operators. */
  record Refused(Refusal refusal, String detail) implements ProcessOutcome {}
}
