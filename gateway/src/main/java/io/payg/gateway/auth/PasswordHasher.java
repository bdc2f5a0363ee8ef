package io.payg.gateway.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;

/**
 * bcrypt (at.favre.lib), deliberately slow: hashing runs on a worker thread, never on the
 * event loop.
 */
public final class PasswordHasher {

  /** A hash to compare against when the email is unknown, so timing does not reveal it. */
  private static final String DUMMY = "$2a$10$7EqJtq98hPqEX7fNZaFWoOHi5BwFvHdKuQe3KUvFVx3ZK6m5ID4Ta";

  private final Vertx vertx;
  private final int cost;

  public PasswordHasher(Vertx vertx, int cost) {
    this.vertx = vertx;
    this.cost = cost;
  }

  public Future<String> hash(String password) {
    return vertx.executeBlocking(
        () -> BCrypt.withDefaults().hashToString(cost, password.toCharArray()), false);
  }

  /** @param hash null when the user is unknown: the comparison still takes its usual time */
  public Future<Boolean> verify(String password, String hash) {
    return vertx.executeBlocking(() -> {
      boolean ok = BCrypt.verifyer()
          .verify(password.getBytes(StandardCharsets.UTF_8), (hash == null ? DUMMY : hash).getBytes(StandardCharsets.UTF_8))
          .verified;
      return ok && hash != null;
    }, false);
  }
}
