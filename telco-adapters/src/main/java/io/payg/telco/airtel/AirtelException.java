package io.payg.telco.airtel;

/**
 * A call to Airtel Money did not produce an answer to act on: the stage of
 * {@link AirtelCollections#requestToPay} or {@link AirtelCollections#status} fails with it. The
 * caller keeps the collection PENDING and asks {@code status} again later.
 *
 * <p>{@code retryable} is false when asking again cannot help until someone changes the
 * configuration (credentials refused, settings incomplete): worth an operator's attention.
 * The message never contains a secret.
 */
public final class AirtelException extends RuntimeException {

  private final boolean retryable;

  public AirtelException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public AirtelException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
