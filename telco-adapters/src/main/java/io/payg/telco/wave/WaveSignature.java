package io.payg.telco.wave;

import io.payg.telco.support.HmacSha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Wave's webhook signature ("signing secret" strategy):
 * {@code Wave-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>" + raw body>}.
 * The header may carry several {@code v1} values; one matching is enough. Other schemes
 * ({@code v0=}, ...) are ignored. Comparisons are constant-time.
 */
public final class WaveSignature {

  /** Wave: "reject deliveries older than five minutes"; we refuse as far in the future too. */
  public static final Duration TOLERANCE = Duration.ofMinutes(5);

  private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,12}");
  private static final int MAX_HEADER = 2048;
  private static final int MAX_SIGNATURES = 8;

  public enum Check {
    VALID,
    MISSING,
    UNREADABLE,
    WRONG,
    EXPIRED;

    public String detail() {
      return switch (this) {
        case VALID -> "valid";
        case MISSING -> "the Wave-Signature header is missing";
        case UNREADABLE -> "the Wave-Signature header is not t=<seconds>,v1=<hex>";
        case WRONG -> "the Wave-Signature does not match the body";
        case EXPIRED ->
          "the Wave-Signature timestamp is more than 5 minutes from the time of receipt";
      };
    }
  }

  private WaveSignature() {}

  /** The header value Wave would send for {@code body} signed at {@code unixSeconds}. */
  public static String header(String secret, long unixSeconds, byte[] body) {
    return "t=" + unixSeconds + ",v1="
        + HmacSha256.signHex(secret, signedPayload(Long.toString(unixSeconds), body));
  }

  /**
   * Checks a delivery.
   *
   * @param secrets    the webhook secrets currently valid (one, or two while rotating)
   * @param receivedAt when the gateway received the delivery
   */
  public static Check verify(String header, byte[] body, List<String> secrets, Instant receivedAt) {
    if (header == null || header.isBlank()) {
      return Check.MISSING;
    }
    if (header.length() > MAX_HEADER) {
      return Check.UNREADABLE;
    }
    String timestamp = null;
    List<byte[]> signatures = new ArrayList<>();
    for (String part : header.split(",", 32)) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      if (key.equals("t")) {
        if (timestamp != null || !TIMESTAMP.matcher(value).matches()) {
          return Check.UNREADABLE;
        }
        timestamp = value;
      } else if (key.equals("v1") && value.length() == 64 && signatures.size() < MAX_SIGNATURES) {
        try {
          signatures.add(HexFormat.of().parseHex(value));
        } catch (IllegalArgumentException e) {
          // not hex: cannot match
        }
      }
    }
    if (timestamp == null || signatures.isEmpty()) {
      return Check.UNREADABLE;
    }
    byte[] payload = signedPayload(timestamp, body == null ? new byte[0] : body);
    boolean match = false;
    for (String secret : secrets) {
      if (secret == null || secret.isEmpty()) {
        continue;
      }
      byte[] expected = HmacSha256.sign(secret, payload);
      for (byte[] given : signatures) {
        match |= MessageDigest.isEqual(expected, given);
      }
    }
    if (!match) {
      return Check.WRONG;
    }
    if (receivedAt == null) {
      return Check.EXPIRED;
    }
    long skew = Math.abs(receivedAt.getEpochSecond() - Long.parseLong(timestamp));
    return skew > TOLERANCE.toSeconds() ? Check.EXPIRED : Check.VALID;
  }

  private static byte[] signedPayload(String timestamp, byte[] body) {
    byte[] t = timestamp.getBytes(StandardCharsets.US_ASCII);
    byte[] payload = new byte[t.length + body.length];
    System.arraycopy(t, 0, payload, 0, t.length);
    System.arraycopy(body, 0, payload, t.length, body.length);
    return payload;
  }
}
