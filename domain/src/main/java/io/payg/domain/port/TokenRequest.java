package io.payg.domain.port;

import io.payg.domain.DeviceType;
import io.payg.domain.Money;
import io.payg.domain.TokenAmount;
import java.util.Map;

/**
 * A request to a manufacturer for one token.
 *
 * @param idempotencyKey stable for one transaction: sent to manufacturers whose API takes one,
 *                       so a retried request can never produce a second token
 * @param serial         the device serial
 * @param deviceType     METER, SHS or EBIKE
 * @param amount         what the token is worth on the device
 * @param paid           the money the energy was bought with (some vending APIs want it)
 * @param settings       the company's plugin configuration for this manufacturer (API URL,
 *                       credentials); never logged
 * @param traceparent    the W3C traceparent header to send the manufacturer
 *                       (https://www.w3.org/TR/trace-context/#traceparent-header), a child span of
 *                       the payment's trace made for this call; null for none
 */
public record TokenRequest(
    String idempotencyKey,
    String serial,
    DeviceType deviceType,
    TokenAmount amount,
    Money paid,
    Map<String, String> settings,
    String traceparent) {

  public TokenRequest {
    settings = Map.copyOf(settings);
  }

  /** A request sent with no trace. */
  public TokenRequest(
      String idempotencyKey,
      String serial,
      DeviceType deviceType,
      TokenAmount amount,
      Money paid,
      Map<String, String> settings) {
    this(idempotencyKey, serial, deviceType, amount, paid, settings, null);
  }

  @Override
  public String toString() {
    // settings hold credentials: keep them out of logs
    return "TokenRequest[" + idempotencyKey + ", " + serial + ", " + amount.describe() + "]";
  }
}
