package io.payg.manufacturer.calin;

import io.payg.manufacturer.support.SimulatedPeer;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process Calin vending server on 127.0.0.1 speaking the protocol of
 * {@link CalinProtocol} ({@code POST /token/}), for the gateway's demo mode and for tests.
 *
 * <p>It verifies the md5 cipher against the configured user's key (default
 * {@link #DEFAULT_USER_ID} / {@link #DEFAULT_API_KEY}), accepts any meter serial unless
 * {@link #rejectSerial(String) rejected}, and answers a deterministic 20-digit token derived from
 * meter, amount and a per-simulator counter, so two fresh simulators fed the same requests answer
 * the same tokens. Like the real API it has no idempotency key: every accepted request is a new
 * vend, recorded in {@link #vends()}.
 *
 * <p>Failure knobs: {@link #setFailNext(int)} answers HTTP 503, {@link #setDown(boolean)} drops
 * connections without answering, {@link #setLatency(Duration)} delays the answer. The vend is
 * made before the delay, so a client timing out reproduces the real "vended but response lost"
 * case.
 */
public final class CalinSimulator extends SimulatedPeer<CalinSimulator> {

  public static final String DEFAULT_USER_ID = "payg-sim";
  public static final String DEFAULT_API_KEY = "calin-sim-key";

  /** One accepted vend: meter serial, kWh with one decimal ("4.3"), the token answered. */
  public record Vend(String serial, String kwh, String token) {
  }

  private static final BigInteger TWENTY_DIGITS = BigInteger.TEN.pow(20);

  private final Map<String, String> keysByUser = new ConcurrentHashMap<>();
  private final Set<String> rejectedSerials = ConcurrentHashMap.newKeySet();
  private final List<Vend> vends = new CopyOnWriteArrayList<>();
  private final AtomicLong counter = new AtomicLong();

  private CalinSimulator(Vertx vertx) {
    super(vertx);
    keysByUser.put(DEFAULT_USER_ID, DEFAULT_API_KEY);
  }

  /** Starts listening on 127.0.0.1; port 0 picks a free port. */
  public static Future<CalinSimulator> start(Vertx vertx, int port) {
    CalinSimulator simulator = new CalinSimulator(Objects.requireNonNull(vertx, "vertx"));
    Router router = simulator.router();
    router.post(CalinProtocol.TOKEN_PATH).handler(simulator::handle);
    return simulator.listen(router, port);
  }

  /** Issuer settings (baseUrl, userId, apiKey) that this simulator accepts. */
  public Map<String, String> settings() {
    return Map.of(
        CalinTokenIssuer.SETTING_BASE_URL, baseUrl(),
        CalinTokenIssuer.SETTING_USER_ID, DEFAULT_USER_ID,
        CalinTokenIssuer.SETTING_API_KEY, DEFAULT_API_KEY);
  }

  /** Adds (or re-keys) a vending account. */
  public CalinSimulator addUser(String userId, String apiKey) {
    keysByUser.put(userId, apiKey);
    return this;
  }

  /** Vends to this meter fail with an unknown-meter business error. */
  public CalinSimulator rejectSerial(String serial) {
    rejectedSerials.add(serial);
    return this;
  }

  /** Every accepted vend, oldest first. */
  public List<Vend> vends() {
    return List.copyOf(vends);
  }

  private void handle(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException e) {
      body = null;
    }
    if (body == null) {
      reply(ctx, 400, new JsonObject().put("error", "JSON body expected"));
      return;
    }
    reply(ctx, 200, vend(body));
  }

  private JsonObject vend(JsonObject body) {
    String serialId = text(body, "serial_id");
    String userId = text(body, "user_id");
    String meterId = text(body, "meter_id");
    String tokenType = text(body, "token_type");
    String cipher = text(body, "ciphertext");
    BigDecimal amount;
    long timestamp;
    try {
      amount = new BigDecimal(Objects.requireNonNull(text(body, "amount")));
      timestamp = Long.parseLong(Objects.requireNonNull(text(body, "timestamp")));
    } catch (RuntimeException e) {
      return error(CalinProtocol.RESULT_INVALID_PARAMETER, "amount and timestamp must be numbers");
    }
    if (serialId == null || userId == null || meterId == null || tokenType == null
        || cipher == null) {
      return error(CalinProtocol.RESULT_INVALID_PARAMETER, "missing parameter");
    }
    String key = keysByUser.get(userId);
    if (key == null) {
      return error(CalinProtocol.RESULT_UNKNOWN_USER, "user not found");
    }
    String expected = CalinProtocol.cipher(serialId, userId, meterId, tokenType,
        CalinProtocol.amountText(amount), timestamp, key);
    if (!expected.equalsIgnoreCase(cipher)) {
      return error(CalinProtocol.RESULT_CIPHER_ERROR, "ciphertext error");
    }
    if (!CalinProtocol.CREDIT_TOKEN.equals(tokenType)) {
      return error(CalinProtocol.RESULT_INVALID_PARAMETER, "unsupported token_type");
    }
    // Calin accepts one decimal of kWh only (MicroPowerManager rounds for that reason).
    if (amount.signum() <= 0 || amount.stripTrailingZeros().scale() > 1) {
      return error(CalinProtocol.RESULT_INVALID_PARAMETER, "invalid amount");
    }
    if (rejectedSerials.contains(meterId)) {
      return error(CalinProtocol.RESULT_UNKNOWN_METER, "meter not found");
    }
    String kwh = amount.setScale(1, RoundingMode.UNNECESSARY).toPlainString();
    String token = token(meterId, kwh, counter.incrementAndGet());
    vends.add(new Vend(meterId, kwh, token));
    return new JsonObject()
        .put("result_code", CalinProtocol.RESULT_OK)
        .put("reason", "OK")
        .put("result", token);
  }

  private void reply(RoutingContext ctx, int status, JsonObject json) {
    send(ctx, status, "application/json;charset=utf-8", json.encode());
  }

  @Override
  protected void outage(RoutingContext ctx) {
    reply(ctx, 503, new JsonObject().put("error", "simulated outage"));
  }

  private static JsonObject error(int code, String reason) {
    return new JsonObject().put("result_code", code).put("reason", reason).putNull("result");
  }

  // PHP clients may send ids as numbers or strings; both print the same in the cipher.
  private static String text(JsonObject body, String field) {
    Object value = body.getValue(field);
    return value == null ? null : value.toString();
  }

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
