package io.payg.manufacturer.sunking;

import static io.payg.domain.peer.PluginSettings.withoutTrailingSlash;

import io.payg.domain.TokenAmount;
import io.payg.domain.peer.PeerText;
import io.payg.domain.peer.PluginSettings;
import io.payg.domain.port.IssuedToken;
import io.payg.domain.port.TokenIssueException;
import io.payg.domain.port.TokenIssuer;
import io.payg.domain.port.TokenRequest;
import io.payg.peer.PeerCalls;
import io.payg.peer.TokenCache;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates SunKing solar-home-system tokens over SunKing's asset-control API, the way
 * MicroPowerManager's SunKingSHS plugin does (SunKingSHSApi::chargeDevice / unlockDevice; wire
 * format in {@link SunKingProtocol}): an OAuth2 client-credentials access token, then one
 * {@code POST /token} per vend. {@link TokenAmount.Unit#DAYS} becomes {@code add_credit} of that
 * many days, {@link TokenAmount.Unit#UNLOCK} becomes {@code unlock} (the device is paid off);
 * energy (kWh) amounts are refused, not retryable.
 *
 * <p>Settings ({@link TokenRequest#settings()}):
 * <ul>
 *   <li>{@code authUrl} (required): the OAuth2 token endpoint, MicroPowerManager's
 *       {@code auth_url}; production is {@link #PRODUCTION_AUTH_URL}</li>
 *   <li>{@code apiUrl} (required): the API root, MicroPowerManager's {@code api_url}; production
 *       is {@link #PRODUCTION_API_URL}</li>
 *   <li>{@code clientId}, {@code clientSecret} (required): the OAuth2 client</li>
 *   <li>{@code timeoutMs} (optional, default 10000): timeout of each HTTP request</li>
 * </ul>
 * The access token is cached in memory per client ({@link TokenCache}: renewed a tenth of its life,
 * at most a minute, before it expires; one grant for concurrent vends), and obtained
 * again once when the API answers 401.
 *
 * <p>Idempotency: the token request, as MicroPowerManager sends it, takes no idempotency or
 * reference key, so {@link TokenRequest#idempotencyKey()} cannot be sent; it is kept as the
 * manufacturer reference only. A retry after a timeout or lost answer of {@code POST /token} asks
 * for a second code: if the customer could enter both, the device gets the days twice. Callers
 * must treat a retryable failure after the POST as "maybe issued" and reconcile in SunKing's
 * portal. Failures while obtaining the access token never issue anything.
 *
 * <p>Failures: transport errors and HTTP 5xx/408/429 are retryable; refused client credentials
 * (400/401 at the token endpoint), a second 401, an unknown device (404), other HTTP 4xx, a
 * malformed answer, missing settings or a kWh amount are not.
 */
public final class SunKingTokenIssuer implements TokenIssuer {

  public static final String NAME = "sunking";

  public static final String SETTING_AUTH_URL = "authUrl";
  public static final String SETTING_API_URL = "apiUrl";
  public static final String SETTING_CLIENT_ID = "clientId";
  public static final String SETTING_CLIENT_SECRET = "clientSecret";
  public static final String SETTING_TIMEOUT_MS = "timeoutMs";
  public static final long DEFAULT_TIMEOUT_MS = 10_000;

  /** MicroPowerManager's default (production) token endpoint, for {@code authUrl}. */
  public static final String PRODUCTION_AUTH_URL =
      "https://auth.central.glpapps.com/auth/realms/glp/protocol/openid-connect/token";
  /** MicroPowerManager's default (production) API root, for {@code apiUrl}. */
  public static final String PRODUCTION_API_URL = "https://assetcontrol.central.glpapps.com/v2";

  private static final Logger LOG = LoggerFactory.getLogger(SunKingTokenIssuer.class);

  private final WebClient client;
  private final PeerCalls calls;

  /** One vend's connection facts. */
  private record Session(
      String authUrl,
      String apiRoot,
      String clientId,
      String clientSecret,
      long timeoutMs,
      TokenRequest request) {

    String subject() {
      return request.idempotencyKey() + " device " + request.serial();
    }
  }

  public SunKingTokenIssuer(WebClient client) {
    this(client, Clock.systemUTC());
  }

  // Clock injectable so tests can expire cached access tokens.
  SunKingTokenIssuer(WebClient client, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    Objects.requireNonNull(clock, "clock");
    this.calls = new PeerCalls(
        NAME, TokenIssueException::new, LOG, () -> TimeUnit.MILLISECONDS.toNanos(clock.millis()));
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
        .require(SETTING_AUTH_URL, SETTING_API_URL, SETTING_CLIENT_ID, SETTING_CLIENT_SECRET);
    long timeoutMs = settings.timeoutMs(SETTING_TIMEOUT_MS, DEFAULT_TIMEOUT_MS);
    JsonObject body = new JsonObject().put("device", request.serial());
    TokenAmount amount = request.amount();
    // SunKing devices count days of use; energy tokens are a routing bug upstream.
    String refused = amount.refusal(NAME, TokenAmount.Takes.DAYS_OR_UNLOCK);
    if (refused != null) {
      return calls.fail(refused, false);
    }
    if (amount.isDays()) {
      body.put("command", SunKingProtocol.COMMAND_ADD_CREDIT)
          .put("payload", amount.quantity())
          .put("time_unit", SunKingProtocol.TIME_UNIT_DAY);
    } else {
      body.put("command", SunKingProtocol.COMMAND_UNLOCK);
    }
    Session s = new Session(
        settings.get(SETTING_AUTH_URL),
        withoutTrailingSlash(settings.get(SETTING_API_URL)),
        settings.get(SETTING_CLIENT_ID),
        settings.get(SETTING_CLIENT_SECRET),
        timeoutMs,
        request);
    return authorized(
            s,
            bearer -> PeerCalls.traced(
                    client.postAbs(s.apiRoot() + SunKingProtocol.TOKEN_PATH), request.traceparent())
                .timeout(s.timeoutMs())
                .putHeader("Accept", "application/json")
                .putHeader("Authorization", "Bearer " + bearer)
                .sendJsonObject(body))
        .compose(answer -> {
          Object token = answer.getValue("token");
          if (token == null || token.toString().isBlank()) {
            return calls.fail(
                "sunking answer has no token: " + PeerText.clean(answer.encode()), false);
          }
          return Future.succeededFuture(
              new IssuedToken(token.toString(), request.idempotencyKey()));
        });
  }

  /**
   * Runs {@code call} with the client's access token (one grant shared by concurrent vends); a
   * token the API refuses (401) is dropped and the call made once more with a fresh one.
   */
  private Future<JsonObject> authorized(
      Session s, Function<String, Future<HttpResponse<Buffer>>> call) {
    return calls
        .authorized(
            "token",
            s.subject(),
            s.authUrl() + '\n' + s.clientId(),
            TokenCache.digest(s.authUrl(), s.clientId(), s.clientSecret()),
            () -> login(s),
            call)
        .compose(response -> calls.accepted(response, "token", s.subject()))
        .compose(response -> calls.json(response, "token"));
  }

  private Future<TokenCache.Fetched> login(Session s) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap()
        .add("grant_type", "client_credentials")
        .add("client_id", s.clientId())
        .add("client_secret", s.clientSecret())
        .add("scope", SunKingProtocol.SCOPE);
    return calls
        .call(
            "access token",
            s.subject(),
            () -> client
                .postAbs(s.authUrl())
                .timeout(s.timeoutMs())
                .putHeader("Accept", "application/json")
                .sendForm(form))
        .compose(response -> response.statusCode() == 400 || response.statusCode() == 401
            ? calls.fail(
                "sunking refused the client credentials: " + PeerCalls.snippet(response), false)
            : calls.accepted(response, "access token", s.subject()))
        .compose(response -> calls.json(response, "access token"))
        .compose(json -> {
          if (!(json.getValue("access_token") instanceof String token) || token.isBlank()) {
            return calls.fail("sunking token endpoint answered no access_token", false);
          }
          long expiresIn = json.getValue("expires_in") instanceof Number n ? n.longValue() : 0;
          return Future.succeededFuture(new TokenCache.Fetched(token, expiresIn));
        });
  }
}
