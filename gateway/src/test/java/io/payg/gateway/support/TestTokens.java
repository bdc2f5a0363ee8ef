package io.payg.gateway.support;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The one place tests mint access tokens by hand: a valid one (the control, built exactly as the
 * gateway builds its own), and every way an attacker can get one wrong. The production tokens'
 * algorithm lives here only — when it changes (HS256 to ES256), only this class changes.
 */
public final class TestTokens {

  static final String ISSUER = "payg-gateway";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private final String secret;

  /** @param secret the gateway's JWT_SECRET */
  public TestTokens(String secret) {
    this.secret = secret;
  }

  /** What the gateway would issue for this user: it must be accepted (the tests' control). */
  public String valid(String userId, String companyId, String role) {
    return signed(header("HS256"), claims(userId, companyId, role, Instant.now().plusSeconds(600)), secret);
  }

  /** Correctly signed, expired an hour ago. */
  public String expired(String userId, String companyId, String role) {
    return signed(header("HS256"), claims(userId, companyId, role, Instant.now().minusSeconds(3600)), secret);
  }

  /** Correct claims, signed with a key that is not the gateway's. */
  public String signedWithAnotherKey(String userId, String companyId, String role) {
    return signed(header("HS256"), claims(userId, companyId, role, Instant.now().plusSeconds(600)),
        "another-key-another-key-another-key-0123");
  }

  /** Correct claims, {@code alg: none}, no signature. */
  public String algNone(String userId, String companyId, String role) {
    return encode(header("none")) + "." + encode(claims(userId, companyId, role, Instant.now().plusSeconds(600))) + ".";
  }

  /** A genuine token whose payload was edited ({@code claim} set to {@code value}), signature kept. */
  public static String tampered(String token, String claim, String value) {
    String[] parts = token.split("\\.");
    JsonObject payload = new JsonObject(new String(B64D.decode(parts[1]), StandardCharsets.UTF_8)).put(claim, value);
    return parts[0] + "." + encode(payload) + "." + parts[2];
  }

  private static JsonObject header(String alg) {
    return new JsonObject().put("alg", alg).put("typ", "JWT");
  }

  private static JsonObject claims(String userId, String companyId, String role, Instant expires) {
    return new JsonObject().put("sub", userId).put("cid", companyId).put("role", role).put("iss", ISSUER)
        .put("iat", expires.minusSeconds(900).getEpochSecond()).put("exp", expires.getEpochSecond());
  }

  private static String signed(JsonObject header, JsonObject claims, String key) {
    String signingInput = encode(header) + "." + encode(claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String encode(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }
}
