package io.payg.domain.port;

/**
 * An SMS provider did not accept a message. {@code retryable} is false when sending the same
 * message again cannot help (credentials refused, invalid number, blacklisted recipient).
 * A failed {@link SmsSender#send} stage carries one.
 */
public class SmsSendException extends RuntimeException {

  private final boolean retryable;

  public SmsSendException(String reason, boolean retryable) {
    super(reason);
    this.retryable = retryable;
  }

  public SmsSendException(String reason, boolean retryable, Throwable cause) {
    super(reason, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
