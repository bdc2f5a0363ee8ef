package io.payg.telco.vodacommz;

import io.payg.domain.peer.PluginSettings;
import io.payg.domain.port.CollectionProvider;
import io.payg.domain.port.CollectionRequest;
import io.payg.domain.port.CollectionStatus;
import io.payg.telco.support.DecimalAmount;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * Vodacom M-Pesa Mozambique (Open API, "C2B single stage"): the gateway asks M-Pesa to collect,
 * M-Pesa pushes a PIN prompt to the payer and answers the same HTTP call once the payer approved,
 * refused or let it time out (a minute or more). There is no callback: {@link #status} asks the
 * query transaction status API for anything the first answer left open.
 *
 * <p><b>Plugin settings</b> ({@code vodacom-mz}): {@code apiKey} (secret) and {@code publicKey}
 * (the portal's Base64 RSA public key) make the bearer token ({@link VodacomMzSessionKey});
 * {@code serviceProviderCode} (the short code, e.g. 171717); {@code baseUrl} (default
 * {@value #DEFAULT_BASE_URL}, port 18352) and {@code queryBaseUrl} (default: baseUrl with port
 * 18353, as M-Pesa serves each API on its own port); {@code timeoutMs} for the push (default
 * {@value #DEFAULT_PUSH_TIMEOUT_MS}: the payer's PIN is awaited) and the query (10 s).
 *
 * <pre>
 * POST {baseUrl}/ipg/v1x/c2bPayment/singleStage/   Authorization: Bearer ..  Origin: *
 *   {"input_TransactionReference":"T..","input_CustomerMSISDN":"258843330333","input_Amount":"500",
 *    "input_ThirdPartyReference":"..","input_ServiceProviderCode":"171717"}
 * → {"output_ResponseCode":"INS-0","output_ResponseDesc":"Request processed successfully",
 *    "output_TransactionID":"..","output_ConversationID":"..","output_ThirdPartyReference":".."}
 * GET {queryBaseUrl}/ipg/v1x/queryTransactionStatus/?input_ThirdPartyReference=..&amp;input_QueryReference=..
 *     &amp;input_ServiceProviderCode=..
 * → {"output_ResponseCode":"INS-0",..,"output_ResponseTransactionStatus":"Completed"|"Pending"|"Cancelled"|..}
 * </pre>
 * Both references are derived from our collection UUID (its first 20 hex digits: M-Pesa limits
 * references to 20 characters), so a retried push is the same push (INS-10 duplicate) and the
 * status query finds it without any stored state.
 *
 * <pre>
 * push answer                    collection
 * INS-0 (HTTP 200/201)           SUCCEEDED(output_TransactionID): M-Pesa's own word that the money
 *                                  moved; booked from this answer, no query needed. The
 *                                  TransactionID (not the ConversationID) is M-Pesa's receipt, the
 *                                  id on the organisation's statement
 * INS-9 request timeout (408),   PENDING: the payer may still approve; ask the status API
 * INS-10 duplicate (409)           (INS-10: our own retry of a push M-Pesa already has)
 * INS-1 internal error (500),    failed stage: the push may or may not exist, the poller asks
 *   INS-16 overloaded, 5xx, transport error, no JSON
 * INS-2006 insufficient balance, FAILED "INS-x: description": final, nothing was debited
 *   INS-5 cancelled by the customer, INS-6 transaction failed, INS-2051 MSISDN invalid,
 *   INS-13/14/15/17/19/20/21 invalid request
 * INS-2 invalid API key, INS-4   FAILED "M-Pesa refused the credentials: INS-x ...": final for this
 *   user not active, INS-25/26     push (M-Pesa refused it before any PIN prompt); an operator must fix
 *   security credential / not      the apiKey, publicKey or serviceProviderCode
 *   authorised, INS-2001
 * any other INS-*                FAILED "INS-x: description"
 * </pre>
 * Query answers: INS-0 with {@code output_ResponseTransactionStatus} Completed → SUCCEEDED,
 * Cancelled / Expired / Failed → FAILED, Pending / N/A / anything else → PENDING (the poller asks
 * again, and one last time at expiry); any other INS code of the query itself (credentials
 * included) is a failed stage, never FAILED: the push may have gone through.
 *
 * <p>Sources: Vodacom Mozambique's OpenAPI portal documentation (https://developer.mpesa.vm.co.mz/documentation/,
 * named as the reference by the pub.dev mpesa_sdk_mz SDK): "C2B", "Query Transaction Status" and
 * its response-code table (INS-0 success, INS-1 internal error, INS-2 invalid API key, INS-4 user
 * not active, INS-5 cancelled by customer, INS-6 failed, INS-9 request timeout, INS-10 duplicate,
 * INS-13 invalid shortcode, INS-15 invalid amount, INS-16 overload, INS-2006 insufficient balance,
 * INS-2051 MSISDN invalid), as reproduced by public integrations (code search "INS-2006");
 * paymentsds/mpesa-js-sdk:src/constants.js (ports 18352, {@code /ipg/v1x/}, the {@code Origin}
 * header, field names); abdulmueid/mpesa-php-api issue 13 (an insufficient balance reported as
 * INS-1 or an empty code: why INS-1 is never final). Unconfirmed: the HTTP status paired with
 * each code (the simulator's pairing is an assumption, the adapter reads the INS code whatever
 * the HTTP status).
 */
public final class VodacomMzCollections implements CollectionProvider {

  public static final String NAME = "vodacom-mz";
  public static final String C2B_PATH = "/ipg/v1x/c2bPayment/singleStage/";
  public static final String QUERY_PATH = "/ipg/v1x/queryTransactionStatus/";
  public static final String DEFAULT_BASE_URL = "https://api.sandbox.vm.co.mz:18352";
  public static final long DEFAULT_PUSH_TIMEOUT_MS = 90_000;
  public static final long QUERY_TIMEOUT_MS = 10_000;
  public static final String SUCCESS = "INS-0";
  /** Codes that say nothing final about the push. */
  static final Set<String> OPEN = Set.of("INS-9", "INS-10");
  /** Codes that say M-Pesa could not take the call now. */
  static final Set<String> RETRY = Set.of("INS-1", "INS-16");
  /** Codes that say M-Pesa refused our credentials or our right to call (portal's response codes). */
  static final Set<String> CREDENTIALS = Set.of("INS-2", "INS-4", "INS-25", "INS-26", "INS-2001");

  public static final String CREDENTIALS_REFUSED = "M-Pesa refused the credentials";
  private static final Pattern MSISDN = Pattern.compile("258[0-9]{9}");
  private static final Pattern CODE = Pattern.compile("INS-[0-9]{1,5}");

  private final WebClient client;
  private final VodacomMzSessionKey sessionKeys = new VodacomMzSessionKey();

  public VodacomMzCollections(WebClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  @Override
  public String provider() {
    return NAME;
  }

  /** The 20-character reference M-Pesa gets for our collection: the UUID's first 20 hex digits. */
  public static String reference(String collectionId) {
    return UUID.fromString(collectionId)
        .toString()
        .replace("-", "")
        .substring(0, 20)
        .toUpperCase(Locale.ROOT);
  }

  @Override
  public CompletionStage<CollectionStatus> requestToPay(CollectionRequest request) {
    return push(request).toCompletionStage();
  }

  @Override
  public CompletionStage<CollectionStatus> status(CollectionRequest request) {
    return query(request).toCompletionStage();
  }

  private Future<CollectionStatus> push(CollectionRequest request) {
    Map<String, String> s = request.settings();
    String bearer;
    try {
      bearer = bearer(s);
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(
          CollectionStatus.failed(e.getMessage())); // nothing sent: fix the settings
    }
    String msisdn = request.msisdn() == null ? "" : request.msisdn().replace("+", "");
    if (!MSISDN.matcher(msisdn).matches()) {
      return Future.succeededFuture(
          CollectionStatus.failed("M-Pesa Mozambique needs a 258 number of 9 digits"));
    }
    String reference = reference(request.reference());
    JsonObject body = new JsonObject()
        .put("input_TransactionReference", reference)
        .put("input_CustomerMSISDN", msisdn)
        .put("input_Amount", amount(request))
        .put("input_ThirdPartyReference", reference)
        .put("input_ServiceProviderCode", s.get("serviceProviderCode"));
    return client
        .postAbs(base(s) + C2B_PATH)
        .timeout(timeout(s))
        .putHeader("Authorization", "Bearer " + bearer)
        .putHeader("Origin", "*")
        .putHeader("Content-Type", "application/json")
        .sendBuffer(body.toBuffer())
        .recover(err -> Future.failedFuture(
            new VodacomMzException("M-Pesa did not answer the push: " + err.getMessage(), err)))
        .map(VodacomMzCollections::pushOutcome);
  }

  static CollectionStatus pushOutcome(HttpResponse<Buffer> r) {
    JsonObject json = json(r);
    String code = json.getString("output_ResponseCode");
    if (SUCCESS.equals(code)) {
      return CollectionStatus.succeeded(transactionId(json.getValue("output_TransactionID")));
    }
    if (OPEN.contains(code)) {
      return CollectionStatus.pending();
    }
    if (CREDENTIALS.contains(code)) {
      return CollectionStatus.failed(CREDENTIALS_REFUSED + ": " + code + " " + describe(json));
    }
    return CollectionStatus.failed(code + ": " + describe(json));
  }

  private Future<CollectionStatus> query(CollectionRequest request) {
    Map<String, String> s = request.settings();
    String bearer;
    try {
      bearer = bearer(s);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new VodacomMzException(e.getMessage()));
    }
    return client
        .getAbs(queryBase(s) + QUERY_PATH)
        .timeout(QUERY_TIMEOUT_MS)
        .putHeader("Authorization", "Bearer " + bearer)
        .putHeader("Origin", "*")
        // each query is its own call for M-Pesa: a fresh third-party reference
        .addQueryParam(
            "input_ThirdPartyReference",
            "Q" + UUID.randomUUID().toString().replace("-", "").substring(0, 19))
        .addQueryParam("input_QueryReference", reference(request.reference()))
        .addQueryParam("input_ServiceProviderCode", s.getOrDefault("serviceProviderCode", ""))
        .send()
        .recover(err -> Future.failedFuture(
            new VodacomMzException("M-Pesa status not known: " + err.getMessage(), err)))
        .map(VodacomMzCollections::queryOutcome);
  }

  static CollectionStatus queryOutcome(HttpResponse<Buffer> r) {
    JsonObject json = json(r);
    if (!SUCCESS.equals(json.getString("output_ResponseCode"))) {
      throw new VodacomMzException(
          "status query refused: " + json.getString("output_ResponseCode"));
    }
    Object status = json.getValue("output_ResponseTransactionStatus");
    String s = status instanceof String t ? t.trim().toLowerCase(Locale.ROOT) : "";
    return switch (s) {
      case "completed", "success", "successful" ->
        CollectionStatus.succeeded(transactionId(json.getValue("output_TransactionID")));
      case "cancelled", "canceled", "expired", "failed", "declined", "rejected" ->
        CollectionStatus.failed("M-Pesa: " + status);
      // Pending, N/A (not found yet) or new words: ask again; the poller expires it after 24 h
      default -> CollectionStatus.pending();
    };
  }

  /** The JSON of an answer that can be acted on (an INS code); anything else fails the stage. */
  private static JsonObject json(HttpResponse<Buffer> r) {
    int status = r.statusCode();
    Object parsed;
    try {
      parsed = r.body() == null ? null : r.body().toJsonValue();
    } catch (RuntimeException e) {
      parsed = null;
    }
    // M-Pesa sends its INS code with 4xx and 5xx statuses alike (INS-9 with 408, INS-1 with 500)
    if (!(parsed instanceof JsonObject json)
        || !(json.getValue("output_ResponseCode") instanceof String code)
        || !CODE.matcher(code).matches()) {
      throw new VodacomMzException(
          "M-Pesa answered HTTP " + status + " without an output_ResponseCode");
    }
    if (RETRY.contains(code) || status >= 500 && !SUCCESS.equals(code)) {
      throw new VodacomMzException("M-Pesa answered HTTP " + status + " " + code);
    }
    return json;
  }

  private static String describe(JsonObject json) {
    Object desc = json.getValue("output_ResponseDesc");
    String text = desc instanceof String d ? d.replaceAll("\\p{Cntrl}", " ") : "";
    return text.length() > 200 ? text.substring(0, 200) : text;
  }

  /**
   * M-Pesa's transaction id (its receipt, e.g. "5C1400CVRO"), or null when absent or a placeholder
   * ("N/A" in refusals). Never the ConversationID: that names the API call, not the money.
   */
  static String transactionId(Object value) {
    if (!(value instanceof String s)
        || s.isBlank()
        || s.length() > 100
        || "N/A".equalsIgnoreCase(s.trim())) {
      return null;
    }
    return s.trim();
  }

  private String bearer(Map<String, String> s) {
    String apiKey = s.get("apiKey");
    String publicKey = s.get("publicKey");
    if (apiKey == null || apiKey.isEmpty() || publicKey == null || publicKey.isEmpty()) {
      throw new IllegalArgumentException("apiKey and publicKey are required");
    }
    if (s.get("serviceProviderCode") == null || s.get("serviceProviderCode").isBlank()) {
      throw new IllegalArgumentException("serviceProviderCode is required");
    }
    return sessionKeys.bearer(publicKey, apiKey);
  }

  /** Major units as M-Pesa writes them: "500", "500.5". */
  static String amount(CollectionRequest request) {
    int digits = Math.max(0, DecimalAmount.fractionDigits(request.amount().currency()));
    return BigDecimal.valueOf(request.amount().minor(), digits)
        .stripTrailingZeros()
        .toPlainString();
  }

  private static String base(Map<String, String> s) {
    return PluginSettings.withoutTrailingSlash(s.getOrDefault("baseUrl", DEFAULT_BASE_URL));
  }

  private static String queryBase(Map<String, String> s) {
    String q = s.get("queryBaseUrl");
    if (q != null && !q.isBlank()) {
      return PluginSettings.withoutTrailingSlash(q);
    }
    String base = base(s);
    return base.endsWith(":18352") ? base.substring(0, base.length() - 5) + "18353" : base;
  }

  private static long timeout(Map<String, String> s) {
    try {
      return Math.max(
          1_000,
          Long.parseLong(s.getOrDefault("timeoutMs", Long.toString(DEFAULT_PUSH_TIMEOUT_MS))));
    } catch (NumberFormatException e) {
      return DEFAULT_PUSH_TIMEOUT_MS;
    }
  }
}
