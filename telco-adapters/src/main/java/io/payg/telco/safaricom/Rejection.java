package io.payg.telco.safaricom;

import io.payg.domain.payment.Refusal;

/** A field that cannot be taken; stackless, caught in {@link SafaricomTelcoAdapter#decode}. */
final class Rejection extends RuntimeException {

  final Refusal refusal;

  Rejection(Refusal refusal, String detail) {
    super(detail, null, false, false);
    this.refusal = refusal;
  }
}
