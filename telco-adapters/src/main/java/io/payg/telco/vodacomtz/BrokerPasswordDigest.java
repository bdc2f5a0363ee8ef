package io.payg.telco.vodacomtz;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * How a merchant's integration turns spId + password + timestamp into {@code spPassword}: the
 * integrators disagree, so the company says which form its broker account uses (plugin setting
 * {@code passwordDigest}). The same form signs the gateway's own result leg.
 */
public enum BrokerPasswordDigest {

  /** Base64 of the raw SHA-256 digest (the default). */
  // jnduke400/LipanasiGateway:src/main/java/com/hybrid9/pg/Lipanasi/route/processor/mpesapaybill/CallbackProcessor.java
  // (encryptPassword)
  BASE64_SHA256("base64-sha256"),
  /** Base64 of the lower-case hex text of the digest. */
  // shared/spec/providers.md ("Base64 of the lower- or upper-case hex digest"); no public code we
  // could read shows it
  BASE64_HEX_LOWER("base64-hex-lower"),
  /** Base64 of the upper-case hex text of the digest. */
  // a production brokerRequest sample (code index, instantpaygateway): spPassword RUZGMkE5... =
  // Base64("EFF2A94B...")
  BASE64_HEX_UPPER("base64-hex-upper"),
  /** spPassword is not checked (spId, the timestamp window and the source allow-list still are). */
  // jnduke400/LipanasiGateway:src/main/java/com/hybrid9/pg/Lipanasi/services/paybill/MpesaService.java
  // (validateRequest checks spId only)
  UNCHECKED("none");

  public final String setting;

  BrokerPasswordDigest(String setting) {
    this.setting = setting;
  }

  /** The form named by the setting; null or blank is the default; anything else is null (fail closed). */
  public static BrokerPasswordDigest fromSetting(String value) {
    if (value == null || value.isBlank()) {
      return BASE64_SHA256;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    for (BrokerPasswordDigest d : values()) {
      if (d.setting.equals(v)) {
        return d;
      }
    }
    return null;
  }

  /** spPassword for these inputs; for {@link #UNCHECKED}, the raw-digest form (what the gateway sends). */
  public String spPassword(String spId, String password, String timestamp) {
    byte[] digest = sha256(spId + password + timestamp);
    byte[] text = switch (this) {
      case BASE64_HEX_LOWER -> HexFormat.of().formatHex(digest).getBytes(StandardCharsets.US_ASCII);
      case BASE64_HEX_UPPER ->
        HexFormat.of().withUpperCase().formatHex(digest).getBytes(StandardCharsets.US_ASCII);
      default -> digest;
    };
    return Base64.getEncoder().encodeToString(text);
  }

  /** Whether {@code given} is this form's spPassword; constant-time. */
  public boolean matches(String given, String spId, String password, String timestamp) {
    if (this == UNCHECKED) {
      return true;
    }
    return MessageDigest.isEqual(
        spPassword(spId, password, timestamp).getBytes(StandardCharsets.US_ASCII),
        given.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
