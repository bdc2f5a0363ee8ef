package io.payg.domain.port;

/**
 * Where a request-to-pay stands at the provider.
 *
 * @param state            PENDING until the payer approves or it fails
 * @param providerTxnId    the provider's own id for the money movement, when it has one
 * @param reason           why it failed (FAILED only)
 */
public record CollectionStatus(State state, String providerTxnId, String reason) {

  public enum State { PENDING, SUCCEEDED, FAILED }

  public static CollectionStatus pending() {
    return new CollectionStatus(State.PENDING, null, null);
  }

  public static CollectionStatus succeeded(String providerTxnId) {
    return new CollectionStatus(State.SUCCEEDED, providerTxnId, null);
  }

  public static CollectionStatus failed(String reason) {
    return new CollectionStatus(State.FAILED, null, reason);
  }
}
