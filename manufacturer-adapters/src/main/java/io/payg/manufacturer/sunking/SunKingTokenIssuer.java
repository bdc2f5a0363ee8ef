package io.payg.manufacturer.sunking;

import static io.payg.manufacturer.support.HttpPeer.snippet;
import static io.payg.manufacturer.support.HttpPeer.trimSlash;

import io.payg.domain.TokenAmount;
import io.payg.domain.port.IssuedToken;
import io.payg.domain.port.TokenIssueException;
import io.payg.domain.port.TokenIssuer;
import io.payg.domain.port.TokenRequest;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
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
 * The access token is cached in memory per client until 30 s before it expires, and obtained
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

  /** An access token is renewed this long before SunKing says it expires. */
  static final Duration EXPIRY_MARGIN = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(SunKingTokenIssuer.class);

  private final WebClient client;
  private final Clock clock;
  /** Access tokens by client (a digest of auth URL, client id and secret). */
  private final Map<String, Access> accessTokens = new ConcurrentHashMap<>();

  private record Access(String token, Instant renewAt) {
  }

  /** One vend's connection facts. */
  private record Session(String authUrl, String apiRoot, String clientId, String clientSecret,
                         long timeoutMs, String account, TokenRequest request) {
  }

  public SunKingTokenIssuer(WebClient client) {
    this(client, Clock.systemUTC());
  }

  // Clock injectable so tests can expire cached access tokens.
  SunKingTokenIssuer(WebClient client, Clock clock) {
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
    String authUrl = settings.get(SETTING_AUTH_URL);
    String apiUrl = settings.get(SETTING_API_URL);
    String clientId = settings.get(SETTING_CLIENT_ID);
    String clientSecret = settings.get(SETTING_CLIENT_SECRET);
    if (isBlank(authUrl) || isBlank(apiUrl) || isBlank(clientId) || isBlank(clientSecret)) {
      return fail("sunking settings incomplete: authUrl, apiUrl, clientId and clientSecret are "
          + "required", false);
    }
    long timeoutMs;
    try {
      timeoutMs = Long.parseLong(settings.getOrDefault(SETTING_TIMEOUT_MS, "" + DEFAULT_TIMEOUT_MS));
    } catch (NumberFormatException e) {
      return fail("sunking setting timeoutMs is not a number", false);
    }
    if (timeoutMs <= 0) {
      return fail("sunking setting timeoutMs must be positive", false);
    }
    JsonObject body = new JsonObject().put("device", request.serial());
    TokenAmount amount = request.amount();
    if (amount.unit() == TokenAmount.Unit.DAYS && amount.quantity() > 0) {
      body.put("command", SunKingProtocol.COMMAND_ADD_CREDIT)
          .put("payload", amount.quantity())
          .put("time_unit", SunKingProtocol.TIME_UNIT_DAY);
    } else if (amount.unit() == TokenAmount.Unit.UNLOCK) {
      body.put("command", SunKingProtocol.COMMAND_UNLOCK);
    } else {
      // SunKing devices count days of use; energy tokens are a routing bug upstream.
      return fail("sunking vends days or unlock only, got " + amount.describe(), false);
    }
    Session s = new Session(authUrl, trimSlash(apiUrl), clientId, clientSecret, timeoutMs,
        account(authUrl, clientId, clientSecret), request);
    return authorized(s, bearer -> client.postAbs(s.apiRoot() + SunKingProtocol.TOKEN_PATH)
            .timeout(s.timeoutMs())
            .putHeader("Accept", "application/json")
            .putHeader("Authorization", "Bearer " + bearer)
            .sendJsonObject(body))
        .compose(answer -> {
          Object token = answer.getValue("token");
          if (token == null || token.toString().isBlank()) {
            return fail("sunking answer has no token: " + answer.encode(), false);
          }
          return Future.succeededFuture(new IssuedToken(token.toString(),
              request.idempotencyKey()));
        });
  }

  /**
   * Runs {@code call} with the client's access token; a cached token the API refuses (401) is
   * dropped and the call made once more with a fresh one. A 401 means nothing was issued, so
   * repeating the call is safe.
   */
  private Future<JsonObject> authorized(Session s,
      Function<String, Future<HttpResponse<Buffer>>> call) {
    Access cached = accessTokens.get(s.account());
    if (cached == null || !clock.instant().isBefore(cached.renewAt())) {
      return login(s).compose(token -> send(call, token).transform(ar -> answer(ar, "token", s)));
    }
    return send(call, cached.token()).transform(ar -> {
      if (ar.succeeded() && ar.result().statusCode() == 401) {
        LOG.info("sunking access token refused: asking for a new one");
        accessTokens.remove(s.account(), cached);
        return login(s).compose(token -> send(call, token)
            .transform(again -> answer(again, "token", s)));
      }
      return answer(ar, "token", s);
    });
  }

  private Future<String> login(Session s) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap()
        .add("grant_type", "client_credentials")
        .add("client_id", s.clientId())
        .add("client_secret", s.clientSecret())
        .add("scope", SunKingProtocol.SCOPE);
    Instant asked = clock.instant();
    return send(ignored -> client.postAbs(s.authUrl())
            .timeout(s.timeoutMs())
            .putHeader("Accept", "application/json")
            .sendForm(form), null)
        .transform(ar -> {
          if (ar.succeeded() && (ar.result().statusCode() == 400
              || ar.result().statusCode() == 401)) {
            return fail("sunking refused the client credentials: " + snippet(ar.result()), false);
          }
          return answer(ar, "access token", s);
        })
        .compose(json -> {
          Object token = json.getValue("access_token");
          if (!(token instanceof String t) || t.isBlank()) {
            return fail("sunking token endpoint answered no access_token", false);
          }
          long expiresIn = json.getValue("expires_in") instanceof Number n ? n.longValue() : 0;
          Instant renewAt = asked.plusSeconds(expiresIn).minus(EXPIRY_MARGIN);
          accessTokens.put(s.account(), new Access(t, renewAt));
          return Future.succeededFuture(t);
        });
  }

  private static Future<HttpResponse<Buffer>> send(
      Function<String, Future<HttpResponse<Buffer>>> call, String bearer) {
    try {
      return call.apply(bearer);
    } catch (RuntimeException e) {
      // a malformed URL throws synchronously: a configuration error, not transient
      return fail("sunking URL unusable: " + e.getMessage(), false);
    }
  }

  private static Future<JsonObject> answer(AsyncResult<HttpResponse<Buffer>> ar, String step,
      Session s) {
    TokenRequest request = s.request();
    if (ar.failed()) {
      if (ar.cause() instanceof TokenIssueException e) {
        return Future.failedFuture(e);
      }
      LOG.warn("sunking {} for {} (device {}) failed in transport: {}", step,
          request.idempotencyKey(), request.serial(), ar.cause().toString());
      return fail("sunking unreachable during " + step + ": " + ar.cause(), true, ar.cause());
    }
    HttpResponse<Buffer> response = ar.result();
    int status = response.statusCode();
    if (status >= 500 || status == 408 || status == 429) {
      LOG.warn("sunking {} for {} (device {}): HTTP {}", step, request.idempotencyKey(),
          request.serial(), status);
      return fail("sunking " + step + " HTTP " + status, true);
    }
    if (status < 200 || status >= 300) {
      LOG.warn("sunking refused {} for {} (device {}): HTTP {}", step, request.idempotencyKey(),
          request.serial(), status);
      return fail("sunking " + step + " HTTP " + status + ": " + snippet(response), false);
    }
    try {
      JsonObject json = response.bodyAsJsonObject();
      if (json != null) {
        return Future.succeededFuture(json);
      }
    } catch (DecodeException | ClassCastException e) {
      // fall through
    }
    return fail("sunking " + step + " answer is not JSON: " + snippet(response), false);
  }

  private static String account(String authUrl, String clientId, String clientSecret) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((authUrl + '\n' + clientId + '\n' + clientSecret)
              .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
    }
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
