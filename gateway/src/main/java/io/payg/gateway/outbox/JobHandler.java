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

  /**
   * Runs ($1 = transaction id) with each retry scheduled, in the same statement; null for none.
   * An UPDATE ending in its WHERE clause: the outbox appends a condition to it.
   */
  default String onRetrySql() {
    return null;
  }

  /** Runs ($1 = transaction id) once when the job ends FAILED after its retry budget, in the same statement (as above). */
  default String onFailedSql() {
    return null;
  }
}
