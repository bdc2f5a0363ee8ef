package io.payg.manufacturer.angaza;

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
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets keycodes for Angaza-enabled solar home systems over Angaza's unit-credit API, the way
 * MicroPowerManager's AngazaSHS plugin does (AngazaSHSApi::chargeDevice / unlockDevice; wire
 * format in {@link AngazaProtocol}): one {@code PUT /unit_credit} per vend, setting the unit's
 * desired {@code credit_until_dt}. {@link TokenAmount.Unit#DAYS} sets it to now plus that many
 * days (UTC, whole seconds), {@link TokenAmount.Unit#UNLOCK} to {@code "UNLOCKED"}; energy (kWh)
 * amounts are refused, not retryable.
 *
 * <p>Like MicroPowerManager, the end date counts from now, not from the end of credit the unit
 * may still have: days left on the unit when the customer pays early are not added (reading the
 * unit's current credit is not part of the plugin's calls).
 *
 * <p>Settings ({@link TokenRequest#settings()}):
 * <ul>
 *   <li>{@code baseUrl} (required): the API root, MicroPowerManager's {@code api_url}; the issuer
 *       PUTs to {@code {baseUrl}/unit_credit}</li>
 *   <li>{@code clientId}, {@code clientSecret} (required): the API user and password, sent as
 *       HTTP Basic authentication</li>
 *   <li>{@code timeoutMs} (optional, default 10000): whole-request timeout</li>
 * </ul>
 *
 * <p>Idempotency: the API takes no idempotency or reference key, so
 * {@link TokenRequest#idempotencyKey()} cannot be sent; it is kept as the manufacturer reference
 * only. Because the request states an absolute end date rather than "add n days", a retry after
 * a timeout or lost answer does not add the days twice: it sets an end date later by the retry
 * delay and returns a second keycode. Callers should still treat a retryable failure after the PUT
 * as "maybe issued" and reconcile in Angaza's portal.
 *
 * <p>Failures: transport errors and HTTP 5xx/408/429 are retryable; a refusal with
 * {@code context.reason} (unknown unit, bad date), refused credentials (401), other HTTP 4xx, a
 * malformed answer, missing settings or a kWh amount are not.
 */
public final class AngazaTokenIssuer implements TokenIssuer {

  public static final String NAME = "angaza";

  public static final String SETTING_BASE_URL = "baseUrl";
  public static final String SETTING_CLIENT_ID = "clientId";
  public static final String SETTING_CLIENT_SECRET = "clientSecret";
  public static final String SETTING_TIMEOUT_MS = "timeoutMs";
  public static final long DEFAULT_TIMEOUT_MS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(AngazaTokenIssuer.class);

  private final WebClient client;
  private final Clock clock;

  public AngazaTokenIssuer(WebClient client) {
    this(client, Clock.systemUTC());
  }

  // Clock injectable so tests can pin credit_until_dt.
  AngazaTokenIssuer(WebClient client, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String manufacturer() {
    return NAME;
  }

  @Override
  public CompletionStage<IssuedToken> issue(TokenRequest request) {
    return vend(request).toCompletionStage();
  }

  private Future<IssuedToken> vend(TokenRequest request) {
    Map<String, String> settings = request.settings();
    String baseUrl = settings.get(SETTING_BASE_URL);
    String clientId = settings.get(SETTING_CLIENT_ID);
    String clientSecret = settings.get(SETTING_CLIENT_SECRET);
    if (isBlank(baseUrl) || isBlank(clientId) || isBlank(clientSecret)) {
      return fail("angaza settings incomplete: baseUrl, clientId and clientSecret are required",
          false);
    }
    long timeoutMs;
    try {
      timeoutMs = Long.parseLong(settings.getOrDefault(SETTING_TIMEOUT_MS, "" + DEFAULT_TIMEOUT_MS));
    } catch (NumberFormatException e) {
      return fail("angaza setting timeoutMs is not a number", false);
    }
    if (timeoutMs <= 0) {
      return fail("angaza setting timeoutMs must be positive", false);
    }
    TokenAmount amount = request.amount();
    String creditUntil;
    if (amount.unit() == TokenAmount.Unit.DAYS && amount.quantity() > 0) {
      creditUntil = AngazaProtocol.creditUntil(OffsetDateTime.now(clock)
          .withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)
          .plusDays(amount.quantity()));
    } else if (amount.unit() == TokenAmount.Unit.UNLOCK) {
      creditUntil = AngazaProtocol.UNLOCKED;
    } else {
      // Angaza units count days of use; energy tokens are a routing bug upstream.
      return fail("angaza vends days or unlock only, got " + amount.describe(), false);
    }
    JsonObject body = new JsonObject()
        .put("unit_number", request.serial())
        .put("state", new JsonObject().put("desired",
            new JsonObject().put("credit_until_dt", creditUntil)));

    Future<HttpResponse<Buffer>> sent;
    try {
      sent = client.putAbs(trimSlash(baseUrl) + AngazaProtocol.UNIT_CREDIT_PATH)
          .timeout(timeoutMs)
          .putHeader("Accept", "application/json")
          .putHeader("Authorization", AngazaProtocol.basicAuth(clientId, clientSecret))
          .sendJsonObject(body);
    } catch (RuntimeException e) {
      // a malformed baseUrl throws synchronously: a configuration error, not transient
      return fail("angaza baseUrl unusable: " + e.getMessage(), false);
    }
    return sent.transform(ar -> answer(ar, request));
  }

  private static Future<IssuedToken> answer(AsyncResult<HttpResponse<Buffer>> ar,
      TokenRequest request) {
    if (ar.failed()) {
      LOG.warn("angaza vend {} for unit {} failed in transport: {}", request.idempotencyKey(),
          request.serial(), ar.cause().toString());
      return fail("angaza unreachable: " + ar.cause(), true, ar.cause());
    }
    HttpResponse<Buffer> response = ar.result();
    int status = response.statusCode();
    if (status >= 500 || status == 408 || status == 429) {
      LOG.warn("angaza vend {} for unit {}: HTTP {}", request.idempotencyKey(), request.serial(),
          status);
      return fail("angaza HTTP " + status, true);
    }
    JsonObject json;
    try {
      json = response.bodyAsJsonObject();
    } catch (DecodeException | ClassCastException e) {
      json = null;
    }
    String reason = json == null ? null : reason(json);
    if (reason != null) {
      LOG.warn("angaza refused vend {} for unit {}: HTTP {} {}", request.idempotencyKey(),
          request.serial(), status, reason);
      return fail("angaza refused (HTTP " + status + "): " + reason, false);
    }
    if (status < 200 || status >= 300) {
      return fail("angaza HTTP " + status + ": " + snippet(response), false);
    }
    if (json == null) {
      return fail("angaza answer is not JSON: " + snippet(response), false);
    }
    Object keycode = null;
    if (json.getValue("_embedded") instanceof JsonObject embedded
        && embedded.getValue("latest_keycode") instanceof JsonObject latest) {
      keycode = latest.getValue("keycode");
    }
    if (keycode == null || keycode.toString().isBlank()) {
      return fail("angaza answer has no _embedded.latest_keycode.keycode", false);
    }
    return Future.succeededFuture(new IssuedToken(keycode.toString(), request.idempotencyKey()));
  }

  /** The refusal reason of an answer with {@code context}, as MicroPowerManager reads it. */
  private static String reason(JsonObject json) {
    Object context = json.getValue("context");
    if (context == null) {
      return null;
    }
    if (context instanceof JsonObject c && c.getValue("reason") != null) {
      return c.getValue("reason").toString();
    }
    return context.toString();
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
