package io.payg.gateway.auth;

import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
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

  private final LoginAttemptStore store;

  public LoginAttempts(Pool pool) {
    this.store = new LoginAttemptStore(pool);
  }

  /** Counts an attempt and answers 0, or answers the seconds to wait (nothing counted). */
  public Future<Long> reserve(String email, String source) {
    TreeMap<String, Limit> keys = keys(email, source); // sorted: rows are locked in one order
    return store.inTransaction(conn -> store
        .lock(conn, new ArrayList<>(keys.keySet()), WINDOW)
        .compose(rows -> {
          double wait = 0;
          List<String> updated = new ArrayList<>();
          List<Integer> failures = new ArrayList<>();
          List<Double> delays = new ArrayList<>();
          for (LoginAttemptStore.Count r : rows) {
            wait = Math.max(wait, r.stale() ? 0 : r.waitSeconds());
            int count = (r.stale() ? 0 : r.failures()) + 1;
            updated.add(r.key());
            failures.add(count);
            delays.add((double) keys.get(r.key()).delaySeconds(count));
          }
          if (wait > 0) {
            return Future.succeededFuture((long) Math.ceil(wait));
          }
          return store.record(conn, updated, failures, delays).map(0L);
        }));
  }

  /** The password was right: the email starts afresh, the source gets this attempt back. */
  public Future<Void> succeeded(String email, String source) {
    return store.succeeded(emailKey(email), sourceKey(source));
  }

  /**
   * Counts a sign-up from {@code source} in its hour (kept by {@link #prune} until the hour ends).
   *
   * @return 0 when the sign-up may go on, else the seconds until the source's window ends
   */
  public Future<Long> reserveSignUp(String source, int perHour) {
    return store
        .countSignUp("signup:" + sourceKey(source).substring("source:".length()))
        .map(n -> n.count() > perHour ? Math.max(1, n.waitSeconds()) : 0L);
  }

  /** Forgets rows whose window is over (a spray of random emails must not grow the table). */
  public Future<Void> prune() {
    return store.prune(WINDOW);
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
      byte[] literal = NetUtil.createByteArrayFromIpAddressString(address);
      if (literal != null && InetAddress.getByAddress(literal) instanceof Inet6Address) {
        for (int i = 8; i < 16; i++) {
          literal[i] = 0;
        }
        return "source:" + InetAddress.getByAddress(literal).getHostAddress() + "/64";
      }
    } catch (UnknownHostException e) {
      // not a literal: keep the text as it is
    }
    return "source:" + address;
  }
}
