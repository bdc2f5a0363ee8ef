package io.payg.manufacturer.steama;

import static io.payg.manufacturer.support.HttpPeer.snippet;
import static io.payg.manufacturer.support.HttpPeer.trimSlash;

import io.payg.domain.Serial;
import io.payg.domain.TokenAmount;
import io.payg.domain.port.IssuedToken;
import io.payg.domain.port.TokenIssueException;
import io.payg.domain.port.TokenIssuer;
import io.payg.domain.port.TokenRequest;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credits SteamaCo meters through the SteamaCo API, the way MicroPowerManager's SteamaMeter plugin
 * does (SteamaMeterApi::chargeDevice; wire format in {@link SteamaProtocol}): obtain an API token
 * from username and password, find the customer owning the meter, then post a {@code PAY}
 * transaction to that customer.
 *
 * <p>Steama meters are online: Steama credits the customer's account and the meter follows it;
 * there is no code for the customer to type. The "token" this issuer returns is the id of the
 * Steama transaction, a receipt reference (also the manufacturer reference).
 *
 * <p>Steama credits money, not energy: the customer's account is debited by Steama's own tariff.
 * So the amount sent is {@link TokenRequest#paid()} in major units, and the kWh the gateway
 * computed are only checked to be an energy purchase. {@code paid} must therefore be exactly the
 * money meant for the meter.
 *
 * <p>The meter is found the way MicroPowerManager's client pages Steama's meter list
 * ({@code /meters?page=1&page_size=100}, then each {@code next}) and matched on {@code reference}
 * case-insensitively, ignoring surrounding spaces, like every serial in the gateway. Paging stops at
 * the meter. What the pages showed can be kept for {@code meterCacheSeconds} (a bounded map), so a
 * large site is not listed again for every vend; it is off by default because a meter moved to
 * another Steama customer inside that window would be credited to the previous one.
 *
 * <p>Settings ({@link TokenRequest#settings()}):
 * <ul>
 *   <li>{@code baseUrl} (required): MicroPowerManager's {@code api_url},
 *       {@code https://api.steama.co} in production</li>
 *   <li>{@code username}, {@code password} (required): the Steama API account; traded for a
 *       token at {@code /get-token/}, which is cached in memory per account and obtained again
 *       once when Steama answers 401</li>
 *   <li>{@code timeoutMs} (optional, default 10000): timeout of each HTTP request</li>
 *   <li>{@code meterCacheSeconds} (optional, default 0 = off): how long a serial → customer
 *       mapping read from the meter pages is reused (at most {@value #METER_CACHE_ENTRIES} meters)</li>
 * </ul>
 *
 * <p>Idempotency: Steama's transaction endpoint, as MicroPowerManager calls it, takes no
 * idempotency or reference key, so {@link TokenRequest#idempotencyKey()} cannot be sent. A retry
 * after a timeout or lost answer of the transaction POST can credit the customer twice; callers
 * must treat a retryable failure after the POST as "maybe credited" and reconcile against
 * Steama's transaction list. Failures before the POST (login, meter lookup) never credit.
 *
 * <p>Failures: transport errors and HTTP 5xx/408/429 are retryable; refused credentials (400 at
 * {@code /get-token/}), a second 401, other HTTP 4xx, {@code detail}/{@code non_field_errors}
 * answers, an unknown meter or one without a customer, a malformed answer, missing settings or a
 * non-kWh amount are not. A transport failure during the lookup is retryable like any other:
 * nothing was credited yet.
 */
public final class SteamaTokenIssuer implements TokenIssuer {

  public static final String NAME = "steama";

  public static final String SETTING_BASE_URL = "baseUrl";
  public static final String SETTING_USERNAME = "username";
  public static final String SETTING_PASSWORD = "password";
  public static final String SETTING_TIMEOUT_MS = "timeoutMs";
  public static final long DEFAULT_TIMEOUT_MS = 10_000;
  public static final String SETTING_METER_CACHE_SECONDS = "meterCacheSeconds";
  static final int METER_CACHE_ENTRIES = 20_000;
  /** A guard against a {@code next} that never ends: 1000 pages of 100 meters. */
  static final int MAX_METER_PAGES = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger(SteamaTokenIssuer.class);

  private final WebClient client;
  /** API tokens by account (a digest of base URL, username and password). */
  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private final MeterCache meters;

  public SteamaTokenIssuer(WebClient client) {
    this(client, Clock.systemUTC());
  }

  SteamaTokenIssuer(WebClient client, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.meters = new MeterCache(METER_CACHE_ENTRIES, Objects.requireNonNull(clock, "clock"));
  }

  @Override
  public String manufacturer() {
    return NAME;
  }

  @Override
  public CompletionStage<IssuedToken> issue(TokenRequest request) {
    return vend(request).toCompletionStage();
  }

  /** One vend's connection facts. */
  private record Session(String root, String username, String password, long timeoutMs,
                         long meterCacheSeconds, String account, TokenRequest request) {

    HttpRequest<Buffer> prepare(HttpRequest<Buffer> http) {
      return http.timeout(timeoutMs).putHeader("Accept", "application/json");
    }
  }

  private Future<IssuedToken> vend(TokenRequest request) {
    Map<String, String> settings = request.settings();
    String baseUrl = settings.get(SETTING_BASE_URL);
    String username = settings.get(SETTING_USERNAME);
    String password = settings.get(SETTING_PASSWORD);
    if (isBlank(baseUrl) || isBlank(username) || isBlank(password)) {
      return fail("steama settings incomplete: baseUrl, username and password are required", false);
    }
    long timeoutMs;
    try {
      timeoutMs = Long.parseLong(settings.getOrDefault(SETTING_TIMEOUT_MS, "" + DEFAULT_TIMEOUT_MS));
    } catch (NumberFormatException e) {
      return fail("steama setting timeoutMs is not a number", false);
    }
    if (timeoutMs <= 0) {
      return fail("steama setting timeoutMs must be positive", false);
    }
    long meterCacheSeconds;
    try {
      meterCacheSeconds = Long.parseLong(settings.getOrDefault(SETTING_METER_CACHE_SECONDS, "0"));
    } catch (NumberFormatException e) {
      return fail("steama setting meterCacheSeconds is not a number", false);
    }
    if (meterCacheSeconds < 0) {
      return fail("steama setting meterCacheSeconds must not be negative", false);
    }
    if (request.amount().unit() != TokenAmount.Unit.KWH_TENTHS || request.amount().isNothing()) {
      // Steama meters take energy credit only; days/unlock are a routing bug upstream.
      return fail("steama vends energy only, got " + request.amount().describe(), false);
    }
    if (!request.paid().isPositive()) {
      return fail("steama credits money: the paid amount must be positive", false);
    }
    String root = trimSlash(baseUrl);
    Session s = new Session(root, username, password, timeoutMs, meterCacheSeconds,
        account(root, username, password), request);
    return customerOf(s)
        .compose(customerId -> authorized(s, "transaction", token -> s.prepare(
                client.postAbs(root + SteamaProtocol.customerTransactionsPath(customerId)))
            .putHeader("Authorization", "Token " + token)
            .sendJsonObject(new JsonObject()
                .put("amount", SteamaProtocol.major(request.paid()))
                .put("category", SteamaProtocol.CATEGORY_PAY))))
        .compose(SteamaTokenIssuer::token);
  }

  /**
   * Runs {@code call} with the account's token; a cached token Steama no longer accepts (401) is
   * dropped and the call made once more with a fresh one. A 401 means nothing was done, so
   * repeating the call is safe.
   */
  private Future<JsonObject> authorized(Session s, String step,
      Function<String, Future<HttpResponse<Buffer>>> call) {
    String cached = tokens.get(s.account());
    if (cached == null) {
      return login(s).compose(token -> classify(send(call, token), step, s.request()));
    }
    return send(call, cached).transform(ar -> {
      if (ar.succeeded() && ar.result().statusCode() == 401) {
        LOG.info("steama token refused during {}: logging in again", step);
        tokens.remove(s.account(), cached);
        return login(s).compose(token -> classify(send(call, token), step, s.request()));
      }
      return answer(ar, step, s.request());
    });
  }

  private Future<String> login(Session s) {
    Future<HttpResponse<Buffer>> sent = send(token -> s.prepare(
            client.postAbs(s.root() + SteamaProtocol.GET_TOKEN_PATH))
        .sendJsonObject(new JsonObject().put("username", s.username())
            .put("password", s.password())), null);
    return sent.transform(ar -> {
      if (ar.succeeded() && ar.result().statusCode() == 400) {
        return fail("steama refused the credentials: " + snippet(ar.result()), false);
      }
      return answer(ar, "login", s.request());
    }).compose(json -> {
      Object token = json.getValue("token");
      if (!(token instanceof String t) || t.isBlank()) {
        return fail("steama login answer has no token", false);
      }
      tokens.put(s.account(), t);
      return Future.succeededFuture(t);
    });
  }

  private static Future<HttpResponse<Buffer>> send(
      Function<String, Future<HttpResponse<Buffer>>> call, String token) {
    try {
      return call.apply(token);
    } catch (RuntimeException e) {
      // a malformed baseUrl throws synchronously: a configuration error, not transient
      return fail("steama baseUrl unusable: " + e.getMessage(), false);
    }
  }

  private static Future<JsonObject> classify(Future<HttpResponse<Buffer>> sent, String step,
      TokenRequest request) {
    return sent.transform(ar -> answer(ar, step, request));
  }

  private static Future<JsonObject> answer(AsyncResult<HttpResponse<Buffer>> ar, String step,
      TokenRequest request) {
    if (ar.failed()) {
      if (ar.cause() instanceof TokenIssueException e) {
        return Future.failedFuture(e);
      }
      LOG.warn("steama {} for {} (meter {}) failed in transport: {}", step,
          request.idempotencyKey(), request.serial(), ar.cause().toString());
      return fail("steama unreachable during " + step + ": " + ar.cause(), true, ar.cause());
    }
    HttpResponse<Buffer> response = ar.result();
    int status = response.statusCode();
    if (status >= 500 || status == 408 || status == 429) {
      LOG.warn("steama {} for {} (meter {}): HTTP {}", step, request.idempotencyKey(),
          request.serial(), status);
      return fail("steama " + step + " HTTP " + status, true);
    }
    if (status < 200 || status >= 300) {
      return fail("steama " + step + " HTTP " + status + ": " + snippet(response), false);
    }
    JsonObject json;
    try {
      json = response.bodyAsJsonObject();
    } catch (DecodeException | ClassCastException e) {
      json = null;
    }
    if (json == null) {
      return fail("steama " + step + " answer is not JSON: " + snippet(response), false);
    }
    Object refusal = json.containsKey("detail") ? json.getValue("detail")
        : json.getValue("non_field_errors");
    if (refusal != null) {
      LOG.warn("steama refused {} for {} (meter {}): {}", step, request.idempotencyKey(),
          request.serial(), refusal);
      return fail("steama " + step + " refused: " + refusal, false);
    }
    return Future.succeededFuture(json);
  }

  /** The Steama customer owning the request's meter: from the cache, else by paging the meters. */
  private Future<String> customerOf(Session s) {
    String serial = s.request().serial();
    if (s.meterCacheSeconds() > 0) {
      String cached = meters.get(s.account(), serial);
      if (cached != null) {
        return Future.succeededFuture(cached);
      }
    }
    return page(s, SteamaProtocol.FIRST_METERS_PAGE, 1);
  }

  private Future<String> page(Session s, String query, int number) {
    String serial = s.request().serial();
    return authorized(s, "meter lookup", token -> s.prepare(
            client.getAbs(s.root() + SteamaProtocol.METERS_PATH + "?" + query))
        .putHeader("Authorization", "Token " + token)
        .send())
        .compose(page -> {
          if (!(page.getValue("results") instanceof JsonArray results)) {
            return fail("steama meter lookup answer has no results", false);
          }
          JsonObject found = null;
          for (Object m : results) {
            if (!(m instanceof JsonObject meter) || !(meter.getValue("reference") instanceof String reference)) {
              continue;
            }
            Object customer = meter.getValue("customer");
            if (s.meterCacheSeconds() > 0 && customer != null) {
              meters.put(s.account(), reference, customer.toString(), s.meterCacheSeconds());
            }
            if (found == null && Serial.same(reference, serial)) {
              found = meter;
            }
          }
          if (found != null) {
            Object customer = found.getValue("customer");
            return customer == null
                ? fail("steama meter " + serial + " is not assigned to a customer", false)
                : Future.succeededFuture(customer.toString());
          }
          // MPM follows `next` by its query string (SteamaMeterApiClient.php:57-58)
          Object next = page.getValue("next");
          if (next == null) {
            return fail("steama knows no meter " + serial, false);
          }
          int mark = next instanceof String n ? n.indexOf('?') : -1;
          if (mark < 0 || number >= MAX_METER_PAGES) {
            return fail("steama meter pages do not end (next " + next + ")", false);
          }
          return page(s, ((String) next).substring(mark + 1), number + 1);
        });
  }

  private static Future<IssuedToken> token(JsonObject transaction) {
    Object id = transaction.getValue("id");
    if (id == null || id.toString().isBlank()) {
      return fail("steama transaction answer has no id", false);
    }
    return Future.succeededFuture(new IssuedToken(id.toString(), id.toString()));
  }

  private static String account(String root, String username, String password) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest = sha.digest((root + '\n' + username + '\n' + password)
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
