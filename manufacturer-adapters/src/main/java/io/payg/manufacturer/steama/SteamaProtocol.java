package io.payg.manufacturer.steama;

import io.payg.domain.Money;
import java.math.BigDecimal;
import java.util.Currency;

/**
 * The SteamaCo REST API (a Django REST Framework service, {@code https://api.steama.co}) as
 * {@link SteamaTokenIssuer} and {@link SteamaSimulator} both speak it.
 *
 * <p>Shape taken from MicroPowerManager's SteamaMeter plugin (SteamaCredentialService,
 * SteamaMeterApiClient, SteamaMeterService, SteamaMeterApi::chargeDevice, ApiHelpers):
 * <ul>
 *   <li>{@code POST {api}/get-token/} with {@code {"username": ..., "password": ...}} answers
 *       {@code {"token": "..."}}; refused credentials are HTTP 400
 *       {@code {"non_field_errors": [...]}}</li>
 *   <li>every other call carries {@code Authorization: Token <token>}; a bad token is HTTP 401
 *       {@code {"detail": "Invalid token."}}</li>
 *   <li>{@code GET {api}/meters/} pages {@code {"count", "next", "previous", "results": [...]}}
 *       of meters with {@code id}, {@code reference} (the meter serial) and {@code customer}
 *       (the owning customer's id)</li>
 *   <li>{@code POST {api}/customers/{customer}/transactions/} with
 *       {@code {"amount": 500.0, "category": "PAY"}} answers the created transaction
 *       {@code {"id", "site_id", "customer_id", "amount", "category", "provider", "timestamp",
 *       "synchronization_status", ...}}</li>
 * </ul>
 * Any answer holding {@code detail} or {@code non_field_errors} is a refusal.
 */
final class SteamaProtocol {

  static final String GET_TOKEN_PATH = "/get-token/";
  static final String METERS_PATH = "/meters/";
  static final String CATEGORY_PAY = "PAY";
  /** The filter used to look one meter up by serial (see {@link SteamaTokenIssuer}). */
  static final String REFERENCE_FILTER = "reference";

  private SteamaProtocol() {
  }

  static String customerTransactionsPath(String customerId) {
    return "/customers/" + customerId + "/transactions/";
  }

  /** Money in major units (500.00), as Steama takes it, from minor units. */
  static BigDecimal major(Money money) {
    int digits;
    try {
      digits = Currency.getInstance(money.currency()).getDefaultFractionDigits();
    } catch (IllegalArgumentException e) {
      digits = 2;
    }
    return BigDecimal.valueOf(money.minor(), Math.max(digits, 0));
  }
}
