package io.payg.domain.payment;

import io.payg.domain.Money;
import java.time.Instant;

/**
 * The canonical process command every provider's confirmation ends in: the money arrived.
 * Idempotent on (company, provider, providerTxnId).
 */
public record PaymentCommand(String providerTxnId, String serial, Money amount, String msisdn, Instant paidAt) {
}
