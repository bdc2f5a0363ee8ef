package io.payg.domain.port;

/**
 * A manufacturer could not produce a token.
 * {@code retryable} is false when retrying cannot help (unknown meter at the manufacturer,
 * credentials refused): the job goes straight to TOKEN_FAILED for an operator.
 */
public class TokenIssueException extends RuntimeException {

  private final boolean retryable;

  public TokenIssueException(String reason, boolean retryable) {
    super(reason);
    this.retryable = retryable;
  }

  public TokenIssueException(String reason, boolean retryable, Throwable cause) {
    super(reason, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
