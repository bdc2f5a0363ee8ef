package io.payg.gateway.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Login throttling kept in PostgreSQL (table {@code login_attempts}), so it holds across gateway
 * instances and restarts. Each login first reserves an attempt for its email and for its source
 * address in one locked step, before the (slow, asynchronous) password check: parallel guesses
 * queue on the rows and each sees the others' counts. A correct password gives its attempt back.
 *
 * <p>After {@link Limit#free()} failures within {@link #WINDOW}, each attempt must wait a delay
 * that doubles from one second up to {@link Limit#cap()}: guessing slows to one try per cap, and
 * a stranger can never lock a user out for longer than the cap (no hard lock-out). The source
 * limit (per IPv4 address, per IPv6 /64) bounds the password checks one machine can cause
 * across many emails.
 */
public final class LoginAttempts {

  /** Free failures, then a delay doubling from 1 s up to {@code cap}. */
  public record Limit(int free, Duration cap) {
    long delaySeconds(int failures) {
      if (failures < free) {
        return 0;
      }
      int doublings = Math.min(failures - free, 20);
      return Math.min(cap.toSeconds(), 1L << doublings);
    }
  }

  /** Failures older than this are forgotten. */
  public static final Duration WINDOW = Duration.ofMinutes(15);
  public static final Limit EMAIL = new Limit(5, Duration.ofSeconds(60));
  public static final Limit SOURCE = new Limit(50, Duration.ofSeconds(300));

  private final Pool pool;

  public LoginAttempts(Pool pool) {
    this.pool = pool;
  }

  /** Counts an attempt and answers 0, or answers the seconds to wait (nothing counted). */
  public Future<Long> reserve(String email, String source) {
    TreeMap<String, Limit> keys = keys(email, source); // sorted: rows are locked in one order
    List<String> names = new ArrayList<>(keys.keySet());
    String[] array = names.toArray(String[]::new);
    return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO login_attempts (key, failures, next_allowed_at, "
                + "updated_at) SELECT k, 0, now(), now() FROM unnest($1::text[]) AS k ORDER BY k ON CONFLICT (key) DO NOTHING")
            .execute(Tuple.of(array))
            .compose(x -> conn.preparedQuery("SELECT key, failures, EXTRACT(EPOCH FROM next_allowed_at - now()) AS wait, "
                    + "updated_at < now() - make_interval(secs => $2) AS stale FROM login_attempts "
                    + "WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE")
                .execute(Tuple.of(array, (double) WINDOW.toSeconds())))
            .compose(rows -> {
              double wait = 0;
              List<Integer> failures = new ArrayList<>();
              List<Double> delays = new ArrayList<>();
              List<String> updated = new ArrayList<>();
              for (Row r : rows) {
                boolean stale = r.getBoolean("stale");
                wait = Math.max(wait, stale ? 0 : r.getDouble("wait"));
                int count = (stale ? 0 : r.getInteger("failures")) + 1;
                updated.add(r.getString("key"));
                failures.add(count);
                delays.add((double) keys.get(r.getString("key")).delaySeconds(count));
              }
              if (wait > 0) {
                return Future.succeededFuture((long) Math.ceil(wait));
              }
              return conn.preparedQuery("UPDATE login_attempts a SET failures = v.failures, "
                      + "next_allowed_at = now() + make_interval(secs => v.delay), updated_at = now() "
                      + "FROM (SELECT unnest($1::text[]) AS key, unnest($2::int[]) AS failures, "
                      + "unnest($3::float8[]) AS delay) v WHERE a.key = v.key")
                  .execute(Tuple.of(updated.toArray(String[]::new), failures.toArray(Integer[]::new),
                      delays.toArray(Double[]::new)))
                  .map(0L);
            }));
  }

  /** The password was right: the email starts afresh, the source gets this attempt back. */
  public Future<Void> succeeded(String email, String source) {
    return pool.preparedQuery("UPDATE login_attempts SET failures = CASE WHEN key = $1 THEN 0 ELSE GREATEST(failures - 1, 0) END, "
            + "next_allowed_at = CASE WHEN key = $1 THEN now() ELSE next_allowed_at END, updated_at = now() "
            + "WHERE key = $1 OR key = $2")
        .execute(Tuple.of(emailKey(email), sourceKey(source))).mapEmpty();
  }

  /**
   * Counts a sign-up from {@code source} in its hour (the row's {@code updated_at} is the start of
   * the window, {@code next_allowed_at} its end, so {@link #prune} keeps it until then).
   *
   * @return 0 when the sign-up may go on, else the seconds until the source's window ends
   */
  public Future<Long> reserveSignUp(String source, int perHour) {
    return pool.preparedQuery("INSERT INTO login_attempts AS a (key, failures, next_allowed_at, updated_at)"
            + " VALUES ($1, 1, now() + interval '1 hour', now()) ON CONFLICT (key) DO UPDATE SET"
            + " failures = CASE WHEN a.next_allowed_at <= now() THEN 1 ELSE a.failures + 1 END,"
            + " updated_at = CASE WHEN a.next_allowed_at <= now() THEN now() ELSE a.updated_at END,"
            + " next_allowed_at = CASE WHEN a.next_allowed_at <= now() THEN now() + interval '1 hour' ELSE a.next_allowed_at END"
            + " RETURNING failures, CEIL(EXTRACT(EPOCH FROM a.next_allowed_at - now()))::bigint AS wait")
        .execute(Tuple.of("signup:" + sourceKey(source).substring("source:".length())))
        .map(rows -> {
          Row r = rows.iterator().next();
          return r.getInteger("failures") > perHour ? Math.max(1, r.getLong("wait")) : 0L;
        });
  }

  /** Forgets rows whose window is over (a spray of random emails must not grow the table). */
  public Future<Void> prune() {
    return pool.preparedQuery("DELETE FROM login_attempts WHERE updated_at < now() - make_interval(secs => $1) "
            + "AND next_allowed_at < now()")
        .execute(Tuple.of((double) WINDOW.toSeconds())).mapEmpty();
  }

  private static TreeMap<String, Limit> keys(String email, String source) {
    TreeMap<String, Limit> keys = new TreeMap<>();
    keys.put(emailKey(email), EMAIL);
    keys.put(sourceKey(source), SOURCE);
    return keys;
  }

  private static String emailKey(String email) {
    return "email:" + email.toLowerCase(Locale.ROOT);
  }

  /** The source address; IPv6 by its /64, which one subscriber usually holds whole. */
  static String sourceKey(String address) {
    if (address == null) {
      return "source:unknown";
    }
    try {
      byte[] literal = io.netty.util.NetUtil.createByteArrayFromIpAddressString(address);
      if (literal != null && InetAddress.getByAddress(literal) instanceof Inet6Address) {
        for (int i = 8; i < 16; i++) {
          literal[i] = 0;
        }
        return "source:" + InetAddress.getByAddress(literal).getHostAddress() + "/64";
      }
    } catch (java.net.UnknownHostException e) {
      // not a literal: keep the text as it is
    }
    return "source:" + address;
  }
}
