package io.payg.gateway.outbox;

/**
 * The attempt's claim is no longer the job's: its lease ran out and another attempt claimed the
 * job (or an operator changed it). Nothing was written; the job belongs to its current holder.
 */
public final class StaleAttempt extends RuntimeException {

  public StaleAttempt(OutboxJob job) {
    super(
        job.kind() + " job " + job.id() + ": attempt " + job.attempt()
            + " outlived its lease and was fenced off",
        null,
        false,
        false);
  }
}
