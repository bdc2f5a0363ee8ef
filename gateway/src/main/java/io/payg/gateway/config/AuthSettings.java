package io.payg.gateway.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * How access and refresh tokens are signed and how long they live.
 *
 * @param jwtAlgorithm    JWT_ALGORITHM: ES256 (default) or RS256; HS256 (with JWT_SECRET) only in demo mode
 * @param privateKeyPem   JWT_PRIVATE_KEY (PKCS#8 PEM text) or the file named by JWT_PRIVATE_KEY_FILE
 * @param publicKeyPem    JWT_PUBLIC_KEY (X.509 SubjectPublicKeyInfo PEM) or JWT_PUBLIC_KEY_FILE
 * @param refreshTokenTtl REFRESH_TOKEN_TTL_SECONDS, default 30 days
 */
public record AuthSettings(
    String jwtAlgorithm, String privateKeyPem, String publicKeyPem, Duration refreshTokenTtl) {

  public static final Set<String> ALGORITHMS = Set.of("ES256", "RS256", "HS256");

  static AuthSettings from(SettingValues v) {
    return new AuthSettings(
        v.string(Setting.JWT_ALGORITHM).trim().toUpperCase(Locale.ROOT),
        v.pem(Setting.JWT_PRIVATE_KEY),
        v.pem(Setting.JWT_PUBLIC_KEY),
        Duration.ofSeconds(v.whole(Setting.REFRESH_TOKEN_TTL_SECONDS)));
  }

  /** Refuses settings that cannot work; {@code demo} may run without keys (an ephemeral pair is made). */
  void validate(boolean demo, String jwtSecret) {
    if (!ALGORITHMS.contains(jwtAlgorithm)) {
      throw new IllegalStateException(
          "JWT_ALGORITHM must be ES256 or RS256, got '" + jwtAlgorithm + "'");
    }
    if (refreshTokenTtl.isNegative() || refreshTokenTtl.isZero()) {
      throw new IllegalStateException("REFRESH_TOKEN_TTL_SECONDS must be positive");
    }
    if ("HS256".equals(jwtAlgorithm)) {
      if (!demo) {
        throw new IllegalStateException(
            "JWT_ALGORITHM=HS256 is allowed in demo mode only; use ES256 (default) or RS256"
                + " with JWT_PRIVATE_KEY and JWT_PUBLIC_KEY");
      }
      if (jwtSecret.length() < 32) {
        throw new IllegalStateException(
            "JWT_ALGORITHM=HS256 needs JWT_SECRET of at least 32 characters");
      }
      return;
    }
    if (!demo && (privateKeyPem.isEmpty() || publicKeyPem.isEmpty())) {
      throw new IllegalStateException(
          "JWT_PRIVATE_KEY and JWT_PUBLIC_KEY (PEM text, or JWT_PRIVATE_KEY_FILE and"
              + " JWT_PUBLIC_KEY_FILE) are required to sign access tokens with " + jwtAlgorithm
              + "; for ES256: openssl"
              + " ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out jwt.key && openssl ec"
              + " -in jwt.key -pubout -out jwt.pub");
    }
  }
}
