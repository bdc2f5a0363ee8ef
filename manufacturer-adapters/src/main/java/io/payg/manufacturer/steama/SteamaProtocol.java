package io.payg.manufacturer.steama;

import io.payg.domain.Money;
import java.math.BigDecimal;
import java.util.Currency;

/**
 * The SteamaCo REST API (a Django REST Framework service, {@code https://api.steama.co}) as
 * {@link SteamaTokenIssuer} speaks it, taken from MicroPowerManager's SteamaMeter plugin
 * (EnAccess/micropowermanager, {@code src/backend/app/Plugins/SteamaMeter/}):
 * <ul>
 *   <li>{@code POST {api}/get-token/} with {@code {"username", "password"}} answers
 *       {@code {"token"}}; refused credentials are HTTP 400 (Services/SteamaCredentialService.php:13,47-60)</li>
 *   <li>every other call carries {@code Authorization: Token <token>}
 *       (Http/Clients/SteamaMeterApiClient.php:38)</li>
 *   <li>{@code GET {api}/meters?page=1&page_size=100}, then the query of each page's {@code next}
 *       until it is null (SteamaMeterApiClient.php:54-65, Services/SteamaMeterService.php:28,110);
 *       pages are {@code {"count", "next", "previous", "results"}}, meters carry {@code id},
 *       {@code reference} (the serial) and {@code customer}, which may be null
 *       (SteamaMeterService.php:73-74,111,158)</li>
 *   <li>{@code POST {api}/customers/{customer}/transactions/} with
 *       {@code {"amount": <major units>, "category": "PAY"}} answers the transaction
 *       {@code {"id", "site_id", "customer_id", "amount", "category", "provider", "timestamp",
 *       "synchronization_status"}} (SteamaMeterApi.php:52-85)</li>
 * </ul>
 * Any answer holding {@code detail} or {@code non_field_errors} is a refusal, whatever its
 * status (Helpers/ApiHelpers.php:27-36; Tests/Unit/SteamaMeterApiClientTest.php:57).
 */
final class SteamaProtocol {

  static final String GET_TOKEN_PATH = "/get-token/";
  static final String METERS_PATH = "/meters";
  static final String FIRST_METERS_PAGE = "page=1&page_size=100";
  static final String CATEGORY_PAY = "PAY";

  private SteamaProtocol() {}

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
