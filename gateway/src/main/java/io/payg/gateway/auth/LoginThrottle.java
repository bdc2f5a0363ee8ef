package io.payg.gateway.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Against password guessing: after {@code maxFailures} wrong passwords for one email within
 * {@code window}, logins for that email are refused (429) until the window has passed. Kept
 * per gateway instance, in memory: across N instances an attacker gets at most N × maxFailures
 * guesses per window, still far too few against bcrypt-hashed 10+ character passwords.
 */
public final class LoginThrottle {

  private record Failures(int count, Instant since) {}

  private final int maxFailures;
  private final Duration window;
  private final Clock clock;
  private final Map<String, Failures> failures = new ConcurrentHashMap<>();

  public LoginThrottle(int maxFailures, Duration window, Clock clock) {
    this.maxFailures = maxFailures;
    this.window = window;
    this.clock = clock;
  }

  /** Seconds to wait before this email may try again, or 0. */
  public long retryAfterSeconds(String email) {
    Failures f = failures.get(key(email));
    if (f == null || f.count() < maxFailures) {
      return 0;
    }
    Duration left = Duration.between(clock.instant(), f.since().plus(window));
    if (left.isNegative() || left.isZero()) {
      failures.remove(key(email), f);
      return 0;
    }
    return Math.max(1, left.toSeconds());
  }

  public void failed(String email) {
    Instant now = clock.instant();
    failures.merge(
        key(email),
        new Failures(1, now),
        (old, one) -> old.since().plus(window).isBefore(now)
            ? one
            : new Failures(old.count() + 1, old.since()));
    if (failures.size() > 100_000) {
      // bounded memory under a spray of random emails: forget windows that are over
      failures.entrySet().removeIf(e -> e.getValue().since().plus(window).isBefore(now));
    }
  }

  public void succeeded(String email) {
    failures.remove(key(email));
  }

  private static String key(String email) {
    return email.toLowerCase(Locale.ROOT);
  }
}
