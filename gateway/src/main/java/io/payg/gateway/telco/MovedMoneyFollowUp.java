package io.payg.gateway.telco;

import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.Refusal;
import io.vertx.core.Future;
import java.util.Map;
import java.util.UUID;

/**
 * What a provider needs done once its moved-money message is booked or kept, before the gateway
 * answers it (Vodacom Tanzania's broker waits for a result leg: it is queued here, durably, so the
 * answer "Received" is only given once the result will be sent). Runs on every delivery, so it must
 * be idempotent.
 */
public interface MovedMoneyFollowUp {

  /** The payment is booked as {@code transactionId} (now, or by an earlier delivery). */
  Future<Void> booked(
      UUID companyId, PaymentCommand command, UUID transactionId, Map<String, String> echo);

  /** The payment is kept unbooked as {@code unmatchedId}; {@code authenticated} false: a flagged message. */
  Future<Void> kept(
      UUID companyId,
      PaymentCommand command,
      UUID unmatchedId,
      Refusal refusal,
      boolean authenticated,
      Map<String, String> echo);
}
