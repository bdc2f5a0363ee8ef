package io.payg.domain.port;

import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.PaymentQuery;
import io.payg.domain.payment.Refusal;

/** A provider call decoded into the gateway's canonical language. */
public sealed interface TelcoCall {

  /** "May this serial be paid this amount?" */
  record Validate(PaymentQuery query) implements TelcoCall {
  }

  /** "The money arrived." */
  record Process(PaymentCommand command) implements TelcoCall {
  }

  /**
   * A provider's callback on a request-to-pay the gateway started: the collection
   * {@code reference} (ours) is now {@code status}. Succeeded collections become a process
   * command for the collection's serial and amount, idempotent on the reference.
   */
  record CollectionUpdate(String reference, CollectionStatus status) implements TelcoCall {
  }

  /** The call cannot be taken: bad credentials, unreadable body, ... Nothing is stored. */
  record Rejected(Refusal refusal, String detail, boolean processCall) implements TelcoCall {
  }
}
