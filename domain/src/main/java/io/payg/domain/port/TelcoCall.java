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

  /** The call cannot be taken: bad credentials, unreadable body, ... Nothing is stored. */
  record Rejected(Refusal refusal, String detail, boolean processCall) implements TelcoCall {
  }
}
