package io.payg.peer;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Bearer tokens (OAuth2 client credentials, a login's token) shared by every call of one client
 * (MTN MoMo, Airtel, SunKing, Steama): the
 * cache holds the token's {@link Future}, so concurrent callers wait for one token request; a
 * token is renewed {@link #refreshMargin shortly before} it expires, when the credentials change
 * (compared as a digest, never stored in clear), and when the caller {@link #invalidate}s it
 * after the provider refused it (401). A failed fetch is not cached.
 */
public final class TokenCache {

  /** A token as the provider issued it. */
  public record Fetched(String accessToken, long expiresInSeconds) {

    /** A token the peer gives no lifetime for (Steama's login): kept until the peer refuses it. */
    public static Fetched withoutExpiry(String accessToken) {
      return new Fetched(accessToken, Long.MAX_VALUE / 1_000_000_000L);
    }
  }

  /** One token (or the request for it); {@code deadline} is valid once {@code fetched}. */
  public static final class Entry {
    private final byte[] credentials;
    private final Future<String> token;
    private volatile long deadline;
    private volatile boolean fetched;

    private Entry(byte[] credentials, Future<String> token) {
      this.credentials = credentials;
      this.token = token;
    }

    public Future<String> token() {
      return token;
    }

    private boolean usable(byte[] credentials, long now) {
      return MessageDigest.isEqual(this.credentials, credentials)
          && (!fetched || deadline - now > 0);
    }
  }

  private final ConcurrentHashMap<String, Entry> tokens = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;

  /** @param nanoTime the monotonic clock that ages tokens ({@code System::nanoTime}; tests move it) */
  public TokenCache(LongSupplier nanoTime) {
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /** How long before {@code expires_in} a token is renewed: a tenth of its life, at most a minute. */
  public static long refreshMargin(long expiresInSeconds) {
    return Math.min(60, expiresInSeconds / 10);
  }

  /** SHA-256 of the credentials' parts: what the cache compares instead of the secrets. */
  public static byte[] digest(String... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        sha.update(part.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The token of {@code client} (e.g. base URL + client id), fetching one with {@code fetch}
   * when there is none usable for these {@code credentials}.
   */
  public Entry get(String client, byte[] credentials, Supplier<Future<Fetched>> fetch) {
    long now = nanoTime.getAsLong();
    Promise<String> promise = Promise.promise();
    Entry mine = new Entry(credentials, promise.future());
    Entry chosen = tokens.compute(
        client,
        (k, current) -> current != null && current.usable(credentials, now) ? current : mine);
    if (chosen == mine) {
      // outside compute: a synchronous failure must not touch the map from inside it
      fetch.get().onComplete(ar -> {
        if (ar.succeeded()) {
          long lifetime = ar.result().expiresInSeconds();
          mine.deadline = now + TimeUnit.SECONDS.toNanos(lifetime - refreshMargin(lifetime));
          mine.fetched = true;
          promise.complete(ar.result().accessToken());
        } else {
          tokens.remove(client, mine);
          promise.fail(ar.cause());
        }
      });
    }
    return chosen;
  }

  /** Drops {@code entry} (the provider refused its token); a newer entry is left alone. */
  public void invalidate(String client, Entry entry) {
    tokens.remove(client, entry);
  }
}
