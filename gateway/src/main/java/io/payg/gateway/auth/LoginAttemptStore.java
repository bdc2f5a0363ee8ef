package io.payg.gateway.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** SQL of {@code login_attempts}: one row per throttled key (an email, a source, a source's sign-ups). */
final class LoginAttemptStore {

  /** A key's row as locked: its failures, the seconds it must still wait, and whether its window is over. */
  record Count(String key, int failures, double waitSeconds, boolean stale) {}

  /** Sign-ups counted in the source's hour, and the seconds until that hour ends. */
  record SignUps(int count, long waitSeconds) {}

  private static final String ENSURE = """
      INSERT INTO login_attempts (key, failures, next_allowed_at, updated_at)
      SELECT k, 0, now(), now() FROM unnest($1::text[]) AS k ORDER BY k
      ON CONFLICT (key) DO NOTHING""";

  /** Locked in key order, so two logins sharing a key queue instead of deadlocking. $2: the window in seconds. */
  private static final String LOCK = """
      SELECT key, failures, EXTRACT(EPOCH FROM next_allowed_at - now()) AS wait,
             updated_at < now() - make_interval(secs => $2) AS stale
        FROM login_attempts
       WHERE key = ANY($1::text[])
       ORDER BY key FOR UPDATE""";

  private static final String RECORD = """
      UPDATE login_attempts a
         SET failures = v.failures, next_allowed_at = now() + make_interval(secs => v.delay), updated_at = now()
        FROM (SELECT unnest($1::text[]) AS key, unnest($2::int[]) AS failures, unnest($3::float8[]) AS delay) v
       WHERE a.key = v.key""";

  /** $1 the email's key (starts afresh), $2 the source's (gets one attempt back). */
  private static final String SUCCEEDED = """
      UPDATE login_attempts
         SET failures = CASE WHEN key = $1 THEN 0 ELSE GREATEST(failures - 1, 0) END,
             next_allowed_at = CASE WHEN key = $1 THEN now() ELSE next_allowed_at END,
             updated_at = now()
       WHERE key = $1 OR key = $2""";

  /** The row's updated_at is the start of the source's hour, next_allowed_at its end. */
  private static final String COUNT_SIGN_UP = """
      INSERT INTO login_attempts AS a (key, failures, next_allowed_at, updated_at)
      VALUES ($1, 1, now() + interval '1 hour', now())
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN a.next_allowed_at <= now() THEN 1 ELSE a.failures + 1 END,
        updated_at = CASE WHEN a.next_allowed_at <= now() THEN now() ELSE a.updated_at END,
        next_allowed_at = CASE WHEN a.next_allowed_at <= now() THEN now() + interval '1 hour' ELSE a.next_allowed_at END
      RETURNING failures, CEIL(EXTRACT(EPOCH FROM a.next_allowed_at - now()))::bigint AS wait""";

  private static final String PRUNE = """
      DELETE FROM login_attempts
       WHERE updated_at < now() - make_interval(secs => $1) AND next_allowed_at < now()""";

  private final Pool pool;

  LoginAttemptStore(Pool pool) {
    this.pool = pool;
  }

  <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(work);
  }

  /** Creates the keys' rows if missing and locks them; inside {@link #inTransaction}. */
  Future<List<Count>> lock(SqlConnection conn, List<String> keys, Duration window) {
    String[] array = keys.toArray(String[]::new);
    return conn.preparedQuery(ENSURE)
        .execute(Tuple.of(array))
        .compose(
            x -> conn.preparedQuery(LOCK).execute(Tuple.of(array, (double) window.toSeconds())))
        .map(rows -> {
          List<Count> counts = new ArrayList<>();
          for (Row r : rows) {
            counts.add(new Count(
                r.getString("key"),
                r.getInteger("failures"),
                r.getDouble("wait"),
                r.getBoolean("stale")));
          }
          return counts;
        });
  }

  /** Stores each key's new failure count and its delay before the next attempt, in seconds. */
  Future<Void> record(
      SqlConnection conn, List<String> keys, List<Integer> failures, List<Double> delays) {
    return conn.preparedQuery(RECORD)
        .execute(Tuple.of(
            keys.toArray(String[]::new),
            failures.toArray(Integer[]::new),
            delays.toArray(Double[]::new)))
        .mapEmpty();
  }

  Future<Void> succeeded(String emailKey, String sourceKey) {
    return pool.preparedQuery(SUCCEEDED).execute(Tuple.of(emailKey, sourceKey)).mapEmpty();
  }

  Future<SignUps> countSignUp(String key) {
    return pool.preparedQuery(COUNT_SIGN_UP).execute(Tuple.of(key)).map(rows -> {
      Row r = rows.iterator().next();
      return new SignUps(r.getInteger("failures"), r.getLong("wait"));
    });
  }

  Future<Void> prune(Duration window) {
    return pool.preparedQuery(PRUNE)
        .execute(Tuple.of((double) window.toSeconds()))
        .mapEmpty();
  }
}
