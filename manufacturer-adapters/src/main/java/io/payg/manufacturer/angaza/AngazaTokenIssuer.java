package io.payg.manufacturer.angaza;

import static io.payg.domain.peer.PluginSettings.withoutTrailingSlash;

import io.payg.domain.TokenAmount;
import io.payg.domain.peer.PeerStatus;
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
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
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
  private final PeerCalls calls = new PeerCalls(NAME, TokenIssueException::new, LOG);

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
    return calls.checked(() -> vend(request)).toCompletionStage();
  }

  private Future<IssuedToken> vend(TokenRequest request) {
    PluginSettings settings = new PluginSettings(NAME, request.settings())
        .require(SETTING_BASE_URL, SETTING_CLIENT_ID, SETTING_CLIENT_SECRET);
    long timeoutMs = settings.timeoutMs(SETTING_TIMEOUT_MS, DEFAULT_TIMEOUT_MS);
    TokenAmount amount = request.amount();
    String creditUntil;
    // Angaza units count days of use; energy tokens are a routing bug upstream.
    String refused = amount.refusal(NAME, TokenAmount.Takes.DAYS_OR_UNLOCK);
    if (refused != null) {
      return calls.fail(refused, false);
    }
    if (amount.isDays()) {
      creditUntil = AngazaProtocol.creditUntil(OffsetDateTime.now(clock)
          .withOffsetSameInstant(ZoneOffset.UTC)
          .truncatedTo(ChronoUnit.SECONDS)
          .plusDays(amount.quantity()));
    } else {
      creditUntil = AngazaProtocol.UNLOCKED;
    }
    JsonObject body = new JsonObject()
        .put("unit_number", request.serial())
        .put(
            "state",
            new JsonObject().put("desired", new JsonObject().put("credit_until_dt", creditUntil)));

    String url =
        withoutTrailingSlash(settings.get(SETTING_BASE_URL)) + AngazaProtocol.UNIT_CREDIT_PATH;
    String auth = AngazaProtocol.basicAuth(
        settings.get(SETTING_CLIENT_ID), settings.get(SETTING_CLIENT_SECRET));
    return calls
        .call(
            "vend",
            request.idempotencyKey() + " unit " + request.serial(),
            () -> PeerCalls.traced(client.putAbs(url), request.traceparent())
                .timeout(timeoutMs)
                .putHeader("Accept", "application/json")
                .putHeader("Authorization", auth)
                .sendJsonObject(body))
        .compose(response -> answer(response, request));
  }

  private Future<IssuedToken> answer(HttpResponse<Buffer> response, TokenRequest request) {
    int status = response.statusCode();
    JsonObject json = PeerCalls.jsonObject(response);
    String reason = json == null ? null : reason(json);
    if (reason != null) {
      LOG.warn(
          "angaza refused vend {} for unit {}: HTTP {} {}",
          request.idempotencyKey(),
          request.serial(),
          status,
          reason);
      return calls.fail("angaza refused (HTTP " + status + "): " + reason, false);
    }
    if (!PeerStatus.isSuccess(status)) {
      return calls.fail("angaza vend HTTP " + status + ": " + PeerCalls.snippet(response), false);
    }
    if (json == null) {
      return calls.fail("angaza vend answer is not JSON: " + PeerCalls.snippet(response), false);
    }
    Object keycode = null;
    if (json.getValue("_embedded") instanceof JsonObject embedded
        && embedded.getValue("latest_keycode") instanceof JsonObject latest) {
      keycode = latest.getValue("keycode");
    }
    if (keycode == null || keycode.toString().isBlank()) {
      return calls.fail("angaza answer has no _embedded.latest_keycode.keycode", false);
    }
    return Future.succeededFuture(new IssuedToken(keycode.toString(), request.idempotencyKey()));
  }

  /** The refusal reason of an answer with {@code context}, as MicroPowerManager reads it, made safe to quote. */
  private static String reason(JsonObject json) {
    Object context = json.getValue("context");
    if (context == null) {
      return null;
    }
    if (context instanceof JsonObject c && c.getValue("reason") != null) {
      return PeerText.clean(c.getValue("reason").toString());
    }
    return PeerText.clean(context.toString());
  }
}
