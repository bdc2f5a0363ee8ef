package io.payg.manufacturer.calin;

import static io.payg.domain.peer.PluginSettings.withoutTrailingSlash;

import io.payg.domain.TokenAmount;
import io.payg.domain.peer.PeerText;
import io.payg.domain.peer.PluginSettings;
import io.payg.domain.port.IssuedToken;
import io.payg.domain.port.TokenIssueException;
import io.payg.domain.port.TokenIssuer;
import io.payg.domain.port.TokenRequest;
import io.payg.peer.PeerCalls;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vends credit tokens for Calin prepaid (STS) meters over Calin's HTTP vending API, as
 * MicroPowerManager's current CalinMeter plugin does (the only published client):
 * <pre>
 * POST {api_url}/tokennew   Content-Type: application/json;charset=utf-8
 * {"user_id":"...","password":"...","meter_id":"&lt;meter serial&gt;","token_type":"CreditToken","amount":4.3}
 * -&gt; {"result_code":0,"reason":"...","result":"&lt;20-digit token&gt;"}
 * </pre>
 * Sources (EnAccess/micropowermanager, src/backend/app/Plugins/CalinMeter/):
 * path {@code CalinMeterApi.php:18,42}; body {@code CalinMeterApi.php:34-40} (password = the
 * credential's api_key); kWh rounded to one decimal {@code CalinMeterApi.php:25-26}; JSON headers
 * {@code Http/Requests/CalinMeterApiRequests.php:29-31}; answer {@code Helpers/ApiHelpers.php:28-32}
 * ({@code (int) result_code}, so a code may arrive as a number or a numeric string). The md5
 * {@code generateCipherText} in the same helper is never called and no published Calin endpoint
 * takes it, so this issuer does not offer it.
 *
 * <p>Settings ({@link TokenRequest#settings()}):
 * <ul>
 *   <li>{@code baseUrl} (required): Calin API root, MicroPowerManager's {@code api_url} (its
 *       default is {@code http://api.calinhost.com/api}, create_calin_tables.php:17); the issuer
 *       POSTs to {@code {baseUrl}/tokennew}</li>
 *   <li>{@code userId} (required): the Calin vending account's user id</li>
 *   <li>{@code apiKey} (required, secret): the account's password, sent as {@code password}</li>
 *   <li>{@code timeoutMs} (optional, default 10000): whole-request timeout</li>
 * </ul>
 *
 * <p>Idempotency: the API takes no idempotency key, so a retry after a timeout or a lost answer
 * can vend a second token; the request's idempotency key is only returned as the reference.
 *
 * <p>Failures: transport errors and HTTP 5xx/408/429 are retryable; a Calin refusal
 * ({@code result_code != 0}), other HTTP 4xx, a malformed answer, missing settings or a non-kWh
 * amount are not. Calin's {@code reason} is the manufacturer's free text: it is classified
 * ({@link Refusal}) and logged, never put into the failure message an operator or tenant sees.
 */
public final class CalinTokenIssuer implements TokenIssuer {

  public static final String NAME = "calin";

  public static final String SETTING_BASE_URL = "baseUrl";
  public static final String SETTING_USER_ID = "userId";
  public static final String SETTING_API_KEY = "apiKey";
  public static final String SETTING_TIMEOUT_MS = "timeoutMs";
  public static final long DEFAULT_TIMEOUT_MS = 10_000;

  // CalinMeterApi.php:18
  static final String TOKEN_PATH = "/tokennew";
  // CalinMeterApi.php:17
  static final String CREDIT_TOKEN = "CreditToken";

  /** What a non-zero result_code meant, read from Calin's reason text (codes are unpublished). */
  enum Refusal {
    METER("Calin refused the meter"),
    CREDENTIALS_REFUSED("Calin refused the user id or password"),
    AMOUNT_REFUSED("Calin refused the amount"),
    OTHER("Calin refused the vend");

    final String text;

    Refusal(String text) {
      this.text = text;
    }

    static Refusal of(String reason) {
      String r = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
      if (r.contains("meter")) {
        return METER;
      }
      if (r.contains("password")
          || r.contains("user")
          || r.contains("auth")
          || r.contains("login")) {
        return CREDENTIALS_REFUSED;
      }
      if (r.contains("amount")) {
        return AMOUNT_REFUSED;
      }
      return OTHER;
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(CalinTokenIssuer.class);

  private final WebClient client;
  private final PeerCalls calls = new PeerCalls(NAME, TokenIssueException::new, LOG);

  public CalinTokenIssuer(WebClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  @Override
  public String manufacturer() {
    return NAME;
  }

  @Override
  public CompletionStage<IssuedToken> issue(TokenRequest request) {
    return calls.checked(() -> vend(request)).toCompletionStage();
  }

  private Future<IssuedToken> vend(TokenRequest request) {
    PluginSettings settings = new PluginSettings(NAME, request.settings())
        .require(SETTING_BASE_URL, SETTING_USER_ID, SETTING_API_KEY);
    long timeoutMs = settings.timeoutMs(SETTING_TIMEOUT_MS, DEFAULT_TIMEOUT_MS);
    // Calin meters only take energy credit; days/unlock tokens are a routing bug upstream.
    String refused = request.amount().refusal(NAME, TokenAmount.Takes.ENERGY);
    if (refused != null) {
      return calls.fail(refused, false);
    }
    Buffer body = Buffer.buffer(requestBody(
            settings.get(SETTING_USER_ID),
            settings.get(SETTING_API_KEY),
            request.serial(),
            request.amount())
        .encode());
    String url = withoutTrailingSlash(settings.get(SETTING_BASE_URL)) + TOKEN_PATH;
    return calls
        .accepted(
            "vend",
            request.idempotencyKey() + " meter " + request.serial(),
            () -> PeerCalls.traced(client.postAbs(url), request.traceparent())
                .timeout(timeoutMs)
                .putHeader("Content-Type", "application/json;charset=utf-8")
                .putHeader("Accept", "application/json")
                .sendBuffer(body))
        .compose(response -> answer(response, request));
  }

  /**
   * The body in MicroPowerManager's field order (CalinMeterApi.php:34-40); {@code amount} is a
   * JSON number with one decimal ("4.3", "4.0"), as PHP's json_encode prints the float rounded
   * by CalinMeterApi.php:26.
   */
  static JsonObject requestBody(String userId, String password, String serial, TokenAmount amount) {
    return new JsonObject()
        .put("user_id", userId)
        .put("password", password)
        .put("meter_id", serial)
        .put("token_type", CREDIT_TOKEN)
        .put("amount", new BigDecimal(amount.kwhString()).setScale(1));
  }

  private Future<IssuedToken> answer(HttpResponse<Buffer> response, TokenRequest request) {
    JsonObject json = PeerCalls.jsonObject(response);
    Integer code = json == null ? null : resultCode(json.getValue("result_code"));
    if (code == null) {
      // 2xx without the Calin envelope: most likely baseUrl points somewhere else.
      LOG.warn(
          "calin vend {}: not a vending answer: {}",
          request.idempotencyKey(),
          PeerCalls.snippet(response));
      return calls.fail(
          "calin answer is not a vending response (is baseUrl the Calin API root?)", false);
    }
    if (code != 0) {
      String reason = json.getValue("reason") instanceof String s ? s : "";
      Refusal refusal = Refusal.of(reason);
      LOG.warn(
          "calin refused vend {} for meter {}: result_code {} reason '{}'",
          request.idempotencyKey(),
          request.serial(),
          code,
          PeerText.clean(reason));
      return calls.fail("calin: " + refusal.text + " (result_code " + code + ")", false);
    }
    Object token = json.getValue("result");
    if (!(token instanceof String t) || t.isBlank()) {
      return calls.fail("calin result_code 0 without a token", false);
    }
    return Future.succeededFuture(new IssuedToken(t.strip(), request.idempotencyKey()));
  }

  /** result_code as a number or a numeric string (ApiHelpers.php:28 casts it); null otherwise. */
  static Integer resultCode(Object value) {
    if (value instanceof Number n
        && n.doubleValue() == Math.rint(n.doubleValue())
        && Math.abs(n.doubleValue()) < 1e9) {
      return n.intValue();
    }
    if (value instanceof String s && s.strip().matches("-?\\d{1,9}")) {
      return Integer.parseInt(s.strip());
    }
    return null;
  }
}
