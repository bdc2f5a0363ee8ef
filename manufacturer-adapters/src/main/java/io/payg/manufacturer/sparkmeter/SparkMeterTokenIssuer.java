package io.payg.manufacturer.sparkmeter;

import static io.payg.domain.peer.PluginSettings.isBlank;
import static io.payg.domain.peer.PluginSettings.withoutTrailingSlash;

import io.payg.domain.Serial;
import io.payg.domain.TokenAmount;
import io.payg.domain.peer.PluginSettings;
import io.payg.domain.port.IssuedToken;
import io.payg.domain.port.TokenIssueException;
import io.payg.domain.port.TokenIssuer;
import io.payg.domain.port.TokenRequest;
import io.payg.domain.port.VendLookup;
import io.payg.peer.PeerCalls;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credits SparkMeter meters through the site's ThunderCloud API, the way MicroPowerManager's
 * SparkMeter plugin does (SparkMeterApi::chargeDevice; wire format in {@link SparkMeterProtocol}):
 * look the customer up by meter serial, then post a cash transaction for that customer.
 *
 * <p>SparkMeter meters are online: ThunderCloud pushes the credit to the meter itself and there
 * is no code for the customer to type. The "token" this issuer returns is ThunderCloud's
 * {@code transaction_id}, a receipt reference (also the manufacturer reference).
 *
 * <p>ThunderCloud credits money, not energy: the site converts it with its own tariff. So the
 * amount sent is {@link TokenRequest#paid()} in major units, and the kWh the gateway computed
 * are only checked to be an energy purchase. {@code paid} must therefore be exactly the money
 * meant for the meter.
 *
 * <p>Settings ({@link TokenRequest#settings()}):
 * <ul>
 *   <li>{@code baseUrl} (required): the site API root, MicroPowerManager's
 *       {@code thundercloud_url}, e.g. {@code https://site.sparkmeter.cloud/api/v0}</li>
 *   <li>{@code apiToken} (required): the site's ThunderCloud token, sent as
 *       {@code Authentication-Token}</li>
 *   <li>{@code timeoutMs} (optional, default 10000): timeout of each HTTP request</li>
 *   <li>{@code koiosUrl}, {@code organizationId}, {@code koiosApiKey}, {@code koiosApiSecret}
 *       (optional, all four or none): the organisation-level Koios API, MicroPowerManager's
 *       {@code api_url}, {@code organization_id}, {@code api_key}, {@code api_secret}; with them a
 *       retry first asks Koios whether the earlier attempt credited ({@link #findVend})</li>
 * </ul>
 *
 * <p>Idempotency: the transaction carries {@code external_id} = {@link TokenRequest#idempotencyKey()}
 * (MicroPowerManager sends its transaction id there and matches synced transactions on it).
 * Whether the real ThunderCloud refuses or deduplicates a repeated {@code external_id} is not
 * documented in MicroPowerManager; if it does not, a retry after a lost answer credits twice, and
 * the operator reconciles on {@code external_id} ({@code simulator.SparkMeterSimulator} simulates both).
 * MicroPowerManager sends {@code amount} as PHP's {@code strval} of its float ("500", "500.5",
 * SparkMeterApi.php:69); this issuer sends the currency's decimals ("500.00"), also a decimal string.
 *
 * <p>Failures: transport errors and HTTP 5xx/408/429 are retryable; other HTTP 4xx (401 bad
 * token, unknown customer), an {@code error} in the answer, a meter no customer owns, a malformed
 * answer, missing settings, or a non-kWh amount are not.
 */
public final class SparkMeterTokenIssuer implements TokenIssuer {

  public static final String NAME = "sparkmeter";

  public static final String SETTING_BASE_URL = "baseUrl";
  public static final String SETTING_API_TOKEN = "apiToken";
  public static final String SETTING_TIMEOUT_MS = "timeoutMs";
  public static final long DEFAULT_TIMEOUT_MS = 10_000;
  public static final String SETTING_KOIOS_URL = "koiosUrl";
  public static final String SETTING_ORGANIZATION_ID = "organizationId";
  public static final String SETTING_KOIOS_API_KEY = "koiosApiKey";
  public static final String SETTING_KOIOS_API_SECRET = "koiosApiSecret";
  /** How far back a retry looks for its earlier credit: far beyond any job's retry budget. */
  static final Duration LOOKBACK = Duration.ofDays(3);
  /** Pages of Koios history one lookup reads at most before it says it cannot tell. */
  static final int MAX_PAGES = 50;

  private static final Logger LOG = LoggerFactory.getLogger(SparkMeterTokenIssuer.class);

  private final WebClient client;
  private final PeerCalls calls = new PeerCalls(NAME, TokenIssueException::new, LOG);

  public SparkMeterTokenIssuer(WebClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  @Override
  public String manufacturer() {
    return NAME;
  }

  @Override
  public CompletionStage<IssuedToken> issue(TokenRequest request) {
    return calls.checked(() -> vend(request)).toCompletionStage();
  }

  /**
   * Reads the organisation's transaction history from Koios, the way MicroPowerManager syncs it
   * (MPM:src/backend/app/Plugins/SparkMeter/Services/TransactionService.php:108-121, headers
   * SparkMeterApiRequests.php:175-187), and looks for a transaction whose {@code external_id}
   * (TransactionService.php:278) is this request's: its {@code transaction_id} is the earlier vend.
   * States {@code error} and {@code reversed} credited nothing (TransactionService.php:147-151).
   */
  @Override
  public CompletionStage<VendLookup> findVend(TokenRequest request) {
    PluginSettings settings = new PluginSettings(NAME, request.settings());
    String koios = settings.get(SETTING_KOIOS_URL);
    String organization = settings.get(SETTING_ORGANIZATION_ID);
    String key = settings.get(SETTING_KOIOS_API_KEY);
    String secret = settings.get(SETTING_KOIOS_API_SECRET);
    if (isBlank(koios) || isBlank(organization) || isBlank(key) || isBlank(secret)) {
      return Future.succeededFuture(VendLookup.cannotTell()).toCompletionStage();
    }
    return calls
        .checked(() -> {
          long timeoutMs = settings.timeoutMs(SETTING_TIMEOUT_MS, DEFAULT_TIMEOUT_MS);
          String url =
              withoutTrailingSlash(koios) + "/organizations/" + organization + "/data/historical";
          String from = Instant.now().minus(LOOKBACK).toString();
          return page(url, key, secret, timeoutMs, from, null, request, 1);
        })
        .toCompletionStage();
  }

  private Future<VendLookup> page(
      String url,
      String key,
      String secret,
      long timeoutMs,
      String from,
      Object cursor,
      TokenRequest request,
      int pageNumber) {
    JsonObject body = new JsonObject()
        .put(
            "filters",
            new JsonObject()
                .put("entity_types", new JsonArray().add("transactions"))
                .put("date_range", new JsonObject().put("from", from)))
        .put("cursor", cursor);
    return send(
            () -> PeerCalls.traced(client.postAbs(url), request.traceparent())
                .timeout(timeoutMs)
                .putHeader("Accept", "application/json")
                .putHeader("X-API-KEY", key)
                .putHeader("X-API-SECRET", secret)
                .sendJsonObject(body),
            "history lookup",
            request)
        .compose(answer -> {
          if (!(answer.getValue("results") instanceof JsonArray results)) {
            return calls.fail("sparkmeter history answer has no results list", true);
          }
          for (Object t : results) {
            if (t instanceof JsonObject transaction
                && "transaction".equals(transaction.getValue("type"))
                && request.idempotencyKey().equals(transaction.getValue("external_id"))
                && !"error".equals(transaction.getValue("state"))
                && !"reversed".equals(transaction.getValue("state"))
                && transaction.getValue("transaction_id") != null) {
              String id = transaction.getValue("transaction_id").toString();
              return Future.succeededFuture(VendLookup.found(new IssuedToken(id, id)));
            }
          }
          Object next = answer.getValue("cursor");
          if (next == null || results.isEmpty()) {
            return Future.succeededFuture(VendLookup.notFound());
          }
          if (pageNumber >= MAX_PAGES) {
            LOG.warn(
                "sparkmeter history for {}: more than {} pages, cannot tell",
                request.idempotencyKey(),
                MAX_PAGES);
            return Future.succeededFuture(VendLookup.cannotTell());
          }
          return page(url, key, secret, timeoutMs, from, next, request, pageNumber + 1);
        });
  }

  private Future<IssuedToken> vend(TokenRequest request) {
    PluginSettings settings =
        new PluginSettings(NAME, request.settings()).require(SETTING_BASE_URL, SETTING_API_TOKEN);
    long timeoutMs = settings.timeoutMs(SETTING_TIMEOUT_MS, DEFAULT_TIMEOUT_MS);
    // SparkMeter meters take energy credit only; days/unlock are a routing bug upstream.
    String refused = request.amount().refusal(NAME, TokenAmount.Takes.ENERGY);
    if (refused != null) {
      return calls.fail(refused, false);
    }
    if (!request.paid().isPositive()) {
      return calls.fail("sparkmeter credits money: the paid amount must be positive", false);
    }
    String root = withoutTrailingSlash(settings.get(SETTING_BASE_URL));
    Call call = new Call(settings.get(SETTING_API_TOKEN), timeoutMs, request.traceparent());
    return send(
            () -> call.prepare(client.getAbs(root + SparkMeterProtocol.CUSTOMERS_PATH))
                .addQueryParam("meter_serial", request.serial())
                .send(),
            "customer lookup",
            request)
        .compose(found -> customerOf(found, request))
        .compose(customerId -> send(
            () -> call.prepare(client.postAbs(root + SparkMeterProtocol.TRANSACTION_PATH))
                .sendJsonObject(new JsonObject()
                    .put("customer_id", customerId)
                    .put("amount", SparkMeterProtocol.major(request.paid()).toPlainString())
                    .put("source", SparkMeterProtocol.SOURCE_CASH)
                    .put("external_id", request.idempotencyKey())),
            "transaction",
            request))
        .compose(this::token);
  }

  /** The headers and timeout every ThunderCloud call carries. */
  private record Call(String apiToken, long timeoutMs, String traceparent) {

    HttpRequest<Buffer> prepare(HttpRequest<Buffer> http) {
      return PeerCalls.traced(http, traceparent)
          .timeout(timeoutMs)
          .putHeader("Accept", "application/json")
          .putHeader(SparkMeterProtocol.AUTH_HEADER, apiToken);
    }
  }

  private Future<JsonObject> send(
      Supplier<Future<HttpResponse<Buffer>>> sender, String step, TokenRequest request) {
    return calls
        .accepted(step, request.idempotencyKey() + " meter " + request.serial(), sender)
        .compose(response -> calls.json(response, step))
        .compose(json -> envelope(json, step, request));
  }

  private Future<JsonObject> envelope(JsonObject json, String step, TokenRequest request) {
    if (SparkMeterProtocol.isError(json.getValue("error"))) {
      LOG.warn(
          "sparkmeter refused {} for {} (meter {}): {}",
          step,
          request.idempotencyKey(),
          request.serial(),
          json.getValue("error"));
      return calls.fail("sparkmeter " + step + " error: " + json.getValue("error"), false);
    }
    return Future.succeededFuture(json);
  }

  private Future<String> customerOf(JsonObject answer, TokenRequest request) {
    // MPM reads this answer both as {"customers": [...]} (Services/CustomerService.php:405,482)
    // and as one customer object (CustomerService.php:280-281): accept either
    JsonArray customers = answer.getValue("customers") instanceof JsonArray list
        ? list
        : answer.getValue("meters") instanceof JsonArray ? new JsonArray().add(answer) : null;
    if (customers == null) {
      return calls.fail("sparkmeter customer lookup answer has no customers list", false);
    }
    for (Object c : customers) {
      if (c instanceof JsonObject customer && ownsMeter(customer, request.serial())) {
        Object id = customer.getValue("id");
        if (id != null && !id.toString().isBlank()) {
          return Future.succeededFuture(id.toString());
        }
      }
    }
    return calls.fail("sparkmeter knows no customer with meter " + request.serial(), false);
  }

  private static boolean ownsMeter(JsonObject customer, String serial) {
    if (!(customer.getValue("meters") instanceof JsonArray meters)) {
      return false;
    }
    for (Object m : meters) {
      // serials are typed by hand on both sides: trimmed, case-insensitive
      if (m instanceof JsonObject meter
          && meter.getValue("serial") instanceof String s
          && Serial.same(s, serial)) {
        return true;
      }
    }
    return false;
  }

  private Future<IssuedToken> token(JsonObject answer) {
    Object id = answer.getValue("transaction_id");
    if (id == null || id.toString().isBlank()) {
      return calls.fail("sparkmeter transaction answer has no transaction_id", false);
    }
    return Future.succeededFuture(new IssuedToken(id.toString(), id.toString()));
  }
}
