package io.payg.sms.africastalking;

/**
 * An SMS provider did not accept a message. {@code retryable} is false when sending the same
 * message again cannot help (credentials refused, invalid number, blacklisted recipient).
 *
 * <p>Lives here because the domain port has no SMS failure type yet; it mirrors
 * {@code io.payg.domain.port.TokenIssueException} and could move next to {@code SmsSender}.
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
