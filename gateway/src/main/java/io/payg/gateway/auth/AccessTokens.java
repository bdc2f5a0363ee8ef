package io.payg.gateway.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;

/** Issues and verifies the gateway's access tokens (JWT, HS256 from JWT_SECRET). */
public final class AccessTokens {

  private static final String ISSUER = "payg-gateway";
  private final JWTAuth auth;
  private final Duration ttl;

  public AccessTokens(Vertx vertx, String secret, Duration ttl) {
    this.auth = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))
        .setJWTOptions(new JWTOptions().setIssuer(ISSUER)));
    this.ttl = ttl;
  }

  public JWTAuth provider() {
    return auth;
  }

  public JsonObject issue(Caller caller) {
    String token = auth.generateToken(caller.claims(), new JWTOptions()
        .setAlgorithm("HS256").setIssuer(ISSUER).setExpiresInSeconds((int) ttl.toSeconds()));
    return new JsonObject().put("accessToken", token).put("tokenType", "Bearer")
        .put("expiresIn", ttl.toSeconds()).put("role", caller.role().name())
        .put("companyId", caller.companyId().toString()).put("userId", caller.userId().toString());
  }
}
