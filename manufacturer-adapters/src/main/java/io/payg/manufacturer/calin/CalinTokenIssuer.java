package io.payg.manufacturer.calin;

import static io.payg.manufacturer.support.HttpPeer.snippet;
import static io.payg.manufacturer.support.HttpPeer.trimSlash;

import io.payg.domain.TokenAmount;
import io.payg.domain.port.IssuedToken;
import io.payg.domain.port.TokenIssueException;
import io.payg.domain.port.TokenIssuer;
import io.payg.domain.port.TokenRequest;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vends credit tokens for Calin prepaid (STS) meters over Calin's HTTP vending API, following
 * MicroPowerManager's CalinMeter plugin (see {@link CalinProtocol} for the wire format).
 *
 * <p>Settings ({@link TokenRequest#settings()}):
 * <ul>
 *   <li>{@code baseUrl} (required): Calin API root, MicroPowerManager's {@code api_url}, e.g.
 *       {@code https://calin.example/api}; the issuer POSTs to {@code {baseUrl}/token/}</li>
 *   <li>{@code userId} (required): Calin vending account user id</li>
 *   <li>{@code apiKey} (required): the key that signs the cipher; never sent in clear</li>
 *   <li>{@code timeoutMs} (optional, default 10000): whole-request timeout</li>
 * </ul>
 *
 * <p>Idempotency: Calin's API takes no idempotency key. The request's idempotency key is sent as
 * {@code serial_id} (MicroPowerManager sends its meter row id there) and returned as the
 * manufacturer reference for reconciliation, but Calin does not deduplicate on it. So a retry
 * after a timeout or lost response can vend a second token; callers must treat retryable
 * failures after a request was sent as "maybe vended" and reconcile.
 *
 * <p>Failures: transport errors (connection refused/reset, timeout) and HTTP 5xx/408/429 are
 * retryable; a Calin business error ({@code result_code != 0}: unknown meter, bad cipher, unknown
 * user), other HTTP 4xx, a malformed answer, missing settings or a non-kWh amount are not.
 */
public final class CalinTokenIssuer implements TokenIssuer {

  public static final String MANUFACTURER = "calin";

  public static final String SETTING_BASE_URL = "baseUrl";
  public static final String SETTING_USER_ID = "userId";
  public static final String SETTING_API_KEY = "apiKey";
  public static final String SETTING_TIMEOUT_MS = "timeoutMs";
  public static final long DEFAULT_TIMEOUT_MS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(CalinTokenIssuer.class);

  private final WebClient client;
  private final Clock clock;

  public CalinTokenIssuer(WebClient client) {
    this(client, Clock.systemUTC());
  }

  // Clock injectable so tests can pin the signed timestamp.
  CalinTokenIssuer(WebClient client, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String manufacturer() {
    return MANUFACTURER;
  }

  @Override
  public CompletionStage<IssuedToken> issue(TokenRequest request) {
    return vend(request).toCompletionStage();
  }

  private Future<IssuedToken> vend(TokenRequest request) {
    Map<String, String> settings = request.settings();
    String baseUrl = settings.get(SETTING_BASE_URL);
    String userId = settings.get(SETTING_USER_ID);
    String apiKey = settings.get(SETTING_API_KEY);
    if (isBlank(baseUrl) || isBlank(userId) || isBlank(apiKey)) {
      return fail("calin settings incomplete: baseUrl, userId and apiKey are required", false);
    }
    long timeoutMs;
    try {
      timeoutMs = Long.parseLong(settings.getOrDefault(SETTING_TIMEOUT_MS, "" + DEFAULT_TIMEOUT_MS));
    } catch (NumberFormatException e) {
      return fail("calin setting timeoutMs is not a number", false);
    }
    if (timeoutMs <= 0) {
      return fail("calin setting timeoutMs must be positive", false);
    }
    if (request.amount().unit() != TokenAmount.Unit.KWH_TENTHS || request.amount().isNothing()) {
      // Calin meters only take energy credit; days/unlock tokens are a routing bug upstream.
      return fail("calin vends energy only, got " + request.amount().describe(), false);
    }

    String amount = CalinProtocol.amountText(new BigDecimal(request.amount().kwhString()));
    long timestamp = clock.instant().getEpochSecond();
    String serialId = request.idempotencyKey();
    JsonObject body = new JsonObject()
        .put("serial_id", serialId)
        .put("user_id", userId)
        .put("meter_id", request.serial())
        .put("token_type", CalinProtocol.CREDIT_TOKEN)
        // a JSON number, like MicroPowerManager's json_encode of a float
        .put("amount", new BigDecimal(amount))
        .put("timestamp", timestamp)
        .put("ciphertext", CalinProtocol.cipher(serialId, userId, request.serial(),
            CalinProtocol.CREDIT_TOKEN, amount, timestamp, apiKey));

    Future<HttpResponse<Buffer>> sent;
    try {
      sent = client.postAbs(trimSlash(baseUrl) + CalinProtocol.TOKEN_PATH)
          .timeout(timeoutMs)
          .putHeader("Accept", "application/json")
          .sendJsonObject(body);
    } catch (RuntimeException e) {
      // a malformed baseUrl throws synchronously: a configuration error, not transient
      return fail("calin baseUrl unusable: " + e.getMessage(), false);
    }
    return sent.transform(ar -> answer(ar, request, serialId));
  }

  private Future<IssuedToken> answer(AsyncResult<HttpResponse<Buffer>> ar, TokenRequest request,
      String serialId) {
    if (ar.failed()) {
      // Timeout, refused or reset connection: the peer may recover, so let the job retry.
      LOG.warn("calin vend {} for meter {} failed in transport: {}", request.idempotencyKey(),
          request.serial(), ar.cause().toString());
      return fail("calin unreachable: " + ar.cause(), true, ar.cause());
    }
    HttpResponse<Buffer> response = ar.result();
    int status = response.statusCode();
    if (status >= 500 || status == 408 || status == 429) {
      LOG.warn("calin vend {} for meter {}: HTTP {}", request.idempotencyKey(), request.serial(),
          status);
      return fail("calin HTTP " + status, true);
    }
    if (status < 200 || status >= 300) {
      return fail("calin HTTP " + status + ": " + snippet(response), false);
    }
    JsonObject json;
    try {
      json = response.bodyAsJsonObject();
    } catch (DecodeException | ClassCastException e) {
      json = null;
    }
    if (json == null || !(json.getValue("result_code") instanceof Number)) {
      // 2xx without the Calin envelope: most likely baseUrl points somewhere else.
      return fail("calin answer is not a vending response: " + snippet(response), false);
    }
    int code = json.getInteger("result_code");
    if (code != CalinProtocol.RESULT_OK) {
      String reason = json.getString("reason", "no reason given");
      LOG.warn("calin refused vend {} for meter {}: {} {}", request.idempotencyKey(),
          request.serial(), code, reason);
      return fail("calin result_code " + code + ": " + reason, false);
    }
    Object token = json.getValue("result");
    if (!(token instanceof String) || ((String) token).isBlank()) {
      return fail("calin result_code 0 without a token", false);
    }
    return Future.succeededFuture(new IssuedToken((String) token, serialId));
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static <T> Future<T> fail(String reason, boolean retryable) {
    return Future.failedFuture(new TokenIssueException(reason, retryable));
  }

  private static <T> Future<T> fail(String reason, boolean retryable, Throwable cause) {
    return Future.failedFuture(new TokenIssueException(reason, retryable, cause));
  }
}
