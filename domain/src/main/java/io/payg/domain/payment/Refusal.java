package io.payg.domain.payment;

/**
 * Why the gateway refuses a payment. Every telco adapter maps each one to its provider's own
 * error answer; the REST API uses {@link #name()} as the problem document's {@code code}.
 */
public enum Refusal {
  /** The body could not be read: malformed JSON/XML, missing or ill-typed fields. */
  MALFORMED_REQUEST,
  /** Signature, credentials or source address not accepted. */
  UNAUTHENTICATED,
  /** The provider is not enabled for this company. */
  PROVIDER_NOT_ENABLED,
  /** No device with this serial in this company. */
  DEVICE_NOT_FOUND,
  /** Not the company's currency. */
  WRONG_CURRENCY,
  /** Zero, negative, fractional beyond the currency's minor unit, or too large. */
  INVALID_AMOUNT,
  /** Below the tariff's minimum purchase or the next installment. */
  AMOUNT_BELOW_MINIMUM,
  /** The provider transaction id was already used with another amount, currency or serial. */
  DUPLICATE_TRANSACTION;

  public String message() {
    return switch (this) {
      case MALFORMED_REQUEST -> "The request could not be read";
      case UNAUTHENTICATED -> "The request is not authenticated";
      case PROVIDER_NOT_ENABLED -> "This provider is not enabled for the company";
      case DEVICE_NOT_FOUND -> "No device with this serial";
      case WRONG_CURRENCY -> "The currency is not the company's currency";
      case INVALID_AMOUNT -> "The amount is not valid";
      case AMOUNT_BELOW_MINIMUM -> "The amount is below the minimum purchase";
      case DUPLICATE_TRANSACTION -> "This transaction id was already used for another payment";
    };
  }
}
