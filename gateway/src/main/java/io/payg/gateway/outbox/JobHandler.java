package io.payg.gateway.outbox;

import io.vertx.core.Future;
import java.util.List;

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
   * What a claim's jobs need, read for the whole claim in one statement rather than one per job:
   * the same jobs in the same order, each with its context (a job left without one reads its own in
   * {@link #handle}). Reads nothing by default.
   */
  default Future<List<OutboxJob>> contexts(List<OutboxJob> claimed) {
    return Future.succeededFuture(claimed);
  }

  /** How an attempt that brought no result reschedules or ends the job (and what changes with it). */
  default JobEndings endings() {
    return JobEndings.JOB_ONLY;
  }
}
