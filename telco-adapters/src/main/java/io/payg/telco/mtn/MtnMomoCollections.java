package io.payg.telco.mtn;

import static io.payg.domain.peer.PeerText.clean;
import static io.payg.domain.peer.PeerText.hasControl;
import static io.payg.domain.peer.PluginSettings.isBlank;
import static io.payg.domain.peer.PluginSettings.orDefault;
import static io.payg.peer.PeerCalls.jsonObject;
import static io.payg.peer.PeerCalls.snippet;

import io.payg.domain.Money;
import io.payg.domain.port.CollectionRequest;
import io.payg.domain.port.CollectionStatus;
import io.payg.peer.TokenCache;
import io.payg.telco.support.CollectionCallException;
import io.payg.telco.support.CollectionSettings;
import io.payg.telco.support.DecimalAmount;
import io.payg.telco.support.RequestToPayClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * MTN MoMo Collection (request-to-pay) over Vert.x {@link WebClient}; never blocks.
 *
 * <p><b>Plugin settings</b> ({@link CollectionRequest#settings()}, the same plugin as
 * {@link MtnMomoTelcoAdapter}):
 * <ul>
 *   <li>{@code baseUrl} (default {@value #DEFAULT_BASE_URL}): the API root;</li>
 *   <li>{@code subscriptionKey} (required): the Collection product's primary or secondary key,
 *       sent as {@code Ocp-Apim-Subscription-Key};</li>
 *   <li>{@code apiUser}, {@code apiKey} (required): the API user (a UUID) and its key, sent only
 *       to the token endpoint, as HTTP Basic;</li>
 *   <li>{@code targetEnvironment} (default {@value #DEFAULT_TARGET_ENVIRONMENT}; production
 *       values look like {@code mtnuganda}): {@code X-Target-Environment};</li>
 *   <li>{@code timeoutMs} (default 10000): per HTTP request (a request-to-pay may need a token
 *       first: two requests).</li>
 * </ul>
 *
 * <p><b>Access token</b>: {@code POST {baseUrl}/collection/token/} answers
 * {@code {access_token, token_type, expires_in}}; one per (baseUrl, apiUser), held by
 * {@link TokenCache}, renewed when the apiKey or subscriptionKey change and once on a 401.
 *
 * <p><b>requestToPay</b>: {@code POST {baseUrl}/collection/v1_0/requesttopay} with
 * {@code X-Reference-Id} = the collection reference (a UUID: MoMo's idempotency key),
 * {@code X-Callback-Url} when given, and
 * {@code {amount: "<major units>", currency, externalId: reference, payer: {partyIdType: "MSISDN",
 * partyId}, payerMessage: "Payment for <serial>", payeeNote: <serial>}}; the amount has the
 * currency's ISO 4217 decimals ({@code "5000"} UGX, {@code "10.50"} GHS).
 * <pre>
 * 202 (any 2xx)                    PENDING
 * 409 (reference already used)     PENDING: our own retry; MoMo keeps the first request
 * credentials refused (401 at the  FAILED "MTN MoMo refused the credentials ...": nothing was
 *   token endpoint, or twice here)   requested, an operator must fix the settings
 * other 4xx                        FAILED with MoMo's code and message
 * invalid request or settings      FAILED, nothing sent (reference not a UUID, bad msisdn,
 *                                    currency without known decimals, settings incomplete)
 * 408, 429, 5xx, transport error,  failed stage ({@link CollectionCallException}, retryable): the request
 *   timeout                          may or may not exist at MoMo; {@link #status} tells
 * </pre>
 *
 * <p><b>status</b>: {@code GET {baseUrl}/collection/v1_0/requesttopay/{reference}}:
 * <pre>
 * 200 PENDING | ONGOING            PENDING
 * 200 SUCCESSFUL                   SUCCEEDED(financialTransactionId), only when amount (compared as a
 *                                    number: "5000.00" = 5000 UGX) and currency equal the request's;
 *                                    else SUCCEEDED with {@link CollectionStatus#collected()} = what
 *                                    MoMo reports (the gateway keeps that money unmatched, never books
 *                                    it as the request); an unreadable amount or currency is
 *                                    SUCCEEDED with {@link CollectionStatus#amountUnreadable()}: kept
 *                                    unmatched without an amount
 * 200 FAILED | REJECTED | TIMEOUT  FAILED(reason: MoMo's reason, e.g. APPROVAL_REJECTED, else the status)
 *   | EXPIRED | CANCELLED
 * 404                              FAILED "unknown reference", marked {@link CollectionStatus#unknownReference()}:
 *                                    the gateway keeps an accepted (202/409) request PENDING
 * anything else                    failed stage: never FAILED on a doubt (wrong credentials, 5xx,
 *                                    timeout, unknown status), since the payer may have paid
 * </pre>
 */
public final class MtnMomoCollections extends RequestToPayClient {

  public static final String NAME = MtnMomoTelcoAdapter.NAME;

  public static final String SETTING_BASE_URL = "baseUrl";
  public static final String SETTING_SUBSCRIPTION_KEY = "subscriptionKey";
  public static final String SETTING_API_USER = "apiUser";
  public static final String SETTING_API_KEY = "apiKey";
  public static final String SETTING_TARGET_ENVIRONMENT = "targetEnvironment";
  public static final String SETTING_TIMEOUT_MS = "timeoutMs";

  public static final String DEFAULT_BASE_URL = "https://sandbox.momodeveloper.mtn.com";
  public static final String DEFAULT_TARGET_ENVIRONMENT = "sandbox";
  public static final long DEFAULT_TIMEOUT_MS = 10_000;

  public static final String TOKEN_PATH = "/collection/token/";
  public static final String REQUEST_TO_PAY_PATH = "/collection/v1_0/requesttopay";

  public static final String SUBSCRIPTION_KEY_HEADER = "Ocp-Apim-Subscription-Key";
  public static final String REFERENCE_ID_HEADER = "X-Reference-Id";
  public static final String TARGET_ENVIRONMENT_HEADER = "X-Target-Environment";
  public static final String CALLBACK_URL_HEADER = "X-Callback-Url";

  public static final String UNKNOWN_REFERENCE = RequestToPayClient.UNKNOWN_REFERENCE;
  public static final String AMOUNT_MISMATCH = "amount mismatch";
  public static final String CREDENTIALS_REFUSED = "MTN MoMo refused the credentials";

  /** A UUID as MoMo wants it for X-Reference-Id: 8-4-4-4-12 hex digits. */
  public static final Pattern UUID_TEXT = RequestToPayClient.UUID_TEXT;

  private static final Pattern MSISDN = Pattern.compile("[0-9]{5,15}");
  private static final Pattern DECIMAL_TEXT = Pattern.compile("[0-9]{1,16}(\\.[0-9]{1,10})?");
  private static final Pattern TXN_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
  private static final Pattern TARGET_ENVIRONMENT = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public MtnMomoCollections(WebClient client) {
    this(client, System::nanoTime);
  }

  /** With the monotonic clock that ages cached tokens (tests). */
  MtnMomoCollections(WebClient client, LongSupplier nanoTime) {
    super(NAME, "MTN MoMo", CREDENTIALS_REFUSED, MtnMomoCollections::errorText, client, nanoTime);
  }

  // ---------------------------------------------------------------- request-to-pay

  @Override
  protected Future<CollectionStatus> startCollection(CollectionRequest request) {
    Config config;
    JsonObject body;
    try {
      config = Config.of(request.settings());
      body = requestBody(request);
    } catch (CollectionCallException e) {
      // nothing was sent: this request can never succeed as it is
      return Future.succeededFuture(CollectionStatus.failed(e.getMessage()));
    }
    String callbackUrl = request.callbackUrl();
    Function<String, Future<HttpResponse<Buffer>>> send = token -> {
      HttpRequest<Buffer> post = client.postAbs(config.baseUrl + REQUEST_TO_PAY_PATH);
      headers(post, config, token).putHeader(REFERENCE_ID_HEADER, request.reference());
      if (callbackUrl != null && !callbackUrl.isBlank()) {
        post.putHeader(CALLBACK_URL_HEADER, callbackUrl);
      }
      return post.sendJsonObject(body);
    };
    return authorized(config, send).transform(ar -> {
      if (ar.failed()) {
        return refusedOrFailed(ar.cause());
      }
      if (ar.result().statusCode() == 409) {
        // the reference was used: our own retry, MoMo keeps the first request
        return Future.succeededFuture(CollectionStatus.pending());
      }
      return requestAnswer(ar.result(), "requesttopay", false, CollectionStatus.pending());
    });
  }

  private static JsonObject requestBody(CollectionRequest request) {
    String reference = request.reference();
    if (!isReference(reference)) {
      throw new CollectionCallException(
          "the reference must be a UUID (MTN MoMo X-Reference-Id)", false);
    }
    String msisdn = request.msisdn() == null ? "" : request.msisdn().trim();
    if (msisdn.startsWith("+")) {
      msisdn = msisdn.substring(1);
    }
    if (!MSISDN.matcher(msisdn).matches()) {
      throw new CollectionCallException(
          "the msisdn must be 5 to 15 digits with the country code", false);
    }
    BigDecimal amount = majorUnits(request);
    String serial = request.serial() == null ? "" : request.serial();
    return new JsonObject()
        .put("amount", amount.toPlainString())
        .put("currency", request.amount().currency())
        .put("externalId", reference)
        .put("payer", new JsonObject().put("partyIdType", "MSISDN").put("partyId", msisdn))
        .put("payerMessage", "Payment for " + serial)
        .put("payeeNote", serial);
  }

  // ---------------------------------------------------------------- status

  @Override
  protected Future<CollectionStatus> askStatus(CollectionRequest request) {
    Config config;
    try {
      config = Config.of(request.settings());
    } catch (CollectionCallException e) {
      return Future.failedFuture(e);
    }
    String reference = request.reference();
    if (!isReference(reference)) {
      // never requested under this reference: requestToPay refuses non-UUID references
      return Future.succeededFuture(CollectionStatus.failed(UNKNOWN_REFERENCE));
    }
    Function<String, Future<HttpResponse<Buffer>>> send = token -> headers(
            client.getAbs(config.baseUrl + REQUEST_TO_PAY_PATH + "/" + reference), config, token)
        .send();
    // 404: MoMo does not know the reference: final only if it never took the request (no 202/409);
    // the gateway knows which (https://momodeveloper.mtn.com/api-documentation/common-error:
    // RESOURCE_NOT_FOUND, 404)
    return authorized(config, send)
        .compose(response -> statusAnswer(
            response,
            "requesttopay status",
            response.statusCode() == 404,
            ok -> statusOf(ok, request)));
  }

  private static Future<CollectionStatus> statusOf(
      HttpResponse<Buffer> response, CollectionRequest request) {
    JsonObject json = jsonObject(response);
    if (json == null || !(json.getValue("status") instanceof String status)) {
      return Future.failedFuture(new CollectionCallException(
          "MTN MoMo status answer without a status: " + snippet(response), false));
    }
    switch (status.toUpperCase(Locale.ROOT)) {
      case "PENDING", "ONGOING" -> {
        return Future.succeededFuture(CollectionStatus.pending());
      }
      case "SUCCESSFUL" -> {
        String txn = transactionId(json.getValue("financialTransactionId"));
        String mismatch = mismatch(json, request);
        if (mismatch == null) {
          return Future.succeededFuture(CollectionStatus.succeeded(txn));
        }
        // money moved, but not what was asked: never booked as the request, never dropped
        Money collected = collected(json);
        if (collected == null) {
          // SUCCESSFUL is MoMo's word that the payer paid (momodeveloper.mtn.com RequestToPay
          // status): the money is kept, its amount unknown, rather than the request ending FAILED
          return Future.succeededFuture(CollectionStatus.collectedUnreadableAmount(
              txn, AMOUNT_MISMATCH + ", amount unreadable: " + mismatch));
        }
        return Future.succeededFuture(CollectionStatus.collectedOtherAmount(
            txn, collected, AMOUNT_MISMATCH + ": " + mismatch));
      }
      case "FAILED", "REJECTED", "TIMEOUT", "EXPIRED", "CANCELLED" -> {
        String reason = reasonText(json.getValue("reason"));
        return Future.succeededFuture(CollectionStatus.failed(reason == null ? status : reason));
      }
      default -> {
        return Future.failedFuture(
            new CollectionCallException("MTN MoMo status not understood: " + clean(status), false));
      }
    }
  }

  /**
   * Null when MoMo collected the request's amount and currency, else what it collected. The
   * amount is compared as a number: MoMo's status object carries it as a string that may have
   * more decimals than the currency ("5000.00" for UGX, "50.5" for 50.50 GHS; sparkplug/momoapi-python
   * and momodeveloper.mtn.com's RequestToPay schema: amount "string").
   */
  private static String mismatch(JsonObject json, CollectionRequest request) {
    String currency = request.amount().currency();
    Object reportedCurrency = json.getValue("currency");
    Object reportedAmount = json.getValue("amount");
    String reported =
        clean(String.valueOf(reportedAmount)) + " " + clean(String.valueOf(reportedCurrency));
    if (!currency.equals(reportedCurrency)) {
      return "MoMo reports " + reported + ", requested " + requested(request);
    }
    int digits = DecimalAmount.fractionDigits(currency);
    BigDecimal value = decimal(reportedAmount);
    boolean same = digits >= 0
        && value != null
        && value.compareTo(BigDecimal.valueOf(request.amount().minor(), digits)) == 0;
    return same ? null : "MoMo reports " + reported + ", requested " + requested(request);
  }

  /** What MoMo reports it collected, in minor units of its currency; null when unreadable. */
  private static Money collected(JsonObject json) {
    if (!(json.getValue("currency") instanceof String currency)
        || DecimalAmount.fractionDigits(currency) < 0) {
      return null;
    }
    BigDecimal value = decimal(json.getValue("amount"));
    if (value == null || value.signum() <= 0) {
      return null;
    }
    try {
      return Money.of(
          value.movePointRight(DecimalAmount.fractionDigits(currency)).longValueExact(), currency);
    } catch (ArithmeticException e) {
      return null; // a fraction of a minor unit, or too large
    }
  }

  /** A provider amount ("5000", "5000.00", 5000, 50.5) as a number; null when it is not one. */
  static BigDecimal decimal(Object value) {
    if (value instanceof String s && DECIMAL_TEXT.matcher(s.trim()).matches()) {
      return new BigDecimal(s.trim());
    }
    if (value instanceof Integer || value instanceof Long) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    if (value instanceof Double d && Double.isFinite(d)) {
      return BigDecimal.valueOf(d);
    }
    return value instanceof BigDecimal b ? b : null;
  }

  private static String requested(CollectionRequest request) {
    int digits = Math.max(0, DecimalAmount.fractionDigits(request.amount().currency()));
    return BigDecimal.valueOf(request.amount().minor(), digits).toPlainString() + " "
        + request.amount().currency();
  }

  /** MoMo's financialTransactionId: a string, or a number in older answers. */
  static String transactionId(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Double d && !Double.isFinite(d)) {
      return null; // 1e400 parses as Infinity: not an id, and BigDecimal would throw
    }
    String text =
        value instanceof Number n ? new BigDecimal(n.toString()).toPlainString() : value.toString();
    return TXN_ID.matcher(text).matches() ? text : null;
  }

  /** MoMo's reason: a code string ("APPROVAL_REJECTED"), or {code, message} in older answers. */
  static String reasonText(Object reason) {
    if (reason instanceof String s && !s.isBlank()) {
      return clean(s);
    }
    if (reason instanceof JsonObject o) {
      String code = o.getValue("code") instanceof String c ? c : null;
      String message = o.getValue("message") instanceof String m ? m : null;
      if (code != null || message != null) {
        return clean(code == null ? message : message == null ? code : code + ": " + message);
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- tokens and HTTP

  /** Sends with the cached token, once more with a fresh one when MoMo answers 401 to it. */
  private Future<HttpResponse<Buffer>> authorized(
      Config config, Function<String, Future<HttpResponse<Buffer>>> send) {
    return calls.authorized(
        config.tokenKey(),
        TokenCache.digest(config.basic, config.subscriptionKey),
        () -> fetchToken(config),
        send);
  }

  private Future<TokenCache.Fetched> fetchToken(Config config) {
    return bearerToken(
        () -> client
            .postAbs(config.baseUrl + TOKEN_PATH)
            .timeout(config.timeoutMs)
            .putHeader("Authorization", config.basic)
            .putHeader(SUBSCRIPTION_KEY_HEADER, config.subscriptionKey)
            .putHeader("Accept", "application/json")
            .send(),
        TOKEN_PATH,
        code -> code == 401 || code == 403);
  }

  private static HttpRequest<Buffer> headers(
      HttpRequest<Buffer> request, Config config, String token) {
    return request
        .timeout(config.timeoutMs)
        .putHeader("Authorization", "Bearer " + token)
        .putHeader(TARGET_ENVIRONMENT_HEADER, config.targetEnvironment)
        .putHeader(SUBSCRIPTION_KEY_HEADER, config.subscriptionKey)
        .putHeader("Accept", "application/json");
  }

  /** MoMo's error body ({code, message}, {error}, APIM's {statusCode, message}) as one line. */
  private static String errorText(HttpResponse<Buffer> response) {
    JsonObject json = jsonObject(response);
    if (json != null) {
      String text = reasonText(json);
      if (text == null && json.getValue("error") instanceof String error) {
        text = clean(error);
      }
      if (text != null) {
        return text;
      }
    }
    return snippet(response);
  }

  // ---------------------------------------------------------------- settings and cache entries

  /** The settings of one call, checked. Holds secrets: no toString. */
  private static final class Config {
    final String baseUrl;
    final String subscriptionKey;
    final String apiUser;
    final String basic;
    final String targetEnvironment;
    final long timeoutMs;

    private Config(
        String baseUrl,
        String subscriptionKey,
        String apiUser,
        String apiKey,
        String targetEnvironment,
        long timeoutMs) {
      this.baseUrl = baseUrl;
      this.subscriptionKey = subscriptionKey;
      this.apiUser = apiUser;
      this.basic = "Basic "
          + Base64.getEncoder()
              .encodeToString((apiUser + ":" + apiKey).getBytes(StandardCharsets.UTF_8));
      this.targetEnvironment = targetEnvironment;
      this.timeoutMs = timeoutMs;
    }

    String tokenKey() {
      return baseUrl + "\n" + apiUser;
    }

    static Config of(Map<String, String> settings) {
      Map<String, String> s = settings == null ? Map.of() : settings;
      String baseUrl = CollectionSettings.baseUrl(NAME, s.get(SETTING_BASE_URL), DEFAULT_BASE_URL);
      String subscriptionKey = s.get(SETTING_SUBSCRIPTION_KEY);
      String apiUser = s.get(SETTING_API_USER);
      String apiKey = s.get(SETTING_API_KEY);
      if (isBlank(subscriptionKey) || isBlank(apiUser) || isBlank(apiKey)) {
        throw new CollectionCallException(
            "mtn-momo settings incomplete: subscriptionKey, apiUser and apiKey are required",
            false);
      }
      if (apiUser.indexOf(':') >= 0 || hasControl(apiUser + apiKey + subscriptionKey)) {
        throw new CollectionCallException(
            "mtn-momo settings apiUser, apiKey or subscriptionKey hold invalid characters", false);
      }
      String targetEnvironment =
          orDefault(s.get(SETTING_TARGET_ENVIRONMENT), DEFAULT_TARGET_ENVIRONMENT);
      if (!TARGET_ENVIRONMENT.matcher(targetEnvironment).matches()) {
        throw new CollectionCallException(
            "mtn-momo setting targetEnvironment is not a MoMo environment name", false);
      }
      long timeoutMs =
          CollectionSettings.timeoutMs(NAME, s.get(SETTING_TIMEOUT_MS), DEFAULT_TIMEOUT_MS);
      return new Config(baseUrl, subscriptionKey, apiUser, apiKey, targetEnvironment, timeoutMs);
    }
  }
}
