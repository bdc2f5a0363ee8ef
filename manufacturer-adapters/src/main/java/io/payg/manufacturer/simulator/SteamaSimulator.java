package io.payg.manufacturer.simulator;

import io.payg.manufacturer.steama.SteamaTokenIssuer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process SteamaCo API on 127.0.0.1, for tests, written from MicroPowerManager's SteamaMeter
 * plugin (EnAccess/micropowermanager, {@code src/backend/app/Plugins/SteamaMeter/}, cited as
 * {@code MPM:file:line}) and Django REST Framework's documented token auth and page-number
 * paging; it shares nothing with {@link SteamaTokenIssuer}.
 *
 * <p>Meters exist only once {@link #register(String) registered}, each with its own customer
 * ({@link #registerWithoutCustomer(String)} for one that has none). Like the real API the
 * transaction call takes no idempotency key: every accepted {@code PAY} is a new credit,
 * recorded in {@link #vends()}.
 *
 * <p>Failure knobs, on every route: {@link #setFailNext(int)} answers HTTP 503,
 * {@link #setDown(boolean)} drops connections, {@link #setLatency(java.time.Duration)} delays the
 * answer (a transaction is credited before the delay: "credited but answer lost").
 */
public final class SteamaSimulator
    extends SimulatedManufacturer<SteamaSimulator, SteamaSimulator.Vend> {

  public static final String DEFAULT_USERNAME = "payg-sim";
  public static final String DEFAULT_PASSWORD = "steama-sim-password";

  // MPM:Http/Clients/SteamaMeterApiClient.php:55 asks for 100; DRF caps page_size at the view's max
  private static final int MAX_PAGE_SIZE = 100;

  /** One credit: meter serial, amount in major units ("500.00"), the token (transaction id). */
  public record Vend(String serial, String amount, String token)
      implements SimulatedManufacturer.Vended {}

  private record Meter(long id, String reference, Long customer) {}

  private final Map<String, Meter> metersByReference = new ConcurrentHashMap<>();
  private final Map<String, String> usersByToken = new ConcurrentHashMap<>();
  private final AtomicLong meterIds = new AtomicLong();
  private final AtomicLong transactionIds = new AtomicLong(1000);
  private final AtomicInteger tokenGeneration = new AtomicInteger();
  private final AtomicInteger logins = new AtomicInteger();
  private final AtomicInteger meterPages = new AtomicInteger();

  private SteamaSimulator(Vertx vertx) {
    super(vertx);
  }

  /** Starts listening on 127.0.0.1; port 0 picks a free port. */
  public static Future<SteamaSimulator> start(Vertx vertx, int port) {
    SteamaSimulator simulator = new SteamaSimulator(Objects.requireNonNull(vertx, "vertx"));
    Router router = simulator.router();
    // MPM:Services/SteamaCredentialService.php:13 ($rootUrl '/get-token/')
    router.post("/get-token/").handler(simulator::getToken);
    router.route().handler(simulator::authenticate);
    // MPM:Services/SteamaMeterService.php:28 ('/meters', no slash); Django's own form ends in '/'
    router.get("/meters").handler(simulator::meters);
    router.get("/meters/").handler(simulator::meters);
    // MPM:SteamaMeterApi.php:62
    router.post("/customers/:customer/transactions/").handler(simulator::transaction);
    return simulator.listen(router, port);
  }

  /** Issuer settings (baseUrl, username, password) that this simulator accepts. */
  @Override
  public Map<String, String> settings() {
    return Map.of(
        "baseUrl", baseUrl(),
        "username", DEFAULT_USERNAME,
        "password", DEFAULT_PASSWORD);
  }

  /** A meter with this reference (serial), owned by a customer of its own; idempotent. */
  @Override
  public SteamaSimulator register(String serial) {
    metersByReference.computeIfAbsent(serial, r -> {
      long id = meterIds.incrementAndGet();
      return new Meter(id, r, 500 + id);
    });
    return this;
  }

  /** A meter no customer owns (MPM:Services/SteamaMeterService.php:111 filters those out). */
  public SteamaSimulator registerWithoutCustomer(String serial) {
    metersByReference.put(serial, new Meter(meterIds.incrementAndGet(), serial, null));
    return this;
  }

  /** Every token handed out so far stops working; the next login gets a new one. */
  public SteamaSimulator revokeTokens() {
    usersByToken.clear();
    tokenGeneration.incrementAndGet();
    return this;
  }

  /** How many successful logins ({@code /get-token/}) there were. */
  public int logins() {
    return logins.get();
  }

  /** How many meter pages were served. */
  public int meterPages() {
    return meterPages.get();
  }

  private void getToken(RoutingContext ctx) {
    // MPM:Http/Clients/SteamaMeterApiClient.php:83-86 (JSON body, no Authorization)
    JsonObject body = json(ctx);
    String username = body == null ? null : body.getString("username");
    String password = body == null ? null : body.getString("password");
    if (username == null || password == null) {
      reply(
          ctx,
          400,
          new JsonObject()
              .put(
                  username == null ? "username" : "password",
                  new JsonArray().add("This field is required.")));
      return;
    }
    // MPM:Services/SteamaCredentialService.php:57-60 — refused credentials are a 400
    if (!DEFAULT_USERNAME.equals(username) || !DEFAULT_PASSWORD.equals(password)) {
      reply(
          ctx,
          400,
          new JsonObject()
              .put(
                  "non_field_errors",
                  new JsonArray().add("Unable to log in with provided credentials.")));
      return;
    }
    String token = token(username, tokenGeneration.get());
    usersByToken.put(token, username);
    logins.incrementAndGet();
    // MPM:Services/SteamaCredentialService.php:54 ($result['token'])
    reply(ctx, 200, new JsonObject().put("token", token));
  }

  private void authenticate(RoutingContext ctx) {
    // MPM:Http/Clients/SteamaMeterApiClient.php:38 ('Authorization' => 'Token '.$token)
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.startsWith("Token ")) {
      ctx.response().putHeader("WWW-Authenticate", "Token");
      reply(
          ctx,
          401,
          new JsonObject().put("detail", "Authentication credentials were not provided."));
      return;
    }
    // MPM:Tests/Unit/SteamaMeterApiClientTest.php:57 ({"detail": "Invalid token."})
    if (!usersByToken.containsKey(header.substring("Token ".length()).trim())) {
      ctx.response().putHeader("WWW-Authenticate", "Token");
      reply(ctx, 401, new JsonObject().put("detail", "Invalid token."));
      return;
    }
    ctx.next();
  }

  private void meters(RoutingContext ctx) {
    // MPM:Http/Clients/SteamaMeterApiClient.php:55 (?page=1&page_size=100), :57-58 (follows next)
    int page;
    int size;
    try {
      page = Integer.parseInt(
          ctx.request().params().get("page") == null ? "1" : ctx.request().getParam("page"));
      size = Math.min(
          MAX_PAGE_SIZE,
          Integer.parseInt(
              ctx.request().getParam("page_size") == null
                  ? "" + MAX_PAGE_SIZE
                  : ctx.request().getParam("page_size")));
    } catch (NumberFormatException e) {
      reply(ctx, 404, new JsonObject().put("detail", "Invalid page."));
      return;
    }
    List<Meter> all = new ArrayList<>(
        metersByReference.values().stream().filter(m -> !rejects(m.reference())).toList());
    all.sort((a, b) -> Long.compare(a.id(), b.id()));
    int from = (page - 1) * size;
    if (page < 1 || size < 1 || (from >= all.size() && page > 1)) {
      reply(ctx, 404, new JsonObject().put("detail", "Invalid page."));
      return;
    }
    meterPages.incrementAndGet();
    JsonArray results = new JsonArray();
    // MPM:Services/SteamaMeterService.php:73-74,158 (id, customer, reference)
    all.subList(from, Math.min(all.size(), from + size))
        .forEach(m -> results.add(new JsonObject()
            .put("id", m.id())
            .put("reference", m.reference())
            .put("customer", m.customer())));
    String self = baseUrl() + ctx.request().path();
    boolean more = from + size < all.size();
    // MPM:Tests/Unit/SteamaMeterApiClientTest.php:75,78 (next is an absolute URL, null at the end)
    reply(
        ctx,
        200,
        new JsonObject()
            .put("count", all.size())
            .put("next", more ? self + "?page=" + (page + 1) + "&page_size=" + size : null)
            .put("previous", page > 1 ? self + "?page=" + (page - 1) + "&page_size=" + size : null)
            .put("results", results));
  }

  private void transaction(RoutingContext ctx) {
    Meter meter = null;
    String customer = ctx.pathParam("customer");
    for (Meter m : metersByReference.values()) {
      if (m.customer() != null
          && Long.toString(m.customer()).equals(customer)
          && !rejects(m.reference())) {
        meter = m;
      }
    }
    if (meter == null) {
      reply(ctx, 404, new JsonObject().put("detail", "Not found."));
      return;
    }
    // MPM:SteamaMeterApi.php:53-56,67 (JSON {"amount", "category": "PAY"})
    JsonObject body = json(ctx);
    if (body == null) {
      reply(ctx, 400, new JsonObject().put("detail", "JSON parse error"));
      return;
    }
    BigDecimal amount;
    try {
      amount = new BigDecimal(Objects.requireNonNull(body.getValue("amount")).toString());
    } catch (RuntimeException e) {
      reply(
          ctx,
          400,
          new JsonObject().put("amount", new JsonArray().add("A valid number is required.")));
      return;
    }
    if (amount.signum() <= 0) {
      reply(
          ctx,
          400,
          new JsonObject()
              .put("amount", new JsonArray().add("Ensure this value is greater than 0.")));
      return;
    }
    String category = body.getString("category");
    // MPM only ever posts PAY; other categories are not simulated
    if (!"PAY".equals(category)) {
      reply(
          ctx,
          400,
          new JsonObject()
              .put("category", new JsonArray().add("\"" + category + "\" is not a valid choice.")));
      return;
    }
    long id = transactionIds.incrementAndGet();
    recordVend(new Vend(meter.reference(), amount.toPlainString(), Long.toString(id)));
    // MPM:SteamaMeterApi.php:76-84 — the fields MPM reads; values beyond the ids are illustrative
    reply(
        ctx,
        201,
        new JsonObject()
            .put("id", id)
            .put("site_id", 1)
            .put("customer_id", meter.customer())
            .put("amount", amount.toPlainString())
            .put("category", category)
            .put("provider", "AP")
            .put("timestamp", Instant.now().toString())
            .put("synchronization_status", "N"));
  }

  private void reply(RoutingContext ctx, int status, JsonObject json) {
    send(ctx, status, "application/json", json.encode());
  }

  @Override
  protected void outage(RoutingContext ctx) {
    reply(ctx, 503, new JsonObject().put("detail", "simulated outage"));
  }

  private static JsonObject json(RoutingContext ctx) {
    // MPM sends 'Content-Type' => 'application/json;charset=utf-8' (SteamaMeterApiClient.php:85)
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.startsWith("application/json")) {
      return null;
    }
    try {
      return ctx.body().asJsonObject();
    } catch (DecodeException e) {
      return null;
    }
  }

  private static String token(String username, int generation) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(("steama-token:" + username + ":" + generation).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
    }
  }
}
