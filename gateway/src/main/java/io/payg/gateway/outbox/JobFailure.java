package io.payg.gateway.outbox;

import java.time.Duration;

/**
 * A job attempt that failed; {@code retryable} false ends the job at once. A failure with
 * {@link #notAttemptedFor()} never reached the peer (its circuit breaker is open): the job comes
 * back after about that long and the attempt is not counted, so an outage longer than the retry
 * budget does not end jobs FAILED that were never really tried.
 */
public class JobFailure extends RuntimeException {

  private final boolean retryable;
  private final Duration notAttemptedFor;

  public JobFailure(String reason, boolean retryable) {
    this(reason, retryable, null);
  }

  private JobFailure(String reason, boolean retryable, Duration notAttemptedFor) {
    super(reason, null, false, false);
    this.retryable = retryable;
    this.notAttemptedFor = notAttemptedFor;
  }

  /** The peer was not called (breaker open): try again after about {@code wait}, without counting an attempt. */
  public static JobFailure notAttempted(String reason, Duration wait) {
    return new JobFailure(reason, true, wait);
  }

  public boolean retryable() {
    return retryable;
  }

  /** How long to wait before trying a job that was not attempted, or null when it was. */
  public Duration notAttemptedFor() {
    return notAttemptedFor;
  }
}
