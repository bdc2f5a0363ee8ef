package io.payg.manufacturer.simulator;

import io.payg.manufacturer.sunking.SunKingTokenIssuer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process SunKing API on 127.0.0.1 speaking the SunKing protocol: the Keycloak-style
 * token endpoint ({@code /auth/realms/glp/protocol/openid-connect/token}) and the asset-control
 * API ({@code /v2/token}) on one port, for the gateway's demo mode and for tests. Sources,
 * MicroPowerManager ({@code MPM:}): default URLs (src/backend/config/sunking-shs.php:4-5); the
 * client-credentials form with {@code scope=roles} and the {@code access_token}/{@code expires_in}
 * answer (Plugins/SunKingSHS/Http/Clients/SunKingSHSApiClient.php:23-34); Bearer JSON POST
 * (SunKingSHSApiClient.php:97-105); {@code /token} with {@code device, command "add_credit",
 * payload, time_unit "day"} or {@code command "unlock"} answering {@code token}
 * (Plugins/SunKingSHS/Modules/Api/SunKingSHSApi.php:21-24,55,66-69,88-93). MPM's {@code payload}
 * is PHP's {@code ceil()}, a float ({@code 7.0}); whole numbers in either form are accepted.
 *
 * <p>It grants access tokens to the client {@link #DEFAULT_CLIENT_ID} /
 * {@link #DEFAULT_CLIENT_SECRET} (valid {@link #ACCESS_TOKEN_SECONDS} s, or until
 * {@link #revokeAccessTokens()}), requires {@code Authorization: Bearer ...} on {@code /v2/token},
 * knows every device serial unless {@link #rejectSerial(String) rejected}, and answers each
 * {@code add_credit} or {@code unlock} with a new deterministic 12-digit code (derived from device,
 * command, days and a per-simulator counter; the real code format is SunKing's own). Like the real
 * API it takes no idempotency key: every accepted request is a new code, recorded in
 * {@link #vends()}.
 *
 * <p>Failure knobs, on every route: {@link #setFailNext(int)} answers HTTP 503,
 * {@link #setDown(boolean)} drops connections without answering, {@link #setLatency(Duration)}
 * delays the answer. A code is issued before the delay, so a client timing out reproduces the
 * "issued but response lost" case.
 */
public final class SunKingSimulator
    extends SimulatedManufacturer<SunKingSimulator, SunKingSimulator.Vend> {

  // paths of MPM's default URLs (src/backend/config/sunking-shs.php:4-5), on one loopback port
  private static final String AUTH_PATH = "/auth/realms/glp/protocol/openid-connect/token";
  private static final String API_PATH = "/v2";

  public static final String DEFAULT_CLIENT_ID = "payg-sim";
  public static final String DEFAULT_CLIENT_SECRET = "sunking-sim-secret";
  public static final int ACCESS_TOKEN_SECONDS = 300;

  /**
   * One issued code: device serial, command ({@code add_credit} or {@code unlock}), days (null for
   * unlock), the code answered.
   */
  public record Vend(String serial, String command, Long days, String token)
      implements SimulatedManufacturer.Vended {}

  private static final BigInteger TWELVE_DIGITS = BigInteger.TEN.pow(12);

  private final Map<String, Long> accessTokens = new ConcurrentHashMap<>();
  private final AtomicLong counter = new AtomicLong();
  private final AtomicLong grants = new AtomicLong();

  private SunKingSimulator(Vertx vertx) {
    super(vertx);
  }

  /** Starts listening on 127.0.0.1; port 0 picks a free port. */
  public static Future<SunKingSimulator> start(Vertx vertx, int port) {
    SunKingSimulator simulator = new SunKingSimulator(Objects.requireNonNull(vertx, "vertx"));
    Router router = simulator.router();
    router.post(AUTH_PATH).handler(simulator::grant);
    router.post(API_PATH + "/token").handler(simulator::token);
    return simulator.listen(router, port);
  }

  /** The server root; the issuer's {@code authUrl} and {@code apiUrl} hang below it. */
  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /** Issuer settings (authUrl, apiUrl, clientId, clientSecret) that this simulator accepts. */
  @Override
  public Map<String, String> settings() {
    return Map.of(
        SunKingTokenIssuer.SETTING_AUTH_URL,
        baseUrl() + AUTH_PATH,
        SunKingTokenIssuer.SETTING_API_URL,
        baseUrl() + API_PATH,
        SunKingTokenIssuer.SETTING_CLIENT_ID,
        DEFAULT_CLIENT_ID,
        SunKingTokenIssuer.SETTING_CLIENT_SECRET,
        DEFAULT_CLIENT_SECRET);
  }

  /** Every access token granted so far stops working. */
  public SunKingSimulator revokeAccessTokens() {
    accessTokens.clear();
    return this;
  }

  /** How many access tokens were granted. */
  public long grants() {
    return grants.get();
  }

  private void grant(RoutingContext ctx) {
    String grantType = ctx.request().getFormAttribute("grant_type");
    if (!"client_credentials".equals(grantType)) {
      reply(
          ctx,
          400,
          new JsonObject()
              .put("error", "unsupported_grant_type")
              .put("error_description", "Unsupported grant_type"));
      return;
    }
    if (!DEFAULT_CLIENT_ID.equals(ctx.request().getFormAttribute("client_id"))
        || !DEFAULT_CLIENT_SECRET.equals(ctx.request().getFormAttribute("client_secret"))) {
      reply(
          ctx,
          401,
          new JsonObject()
              .put("error", "invalid_client")
              .put("error_description", "Invalid client or Invalid client credentials"));
      return;
    }
    String token = "sk-access-" + grants.incrementAndGet();
    accessTokens.put(token, System.currentTimeMillis() + ACCESS_TOKEN_SECONDS * 1000L);
    reply(
        ctx,
        200,
        new JsonObject()
            .put("access_token", token)
            .put("expires_in", ACCESS_TOKEN_SECONDS)
            .put("refresh_expires_in", 0)
            .put("token_type", "Bearer")
            .put("not-before-policy", 0)
            .put("scope", "roles"));
  }

  private void token(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    Long expires = header == null || !header.startsWith("Bearer ")
        ? null
        : accessTokens.get(header.substring("Bearer ".length()).trim());
    if (expires == null || expires < System.currentTimeMillis()) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      reply(ctx, 401, new JsonObject().put("message", "Unauthorized"));
      return;
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException e) {
      body = null;
    }
    if (body == null) {
      reply(ctx, 400, new JsonObject().put("message", "JSON body expected"));
      return;
    }
    Object device = body.getValue("device");
    String command = body.getString("command");
    if (device == null || device.toString().isBlank()) {
      reply(ctx, 400, new JsonObject().put("message", "device is required"));
      return;
    }
    String serial = device.toString();
    if (rejects(serial)) {
      reply(ctx, 404, new JsonObject().put("message", "Device not found"));
      return;
    }
    Long days = null;
    if ("add_credit".equals(command)) {
      if (!"day".equals(body.getString("time_unit"))) {
        reply(ctx, 400, new JsonObject().put("message", "time_unit must be day"));
        return;
      }
      try {
        BigDecimal payload =
            new BigDecimal(Objects.requireNonNull(body.getValue("payload")).toString());
        days = payload.longValueExact();
      } catch (RuntimeException e) {
        days = null;
      }
      if (days == null || days <= 0) {
        reply(ctx, 400, new JsonObject().put("message", "payload must be a positive whole number"));
        return;
      }
    } else if (!"unlock".equals(command)) {
      reply(ctx, 400, new JsonObject().put("message", "Unsupported command " + command));
      return;
    }
    String code = code(serial, command, days, counter.incrementAndGet());
    recordVend(new Vend(serial, command, days, code));
    reply(ctx, 200, new JsonObject().put("token", code));
  }

  private void reply(RoutingContext ctx, int status, JsonObject json) {
    send(ctx, status, "application/json", json.encode());
  }

  @Override
  protected void outage(RoutingContext ctx) {
    reply(ctx, 503, new JsonObject().put("message", "simulated outage"));
  }

  private static String code(String serial, String command, Long days, long n) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((serial + "|" + command + "|" + days + "|" + n).getBytes(StandardCharsets.UTF_8));
      return String.format("%012d", new BigInteger(1, digest).mod(TWELVE_DIGITS));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
    }
  }
}
