package io.payg.telco.vodacommz;

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
 * INS-0                          SUCCEEDED (output_TransactionID)
 * INS-9 timeout, INS-10 dup      PENDING: ask the status API
 * INS-1, INS-16, 5xx, 408, 429,  failed stage: the push may or may not exist, the poller asks
 *   transport error, no JSON
 * any other INS-* (INS-5 cancelled, INS-6 failed, INS-2006 no funds, INS-2051 bad MSISDN,
 *   INS-2 bad API key, INS-13 bad short code, INS-15 bad amount ...)   FAILED "INS-x: description"
 * </pre>
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
    return UUID.fromString(collectionId).toString().replace("-", "").substring(0, 20).toUpperCase(Locale.ROOT);
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
      return Future.succeededFuture(CollectionStatus.failed(e.getMessage())); // nothing sent: fix the settings
    }
    String msisdn = request.msisdn() == null ? "" : request.msisdn().replace("+", "");
    if (!MSISDN.matcher(msisdn).matches()) {
      return Future.succeededFuture(CollectionStatus.failed("M-Pesa Mozambique needs a 258 number of 9 digits"));
    }
    String reference = reference(request.reference());
    JsonObject body = new JsonObject()
        .put("input_TransactionReference", reference)
        .put("input_CustomerMSISDN", msisdn)
        .put("input_Amount", amount(request))
        .put("input_ThirdPartyReference", reference)
        .put("input_ServiceProviderCode", s.get("serviceProviderCode"));
    return client.postAbs(base(s) + C2B_PATH).timeout(timeout(s)).putHeader("Authorization", "Bearer " + bearer)
        .putHeader("Origin", "*").putHeader("Content-Type", "application/json")
        .sendBuffer(body.toBuffer())
        .recover(err -> Future.failedFuture(new VodacomMzException("M-Pesa did not answer the push: " + err.getMessage(), err)))
        .map(VodacomMzCollections::pushOutcome);
  }

  static CollectionStatus pushOutcome(HttpResponse<Buffer> r) {
    JsonObject json = json(r);
    String code = json.getString("output_ResponseCode");
    if (SUCCESS.equals(code)) {
      return CollectionStatus.succeeded(text(json.getValue("output_TransactionID"), json.getValue("output_ConversationID")));
    }
    if (OPEN.contains(code)) {
      return CollectionStatus.pending();
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
    return client.getAbs(queryBase(s) + QUERY_PATH).timeout(QUERY_TIMEOUT_MS)
        .putHeader("Authorization", "Bearer " + bearer).putHeader("Origin", "*")
        // each query is its own call for M-Pesa: a fresh third-party reference
        .addQueryParam("input_ThirdPartyReference", "Q" + UUID.randomUUID().toString().replace("-", "").substring(0, 19))
        .addQueryParam("input_QueryReference", reference(request.reference()))
        .addQueryParam("input_ServiceProviderCode", s.getOrDefault("serviceProviderCode", ""))
        .send()
        .recover(err -> Future.failedFuture(new VodacomMzException("M-Pesa status not known: " + err.getMessage(), err)))
        .map(VodacomMzCollections::queryOutcome);
  }

  static CollectionStatus queryOutcome(HttpResponse<Buffer> r) {
    JsonObject json = json(r);
    if (!SUCCESS.equals(json.getString("output_ResponseCode"))) {
      throw new VodacomMzException("status query refused: " + json.getString("output_ResponseCode"));
    }
    Object status = json.getValue("output_ResponseTransactionStatus");
    String s = status instanceof String t ? t.trim().toLowerCase(Locale.ROOT) : "";
    return switch (s) {
      case "completed", "success", "successful" ->
          CollectionStatus.succeeded(text(json.getValue("output_TransactionID"), json.getValue("output_ConversationID")));
      case "cancelled", "canceled", "expired", "failed", "declined", "rejected" -> CollectionStatus.failed("M-Pesa: " + status);
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
    if (!(parsed instanceof JsonObject json) || !(json.getValue("output_ResponseCode") instanceof String code)
        || !CODE.matcher(code).matches()) {
      throw new VodacomMzException("M-Pesa answered HTTP " + status + " without an output_ResponseCode");
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

  private static String text(Object preferred, Object fallback) {
    Object v = preferred instanceof String s && !s.isBlank() ? s : fallback;
    return v instanceof String s && s.length() <= 100 ? s : null;
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
    return BigDecimal.valueOf(request.amount().minor(), digits).stripTrailingZeros().toPlainString();
  }

  private static String base(Map<String, String> s) {
    return trim(s.getOrDefault("baseUrl", DEFAULT_BASE_URL));
  }

  private static String queryBase(Map<String, String> s) {
    String q = s.get("queryBaseUrl");
    if (q != null && !q.isBlank()) {
      return trim(q);
    }
    String base = base(s);
    return base.endsWith(":18352") ? base.substring(0, base.length() - 5) + "18353" : base;
  }

  private static String trim(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static long timeout(Map<String, String> s) {
    try {
      return Math.max(1_000, Long.parseLong(s.getOrDefault("timeoutMs", Long.toString(DEFAULT_PUSH_TIMEOUT_MS))));
    } catch (NumberFormatException e) {
      return DEFAULT_PUSH_TIMEOUT_MS;
    }
  }
}
