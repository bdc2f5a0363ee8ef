package io.payg.gateway.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;

/** Issues and verifies the gateway's short-lived access tokens (JWT signed with {@link SigningKeys}). */
public final class AccessTokens {

  private static final String ISSUER = "payg-gateway";
  private final JWTAuth auth;
  private final String algorithm;
  private final Duration ttl;

  public AccessTokens(Vertx vertx, SigningKeys keys, Duration ttl) {
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions().setIssuer(ISSUER));
    keys.keys().forEach(options::addPubSecKey);
    this.auth = JWTAuth.create(vertx, options);
    this.algorithm = keys.algorithm();
    this.ttl = ttl;
  }

  public JWTAuth provider() {
    return auth;
  }

  public Duration ttl() {
    return ttl;
  }

  public JsonObject issue(Caller caller) {
    String token = auth.generateToken(caller.claims(), new JWTOptions()
        .setAlgorithm(algorithm).setIssuer(ISSUER).setExpiresInSeconds((int) ttl.toSeconds()));
    return new JsonObject().put("accessToken", token).put("tokenType", "Bearer")
        .put("expiresIn", ttl.toSeconds()).put("role", caller.role().name())
        .put("companyId", caller.companyId().toString()).put("userId", caller.userId().toString());
  }
}
