package io.payg.gateway.outbox;

/**
 * The two statements that end an attempt of one kind of job without its result: {@code retry}
 * schedules the job again, {@code fail} ends it FAILED. Each is a whole statement, fenced by the
 * attempt's claim like a completion (a stale attempt neither reschedules nor fails a job another
 * attempt holds), with one parameter layout: $1 the job's transaction (null for jobs without one),
 * $2 job id, $3 error, $4 claim; {@code retry} also $5 seconds to the next attempt and $6 the
 * attempt given back (0 or 1). A kind whose transaction changes with it (the token's) writes both
 * in its store; one statement, not a transaction of two, so it holds no pooled connection between
 * statements when the database is struggling (load-tests/faults.sh, scenario postgres).
 */
public record JobEndings(String retry, String fail) {

  /** The job alone. */
  public static final JobEndings JOB_ONLY = new JobEndings(OutboxStore.RETRY, OutboxStore.FAIL);
}
