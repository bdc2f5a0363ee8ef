package io.payg.domain.port;

import java.util.concurrent.CompletionStage;

/**
 * The request-to-pay port (MTN MoMo Collection, Airtel Money, Vodacom M-Pesa Open API): the
 * gateway asks the provider to collect; the provider answers later by callback (decoded by the
 * same provider's {@link TelcoAdapter} as {@link TelcoCall.CollectionUpdate}) or, where a
 * callback can be lost, by polling {@link #status}. Never blocks; a failed stage carries a
 * {@link TokenIssueException}-like reason in its message and is retried by the caller.
 */
public interface CollectionProvider {

  /** The plugin name, the same as the provider's {@link TelcoAdapter#provider()}. */
  String provider();

  /** Starts the collection. Safe to repeat with the same reference (the provider dedupes on it). */
  CompletionStage<CollectionStatus> requestToPay(CollectionRequest request);

  /**
   * Where the collection stands now. A provider that does not know the reference answers
   * {@link CollectionStatus#notFound} (the gateway treats it as "not yet" for a request the
   * provider accepted); one that reports collecting another amount answers
   * {@link CollectionStatus#collectedOtherAmount}. Never FAILED on a doubt: a failed stage is
   * asked again.
   */
  CompletionStage<CollectionStatus> status(CollectionRequest request);
}
