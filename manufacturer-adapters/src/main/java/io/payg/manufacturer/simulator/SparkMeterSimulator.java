package io.payg.manufacturer.simulator;

import io.payg.manufacturer.sparkmeter.SparkMeterTokenIssuer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process SparkMeter ThunderCloud site on 127.0.0.1 under {@code /api/v0}, for the
 * gateway's demo mode and for tests, following MicroPowerManager's SparkMeter plugin
 * (EnAccess/micropowermanager {@code src/backend/app/Plugins/SparkMeter/}, cited as {@code MPM:}):
 * <ul>
 *   <li>the site API root is the site URL plus {@code api/v0} (MPM:Services/SiteService.php:156)</li>
 *   <li>every call carries {@code Authentication-Token} (MPM:Http/Requests/SparkMeterApiRequests.php:31,56)</li>
 *   <li>{@code GET /customers?meter_serial=} (MPM:Services/CustomerService.php:277-280) answers
 *       {@code {"customers": [{"id", "phone_number", "meters": [{"serial", "current_tariff_name"}]}],
 *       "error": null, "status": "success"}} (CustomerService.php:405,412, :99,137); MPM also reads
 *       it as one customer object (CustomerService.php:281): {@link #answerLookupAsOneCustomer}</li>
 *   <li>{@code POST /transaction/} {@code {"customer_id", "amount": "<string>", "source": "cash",
 *       "external_id": "<string>"}} (MPM:SparkMeterApi.php:67-84) answers {@code transaction_id}
 *       (SparkMeterApi.php:97); {@code error} not null/false is a failure
 *       (MPM:Helpers/ResultStatusChecker.php:13-15)</li>
 * </ul>
 * It knows a customer for every meter serial unless {@link #rejectSerial(String) rejected} and
 * answers each transaction with a deterministic {@code transaction_id}. Whether ThunderCloud
 * deduplicates {@code external_id} is not published, so by default every POST credits again;
 * {@link #deduplicateExternalId(boolean)} simulates a site that does. Every credit is recorded in
 * {@link #vends()}.
 *
 * <p>The organisation-level Koios API is served under {@code /koios} with its own credentials
 * ({@code X-API-KEY}, {@code X-API-SECRET}: MPM:Http/Requests/SparkMeterApiRequests.php:175-187):
 * {@code POST /organizations/{id}/data/historical} with {@code {"filters": {"entity_types":
 * ["transactions"], "date_range": {"from": "<ISO>"}}, "cursor": null}}
 * (MPM:Services/TransactionService.php:108-118) answers {@code {"results": [{"type":
 * "transaction", "transaction_id", "external_id", "state", "site", "created", "to": {"customer":
 * {"id"}}}], "cursor", "count"}} (TransactionService.php:125-160,271-279), {@value #KOIOS_PAGE}
 * transactions a page, oldest first; a null cursor ends the history (TransactionService.php:241).
 *
 * <p>Failure knobs, on every route: {@link #setFailNext(int)} answers HTTP 503,
 * {@link #setDown(boolean)} drops connections without answering, {@link #setLatency(Duration)}
 * delays the answer. A transaction is credited before the delay, so a client timing out
 * reproduces the "credited but response lost" case.
 */
public final class SparkMeterSimulator
    extends SimulatedManufacturer<SparkMeterSimulator, SparkMeterSimulator.Vend> {

  public static final String DEFAULT_API_TOKEN = "sparkmeter-sim-token";
  // MPM:Services/SiteService.php:156 (thundercloud_url = site URL + 'api/v0'); paths: class javadoc
  private static final String API_PATH = "/api/v0";
  public static final String KOIOS_PATH = "/koios";
  public static final String ORGANIZATION_ID = "sim-organization";
  public static final String KOIOS_API_KEY = "koios-sim-key";
  public static final String KOIOS_API_SECRET = "koios-sim-secret";
  static final int KOIOS_PAGE = 100;

  /** One credit: meter serial, amount in major units ("500.00"), external_id, the token answered. */
  public record Vend(String serial, String amount, String externalId, String token)
      implements SimulatedManufacturer.Vended {}

  private record Credit(String customerId, BigDecimal amount, String transactionId) {}

  private final Map<String, String> serialsByCustomer = new ConcurrentHashMap<>();
  private final Map<String, Credit> creditsByExternalId = new ConcurrentHashMap<>();
  private final AtomicLong counter = new AtomicLong();
  private volatile boolean oneCustomerAnswer;
  private volatile boolean deduplicate;
  private final AtomicInteger answersToLose = new AtomicInteger();

  private SparkMeterSimulator(Vertx vertx) {
    super(vertx);
  }

  /** Starts listening on 127.0.0.1; port 0 picks a free port. */
  public static Future<SparkMeterSimulator> start(Vertx vertx, int port) {
    SparkMeterSimulator simulator = new SparkMeterSimulator(Objects.requireNonNull(vertx, "vertx"));
    Router router = simulator.router();
    router
        .post(KOIOS_PATH + "/organizations/:organization/data/historical")
        .handler(simulator::history);
    router.route().handler(simulator::gate);
    router.get(API_PATH + "/customers").handler(simulator::customers);
    router.post(API_PATH + "/transaction/").handler(simulator::transaction);
    return simulator.listen(router, port);
  }

  /** The value for the issuer's {@code baseUrl} setting (the site URL plus {@code /api/v0}). */
  public String baseUrl() {
    return "http://127.0.0.1:" + port() + API_PATH;
  }

  /** Issuer settings (baseUrl, apiToken) that this simulator accepts. */
  @Override
  public Map<String, String> settings() {
    return Map.of(
        SparkMeterTokenIssuer.SETTING_BASE_URL,
        baseUrl(),
        SparkMeterTokenIssuer.SETTING_API_TOKEN,
        DEFAULT_API_TOKEN);
  }

  /** The Koios settings (koiosUrl, organizationId, koiosApiKey, koiosApiSecret) this simulator accepts. */
  public Map<String, String> koiosSettings() {
    return Map.of(
        SparkMeterTokenIssuer.SETTING_KOIOS_URL, "http://127.0.0.1:" + port() + KOIOS_PATH,
        SparkMeterTokenIssuer.SETTING_ORGANIZATION_ID, ORGANIZATION_ID,
        SparkMeterTokenIssuer.SETTING_KOIOS_API_KEY, KOIOS_API_KEY,
        SparkMeterTokenIssuer.SETTING_KOIOS_API_SECRET, KOIOS_API_SECRET);
  }

  /** Answer the lookup as one customer object instead of the {@code customers} list. */
  public SparkMeterSimulator answerLookupAsOneCustomer(boolean one) {
    this.oneCustomerAnswer = one;
    return this;
  }

  /**
   * A repeated {@code external_id} (same customer and amount) answers the first transaction and
   * credits nothing; with another customer or amount it is refused. Unpublished behaviour.
   */
  public SparkMeterSimulator deduplicateExternalId(boolean on) {
    this.deduplicate = on;
    return this;
  }

  /** The next {@code n} transactions are credited, then the connection closes without an answer. */
  public SparkMeterSimulator loseAnswerAfterCredit(int n) {
    answersToLose.set(n);
    return this;
  }

  /** The customer id this site gives the customer owning {@code serial}. */
  public static String customerId(String serial) {
    return UUID.nameUUIDFromBytes(
            ("sparkmeter-customer:" + serial).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  private void gate(RoutingContext ctx) {
    if (!DEFAULT_API_TOKEN.equals(ctx.request().getHeader("Authentication-Token"))) {
      reply(ctx, 401, failure("Invalid authentication token"));
      return;
    }
    ctx.next();
  }

  private void history(RoutingContext ctx) {
    if (!KOIOS_API_KEY.equals(ctx.request().getHeader("X-API-KEY"))
        || !KOIOS_API_SECRET.equals(ctx.request().getHeader("X-API-SECRET"))) {
      reply(ctx, 401, failure("Invalid API credentials"));
      return;
    }
    if (!ORGANIZATION_ID.equals(ctx.pathParam("organization"))) {
      reply(ctx, 404, failure("organization not found"));
      return;
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException e) {
      body = null;
    }
    int offset;
    try {
      Object cursor = body == null ? null : body.getValue("cursor");
      offset = cursor == null ? 0 : Integer.parseInt(cursor.toString());
    } catch (NumberFormatException e) {
      reply(ctx, 400, failure("bad cursor"));
      return;
    }
    List<Vend> all = vends();
    JsonArray results = new JsonArray();
    for (int i = offset; i < Math.min(all.size(), offset + KOIOS_PAGE); i++) {
      Vend v = all.get(i);
      results.add(new JsonObject()
          .put("type", "transaction")
          .put("transaction_id", v.token())
          .put("external_id", v.externalId())
          .put("state", "processed")
          .put("site", "sim-site")
          .put("amount", v.amount())
          .put(
              "to",
              new JsonObject()
                  .put("customer", new JsonObject().put("id", customerId(v.serial())))));
    }
    int next = offset + results.size();
    JsonObject answer = new JsonObject()
        .put("results", results)
        .put("count", results.size())
        .putNull("error")
        .put("status", "success");
    if (next < all.size()) {
      answer.put("cursor", Integer.toString(next));
    } else {
      answer.putNull("cursor");
    }
    reply(ctx, 200, answer);
  }

  private void customers(RoutingContext ctx) {
    String serial = ctx.request().getParam("meter_serial");
    JsonArray customers = new JsonArray();
    if (serial != null && !serial.isBlank() && !rejects(serial)) {
      String id = customerId(serial);
      serialsByCustomer.put(id, serial);
      customers.add(new JsonObject()
          .put("id", id)
          .put("name", "Customer " + serial)
          .putNull("phone_number")
          .put("credit_balance", 0)
          .put(
              "meters",
              new JsonArray()
                  .add(new JsonObject()
                      .put("serial", serial)
                      .put("active", true)
                      .put("current_tariff_name", "Simulated tariff"))));
    }
    if (oneCustomerAnswer && customers.size() == 1) {
      reply(ctx, 200, customers.getJsonObject(0).copy().putNull("error").put("status", "success"));
      return;
    }
    reply(
        ctx,
        200,
        new JsonObject().put("customers", customers).putNull("error").put("status", "success"));
  }

  private void transaction(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException e) {
      body = null;
    }
    if (body == null) {
      reply(ctx, 400, failure("JSON body expected"));
      return;
    }
    String customerId = text(body, "customer_id");
    String source = text(body, "source");
    String externalId = text(body, "external_id");
    BigDecimal amount;
    try {
      amount = new BigDecimal(Objects.requireNonNull(text(body, "amount")));
    } catch (RuntimeException e) {
      reply(ctx, 400, failure("amount must be a number"));
      return;
    }
    if (amount.signum() <= 0) {
      reply(ctx, 400, failure("amount must be positive"));
      return;
    }
    if (source == null || source.isBlank()) {
      reply(ctx, 400, failure("source is required"));
      return;
    }
    String serial = customerId == null ? null : serialsByCustomer.get(customerId);
    if (serial == null || rejects(serial)) {
      reply(ctx, 404, failure("customer not found"));
      return;
    }
    if (deduplicate && externalId != null) {
      Credit earlier = creditsByExternalId.get(externalId);
      if (earlier != null) {
        if (earlier.customerId().equals(customerId) && earlier.amount().compareTo(amount) == 0) {
          reply(ctx, 200, success(earlier.transactionId()));
        } else {
          reply(ctx, 400, failure("external_id " + externalId + " already used"));
        }
        return;
      }
    }
    String transactionId = UUID.nameUUIDFromBytes(
            ("sparkmeter-transaction:" + counter.incrementAndGet())
                .getBytes(StandardCharsets.UTF_8))
        .toString();
    if (deduplicate && externalId != null) {
      Credit credit = new Credit(customerId, amount, transactionId);
      Credit raced = creditsByExternalId.putIfAbsent(externalId, credit);
      if (raced != null) {
        reply(ctx, 200, success(raced.transactionId()));
        return;
      }
    }
    recordVend(new Vend(serial, amount.toPlainString(), externalId, transactionId));
    if (answersToLose.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      ctx.request().connection().close(); // credited, the answer lost on the way
      return;
    }
    reply(ctx, 200, success(transactionId));
  }

  private void reply(RoutingContext ctx, int status, JsonObject json) {
    send(ctx, status, "application/json;charset=utf-8", json.encode());
  }

  @Override
  protected void outage(RoutingContext ctx) {
    reply(ctx, 503, new JsonObject().put("error", "simulated outage").put("status", "failure"));
  }

  private static JsonObject success(String transactionId) {
    return new JsonObject()
        .put("transaction_id", transactionId)
        .putNull("error")
        .put("status", "success");
  }

  private static JsonObject failure(String error) {
    return new JsonObject().put("error", error).put("status", "failure");
  }

  private static String text(JsonObject body, String field) {
    Object value = body.getValue(field);
    return value == null ? null : value.toString();
  }
}
