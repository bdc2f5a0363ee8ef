package io.payg.telco.airtel;

import static io.payg.domain.peer.PeerText.clean;
import static io.payg.domain.peer.PeerText.hasControl;
import static io.payg.domain.peer.PluginSettings.isBlank;
import static io.payg.peer.PeerCalls.jsonObject;
import static io.payg.peer.PeerCalls.snippet;

import io.payg.domain.port.CollectionRequest;
import io.payg.domain.port.CollectionStatus;
import io.payg.peer.TokenCache;
import io.payg.telco.support.CollectionCallException;
import io.payg.telco.support.CollectionSettings;
import io.payg.telco.support.RequestToPayClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.math.BigDecimal;
import java.security.PublicKey;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Airtel Money Africa collections (USSD push) over Vert.x {@link WebClient}; never blocks.
 *
 * <p><b>Plugin settings</b> ({@link CollectionRequest#settings()}, the same plugin as
 * {@link AirtelTelcoAdapter}):
 * <ul>
 *   <li>{@code baseUrl} (default {@value #DEFAULT_BASE_URL}, the staging API; production is
 *       {@code https://openapi.airtel.africa});</li>
 *   <li>{@code clientId}, {@code clientSecret} (required): the application's keys, sent only to
 *       the token endpoint;</li>
 *   <li>{@code country} (required): the ISO 3166 alpha-2 code of the Airtel operation
 *       ({@code TZ}, {@code UG}, {@code KE}, {@code ZM}, ...): {@code X-Country};</li>
 *   <li>{@code timeoutMs} (default 10000): per HTTP request;</li>
 *   <li>{@code apiVersion} ({@code v1}, the default, or {@code v2}): v2 sends the USSD push to
 *       {@code /merchant/v2/payments/} signed with {@code x-signature} / {@code x-key}
 *       ({@link AirtelMessageSigning}); Airtel warns that older versions may be retired;</li>
 *   <li>{@code signingPublicKey} (required with v2): Airtel's RSA public key for message signing,
 *       Base64 as the portal shows it;</li>
 *   <li>{@code signingRsaPadding} ({@code PKCS1}, the default, or {@code OAEP}): how {@code key:iv}
 *       is RSA-encrypted (unconfirmed, see {@link AirtelMessageSigning});</li>
 *   <li>{@code callbackSecret}: read by {@link AirtelTelcoAdapter} only.</li>
 * </ul>
 * The callback URL is not sent per request: Airtel takes it from the application's settings in its
 * portal, where the operator enters {@code .../api/v1/telco/airtel/{companyId}/callback}
 * ({@link CollectionRequest#callbackUrl()} is not used).
 *
 * <p><b>Access token</b>: {@code POST {baseUrl}/auth/oauth2/token} with
 * {@code {client_id, client_secret, grant_type: "client_credentials"}} answers
 * {@code {access_token, expires_in, token_type}}; one per (baseUrl, clientId), held by
 * {@link TokenCache}, renewed when the client secret changes and once on a 401.
 *
 * <p><b>requestToPay</b>: {@code POST {baseUrl}/merchant/v1/payments/} (v2: {@code /merchant/v2/payments/}
 * plus {@code x-signature}, {@code x-key} over the exact body bytes) with {@code X-Country},
 * {@code X-Currency}, {@code Authorization: Bearer} and
 * {@code {reference: <serial>, subscriber: {country, currency, msisdn}, transaction: {amount,
 * country, currency, id: <our reference>}}}. The msisdn is sent without the country's calling code
 * (Airtel's format: {@code 255754123456} in TZ becomes {@code 754123456}); the amount is a JSON
 * number in major units ({@code 5000}, {@code 10.5}).
 * <pre>
 * 2xx, status.success not false          PENDING (the USSD prompt is on the payer's phone)
 * result_code ESB000041 (id exists)      PENDING: our own retry; Airtel keeps the first request
 * credentials refused (token endpoint    FAILED "Airtel refused the credentials ...": nothing was
 *   400/401/403, or 401 twice here)        requested, an operator must fix the settings
 * other 4xx, or 2xx with success false   FAILED with Airtel's result code and message
 * invalid request or settings            FAILED, nothing sent
 * 408, 429, 5xx, ESB000001, transport     failed stage ({@link CollectionCallException}, retryable): the
 *   error, timeout                         payment may or may not exist at Airtel; {@link #status} tells
 * </pre>
 *
 * <p><b>status</b>: {@code GET {baseUrl}/standard/v1/payments/{reference}} (same headers):
 * <pre>
 * data.transaction.status TS             SUCCEEDED(airtel_money_id)
 * data.transaction.status TF             FAILED(Airtel's message, else "TF")
 * TE (expired: the payer never approved) FAILED(Airtel's message, else "TE: transaction expired")
 * TIP (in progress), TA (ambiguous), DP  PENDING: ask again later
 * 404, ESB000045 / DP00800001025         FAILED "unknown reference", marked
 *   (no such transaction)                  {@link CollectionStatus#unknownReference()}: right after an
 *                                          accepted push Airtel may not have it yet, so the gateway
 *                                          keeps an accepted collection PENDING (final only when the
 *                                          push was never accepted, or at expiry)
 * anything else                          failed stage: never FAILED on a doubt (credentials, 5xx,
 *                                          timeout, a status not understood), since the payer may have paid
 * </pre>
 * Airtel's enquiry does not return the amount, so it cannot be compared with the request's: the
 * id is ours and was sent with the amount once, which Airtel keeps.
 */
public final class AirtelCollections extends RequestToPayClient {

  public static final String NAME = AirtelTelcoAdapter.NAME;

  public static final String SETTING_BASE_URL = "baseUrl";
  public static final String SETTING_CLIENT_ID = "clientId";
  public static final String SETTING_CLIENT_SECRET = "clientSecret";
  public static final String SETTING_COUNTRY = "country";
  public static final String SETTING_TIMEOUT_MS = "timeoutMs";
  public static final String SETTING_API_VERSION = "apiVersion";
  public static final String SETTING_SIGNING_PUBLIC_KEY = "signingPublicKey";
  public static final String SETTING_SIGNING_RSA_PADDING = "signingRsaPadding";

  public static final String DEFAULT_BASE_URL = "https://openapiuat.airtel.africa";
  public static final long DEFAULT_TIMEOUT_MS = 10_000;

  public static final String TOKEN_PATH = "/auth/oauth2/token";
  public static final String PAYMENTS_PATH = "/merchant/v1/payments/";
  /** The signed USSD push (developers.airtel.africa Collection API v2). */
  public static final String PAYMENTS_V2_PATH = "/merchant/v2/payments/";

  public static final String SIGNATURE_HEADER = "x-signature";
  public static final String KEY_HEADER = "x-key";
  public static final String ENQUIRY_PATH = "/standard/v1/payments/";

  public static final String COUNTRY_HEADER = "X-Country";
  public static final String CURRENCY_HEADER = "X-Currency";

  /** Airtel's result code of a successful call. */
  public static final String RESULT_SUCCESS = "ESB000010";
  /** "External Transaction ID already exists": a request with our id was taken before. */
  public static final String RESULT_DUPLICATE_ID = "ESB000041";
  /** "Something went wrong": not a refusal. */
  public static final String RESULT_SOMETHING_WENT_WRONG = "ESB000001";
  /** "No transaction found with the provided transaction id". */
  public static final String RESULT_NOT_FOUND = "ESB000045";
  /** The product response code of a transaction not found. */
  public static final String RESPONSE_NOT_FOUND = "DP00800001025";

  public static final String UNKNOWN_REFERENCE = RequestToPayClient.UNKNOWN_REFERENCE;
  public static final String CREDENTIALS_REFUSED = "Airtel refused the credentials";

  /** The countries Airtel Money operates in, with their calling codes (to strip from MSISDNs). */
  static final Map<String, String> CALLING_CODES = Map.ofEntries(
      Map.entry("CD", "243"),
      Map.entry("CG", "242"),
      Map.entry("GA", "241"),
      Map.entry("KE", "254"),
      Map.entry("MG", "261"),
      Map.entry("MW", "265"),
      Map.entry("NE", "227"),
      Map.entry("NG", "234"),
      Map.entry("RW", "250"),
      Map.entry("SC", "248"),
      Map.entry("TD", "235"),
      Map.entry("TZ", "255"),
      Map.entry("UG", "256"),
      Map.entry("ZM", "260"));

  static final Pattern UUID_TEXT = RequestToPayClient.UUID_TEXT;
  private static final Pattern DIGITS = Pattern.compile("[0-9]{5,15}");
  private static final Pattern NATIONAL = Pattern.compile("[0-9]{7,10}");
  private static final Pattern SERIAL_CHARS = Pattern.compile("[^A-Za-z0-9._ -]");
  private static final Pattern MONEY_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  public AirtelCollections(WebClient client) {
    this(client, System::nanoTime);
  }

  /** With the monotonic clock that ages cached tokens (tests). */
  AirtelCollections(WebClient client, LongSupplier nanoTime) {
    super(NAME, "Airtel", CREDENTIALS_REFUSED, AirtelCollections::errorText, client, nanoTime);
  }

  // ---------------------------------------------------------------- USSD push

  @Override
  protected Future<CollectionStatus> startCollection(CollectionRequest request) {
    Config config;
    JsonObject body;
    try {
      config = Config.of(request.settings());
      body = requestBody(request, config);
    } catch (CollectionCallException e) {
      // nothing was sent: this request can never succeed as it is
      return Future.succeededFuture(CollectionStatus.failed(e.getMessage()));
    }
    String currency = request.amount().currency();
    Buffer bytes = body.toBuffer();
    // v2: signed over the exact bytes sent, once (a retry after a 401 sends the same signature)
    AirtelMessageSigning.Signature signature = config.signingKey == null
        ? null
        : AirtelMessageSigning.sign(bytes.getBytes(), config.signingKey, config.padding);
    Function<String, Future<HttpResponse<Buffer>>> send = token -> {
      HttpRequest<Buffer> post = headers(
              client.postAbs(
                  config.baseUrl + (signature == null ? PAYMENTS_PATH : PAYMENTS_V2_PATH)),
              config,
              currency,
              token)
          .putHeader("Content-Type", "application/json");
      if (signature != null) {
        post.putHeader(SIGNATURE_HEADER, signature.xSignature())
            .putHeader(KEY_HEADER, signature.xKey());
      }
      return post.sendBuffer(bytes);
    };
    return authorized(config, send).transform(ar -> {
      if (ar.failed()) {
        return refusedOrFailed(ar.cause());
      }
      HttpResponse<Buffer> response = ar.result();
      JsonObject status = envelopeStatus(response);
      String resultCode = status == null ? null : text(status.getValue("result_code"));
      if (RESULT_DUPLICATE_ID.equals(resultCode)) {
        return Future.succeededFuture(CollectionStatus.pending());
      }
      CollectionStatus accepted = status != null && Boolean.FALSE.equals(status.getValue("success"))
          ? CollectionStatus.failed("Airtel " + errorText(response))
          : CollectionStatus.pending();
      return requestAnswer(
          response, "payments", RESULT_SOMETHING_WENT_WRONG.equals(resultCode), accepted);
    });
  }

  private static JsonObject requestBody(CollectionRequest request, Config config) {
    String reference = request.reference();
    if (!isReference(reference)) {
      throw new CollectionCallException(
          "the reference must be a UUID (Airtel transaction id)", false);
    }
    String msisdn = nationalNumber(request.msisdn(), config.country);
    BigDecimal major = majorUnits(request).stripTrailingZeros();
    String currency = request.amount().currency();
    Number amount = major.scale() <= 0 ? (Number) major.longValueExact() : major;
    String serial =
        request.serial() == null ? "" : SERIAL_CHARS.matcher(request.serial()).replaceAll("");
    String description =
        serial.isBlank() ? "PAYG payment" : serial.length() > 64 ? serial.substring(0, 64) : serial;
    return new JsonObject()
        .put("reference", description)
        .put(
            "subscriber",
            new JsonObject()
                .put("country", config.country)
                .put("currency", currency)
                .put("msisdn", msisdn))
        .put(
            "transaction",
            new JsonObject()
                .put("amount", amount)
                .put("country", config.country)
                .put("currency", currency)
                .put("id", reference));
  }

  /** Digits with the country code ("+255 754...") to Airtel's national number ("754123456"). */
  static String nationalNumber(String msisdn, String country) {
    String digits = msisdn == null ? "" : msisdn.trim().replace(" ", "");
    if (digits.startsWith("+")) {
      digits = digits.substring(1);
    }
    if (!DIGITS.matcher(digits).matches()) {
      throw new CollectionCallException(
          "the msisdn must be 5 to 15 digits with the country code", false);
    }
    String code = CALLING_CODES.get(country);
    if (digits.startsWith(code)) {
      digits = digits.substring(code.length());
    }
    if (digits.startsWith("0")) {
      digits = digits.substring(1);
    }
    if (!NATIONAL.matcher(digits).matches()) {
      throw new CollectionCallException("the msisdn is not an " + country + " number", false);
    }
    return digits;
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
    String currency = request.amount() == null ? "" : request.amount().currency();
    Function<String, Future<HttpResponse<Buffer>>> send = token -> headers(
            client.getAbs(config.baseUrl + ENQUIRY_PATH + reference), config, currency, token)
        .send();
    return authorized(config, send).compose(response -> {
      JsonObject status = envelopeStatus(response);
      String resultCode = status == null ? null : text(status.getValue("result_code"));
      String responseCode = status == null ? null : text(status.getValue("response_code"));
      // "No transaction found with the provided transaction id": right after a push Airtel may
      // not have it yet; the gateway decides whether that is final (accepted or not)
      boolean notFound = response.statusCode() == 404
          || RESULT_NOT_FOUND.equals(resultCode)
          || RESPONSE_NOT_FOUND.equals(responseCode);
      return statusAnswer(response, "enquiry", notFound, AirtelCollections::statusOf);
    });
  }

  private static Future<CollectionStatus> statusOf(HttpResponse<Buffer> response) {
    JsonObject json = jsonObject(response);
    JsonObject data = json == null || !(json.getValue("data") instanceof JsonObject d) ? null : d;
    JsonObject transaction =
        data == null || !(data.getValue("transaction") instanceof JsonObject t) ? null : t;
    if (transaction == null || !(transaction.getValue("status") instanceof String status)) {
      return Future.failedFuture(new CollectionCallException(
          "Airtel enquiry answer without a transaction status: " + errorText(response), false));
    }
    CollectionStatus mapped = map(status, transaction);
    if (mapped == null) {
      return Future.failedFuture(new CollectionCallException(
          "Airtel transaction status not understood: " + clean(status), false));
    }
    return Future.succeededFuture(mapped);
  }

  /**
   * Airtel's transaction status (TS, TF, TE, TIP, TA, DP) as a collection status; null when not
   * understood. The same mapping serves the enquiry ({@code status}) and the callback
   * ({@code status_code}).
   */
  static CollectionStatus map(String status, JsonObject transaction) {
    return switch (status.trim().toUpperCase(Locale.ROOT)) {
      case "TS" -> CollectionStatus.succeeded(moneyId(transaction.getValue("airtel_money_id")));
      case "TF" -> {
        String message =
            transaction.getValue("message") instanceof String m && !m.isBlank() ? clean(m) : null;
        yield CollectionStatus.failed(message == null ? "TF" : message);
      }
      // expired: the payer let the USSD prompt time out; nothing was debited
      // (developers.airtel.africa Collection API, transaction status values TF, TS, TIP, TA, TE)
      case "TE" -> {
        String message =
            transaction.getValue("message") instanceof String m && !m.isBlank() ? clean(m) : null;
        yield CollectionStatus.failed(
            message == null ? "TE: transaction expired" : "TE: " + message);
      }
      // in progress, ambiguous (Airtel: ask again later), pending
      case "TIP", "TA", "DP" -> CollectionStatus.pending();
      default -> null;
    };
  }

  /** Airtel's money id ("MP210603.1234.L06941"), or null when absent or not an id. */
  static String moneyId(Object value) {
    if (!(value instanceof String s)) {
      return null;
    }
    String id = s.trim();
    return MONEY_ID.matcher(id).matches() ? id : null;
  }

  // ---------------------------------------------------------------- tokens and HTTP

  /** Sends with the cached token, once more with a fresh one when Airtel answers 401 to it. */
  private Future<HttpResponse<Buffer>> authorized(
      Config config, Function<String, Future<HttpResponse<Buffer>>> send) {
    return calls.authorized(config.tokenKey(), config.secretDigest, () -> fetchToken(config), send);
  }

  private Future<TokenCache.Fetched> fetchToken(Config config) {
    return bearerToken(
        () -> client
            .postAbs(config.baseUrl + TOKEN_PATH)
            .timeout(config.timeoutMs)
            .putHeader("Content-Type", "application/json")
            .putHeader("Accept", "*/*")
            .sendBuffer(new JsonObject()
                .put("client_id", config.clientId)
                .put("client_secret", config.clientSecret)
                .put("grant_type", "client_credentials")
                .toBuffer()),
        TOKEN_PATH,
        code -> code == 400 || code == 401 || code == 403);
  }

  private static HttpRequest<Buffer> headers(
      HttpRequest<Buffer> request, Config config, String currency, String token) {
    return request
        .timeout(config.timeoutMs)
        .putHeader("Authorization", "Bearer " + token)
        .putHeader(COUNTRY_HEADER, config.country)
        .putHeader(CURRENCY_HEADER, currency)
        .putHeader("Accept", "*/*");
  }

  /** Airtel's {@code status} envelope ({code, message, result_code, response_code, success}), or null. */
  private static JsonObject envelopeStatus(HttpResponse<Buffer> response) {
    JsonObject json = jsonObject(response);
    return json != null && json.getValue("status") instanceof JsonObject s ? s : null;
  }

  private static String text(Object value) {
    return value instanceof String s ? s.trim() : value instanceof Number n ? n.toString() : null;
  }

  /** Airtel's error as one line: "ESB000008: message", or OAuth's error_description, or the body. */
  private static String errorText(HttpResponse<Buffer> response) {
    JsonObject json = jsonObject(response);
    if (json != null) {
      if (json.getValue("status") instanceof JsonObject status) {
        String code = text(status.getValue("result_code"));
        String message = text(status.getValue("message"));
        if (code != null || message != null) {
          return clean(code == null ? message : message == null ? code : code + ": " + message);
        }
      }
      String error = text(json.getValue("error_description"));
      if (error == null) {
        error = text(json.getValue("error"));
      }
      if (error != null) {
        return clean(error);
      }
    }
    return snippet(response);
  }

  // ---------------------------------------------------------------- settings and cache entries

  /** The settings of one call, checked. Holds secrets: no toString. */
  private static final class Config {
    final String baseUrl;
    final String clientId;
    final String clientSecret;
    final byte[] secretDigest;
    final String country;
    final long timeoutMs;
    /** Airtel's message-signing key: non-null for apiVersion v2. */
    final PublicKey signingKey;

    final AirtelMessageSigning.Padding padding;

    private Config(
        String baseUrl,
        String clientId,
        String clientSecret,
        String country,
        long timeoutMs,
        PublicKey signingKey,
        AirtelMessageSigning.Padding padding) {
      this.baseUrl = baseUrl;
      this.clientId = clientId;
      this.clientSecret = clientSecret;
      this.secretDigest = TokenCache.digest(clientSecret);
      this.country = country;
      this.timeoutMs = timeoutMs;
      this.signingKey = signingKey;
      this.padding = padding;
    }

    String tokenKey() {
      return baseUrl + "\n" + clientId;
    }

    static Config of(Map<String, String> settings) {
      Map<String, String> s = settings == null ? Map.of() : settings;
      String baseUrl = CollectionSettings.baseUrl(NAME, s.get(SETTING_BASE_URL), DEFAULT_BASE_URL);
      String clientId = s.get(SETTING_CLIENT_ID);
      String clientSecret = s.get(SETTING_CLIENT_SECRET);
      String country = s.get(SETTING_COUNTRY);
      if (isBlank(clientId) || isBlank(clientSecret) || isBlank(country)) {
        throw new CollectionCallException(
            "airtel settings incomplete: clientId, clientSecret and country are required", false);
      }
      if (hasControl(clientId + clientSecret)) {
        throw new CollectionCallException(
            "airtel settings clientId or clientSecret hold invalid characters", false);
      }
      country = country.trim().toUpperCase(Locale.ROOT);
      if (!CALLING_CODES.containsKey(country)) {
        throw new CollectionCallException(
            "airtel setting country must be one of " + new TreeSet<>(CALLING_CODES.keySet()),
            false);
      }
      long timeoutMs =
          CollectionSettings.timeoutMs(NAME, s.get(SETTING_TIMEOUT_MS), DEFAULT_TIMEOUT_MS);
      String version = s.get(SETTING_API_VERSION) == null
          ? "v1"
          : s.get(SETTING_API_VERSION).trim().toLowerCase(Locale.ROOT);
      PublicKey signingKey = null;
      AirtelMessageSigning.Padding padding;
      try {
        padding = AirtelMessageSigning.Padding.of(s.get(SETTING_SIGNING_RSA_PADDING));
        if (version.equals("v2")) {
          signingKey = AirtelMessageSigning.publicKey(s.get(SETTING_SIGNING_PUBLIC_KEY));
        } else if (!version.equals("v1") && !version.isEmpty()) {
          throw new IllegalArgumentException("airtel setting apiVersion must be v1 or v2");
        }
      } catch (IllegalArgumentException e) {
        throw new CollectionCallException(e.getMessage(), false);
      }
      return new Config(
          baseUrl, clientId.trim(), clientSecret, country, timeoutMs, signingKey, padding);
    }
  }
}
