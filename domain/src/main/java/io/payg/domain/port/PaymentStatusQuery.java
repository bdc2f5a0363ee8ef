package io.payg.domain.port;

import io.payg.domain.payment.PaymentCommand;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Asks a provider whether a payment it announced really happened, before the gateway books it
 * (Safaricom Daraja's Transaction Status API: the announcement is unsigned). The answer is
 * asynchronous: {@link #ask} only gets the query accepted; the provider posts the result to
 * {@code resultUrl}, decoded by the provider's {@link TelcoAdapter} as {@link TelcoCall.PaymentStatus}.
 * Never blocks; a failed stage is retried by the caller.
 */
public interface PaymentStatusQuery {

  /** The plugin name, the same as the provider's {@link TelcoAdapter#provider()}. */
  String provider();

  /** Whether the company's settings ask for the check (and hold what it needs). */
  boolean enabled(Map<String, String> settings);

  /**
   * Sends the query about {@code payment}; completes with the provider's id of the query (what its
   * result will name), once the provider accepted it.
   */
  CompletionStage<String> ask(
      PaymentCommand payment, String resultUrl, String timeoutUrl, Map<String, String> settings);
}
