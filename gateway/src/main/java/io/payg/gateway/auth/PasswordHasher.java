package io.payg.gateway.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.payg.gateway.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * bcrypt (at.favre.lib), deliberately slow: hashing runs on a worker thread, never on the
 * event loop.
 */
public final class PasswordHasher {

  /** bcrypt reads at most 72 bytes: a longer password would be silently cut, so it is refused. */
  public static final int MAX_BYTES = 72;

  private final Vertx vertx;
  private final int cost;
  /**
   * A hash to compare against when the email is unknown, at the configured cost, so that the
   * time of a login does not tell whether the email exists.
   */
  private final byte[] dummy;

  private final int strangerJobs;
  private final AtomicInteger strangersRunning = new AtomicInteger();

  public PasswordHasher(Vertx vertx, int cost) {
    this(vertx, cost, Integer.MAX_VALUE);
  }

  /** @param strangerJobs UNAUTHENTICATED_BCRYPT_JOBS: sign-ups and logins hashing at once in this instance */
  public PasswordHasher(Vertx vertx, int cost, int strangerJobs) {
    this.vertx = vertx;
    this.cost = cost;
    this.strangerJobs = strangerJobs;
    this.dummy = BCrypt.withDefaults()
        .hash(cost, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Work an unauthenticated caller asks for (sign-up, login): runs only while fewer than
   * UNAUTHENTICATED_BCRYPT_JOBS such jobs run, else fails at once with 429 {@code BUSY}. Refusing
   * rather than queueing keeps a flood of guesses from filling the worker pool that
   * authenticated work and the outbox share.
   */
  public <T> Future<T> forStranger(Supplier<Future<T>> work) {
    if (strangersRunning.incrementAndGet() > strangerJobs) {
      strangersRunning.decrementAndGet();
      return Future.failedFuture(
          new ApiException(429, "BUSY", "Too many sign-ups and logins at once; retry in a second")
              .retryAfter(1));
    }
    Future<T> running;
    try {
      running = work.get();
    } catch (RuntimeException e) {
      running = Future.failedFuture(e);
    }
    return running.andThen(done -> strangersRunning.decrementAndGet());
  }

  /** Fails with 400 {@code PASSWORD_TOO_LONG} over {@link #MAX_BYTES} UTF-8 bytes. */
  public Future<String> hash(String password) {
    if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      return Future.failedFuture(new ApiException(
          400, "PASSWORD_TOO_LONG", "A password is at most " + MAX_BYTES + " bytes (UTF-8)"));
    }
    return vertx.executeBlocking(
        () -> BCrypt.withDefaults().hashToString(cost, password.toCharArray()), false);
  }

  /** @param hash null when the user is unknown: the comparison still takes its usual time */
  public Future<Boolean> verify(String password, String hash) {
    byte[] typed = password.getBytes(StandardCharsets.UTF_8);
    // a password no hash can hold is compared as a wrong one, in the same time
    boolean possible = typed.length <= MAX_BYTES;
    return vertx.executeBlocking(
        () -> {
          byte[] candidate = possible ? typed : Arrays.copyOf(typed, MAX_BYTES);
          boolean ok = BCrypt.verifyer()
              .verify(candidate, hash == null ? dummy : hash.getBytes(StandardCharsets.UTF_8))
              .verified;
          return ok && hash != null && possible;
        },
        false);
  }
}
