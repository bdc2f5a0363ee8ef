package io.payg.domain.port;

/**
 * Where a request-to-pay stands at the provider.
 *
 * @param state            PENDING until the payer approves or it fails
 * @param providerTxnId    the provider's own id for the money movement, when it has one
 * @param reason           why it failed (FAILED only)
 * @param providerRequestId the provider's own id for the request itself, when the provider
 *                          chooses it and later calls it by it (Safaricom STK push's
 *                          CheckoutRequestID); the gateway stores it and hands it back in
 *                          {@link CollectionRequest#providerRequestId()}. Null for most providers.
 */
public record CollectionStatus(State state, String providerTxnId, String reason, String providerRequestId) {

  public enum State { PENDING, SUCCEEDED, FAILED }

  public CollectionStatus(State state, String providerTxnId, String reason) {
    this(state, providerTxnId, reason, null);
  }

  /** Pending, under the provider's own request id. */
  public static CollectionStatus pending(String providerRequestId) {
    return new CollectionStatus(State.PENDING, null, null, providerRequestId);
  }

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
