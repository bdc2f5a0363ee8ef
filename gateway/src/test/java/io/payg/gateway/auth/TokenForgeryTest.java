package io.payg.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Access tokens are ES256 with the configured pair: tokens signed with another key, with no
 * signature ({@code alg: none}), "signed" with HS256 using the public key as the secret
 * (algorithm confusion), or expired are all refused with 401, while the real one works.
 */
class TokenForgeryTest {

  static GatewayFixture gw;
  static GatewayFixture.Company acme;
  static JsonObject
      claims; // the claims of a real admin token: only the signature or time is wrong below

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(TokenForgeryTest.class);
    acme = gw.company("Acme Keys");
    claims = new JsonObject(new String(
        Base64.getUrlDecoder().decode(acme.adminToken().split("\\.")[1]), StandardCharsets.UTF_8));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void theRealTokenIsES256AndWorks() {
    assertEquals("ES256", header(acme.adminToken()).getString("alg"));
    assertEquals(200, call(acme.adminToken()).statusCode());
    // and the same claims re-signed with the configured key work too (the forgeries below differ
    // only as they say)
    assertEquals(
        200,
        call(sign(GatewayFixture.JWT_KEYS, claims.copy().put("exp", now() + 300)))
            .statusCode());
  }

  /** vertx-auth-jwt alone accepted a valid token with characters appended to its signature. */
  @Test
  void aValidTokenWithAnythingAppendedToItsSignatureIs401() {
    String real = acme.adminToken();
    for (String suffix : new String[] {"x", "A", "AA", "==", "AAAA"}) {
      assertUnauthenticated(call(real + suffix));
    }
    assertEquals(200, call(real).statusCode());
  }

  @Test
  void aTokenSignedWithAnotherKeyIs401() {
    String forged = sign(SigningKeys.generateEs256(), claims.copy().put("exp", now() + 300));
    assertUnauthenticated(call(forged));
  }

  @Test
  void anUnsignedAlgNoneTokenIs401() {
    String none = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(claims.encode()) + ".";
    assertUnauthenticated(call(none));
  }

  @Test
  void anHs256TokenForgedWithThePublicKeyIs401() throws Exception {
    String signingInput = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + b64(claims.encode());
    for (String secret : new String[] {
      GatewayFixture.JWT_KEYS.publicKeyPem(), GatewayFixture.JWT_KEYS.publicKeyPem() + "\n"
    }) {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
      String sig = Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
      assertUnauthenticated(call(signingInput + "." + sig));
    }
  }

  @Test
  void anExpiredTokenSignedWithTheRightKeyIs401() {
    String expired = sign(GatewayFixture.JWT_KEYS, claims.copy().put("exp", now() - 60));
    assertUnauthenticated(call(expired));
  }

  private static String sign(SigningKeys.PemPair keys, JsonObject payload) {
    JWTAuth jwt = JWTAuth.create(
        gw.app.vertx(),
        new JWTAuthOptions()
            .addPubSecKey(
                new PubSecKeyOptions().setAlgorithm("ES256").setBuffer(keys.publicKeyPem()))
            .addPubSecKey(
                new PubSecKeyOptions().setAlgorithm("ES256").setBuffer(keys.privateKeyPem())));
    payload.remove("iat");
    return jwt.generateToken(payload, new JWTOptions().setAlgorithm("ES256"));
  }

  private static HttpResponse<Buffer> call(String token) {
    return gw.get("/api/v1/clusters", token);
  }

  private static void assertUnauthenticated(HttpResponse<Buffer> r) {
    assertEquals(401, r.statusCode(), r.bodyAsString());
    assertEquals("UNAUTHENTICATED", r.bodyAsJsonObject().getString("code"));
  }

  private static JsonObject header(String token) {
    return new JsonObject(
        new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8));
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
