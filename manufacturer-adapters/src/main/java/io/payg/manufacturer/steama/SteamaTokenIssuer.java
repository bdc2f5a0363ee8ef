package io.payg.manufacturer.steama;

import static io.payg.domain.peer.PluginSettings.withoutTrailingSlash;

import io.payg.domain.Serial;
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
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
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
  private final PeerCalls calls = new PeerCalls(NAME, TokenIssueException::new, LOG);
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
    return calls.checked(() -> vend(request)).toCompletionStage();
  }

  /** One vend's connection facts. */
  private record Session(
      String root,
      String username,
      String password,
      long timeoutMs,
      long meterCacheSeconds,
      String account,
      byte[] credentials,
      TokenRequest request) {

    String subject() {
      return request.idempotencyKey() + " meter " + request.serial();
    }

    HttpRequest<Buffer> prepare(HttpRequest<Buffer> http) {
      return PeerCalls.traced(http, request.traceparent())
          .timeout(timeoutMs)
          .putHeader("Accept", "application/json");
    }
  }

  private Future<IssuedToken> vend(TokenRequest request) {
    PluginSettings settings = new PluginSettings(NAME, request.settings())
        .require(SETTING_BASE_URL, SETTING_USERNAME, SETTING_PASSWORD);
    long timeoutMs = settings.timeoutMs(SETTING_TIMEOUT_MS, DEFAULT_TIMEOUT_MS);
    long meterCacheSeconds = settings.nonNegative(SETTING_METER_CACHE_SECONDS, 0);
    // Steama meters take energy credit only; days/unlock are a routing bug upstream.
    String refused = request.amount().refusal(NAME, TokenAmount.Takes.ENERGY);
    if (refused != null) {
      return calls.fail(refused, false);
    }
    if (!request.paid().isPositive()) {
      return calls.fail("steama credits money: the paid amount must be positive", false);
    }
    String root = withoutTrailingSlash(settings.get(SETTING_BASE_URL));
    String username = settings.get(SETTING_USERNAME);
    String password = settings.get(SETTING_PASSWORD);
    byte[] credentials = TokenCache.digest(root, username, password);
    Session s = new Session(
        root,
        username,
        password,
        timeoutMs,
        meterCacheSeconds,
        HexFormat.of().formatHex(credentials),
        credentials,
        request);
    return customerOf(s)
        .compose(customerId -> authorized(
            s,
            "transaction",
            token -> s.prepare(
                    client.postAbs(root + SteamaProtocol.customerTransactionsPath(customerId)))
                .putHeader("Authorization", "Token " + token)
                .sendJsonObject(new JsonObject()
                    .put("amount", SteamaProtocol.major(request.paid()))
                    .put("category", SteamaProtocol.CATEGORY_PAY))))
        .compose(this::token);
  }

  /**
   * Runs {@code call} with the account's token (one login shared by concurrent vends); a token
   * Steama no longer accepts (401) is dropped and the call made once more with a fresh one.
   */
  private Future<JsonObject> authorized(
      Session s, String step, Function<String, Future<HttpResponse<Buffer>>> call) {
    return calls
        .authorized(
            step,
            s.subject(),
            s.root() + '\n' + s.username(),
            s.credentials(),
            () -> login(s),
            call)
        .compose(response -> calls.accepted(response, step, s.subject()))
        .compose(response -> calls.json(response, step))
        .compose(json -> refusal(json, step, s.request()));
  }

  private Future<TokenCache.Fetched> login(Session s) {
    return calls
        .call(
            "login",
            s.subject(),
            () -> s.prepare(client.postAbs(s.root() + SteamaProtocol.GET_TOKEN_PATH))
                .sendJsonObject(
                    new JsonObject().put("username", s.username()).put("password", s.password())))
        .compose(response -> response.statusCode() == 400
            ? calls.fail("steama refused the credentials: " + PeerCalls.snippet(response), false)
            : calls.accepted(response, "login", s.subject()))
        .compose(response -> calls.json(response, "login"))
        .compose(json -> json.getValue("token") instanceof String t && !t.isBlank()
            ? Future.succeededFuture(TokenCache.Fetched.withoutExpiry(t))
            : calls.fail("steama login answer has no token", false));
  }

  /** {@code detail} or {@code non_field_errors} in any answer is Steama's refusal. */
  private Future<JsonObject> refusal(JsonObject json, String step, TokenRequest request) {
    Object refusal =
        json.containsKey("detail") ? json.getValue("detail") : json.getValue("non_field_errors");
    if (refusal != null) {
      String said = PeerText.clean(String.valueOf(refusal));
      LOG.warn(
          "steama refused {} for {} (meter {}): {}",
          step,
          request.idempotencyKey(),
          request.serial(),
          said);
      return calls.fail("steama " + step + " refused: " + said, false);
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
    return authorized(
            s,
            "meter lookup",
            token -> s.prepare(client.getAbs(s.root() + SteamaProtocol.METERS_PATH + "?" + query))
                .putHeader("Authorization", "Token " + token)
                .send())
        .compose(page -> {
          if (!(page.getValue("results") instanceof JsonArray results)) {
            return calls.fail("steama meter lookup answer has no results", false);
          }
          JsonObject found = null;
          for (Object m : results) {
            if (!(m instanceof JsonObject meter)
                || !(meter.getValue("reference") instanceof String reference)) {
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
                ? calls.fail("steama meter " + serial + " is not assigned to a customer", false)
                : Future.succeededFuture(customer.toString());
          }
          // MPM follows `next` by its query string (SteamaMeterApiClient.php:57-58)
          Object next = page.getValue("next");
          if (next == null) {
            return calls.fail("steama knows no meter " + serial, false);
          }
          int mark = next instanceof String n ? n.indexOf('?') : -1;
          if (mark < 0 || number >= MAX_METER_PAGES) {
            return calls.fail("steama meter pages do not end (next " + next + ")", false);
          }
          return page(s, ((String) next).substring(mark + 1), number + 1);
        });
  }

  private Future<IssuedToken> token(JsonObject transaction) {
    Object id = transaction.getValue("id");
    if (id == null || id.toString().isBlank()) {
      return calls.fail("steama transaction answer has no id", false);
    }
    return Future.succeededFuture(new IssuedToken(id.toString(), id.toString()));
  }
}
