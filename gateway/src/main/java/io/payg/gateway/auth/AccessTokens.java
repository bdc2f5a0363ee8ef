package io.payg.gateway.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/** Issues and verifies the gateway's short-lived access tokens (JWT signed with {@link SigningKeys}). */
public final class AccessTokens {

  private static final String ISSUER = "payg-gateway";
  /** Who the tokens are for: a token minted for another audience by a shared key is not ours. */
  static final String AUDIENCE = "payg-gateway-api";
  /** Seconds of clock skew between instances tolerated on exp / iat / nbf. */
  static final int LEEWAY_SECONDS = 30;
  /** When the token was issued, in milliseconds (iat has whole seconds): for access revocations. */
  static final String ISSUED_AT_MILLIS = "iat_ms";

  private final JWTAuth auth;
  private final String algorithm;
  private final Duration ttl;
  private final int signatureChars;

  public AccessTokens(Vertx vertx, SigningKeys keys, Duration ttl) {
    JWTAuthOptions options = new JWTAuthOptions()
        .setJWTOptions(new JWTOptions()
            .setIssuer(ISSUER)
            .setAudience(List.of(AUDIENCE))
            .setLeeway(LEEWAY_SECONDS));
    keys.keys().forEach(options::addPubSecKey);
    this.auth = JWTAuth.create(vertx, options);
    this.algorithm = keys.algorithm();
    this.ttl = ttl;
    this.signatureChars = (keys.signatureBytes() * 4 + 2) / 3; // unpadded base64url
  }

  /**
   * Refuses (401) a bearer token whose signature segment is not exactly one signature of our
   * algorithm in canonical base64url. vertx-auth-jwt ignores trailing characters after a valid
   * signature, so "token + x" verified: harmless (the claims stay signed) but a token must have
   * one spelling, or revocation lists, logs and caches keyed by token can be sidestepped.
   */
  public void refuseNonCanonical(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = header.substring(7).trim();
      String signature = token.substring(token.lastIndexOf('.') + 1);
      if (signature.length() != signatureChars || !canonical(signature)) {
        ctx.fail(401);
        return;
      }
    }
    ctx.next();
  }

  private static boolean canonical(String base64url) {
    try {
      byte[] raw = Base64.getUrlDecoder().decode(base64url);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(raw).equals(base64url);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public JWTAuth provider() {
    return auth;
  }

  public Duration ttl() {
    return ttl;
  }

  public JsonObject issue(Caller caller) {
    String token = auth.generateToken(
        caller.claims().put(ISSUED_AT_MILLIS, System.currentTimeMillis()),
        new JWTOptions()
            .setAlgorithm(algorithm)
            .setIssuer(ISSUER)
            .setAudience(List.of(AUDIENCE))
            .setExpiresInSeconds((int) ttl.toSeconds()));
    return new JsonObject()
        .put("accessToken", token)
        .put("tokenType", "Bearer")
        .put("expiresIn", ttl.toSeconds())
        .put("role", caller.role().name())
        .put("companyId", caller.companyId().toString())
        .put("userId", caller.userId().toString());
  }
}
