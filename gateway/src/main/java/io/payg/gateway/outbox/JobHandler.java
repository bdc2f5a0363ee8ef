package io.payg.gateway.outbox;

import io.vertx.core.Future;

/** Does one kind of outbox job. */
public interface JobHandler {

  /** The outbox kind: TOKEN or SMS. */
  String kind();

  /**
   * Does the job and marks it DONE in the same database transaction as its result, so a
   * result is never stored without its job being closed. Fails with {@link JobFailure} (or
   * anything else, taken as retryable) to be retried with backoff.
   */
  Future<Void> handle(OutboxJob job);

  /** How an attempt that brought no result reschedules or ends the job (and what changes with it). */
  default JobEndings endings() {
    return JobEndings.JOB_ONLY;
  }
}
