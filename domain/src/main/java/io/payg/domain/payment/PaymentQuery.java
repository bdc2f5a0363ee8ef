package io.payg.domain.payment;

import io.payg.domain.Money;
import io.payg.domain.Serial;

/** A validation question from a provider: may this serial be paid this amount? */
public record PaymentQuery(String serial, Money amount, String msisdn) {

  /** The serial as typed, trimmed ({@link Serial}). */
  public PaymentQuery {
    serial = Serial.normalise(serial);
  }
}
