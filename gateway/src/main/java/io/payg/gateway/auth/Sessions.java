package io.payg.gateway.auth;

import io.payg.gateway.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * A login session: a short-lived access token (JWT) and a long-lived opaque refresh token that
 * is replaced at every use (rotation). The refresh token is 256 random bits; the database keeps
 * only its SHA-256, so a dump of it opens no session.
 */
public final class Sessions {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final AccessTokens access;
  private final RefreshTokenStore store;
  private final Duration refreshTtl;
  private final Duration grace;
  private final Clock clock;

  /** @param grace REFRESH_GRACE_SECONDS: how long a rotated token may be presented again after a lost answer */
  public Sessions(
      AccessTokens access,
      RefreshTokenStore store,
      Duration refreshTtl,
      Duration grace,
      Clock clock) {
    this.access = access;
    this.store = store;
    this.refreshTtl = refreshTtl;
    this.grace = grace;
    this.clock = clock;
  }

  /** After a correct password: a new session (a new refresh-token family). */
  public Future<JsonObject> start(Caller caller) {
    String refresh = newToken();
    Instant now = clock.instant();
    return store
        .start(UUID.randomUUID(), sha256(refresh), caller.userId(), now, now.plus(refreshTtl))
        .compose(ok ->
            ok ? Future.succeededFuture(pair(caller, refresh)) : Future.failedFuture(disabled()));
  }

  /**
   * A new pair for a live refresh token; the presented one is spent whatever happens. A token
   * rotated less than the grace ago whose successor is unused is a retry after a lost answer: a
   * fresh pair, the unreceived successor revoked. Anything else presented twice revokes the family.
   */
  public Future<JsonObject> refresh(String refreshToken) {
    String next = newToken();
    Instant now = clock.instant();
    byte[] hash = sha256(refreshToken);
    return store
        .rotate(hash, UUID.randomUUID(), sha256(next), now, now.plus(refreshTtl))
        .compose(caller -> caller != null
            ? Future.succeededFuture(caller)
            : store.regrant(
                hash, UUID.randomUUID(), sha256(next), now, now.plus(refreshTtl), grace))
        .compose(caller -> caller != null
            ? Future.succeededFuture(pair(caller, next))
            : store.whyRefused(hash, now).compose(why -> Future.failedFuture(refused(why))));
  }

  public Future<Void> logout(String refreshToken) {
    return store.revokeFamily(sha256(refreshToken), clock.instant()).mapEmpty();
  }

  public static ApiException disabled() {
    return new ApiException(
        403, "USER_DISABLED", "This user is disabled; ask an admin of your company");
  }

  private JsonObject pair(Caller caller, String refresh) {
    return access
        .issue(caller)
        .put("refreshToken", refresh)
        .put("refreshExpiresIn", refreshTtl.toSeconds());
  }

  private static ApiException refused(RefreshTokenStore.Refusal why) {
    return switch (why) {
      case EXPIRED ->
        new ApiException(
            401, "REFRESH_TOKEN_EXPIRED", "The refresh token has expired; log in again");
      case ROTATED ->
        new ApiException(
            401,
            "REFRESH_TOKEN_REUSED",
            "This refresh token was already used; the session is revoked everywhere. Log in again");
      case REVOKED ->
        new ApiException(401, "REFRESH_TOKEN_REVOKED", "This session was ended; log in again");
      case USER_CHANGED ->
        new ApiException(
            401,
            "REFRESH_TOKEN_REVOKED",
            "The user was disabled or their password changed; log in again");
      case UNKNOWN ->
        new ApiException(401, "REFRESH_TOKEN_INVALID", "The refresh token is not valid");
    };
  }

  private static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
