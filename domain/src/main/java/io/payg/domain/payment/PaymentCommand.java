package io.payg.domain.payment;

import io.payg.domain.Money;
import io.payg.domain.Serial;
import java.time.Instant;

/**
 * The canonical process command every provider's confirmation ends in: the money arrived.
 * Idempotent on (company, provider, providerTxnId).
 */
public record PaymentCommand(
    String providerTxnId, String serial, Money amount, String msisdn, Instant paidAt) {

  /** The serial as typed, trimmed ({@link Serial}): every path matches it the same way. */
  public PaymentCommand {
    serial = Serial.normalise(serial);
  }
}
