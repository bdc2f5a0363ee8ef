package io.payg.domain.port;

import io.payg.domain.payment.PaymentReceipt;
import io.payg.domain.payment.Refusal;
import io.payg.domain.payment.ValidationOutcome;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The telco port: translates one mobile-money provider's callback protocol to the gateway's
 * canonical validate / process commands and back. One implementation per provider.
 *
 * <p>Implementations are stateless, thread-safe and never block: they parse and format only.
 * Bad input never throws; it decodes to {@link TelcoCall.Rejected}.
 */
public interface TelcoAdapter {

  /** The plugin name, as in the URL {@code /api/v1/telco/{provider}/{companyId}/...}. */
  String provider();

  /**
   * Authenticates and parses a call.
   *
   * @param currency the company's currency (providers that send none imply it)
   * @param settings the company's plugin configuration (secrets, allow-lists); never logged
   */
  TelcoCall decode(TelcoRequest request, String currency, Map<String, String> settings);

  /** Whether an operation (the last path segment) records money; refusals differ by endpoint. */
  default boolean isProcessOperation(String operation) {
    return "process".equals(operation);
  }

  /**
   * Whether the provider sends this operation after the money moved (a confirmation, a webhook),
   * so that refusing it cannot send the money back: the gateway then keeps what it cannot book
   * as an unmatched payment and answers {@link #keptAnswer}.
   */
  default boolean confirmsMovedMoney(String operation) {
    return false;
  }

  /**
   * The provider's acknowledgement of a moved-money message the gateway kept unbooked (unknown
   * serial, amount below the minimum...): the money is on the books, in suspense.
   */
  default TelcoResponse keptAnswer(Refusal refusal, String detail, Map<String, String> echo) {
    return refusal(refusal, detail, true, echo);
  }

  /**
   * The provider's acknowledgement of a moved-money message the gateway holds until the
   * provider's status API confirms it ({@link PaymentStatusQuery}): answered at once, booked later.
   */
  default TelcoResponse heldAnswer(Map<String, String> echo) {
    return TelcoResponse.json(200, "{}");
  }

  /** The answer to a {@link TelcoCall.PaymentStatus} once the gateway took it. */
  default TelcoResponse paymentStatusAnswer() {
    return TelcoResponse.json(200, "{}");
  }

  /** The raw body as kept for an operator, with any secret it carries (passwords) removed. */
  default String redactedBody(byte[] body) {
    return new String(body, StandardCharsets.UTF_8);
  }

  TelcoResponse validationAnswer(ValidationOutcome outcome);

  TelcoResponse processAnswer(PaymentReceipt receipt);

  /** The answer to a {@link TelcoCall.CollectionUpdate} callback once the gateway took it. */
  default TelcoResponse callbackAnswer() {
    return TelcoResponse.json(200, "{}");
  }

  /**
   * The answer to a {@link TelcoCall.Reversal}: {@code reversalId} is the reversal (new, or the
   * first one for a redelivery), or null when nothing with that provider id is booked or kept
   * yet (the payment's own message may still be on its way).
   */
  default TelcoResponse reversalAnswer(String reversalId, String detail, Map<String, String> echo) {
    return reversalId != null
        ? TelcoResponse.json(200, "{}")
        : refusal(Refusal.MALFORMED_REQUEST, detail, true, echo);
  }

  /**
   * The provider's "busy, send it again later" answer, for a call the gateway sheds because it has
   * more of this path in flight than it admits (the gateway adds {@code Retry-After}); nothing was
   * read or stored, and the provider's retry is safe because its transaction id is the idempotency
   * key. Null (the default) when the provider does not redeliver this operation: such a call is
   * taken however busy the gateway is, never shed.
   */
  default TelcoResponse busyAnswer(String operation) {
    return null;
  }

  /** The provider's own error answer. {@code processCall} tells which endpoint refused. */
  TelcoResponse refusal(Refusal refusal, String detail, boolean processCall);

  // The answers with the call's {@link TelcoCall#echo()}: override them when the provider wants
  // its own ids back; by default they are the answers above.

  default TelcoResponse validationAnswer(ValidationOutcome outcome, Map<String, String> echo) {
    return validationAnswer(outcome);
  }

  default TelcoResponse processAnswer(PaymentReceipt receipt, Map<String, String> echo) {
    return processAnswer(receipt);
  }

  default TelcoResponse refusal(
      Refusal refusal, String detail, boolean processCall, Map<String, String> echo) {
    return refusal(refusal, detail, processCall);
  }
}
