package io.payg.domain.port;

import io.payg.domain.Money;

/**
 * Where a request-to-pay stands at the provider.
 *
 * @param state            PENDING until the payer approves or it fails
 * @param providerTxnId    the provider's own id for the money movement, when it has one (MTN
 *                         financialTransactionId, Airtel airtel_money_id, M-Pesa output_TransactionID)
 * @param reason           why it failed (FAILED only)
 * @param unknownReference FAILED only because the provider does not know the reference (MTN 404,
 *                         Airtel "transaction not found"): final only when the provider never
 *                         accepted the request; for an accepted one it means "not yet" and the
 *                         gateway, which knows whether it was accepted, keeps it PENDING
 * @param collected        SUCCEEDED only, when the provider reports collecting another amount than
 *                         requested: the money moved, so the gateway keeps it (unmatched) rather
 *                         than book or drop it; null when the provider collected what was asked
 * @param providerRequestId the provider's own id for the request itself, when the provider
 *                          chooses it and later calls it by it (Safaricom STK push's
 *                          CheckoutRequestID); the gateway stores it and hands it back in
 *                          {@link CollectionRequest#providerRequestId()}. Null for most providers.
 * @param amountUnreadable SUCCEEDED only: the provider says the money moved but its amount or
 *                         currency cannot be read, so it is neither what was asked nor a known
 *                         other amount; the gateway keeps it unmatched without an amount
 */
public record CollectionStatus(
    State state,
    String providerTxnId,
    String reason,
    boolean unknownReference,
    Money collected,
    String providerRequestId,
    boolean amountUnreadable) {

  public CollectionStatus(
      State state,
      String providerTxnId,
      String reason,
      boolean unknownReference,
      Money collected,
      String providerRequestId) {
    this(state, providerTxnId, reason, unknownReference, collected, providerRequestId, false);
  }

  public enum State {
    PENDING,
    SUCCEEDED,
    FAILED
  }

  /** The three-field form of the first version of this port (a known outcome). */
  public CollectionStatus(State state, String providerTxnId, String reason) {
    this(state, providerTxnId, reason, false, null, null);
  }

  public CollectionStatus(
      State state, String providerTxnId, String reason, boolean unknownReference) {
    this(state, providerTxnId, reason, unknownReference, null, null);
  }

  public CollectionStatus(
      State state, String providerTxnId, String reason, boolean unknownReference, Money collected) {
    this(state, providerTxnId, reason, unknownReference, collected, null);
  }

  public CollectionStatus(
      State state, String providerTxnId, String reason, String providerRequestId) {
    this(state, providerTxnId, reason, false, null, providerRequestId);
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

  /** The money moved, but not the amount requested: {@code collected} is what the provider reports. */
  public static CollectionStatus collectedOtherAmount(
      String providerTxnId, Money collected, String reason) {
    return new CollectionStatus(State.SUCCEEDED, providerTxnId, reason, false, collected);
  }

  /** The money moved, in an amount (or currency) nobody can read: kept, never booked as the request. */
  public static CollectionStatus collectedUnreadableAmount(String providerTxnId, String reason) {
    return new CollectionStatus(State.SUCCEEDED, providerTxnId, reason, false, null, null, true);
  }

  /** The provider does not know the reference (see {@link #unknownReference()}). */
  public static CollectionStatus notFound(String reason) {
    return new CollectionStatus(State.FAILED, null, reason, true);
  }
}
