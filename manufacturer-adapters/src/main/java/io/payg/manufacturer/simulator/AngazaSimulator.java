package io.payg.manufacturer.simulator;

import io.payg.manufacturer.angaza.AngazaTokenIssuer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process Angaza unit-credit API on 127.0.0.1
 * ({@code PUT /unit_credit}), for the gateway's demo mode and for tests. Sources, MicroPowerManager
 * {@code src/backend/app/Plugins/AngazaSHS/} ({@code MPM:}): path and body
 * (Modules/Api/AngazaSHSApi.php:19,42-49,71-78), Basic auth with client id and secret
 * (Modules/Api/ApiRequests.php:75-81), JSON PUT (ApiRequests.php:50-57), keycode at
 * {@code _embedded.latest_keycode.keycode} (AngazaSHSApi.php:52; Tests/Unit/AngazaSHSApiTest.php:58-60),
 * refusal {@code context.reason} (AngazaSHSApi.php:102-103; AngazaSHSApiTest.php:84).
 *
 * <p>It checks HTTP Basic authentication against {@link #DEFAULT_CLIENT_ID} /
 * {@link #DEFAULT_CLIENT_SECRET}, knows every unit number unless
 * {@link #rejectSerial(String) rejected}, accepts a {@code credit_until_dt} in the future or
 * {@code "UNLOCKED"}, and answers each accepted PUT with a new deterministic 12-digit keycode
 * (derived from unit, date and a per-simulator counter; the real keycode format is Angaza's own).
 * Like the real API it takes no idempotency key: every accepted PUT is a new keycode, recorded
 * in {@link #vends()}, and the unit's desired state is the last date put.
 *
 * <p>Failure knobs: {@link #setFailNext(int)} answers HTTP 503, {@link #setDown(boolean)} drops
 * connections without answering, {@link #setLatency(Duration)} delays the answer. The keycode is
 * issued before the delay, so a client timing out reproduces the "issued but response lost" case.
 */
public final class AngazaSimulator
    extends SimulatedManufacturer<AngazaSimulator, AngazaSimulator.Vend> {

  private volatile boolean refusalsWithOk;
  // MPM:Modules/Api/AngazaSHSApi.php:19
  private static final String UNIT_CREDIT_PATH = "/unit_credit";
  // MPM:Modules/Api/AngazaSHSApi.php:75
  private static final String UNLOCKED = "UNLOCKED";

  public static final String DEFAULT_CLIENT_ID = "payg-sim";
  public static final String DEFAULT_CLIENT_SECRET = "angaza-sim-secret";

  /** One keycode: unit number, the credit_until_dt put ("UNLOCKED" or a date), the keycode. */
  public record Vend(String serial, String creditUntil, String token)
      implements SimulatedManufacturer.Vended {}

  private static final BigInteger TWELVE_DIGITS = BigInteger.TEN.pow(12);

  private final Map<String, String> creditUntilByUnit = new ConcurrentHashMap<>();
  private final AtomicLong counter = new AtomicLong();

  private AngazaSimulator(Vertx vertx) {
    super(vertx);
  }

  /** Starts listening on 127.0.0.1; port 0 picks a free port. */
  public static Future<AngazaSimulator> start(Vertx vertx, int port) {
    AngazaSimulator simulator = new AngazaSimulator(Objects.requireNonNull(vertx, "vertx"));
    Router router = simulator.router();
    router.put(UNIT_CREDIT_PATH).handler(simulator::handle);
    return simulator.listen(router, port);
  }

  /** Issuer settings (baseUrl, clientId, clientSecret) that this simulator accepts. */
  @Override
  public Map<String, String> settings() {
    return Map.of(
        AngazaTokenIssuer.SETTING_BASE_URL, baseUrl(),
        AngazaTokenIssuer.SETTING_CLIENT_ID, DEFAULT_CLIENT_ID,
        AngazaTokenIssuer.SETTING_CLIENT_SECRET, DEFAULT_CLIENT_SECRET);
  }

  /** The unit's desired credit_until_dt after the last accepted PUT, or null. */
  public String creditUntil(String unitNumber) {
    return creditUntilByUnit.get(unitNumber);
  }

  private void handle(RoutingContext ctx) {
    String expected = "Basic "
        + Base64.getEncoder()
            .encodeToString(
                (DEFAULT_CLIENT_ID + ":" + DEFAULT_CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
    if (!expected.equals(ctx.request().getHeader("Authorization"))) {
      ctx.response().putHeader("WWW-Authenticate", "Basic realm=\"Angaza\"");
      reply(ctx, 401, refusal("Unauthorized", "invalid credentials"));
      return;
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException e) {
      body = null;
    }
    if (body == null) {
      reply(ctx, 400, refusal("Bad Request", "JSON body expected"));
      return;
    }
    Object unit = body.getValue("unit_number");
    String creditUntil = null;
    if (body.getValue("state") instanceof JsonObject state
        && state.getValue("desired") instanceof JsonObject desired) {
      creditUntil = desired.getString("credit_until_dt");
    }
    if (unit == null || unit.toString().isBlank()) {
      reply(ctx, 400, refusal("Bad Request", "unit_number is required"));
      return;
    }
    String serial = unit.toString();
    if (rejects(serial)) {
      reply(ctx, 404, refusal("Not Found", "Invalid unit number"));
      return;
    }
    if (!UNLOCKED.equals(creditUntil)) {
      try {
        OffsetDateTime until = OffsetDateTime.parse(Objects.requireNonNull(creditUntil));
        if (!until.toInstant().isAfter(Instant.now())) {
          reply(ctx, 400, refusal("Bad Request", "credit_until_dt must be in the future"));
          return;
        }
      } catch (NullPointerException | DateTimeParseException e) {
        reply(
            ctx,
            400,
            refusal("Bad Request", "credit_until_dt must be an ISO 8601 date-time or UNLOCKED"));
        return;
      }
    }
    String keycode = keycode(serial, creditUntil, counter.incrementAndGet());
    creditUntilByUnit.put(serial, creditUntil);
    recordVend(new Vend(serial, creditUntil, keycode));
    reply(
        ctx,
        200,
        new JsonObject()
            .put("unit_number", serial)
            .put(
                "state",
                new JsonObject()
                    .put("desired", new JsonObject().put("credit_until_dt", creditUntil)))
            .put(
                "_embedded",
                new JsonObject().put("latest_keycode", new JsonObject().put("keycode", keycode)))
            .put(
                "_links",
                new JsonObject().put("self", new JsonObject().put("href", UNIT_CREDIT_PATH))));
  }

  private void reply(RoutingContext ctx, int status, JsonObject json) {
    boolean refusal = json.containsKey("context") && status != 401;
    send(ctx, refusal && refusalsWithOk ? 200 : status, "application/json", json.encode());
  }

  /**
   * Answer refusals ({@code context.reason}) with HTTP 200: MPM reads {@code context} only from
   * a 2xx body (MPM:Modules/Api/AngazaSHSApi.php:101-103, Guzzle throws on 4xx first), so both occur.
   */
  public AngazaSimulator refusalsWithOk(boolean ok) {
    this.refusalsWithOk = ok;
    return this;
  }

  @Override
  protected void outage(RoutingContext ctx) {
    reply(ctx, 503, new JsonObject().put("message", "simulated outage"));
  }

  private static JsonObject refusal(String message, String reason) {
    return new JsonObject()
        .put("message", message)
        .put("context", new JsonObject().put("reason", reason));
  }

  private static String keycode(String unit, String creditUntil, long n) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((unit + "|" + creditUntil + "|" + n).getBytes(StandardCharsets.UTF_8));
      return String.format("%012d", new BigInteger(1, digest).mod(TWELVE_DIGITS));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
    }
  }
}
