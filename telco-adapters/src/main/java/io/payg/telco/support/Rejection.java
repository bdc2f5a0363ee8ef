package io.payg.telco.support;

import io.payg.domain.payment.Refusal;

/** A field that cannot be taken: thrown while decoding, caught by the adapter's decode. Stackless. */
public final class Rejection extends RuntimeException {

  public final Refusal refusal;

  public Rejection(Refusal refusal, String detail) {
    super(detail, null, false, false);
    this.refusal = refusal;
  }
}
