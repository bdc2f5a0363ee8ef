package io.payg.manufacturer.calin;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Calin prepaid vending protocol, shared by {@link CalinTokenIssuer} and
 * {@link CalinSimulator} so both sides compute the cipher the same way.
 *
 * <p>Shape taken from MicroPowerManager's CalinMeter plugin (ApiHelpers::generateCipherText,
 * CalinMeterApiRequests::post): {@code POST {api_url}/token/} with a JSON body
 * <pre>
 * {"serial_id": ..., "user_id": ..., "meter_id": "&lt;meter serial&gt;", "token_type": "CreditToken",
 *  "amount": 4.3, "timestamp": &lt;unix seconds&gt;, "ciphertext": md5(serial_id.user_id.meter_id.token_type.amount.timestamp.key)}
 * </pre>
 * answered by {@code {"result_code": 0, "reason": "...", "result": "<20-digit token>"}};
 * any non-zero {@code result_code} is a business error described by {@code reason}.
 */
final class CalinProtocol {

  static final String TOKEN_PATH = "/token/";
  static final String CREDIT_TOKEN = "CreditToken";

  static final int RESULT_OK = 0;
  // Non-zero codes are the simulator's own numbering: MicroPowerManager only checks
  // result_code != 0 and surfaces `reason`, so the issuer must not depend on exact values.
  static final int RESULT_CIPHER_ERROR = 1;
  static final int RESULT_UNKNOWN_USER = 2;
  static final int RESULT_UNKNOWN_METER = 3;
  static final int RESULT_INVALID_PARAMETER = 4;

  private CalinProtocol() {
  }

  /**
   * The amount as PHP's {@code sprintf('%s', $float)} prints it ("4.3", "4" for 4.0): Calin's
   * reference client builds the cipher from that string, so "4.0" would not verify.
   */
  static String amountText(BigDecimal kwh) {
    return kwh.stripTrailingZeros().toPlainString();
  }

  /** md5 over the concatenated fields and the key, lowercase hex like PHP's md5(). */
  static String cipher(String serialId, String userId, String meterId, String tokenType,
      String amountText, long timestamp, String key) {
    String plain = serialId + userId + meterId + tokenType + amountText + timestamp + key;
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      return HexFormat.of().formatHex(md5.digest(plain.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is mandatory in every JRE", e);
    }
  }
}
