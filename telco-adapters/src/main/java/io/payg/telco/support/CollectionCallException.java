package io.payg.telco.support;

/**
 * A call to a request-to-pay provider (MTN MoMo, Airtel Money) did not produce an answer to act
 * on: the stage of {@code requestToPay} or {@code status} fails with it. The caller keeps the
 * collection PENDING and asks {@code status} again later.
 *
 * <p>{@code retryable} is false when asking again cannot help until someone changes the
 * configuration (credentials refused, settings incomplete): worth an operator's attention.
 * The message never contains a secret.
 */
public final class CollectionCallException extends RuntimeException {

  private final boolean retryable;

  public CollectionCallException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public CollectionCallException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
