package io.payg.gateway.outbox;

/** A job attempt that failed; {@code retryable} false ends the job at once. */
public class JobFailure extends RuntimeException {

  private final boolean retryable;

  public JobFailure(String reason, boolean retryable) {
    super(reason, null, false, false);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
