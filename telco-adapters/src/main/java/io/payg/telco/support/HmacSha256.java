package io.payg.telco.support;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 signatures over raw bodies, compared in constant time. */
public final class HmacSha256 {

  // Mac.getInstance walks the provider list: do it once per thread, not per request
  private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  });

  private HmacSha256() {}

  public static byte[] sign(String secret, byte[] body) {
    try {
      Mac mac = MAC.get();
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String signHex(String secret, byte[] body) {
    return HexFormat.of().formatHex(sign(secret, body));
  }

  /** True when {@code hex} is the signature of {@code body}; constant time in the signature's content. */
  public static boolean verifyHex(String secret, byte[] body, String hex) {
    if (hex == null || hex.length() != 64) {
      return false;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(sign(secret, body), given);
  }
}
