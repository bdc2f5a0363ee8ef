package io.payg.gateway.support;

import io.payg.gateway.auth.SigningKeys;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;

/**
 * The one place tests mint access tokens by hand: a valid one (the control, built exactly as the
 * gateway builds its own: ES256 with the configured key pair), and every way an attacker can get
 * one wrong. The production tokens' algorithm lives here only.
 */
public final class TestTokens {

  static final String ISSUER = "payg-gateway";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private final PrivateKey key;

  /** @param keys the gateway's configured JWT key pair (JWT_PRIVATE_KEY / JWT_PUBLIC_KEY) */
  public TestTokens(SigningKeys.PemPair keys) {
    this.key = privateKey(keys);
  }

  /** What the gateway would issue for this user: it must be accepted (the tests' control). */
  public String valid(String userId, String companyId, String role) {
    return signed(claims(userId, companyId, role, Instant.now().plusSeconds(600)), key);
  }

  /** Correctly signed, expired an hour ago. */
  public String expired(String userId, String companyId, String role) {
    return signed(claims(userId, companyId, role, Instant.now().minusSeconds(3600)), key);
  }

  /** Correct claims, signed with an ES256 key that is not the gateway's. */
  public String signedWithAnotherKey(String userId, String companyId, String role) {
    return signed(
        claims(userId, companyId, role, Instant.now().plusSeconds(600)),
        privateKey(SigningKeys.generateEs256()));
  }

  /** Correct claims, {@code alg: none}, no signature. */
  public String algNone(String userId, String companyId, String role) {
    return encode(header("none")) + "."
        + encode(claims(userId, companyId, role, Instant.now().plusSeconds(600))) + ".";
  }

  /** A genuine token whose payload was edited ({@code claim} set to {@code value}), signature kept. */
  public static String tampered(String token, String claim, String value) {
    String[] parts = token.split("\\.");
    JsonObject payload =
        new JsonObject(new String(B64D.decode(parts[1]), StandardCharsets.UTF_8)).put(claim, value);
    return parts[0] + "." + encode(payload) + "." + parts[2];
  }

  private static JsonObject header(String alg) {
    return new JsonObject().put("alg", alg).put("typ", "JWT");
  }

  private static JsonObject claims(String userId, String companyId, String role, Instant expires) {
    return new JsonObject()
        .put("sub", userId)
        .put("cid", companyId)
        .put("role", role)
        .put("iss", ISSUER)
        .put("aud", "payg-gateway-api")
        .put("iat", expires.minusSeconds(900).getEpochSecond())
        .put("exp", expires.getEpochSecond());
  }

  /** Correctly signed and current, but for another audience (a key shared with another service). */
  public String otherAudience(String userId, String companyId, String role) {
    return signed(
        claims(userId, companyId, role, Instant.now().plusSeconds(600))
            .put("aud", "another-service"),
        key);
  }

  /** Correctly signed, expired {@code secondsAgo} ago (inside or outside the clock-skew leeway). */
  public String expiredAgo(String userId, String companyId, String role, long secondsAgo) {
    return signed(claims(userId, companyId, role, Instant.now().minusSeconds(secondsAgo)), key);
  }

  /** ES256: ECDSA P-256 over SHA-256, the signature as R || S (JWS, RFC 7518 §3.4), not DER. */
  private static String signed(JsonObject claims, PrivateKey key) {
    String signingInput = encode(header("ES256")) + "." + encode(claims);
    try {
      Signature ecdsa = Signature.getInstance("SHA256withECDSAinP1363Format");
      ecdsa.initSign(key);
      ecdsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + B64.encodeToString(ecdsa.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static PrivateKey privateKey(SigningKeys.PemPair keys) {
    String body = keys.privateKeyPem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("EC")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String encode(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }
}
