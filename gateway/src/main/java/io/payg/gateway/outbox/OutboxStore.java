package io.payg.gateway.outbox;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL for the transactional outbox. */
public final class OutboxStore {

  /*
   * Claim = move next_attempt_at forward by the lease and count the attempt, in one statement.
   * SKIP LOCKED lets many workers (and gateway instances) claim disjoint jobs without waiting;
   * the lease brings back the jobs of a worker that died mid-call.
   */
  private static final String CLAIM = """
      WITH due AS (
        SELECT id, claim_token IS NOT NULL AS lease_ran_out FROM outbox
         WHERE kind = $1 AND status = 'PENDING' AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT $2
           FOR UPDATE SKIP LOCKED)
      UPDATE outbox o
         SET attempts = o.attempts + 1, next_attempt_at = now() + make_interval(secs => $3),
             claim_token = gen_random_uuid(), updated_at = now()
        FROM due WHERE o.id = due.id
      RETURNING o.id, o.company_id, o.transaction_id, o.attempts, o.claim_token, o.request_id,
                due.lease_ran_out
      """;

  /**
   * A claimed job; {@code leaseRanOut} when its last attempt still held its claim (every retry,
   * failure, completion and release clears it), so that attempt's lease ran out unfinished: its
   * instance stopped or stalled.
   */
  public record Claimed(OutboxJob job, boolean leaseRanOut) {}

  /*
   * The fence every completing statement starts with, as its first CTE named done, written out in
   * each store's statement:
   *   WITH done AS (UPDATE outbox SET status = 'DONE', ... WHERE id = $job AND claim_token = $claim
   *                 AND status = 'PENDING' RETURNING id)
   * It closes the job only while it still carries this attempt's claim; the statement's other
   * writes select FROM done (or test EXISTS), so a stale attempt writes nothing and the statement
   * tells it (0 rows in done, see fenced).
   */

  /**
   * The done fence for many jobs at once ({@link CompletionBatch}): the statement's {@code $1} are
   * the jobs' outbox ids and {@code $2} their claims, in the same order. Each job is
   * closed only while it carries its attempt's claim; {@code done} returns (id, claim) of those,
   * and the statement's writes join it on both, so a stale attempt in the same batch as the
   * current one writes nothing.
   */
  public static String doneEach() {
    // by primary key (= ANY), as RELEASE: joined to the batch's unnest(), the custom plan for a
    // batch
    // hash-joined every PENDING outbox row, and the stores' statements grew with the backlog
    return """
        done AS (
          UPDATE outbox SET status = 'DONE', last_error = NULL, claim_token = NULL, updated_at = now()
           WHERE outbox.id = ANY ($1::bigint[])
             AND outbox.claim_token = ($2::uuid[])[array_position($1::bigint[], outbox.id)]
             AND outbox.status = 'PENDING'
          RETURNING outbox.id, ($2::uuid[])[array_position($1::bigint[], outbox.id)] AS claim)""";
  }

  /** The done fence for a job closed with a note (nothing else written). */
  public static final String DONE = """
      WITH done AS (
        UPDATE outbox SET status = 'DONE', last_error = $3, claim_token = NULL, updated_at = now()
         WHERE id = $1 AND claim_token = $2 AND status = 'PENDING' RETURNING id)
      SELECT count(*) FROM done
      """;

  private final Pool pool;

  public OutboxStore(Pool pool) {
    this.pool = pool;
  }

  public Future<List<Claimed>> claim(String kind, int limit, Duration lease) {
    return pool.preparedQuery(CLAIM)
        .execute(Tuple.of(kind, limit, (double) lease.toSeconds()))
        .map(rows -> {
          List<Claimed> jobs = new ArrayList<>(rows.size());
          for (Row r : rows) {
            jobs.add(new Claimed(
                new OutboxJob(
                    r.getLong("id"),
                    kind,
                    r.getUUID("company_id"),
                    r.getUUID("transaction_id"),
                    r.getInteger("attempts"),
                    r.getUUID("claim_token"),
                    null,
                    r.getString("request_id")),
                r.getBoolean("lease_ran_out")));
          }
          return jobs;
        });
  }

  /** The attempt failed: try again after {@code delay}, with the kind's {@link JobEndings#retry}. */
  public Future<Void> retryLater(OutboxJob job, Duration delay, String error, JobEndings endings) {
    return reschedule(job, delay, false, error, endings);
  }

  /**
   * The job was not attempted after all (no permit for its peer, or the peer's breaker is open):
   * like retryLater, and the claim's attempt is given back, so waiting never eats the retry budget.
   */
  public Future<Void> postpone(OutboxJob job, Duration delay, String error, JobEndings endings) {
    return reschedule(job, delay, true, error, endings);
  }

  /** The job is over without success, with the kind's {@link JobEndings#fail}. */
  public Future<Void> fail(OutboxJob job, String error, JobEndings endings) {
    return pool.preparedQuery(endings.fail())
        .execute(Tuple.of(job.transactionId(), job.id(), truncate(error), job.claim()))
        .mapEmpty();
  }

  private Future<Void> reschedule(
      OutboxJob job, Duration delay, boolean giveBackAttempt, String error, JobEndings endings) {
    return pool.preparedQuery(endings.retry())
        .execute(Tuple.of(
            job.transactionId(),
            job.id(),
            truncate(error),
            job.claim(),
            delay.toMillis() / 1000.0,
            giveBackAttempt ? 1 : 0))
        .mapEmpty();
  }

  /** {@link JobEndings#retry} of a job alone (parameters there); $1 is only read. */
  static final String RETRY = """
      WITH j AS (
        UPDATE outbox
           SET next_attempt_at = now() + make_interval(secs => $5), attempts = attempts - $6,
               last_error = $3, claim_token = NULL, updated_at = now()
         WHERE id = $2 AND status = 'PENDING' AND claim_token = $4)
      SELECT $1::uuid""";

  /** {@link JobEndings#fail} of a job alone (parameters there); $1 is only read. */
  static final String FAIL = """
      WITH j AS (
        UPDATE outbox SET status = 'FAILED', last_error = $3, claim_token = NULL, updated_at = now()
         WHERE id = $2 AND status = 'PENDING' AND claim_token = $4)
      SELECT $1::uuid""";

  /**
   * Gives back the leases of jobs this worker claimed but will not finish (a graceful stop): due
   * again now, their attempt given back, their claim cleared (so the abandoned attempt, should it
   * still answer, is fenced out); a job already finished or claimed again by another worker is
   * left alone.
   */
  // $1 job ids, $2 their claim tokens in the same order. The rows are found by primary key (= ANY):
  // joined to unnest() instead, a custom plan for a few hundred ids hash-joined every PENDING row
  // (168 ms for 800 of 6,000 pending, EXPLAIN ANALYZE; docs/performance.md, "Leases given back")
  static final String RELEASE = """
      UPDATE outbox o
         SET next_attempt_at = now(), attempts = o.attempts - 1, claim_token = NULL, updated_at = now()
       WHERE o.id = ANY ($1::bigint[])
         AND o.claim_token = ($2::uuid[])[array_position($1::bigint[], o.id)]
         AND o.status = 'PENDING'
      """;

  public Future<Integer> release(List<OutboxJob> jobs) {
    Long[] ids = jobs.stream().map(OutboxJob::id).toArray(Long[]::new);
    UUID[] claims = jobs.stream().map(OutboxJob::claim).toArray(UUID[]::new);
    return pool.preparedQuery(RELEASE)
        .execute(Tuple.tuple().addArrayOfLong(ids).addArrayOfUUID(claims))
        .map(rows -> rows.rowCount());
  }

  /** Closes a job with a note, fenced by its claim; fails with {@link StaleAttempt} when the claim is gone. */
  public Future<Void> close(OutboxJob job, String note) {
    return pool.preparedQuery(DONE)
        .execute(Tuple.of(job.id(), job.claim(), note))
        .compose(rows -> fenced(job, rows.iterator().next().getLong(0)));
  }

  /** Succeeds when the completing statement's {@code done} CTE closed the job, else {@link StaleAttempt}. */
  public static Future<Void> fenced(OutboxJob job, long closed) {
    return closed == 1 ? Future.succeededFuture() : Future.failedFuture(new StaleAttempt(job));
  }

  private static final String DEPTH = """
      SELECT kind, count(*) AS depth, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0) AS oldest,
             count(*) FILTER (WHERE created_at < now() - make_interval(secs => $1)) AS overdue
        FROM outbox WHERE status = 'PENDING' GROUP BY kind
      """;

  /** Pending jobs per kind, the age of the oldest, and how many are older than {@code overdue}, for metrics. */
  public Future<List<Row>> depth(Duration overdue) {
    return pool.preparedQuery(DEPTH)
        .execute(Tuple.of((double) overdue.toSeconds()))
        .map(rows -> {
          List<Row> out = new ArrayList<>();
          rows.forEach(out::add);
          return out;
        });
  }

  private static String truncate(String s) {
    if (s == null) {
      return "unknown error";
    }
    return s.length() > 500 ? s.substring(0, 500) : s;
  }
}
