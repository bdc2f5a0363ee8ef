package io.payg.manufacturer.sparkmeter;

import io.payg.domain.Money;
import java.math.BigDecimal;
import java.util.Currency;

/**
 * The SparkMeter ThunderCloud site API (v0) as {@link SparkMeterTokenIssuer} and
 * {@code simulator.SparkMeterSimulator} both speak it.
 *
 * <p>Shape taken from MicroPowerManager's SparkMeter plugin (SparkMeterApi::chargeDevice,
 * SparkMeterApiRequests, CustomerService::hashCustomerWithMeterSerial, ResultStatusChecker):
 * every call goes to the site's {@code thundercloud_url} (the site URL plus {@code api/v0}) with
 * the header {@code Authentication-Token: <site token>};
 * <ul>
 *   <li>{@code GET {base}/customers?meter_serial=<serial>} answers
 *       {@code {"customers": [{"id": "...", "meters": [{"serial": "..."}], ...}], "error": null,
 *       "status": "success"}}</li>
 *   <li>{@code POST {base}/transaction/} with
 *       {@code {"customer_id": "...", "amount": "500.00", "source": "cash", "external_id": "..."}}
 *       answers {@code {"transaction_id": "...", "error": null, "status": "success"}}</li>
 * </ul>
 * Any {@code error} that is neither {@code null} nor {@code false} is a refusal described by it.
 * The organisation-level Koios API ({@code X-API-KEY} / {@code X-API-SECRET}) is only used by
 * MicroPowerManager to list sites and sync history, never to credit a meter.
 */
final class SparkMeterProtocol {

  static final String API_PATH = "/api/v0";
  static final String CUSTOMERS_PATH = "/customers";
  static final String TRANSACTION_PATH = "/transaction/";
  static final String AUTH_HEADER = "Authentication-Token";
  static final String SOURCE_CASH = "cash";

  private SparkMeterProtocol() {}

  /** Money in major units ("500.00"), as ThunderCloud takes it, from minor units. */
  static BigDecimal major(Money money) {
    int digits;
    try {
      digits = Currency.getInstance(money.currency()).getDefaultFractionDigits();
    } catch (IllegalArgumentException e) {
      digits = 2;
    }
    return BigDecimal.valueOf(money.minor(), Math.max(digits, 0));
  }

  /** Whether a ThunderCloud envelope reports an error ({@code error} not null and not false). */
  static boolean isError(Object error) {
    return error != null && !Boolean.FALSE.equals(error);
  }
}
