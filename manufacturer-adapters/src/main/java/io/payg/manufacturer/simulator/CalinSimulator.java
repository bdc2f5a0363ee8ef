package io.payg.manufacturer.simulator;

import io.payg.manufacturer.calin.CalinTokenIssuer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process Calin vending server on 127.0.0.1, for the gateway's demo mode and for tests,
 * written from the only published client of the API, MicroPowerManager's CalinMeter plugin
 * (EnAccess/micropowermanager, {@code src/backend/app/Plugins/CalinMeter/}, cited below as
 * {@code MPM:file:line}). It shares nothing with {@link CalinTokenIssuer}.
 *
 * <p>Failure knobs: {@link #setFailNext(int)} answers HTTP 503, {@link #setDown(boolean)} drops
 * connections, {@link #setLatency(java.time.Duration)} delays the answer (the vend is made
 * before the delay, so a client timing out reproduces "vended but answer lost"), and
 * {@link #answerCodesAsStrings(boolean)} sends {@code result_code} as a string.
 */
public final class CalinSimulator
    extends SimulatedManufacturer<CalinSimulator, CalinSimulator.Vend> {

  public static final String DEFAULT_USER_ID = "payg-sim";
  /** The vending account's password (MPM stores it as api_key, sends it as password). */
  public static final String DEFAULT_API_KEY = "calin-sim-key";

  // MPM:CalinMeterApi.php:18 ($rootUrl, appended to api_url at :42)
  static final String PATH = "/tokennew";
  // MPM:CalinMeterApi.php:17, the only token_type MPM sends (:38)
  static final String CREDIT_TOKEN = "CreditToken";
  // MPM:Helpers/ApiHelpers.php:28 (0 = success; anything else is an error with a reason)
  static final int OK = 0;
  // Non-zero codes are this simulator's own: Calin's numbering is unpublished and MPM only
  // tests != 0 (ApiHelpers.php:28), so clients must not depend on the values.
  static final int CODE_BAD_PARAMETER = 1;
  static final int CODE_USER_OR_PASSWORD = 2;
  static final int CODE_METER = 3;

  /** One accepted vend: meter serial, kWh with one decimal ("4.3"), the token answered. */
  public record Vend(String serial, String kwh, String token)
      implements SimulatedManufacturer.Vended {}

  private static final BigInteger TWENTY_DIGITS = BigInteger.TEN.pow(20);

  private final Map<String, String> passwordsByUser = new ConcurrentHashMap<>();
  private final AtomicLong counter = new AtomicLong();
  private volatile boolean codesAsStrings;

  private CalinSimulator(Vertx vertx) {
    super(vertx);
    passwordsByUser.put(DEFAULT_USER_ID, DEFAULT_API_KEY);
  }

  /** Starts listening on 127.0.0.1; port 0 picks a free port. */
  public static Future<CalinSimulator> start(Vertx vertx, int port) {
    CalinSimulator simulator = new CalinSimulator(Objects.requireNonNull(vertx, "vertx"));
    Router router = simulator.router();
    // MPM:Http/Requests/CalinMeterApiRequests.php:26 ($client->post)
    router.post(PATH).handler(simulator::handle);
    return simulator.listen(router, port);
  }

  /** Issuer settings (baseUrl, userId, apiKey) that this simulator accepts. */
  @Override
  public Map<String, String> settings() {
    return Map.of(
        "baseUrl", baseUrl(),
        "userId", DEFAULT_USER_ID,
        "apiKey", DEFAULT_API_KEY);
  }

  /** Adds (or changes the password of) a vending account. */
  public CalinSimulator addUser(String userId, String password) {
    passwordsByUser.put(userId, password);
    return this;
  }

  /** Answer {@code result_code} as a JSON string ("0"), which MPM also reads (ApiHelpers.php:28 casts). */
  public CalinSimulator answerCodesAsStrings(boolean strings) {
    this.codesAsStrings = strings;
    return this;
  }

  private void handle(RoutingContext ctx) {
    JsonObject body;
    try {
      // MPM:Http/Requests/CalinMeterApiRequests.php:29 (the body is json_encode of the params)
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null) {
      reply(ctx, error(CODE_BAD_PARAMETER, "request is not JSON"));
      return;
    }
    reply(ctx, vend(body));
  }

  private JsonObject vend(JsonObject body) {
    // MPM:CalinMeterApi.php:34-40 — the five fields MPM sends; user_id/meter_id are strings in
    // MPM (CalinCredential.php:11, the meter's serial_number) but a number prints the same.
    String userId = text(body, "user_id");
    String password = text(body, "password");
    String meterId = text(body, "meter_id");
    String tokenType = text(body, "token_type");
    Object rawAmount = body.getValue("amount");
    if (userId == null
        || password == null
        || meterId == null
        || tokenType == null
        || rawAmount == null) {
      return error(CODE_BAD_PARAMETER, "missing parameter");
    }
    if (!password.equals(passwordsByUser.get(userId))) {
      return error(CODE_USER_OR_PASSWORD, "user_id or password error");
    }
    if (!CREDIT_TOKEN.equals(tokenType)) {
      return error(CODE_BAD_PARAMETER, "token_type not supported");
    }
    BigDecimal amount;
    try {
      // MPM sends a JSON float (CalinMeterApi.php:26 round(...,1)); a numeric string is accepted
      // too
      amount = new BigDecimal(rawAmount.toString());
    } catch (NumberFormatException e) {
      return error(CODE_BAD_PARAMETER, "amount is not a number");
    }
    // MPM:CalinMeterApi.php:25 "the api only accepts 1 decimal place"
    if (amount.signum() <= 0 || amount.stripTrailingZeros().scale() > 1) {
      return error(CODE_BAD_PARAMETER, "amount must be positive with at most one decimal");
    }
    if (rejects(meterId)) {
      return error(CODE_METER, "meter_id does not exist");
    }
    String kwh = amount.setScale(1, RoundingMode.UNNECESSARY).toPlainString();
    String token = token(meterId, kwh, counter.incrementAndGet());
    recordVend(new Vend(meterId, kwh, token));
    // MPM:Helpers/ApiHelpers.php:28-32 — result_code, reason, result (the token)
    return new JsonObject().put("result_code", code(OK)).put("reason", "OK").put("result", token);
  }

  private Object code(int code) {
    return codesAsStrings ? Integer.toString(code) : code;
  }

  private JsonObject error(int code, String reason) {
    // MPM:Helpers/ApiHelpers.php:29 — reason is the error text MPM surfaces
    return new JsonObject().put("result_code", code(code)).put("reason", reason).putNull("result");
  }

  // MPM reads result_code only from a 2xx answer (Guzzle throws on 4xx/5xx and MPM reports the
  // exception, CalinMeterApiRequests.php:38-47), so refusals are answered with a 200 here.
  private void reply(RoutingContext ctx, JsonObject json) {
    send(ctx, 200, "application/json;charset=utf-8", json.encode());
  }

  @Override
  protected void outage(RoutingContext ctx) {
    send(ctx, 503, "text/plain", "simulated outage");
  }

  private static String text(JsonObject body, String field) {
    Object value = body.getValue(field);
    return value == null ? null : value.toString();
  }

  // A 20-digit STS token like MPM's debug token (CalinMeterApi.php:45), deterministic per
  // meter, amount and vend number so two fresh simulators fed the same requests agree.
  private static String token(String meter, String kwh, long n) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((meter + "|" + kwh + "|" + n).getBytes(StandardCharsets.UTF_8));
      return String.format("%020d", new BigInteger(1, digest).mod(TWENTY_DIGITS));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
    }
  }
}
