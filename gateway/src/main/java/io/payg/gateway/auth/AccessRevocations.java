package io.payg.gateway.auth;

import io.payg.gateway.company.UserStore;
import io.payg.gateway.http.ApiException;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access tokens of users disabled, demoted or re-passworded are refused within seconds, not
 * when they expire: each instance reloads, every poll interval, the few users whose
 * {@code tokens_valid_after} falls inside one access-token lifetime (older tokens have expired
 * anyway), and checks each request against that map in memory — no query per request. A change
 * made through this instance applies at once.
 */
public final class AccessRevocations {

  private final UserStore users;
  private final Duration tokenTtl;
  private volatile Map<UUID, Instant> revoked = Map.of();
  private final Map<UUID, Instant> local = new ConcurrentHashMap<>();

  public AccessRevocations(UserStore users, Duration tokenTtl) {
    this.users = users;
    this.tokenTtl = tokenTtl;
  }

  /** Reloads the users revoked within one token lifetime. */
  public Future<Void> reload() {
    // the system clock, as the tokens' iat and exp are
    Instant horizon = Instant.now().minus(tokenTtl).minusSeconds(60);
    return users.revokedSince(horizon).map(m -> {
      revoked = Map.copyOf(m);
      local.entrySet().removeIf(e -> e.getValue().isBefore(horizon));
      return null;
    });
  }

  /** A change made here: refused on this instance at once, on the others at their next reload. */
  public void revokeNow(UUID userId, Instant at) {
    local.put(userId, at);
  }

  /** The route handler after JWT verification: 401 TOKEN_REVOKED for a token older than its user's last change. */
  public void check(RoutingContext ctx) {
    if (ctx.user() != null && ctx.user().principal() != null) {
      String sub = ctx.user().principal().getString("sub");
      // vertx-auth-jwt keeps the time claims among the user's attributes, not in the principal;
      // our tokens also carry iat_ms, since a change and a fresh token often fall in one second
      Object millis = ctx.user().get(AccessTokens.ISSUED_AT_MILLIS);
      Object seconds = ctx.user().get("iat");
      Long issuedMs = millis instanceof Number n
          ? n.longValue()
          : seconds instanceof Number n
              ? n.longValue() * 1000 + 999
              : null; // seconds: the whole second counts
      UUID id = parse(sub);
      Instant after = id == null ? null : latest(revoked.get(id), local.get(id));
      if (after != null && (issuedMs == null || issuedMs <= after.toEpochMilli())) {
        ctx.fail(
            new ApiException(
                401,
                "TOKEN_REVOKED",
                "This access token was issued before the user's access changed; refresh or log in again"));
        return;
      }
    }
    ctx.next();
  }

  private static Instant latest(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
  }

  private static UUID parse(String s) {
    try {
      return s == null ? null : UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
