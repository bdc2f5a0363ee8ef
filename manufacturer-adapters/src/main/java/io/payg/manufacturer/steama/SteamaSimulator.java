package io.payg.manufacturer.steama;

import io.payg.manufacturer.support.SimulatedPeer;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process SteamaCo API on 127.0.0.1 speaking {@link SteamaProtocol}, for the gateway's demo
 * mode and for tests.
 *
 * <p>It trades the account {@link #DEFAULT_USERNAME} / {@link #DEFAULT_PASSWORD} for an API token
 * at {@code /get-token/} (the same token on every login, like Django REST Framework's token
 * authentication, until {@link #revokeTokens()}), requires {@code Authorization: Token ...} on
 * every other call, knows a meter and its customer for every serial asked for unless
 * {@link #rejectSerial(String) rejected}, and answers each {@code PAY} transaction with a new,
 * deterministic transaction id (1001, 1002, ...). Like the real API it takes no idempotency key:
 * every accepted transaction is a new credit, recorded in {@link #vends()}. Only the fields
 * MicroPowerManager reads are answered; their values beyond the ids are illustrative.
 *
 * <p>Failure knobs, on every route: {@link #setFailNext(int)} answers HTTP 503,
 * {@link #setDown(boolean)} drops connections without answering, {@link #setLatency(Duration)}
 * delays the answer. A transaction is credited before the delay, so a client timing out
 * reproduces the "credited but response lost" case.
 */
public final class SteamaSimulator extends SimulatedPeer<SteamaSimulator> {

  public static final String DEFAULT_USERNAME = "payg-sim";
  public static final String DEFAULT_PASSWORD = "steama-sim-password";

  /** One credit: meter serial, amount in major units ("500.00"), the token (transaction id). */
  public record Vend(String serial, String amount, String token) {
  }

  private record Meter(long id, String reference, long customer) {
  }

  private final Set<String> rejectedSerials = ConcurrentHashMap.newKeySet();
  private final Map<String, Meter> metersByReference = new ConcurrentHashMap<>();
  private final Map<String, String> usersByToken = new ConcurrentHashMap<>();
  private final List<Vend> vends = new CopyOnWriteArrayList<>();
  private final AtomicLong meterIds = new AtomicLong();
  private final AtomicLong transactionIds = new AtomicLong(1000);
  private final AtomicInteger tokenGeneration = new AtomicInteger();
  private final AtomicInteger logins = new AtomicInteger();

  private SteamaSimulator(Vertx vertx) {
    super(vertx);
  }

  /** Starts listening on 127.0.0.1; port 0 picks a free port. */
  public static Future<SteamaSimulator> start(Vertx vertx, int port) {
    SteamaSimulator simulator = new SteamaSimulator(Objects.requireNonNull(vertx, "vertx"));
    Router router = simulator.router();
    router.post(SteamaProtocol.GET_TOKEN_PATH).handler(simulator::getToken);
    router.route().handler(simulator::authenticate);
    router.get(SteamaProtocol.METERS_PATH).handler(simulator::meters);
    router.post("/customers/:customer/transactions/").handler(simulator::transaction);
    return simulator.listen(router, port);
  }

  /** Issuer settings (baseUrl, username, password) that this simulator accepts. */
  public Map<String, String> settings() {
    return Map.of(
        SteamaTokenIssuer.SETTING_BASE_URL, baseUrl(),
        SteamaTokenIssuer.SETTING_USERNAME, DEFAULT_USERNAME,
        SteamaTokenIssuer.SETTING_PASSWORD, DEFAULT_PASSWORD);
  }

  /** This serial is no meter of this account from now on. */
  public SteamaSimulator rejectSerial(String serial) {
    rejectedSerials.add(serial);
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

  /** Every credit made, oldest first. */
  public List<Vend> vends() {
    return List.copyOf(vends);
  }

  private void getToken(RoutingContext ctx) {
    JsonObject body = json(ctx);
    String username = body == null ? ctx.request().getFormAttribute("username")
        : body.getString("username");
    String password = body == null ? ctx.request().getFormAttribute("password")
        : body.getString("password");
    if (username == null || password == null) {
      reply(ctx, 400, new JsonObject()
          .put(username == null ? "username" : "password",
              new JsonArray().add("This field is required.")));
      return;
    }
    if (!DEFAULT_USERNAME.equals(username) || !DEFAULT_PASSWORD.equals(password)) {
      reply(ctx, 400, new JsonObject().put("non_field_errors",
          new JsonArray().add("Unable to log in with provided credentials.")));
      return;
    }
    String token = token(username, tokenGeneration.get());
    usersByToken.put(token, username);
    logins.incrementAndGet();
    reply(ctx, 200, new JsonObject().put("token", token));
  }

  private void authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.startsWith("Token ")) {
      ctx.response().putHeader("WWW-Authenticate", "Token");
      reply(ctx, 401, new JsonObject()
          .put("detail", "Authentication credentials were not provided."));
      return;
    }
    if (!usersByToken.containsKey(header.substring("Token ".length()).trim())) {
      ctx.response().putHeader("WWW-Authenticate", "Token");
      reply(ctx, 401, new JsonObject().put("detail", "Invalid token."));
      return;
    }
    ctx.next();
  }

  private void meters(RoutingContext ctx) {
    String reference = ctx.request().getParam("reference");
    List<Meter> found = new ArrayList<>();
    if (reference != null) {
      if (!reference.isBlank() && !rejectedSerials.contains(reference)) {
        found.add(metersByReference.computeIfAbsent(reference, r -> {
          long id = meterIds.incrementAndGet();
          return new Meter(id, r, 500 + id);
        }));
      }
    } else {
      metersByReference.values().stream().filter(m -> !rejectedSerials.contains(m.reference()))
          .forEach(found::add);
    }
    JsonArray results = new JsonArray();
    found.forEach(m -> results.add(new JsonObject()
        .put("id", m.id())
        .put("reference", m.reference())
        .put("customer", m.customer())));
    reply(ctx, 200, new JsonObject().put("count", results.size()).putNull("next")
        .putNull("previous").put("results", results));
  }

  private void transaction(RoutingContext ctx) {
    Meter meter = null;
    String customer = ctx.pathParam("customer");
    for (Meter m : metersByReference.values()) {
      if (Long.toString(m.customer()).equals(customer) && !rejectedSerials.contains(m.reference())) {
        meter = m;
      }
    }
    if (meter == null) {
      reply(ctx, 404, new JsonObject().put("detail", "Not found."));
      return;
    }
    JsonObject body = json(ctx);
    if (body == null) {
      reply(ctx, 400, new JsonObject().put("detail", "JSON parse error"));
      return;
    }
    BigDecimal amount;
    try {
      amount = new BigDecimal(Objects.requireNonNull(body.getValue("amount")).toString());
    } catch (RuntimeException e) {
      reply(ctx, 400, new JsonObject().put("amount",
          new JsonArray().add("A valid number is required.")));
      return;
    }
    if (amount.signum() <= 0) {
      reply(ctx, 400, new JsonObject().put("amount",
          new JsonArray().add("Ensure this value is greater than 0.")));
      return;
    }
    String category = body.getString("category");
    // MicroPowerManager only ever posts PAY; other categories are not simulated
    if (!SteamaProtocol.CATEGORY_PAY.equals(category)) {
      reply(ctx, 400, new JsonObject().put("category",
          new JsonArray().add("\"" + category + "\" is not a valid choice.")));
      return;
    }
    long id = transactionIds.incrementAndGet();
    vends.add(new Vend(meter.reference(), amount.toPlainString(), Long.toString(id)));
    reply(ctx, 201, new JsonObject()
        .put("id", id)
        .put("site_id", 1)
        .put("customer_id", meter.customer())
        .put("amount", amount.toPlainString())
        .put("category", category)
        .put("provider", "AP")
        .put("timestamp", Instant.now().toString())
        .put("synchronization_status", "N")
        .putNull("reversed_by_id"));
  }

  private void reply(RoutingContext ctx, int status, JsonObject json) {
    send(ctx, status, "application/json", json.encode());
  }

  @Override
  protected void outage(RoutingContext ctx) {
    reply(ctx, 503, new JsonObject().put("detail", "simulated outage"));
  }

  private static JsonObject json(RoutingContext ctx) {
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
