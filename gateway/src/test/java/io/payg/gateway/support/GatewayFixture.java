package io.payg.gateway.support;

import io.payg.gateway.GatewayApp;
import io.payg.gateway.auth.SigningKeys;
import io.payg.gateway.config.GatewayConfig;
import io.payg.gateway.db.DatabaseUrl;
import io.payg.gateway.plugin.PluginCatalog;
import io.payg.manufacturer.simulator.CalinSimulator;
import io.payg.sms.simulator.AfricasTalkingSimulator;
import io.payg.telco.simulator.GenericProviderClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * The gateway running in-process on a fresh database, with the Calin and Africa's Talking
 * simulators on loopback. Companies are set up through the public HTTP API only, as an
 * operator would.
 */
public final class GatewayFixture implements AutoCloseable {

  public final TestDatabase db;
  public final GatewayApp app;
  public final CalinSimulator calin;
  public final AfricasTalkingSimulator sms;
  public final WebClient http;
  public final String base;
  /** The ES256 pair every test gateway signs with (tests may forge tokens with it). */
  public static final SigningKeys.PemPair JWT_KEYS = SigningKeys.generateEs256();

  /**
   * Test peers (simulators) listen on loopback: tests allow it explicitly, as production never
   * does by default; the management listener takes a free port.
   */
  public static final Map<String, String> LOOPBACK_PEERS = Map.of(
      "OUTBOUND_ALLOWED_NETWORKS",
      "127.0.0.0/8,::1/128",
      "OUTBOUND_PLAIN_HTTP_HOSTS",
      "127.0.0.1,localhost",
      "METRICS_PORT",
      "0");

  /** A company ready to be paid through the generic plugin. */
  public record Company(
      String id,
      String adminToken,
      String secret,
      String villageId,
      String tariffId,
      GenericProviderClient provider) {}

  public GatewayFixture(Class<?> testClass) throws Exception {
    this(testClass, Map.of());
  }

  public GatewayFixture(Class<?> testClass, Map<String, String> extraEnv) throws Exception {
    this(testClass, extraEnv, Clock.systemUTC());
  }

  public GatewayFixture(Class<?> testClass, Map<String, String> extraEnv, Clock clock)
      throws Exception {
    this(testClass, extraEnv, clock, UnaryOperator.identity());
  }

  /** {@code databaseUrl} rewrites the DATABASE_URL the gateway gets (a password, for the log-secrets test). */
  public GatewayFixture(
      Class<?> testClass,
      Map<String, String> extraEnv,
      Clock clock,
      UnaryOperator<DatabaseUrl> databaseUrl)
      throws Exception {
    this(testClass, extraEnv, clock, databaseUrl, PluginCatalog.builtIn());
  }

  /** A gateway speaking the plugins of {@code catalog} (a test's fake provider among them). */
  public GatewayFixture(Class<?> testClass, PluginCatalog catalog) throws Exception {
    this(testClass, Map.of(), Clock.systemUTC(), UnaryOperator.identity(), catalog);
  }

  private GatewayFixture(
      Class<?> testClass,
      Map<String, String> extraEnv,
      Clock clock,
      UnaryOperator<DatabaseUrl> databaseUrl,
      PluginCatalog catalog)
      throws Exception {
    db = TestDatabase.fresh(testClass);
    Map<String, String> env = new HashMap<>(Map.of(
        "HTTP_HOST",
        "127.0.0.1",
        "HTTP_PORT",
        "0",
        "BCRYPT_COST",
        "4",
        "OUTBOX_POLL_MS",
        "100",
        "TOKEN_RETRY_BASE_MS",
        "50",
        "TOKEN_RETRY_CAP_MS",
        "200",
        "TOKEN_MAX_ATTEMPTS",
        "5",
        "EVENT_LOOPS",
        "2"));
    env.put("SECRETS_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="); // 32 test bytes
    // test classes sign up many companies and log in in parallel from one address; the tests of
    // these limits set them low (SignUpAbuseTest)
    env.put("SIGNUPS_PER_SOURCE_PER_HOUR", "10000");
    env.put("UNAUTHENTICATED_BCRYPT_JOBS", "10000");
    // tests sign access tokens as production does: ES256 with a key pair from the configuration
    env.put("JWT_PRIVATE_KEY", JWT_KEYS.privateKeyPem());
    env.put("JWT_PUBLIC_KEY", JWT_KEYS.publicKeyPem());
    env.putAll(LOOPBACK_PEERS);
    env.putAll(extraEnv);
    GatewayConfig config = GatewayConfig.fromEnv(env, false)
        .withDatabaseUrl(databaseUrl.apply(db.url()).toUrl());
    app = GatewayApp.start(config, clock, catalog);
    calin = await(CalinSimulator.start(app.vertx(), 0));
    sms = await(AfricasTalkingSimulator.start(app.vertx(), 0));
    http = WebClient.create(app.vertx());
    base = "http://127.0.0.1:" + app.port();
  }

  /** Signs up a KES company and gives it locations, a tariff (23.00/kWh, minimum 50.00) and plugin settings. */
  public Company company(String name) {
    return company(name, "KES", 2300, 5000);
  }

  /** A company in {@code currency}, its tariff at {@code pricePerKwh} with {@code minimum} purchase. */
  public Company company(String name, String currency, long pricePerKwh, long minimum) {
    String email = "admin-" + UUID.randomUUID() + "@example.com";
    String password = "correct horse battery";
    JsonObject created = ok(post(
        "/api/v1/companies",
        null,
        new JsonObject()
            .put("name", name)
            .put("country", "KE")
            .put("currency", currency)
            .put("admin", new JsonObject().put("email", email).put("password", password))
            .put(
                "plugins",
                new JsonArray()
                    .add("generic")
                    .add("calin")
                    .add("openpaygo")
                    .add("africastalking"))));
    String token = login(email, password);
    String secret = "secret-" + UUID.randomUUID();
    ok(put(
        "/api/v1/plugins/generic",
        token,
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject().put("secret", secret))));
    ok(put(
        "/api/v1/plugins/calin",
        token,
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(Map.copyOf(calin.settings())))));
    ok(put(
        "/api/v1/plugins/africastalking",
        token,
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(Map.copyOf(sms.settings())))));
    String cluster = ok(post("/api/v1/clusters", token, new JsonObject().put("name", "Cluster")))
        .getString("id");
    String grid = ok(post(
            "/api/v1/mini-grids",
            token,
            new JsonObject().put("name", "Grid").put("clusterId", cluster)))
        .getString("id");
    String village = ok(post(
            "/api/v1/villages",
            token,
            new JsonObject().put("name", "Village").put("miniGridId", grid)))
        .getString("id");
    String tariff = ok(post(
            "/api/v1/tariffs",
            token,
            new JsonObject()
                .put("name", "Residential")
                .put("currency", currency)
                .put("pricePerKwh", pricePerKwh)
                .put("minimumPurchase", minimum)))
        .getString("id");
    String companyId = created.getString("companyId");
    return new Company(
        companyId,
        token,
        secret,
        village,
        tariff,
        new GenericProviderClient(http, base + "/api/v1/telco/generic/" + companyId, secret));
  }

  /** Registers a customer with a Calin meter on the company's tariff; returns the customer. */
  public JsonObject meterCustomer(Company c, String serial) {
    return meterCustomer(c, serial, c.tariffId());
  }

  public JsonObject meterCustomer(Company c, String serial, String tariffId) {
    return ok(post(
        "/api/v1/customers",
        c.adminToken(),
        new JsonObject()
            .put("name", "Customer " + serial)
            .put("phone", "+254712345678")
            .put("villageId", c.villageId())
            .put(
                "device",
                new JsonObject()
                    .put("serial", serial)
                    .put("type", "METER")
                    .put("manufacturer", "calin")
                    .put("tariffId", tariffId))));
  }

  /** A field agent of the company (role AGENT, cash up to {@code riskLimit}), logged in. */
  public record Agent(String id, String token) {}

  public Agent agent(Company c, long riskLimit) {
    return agent(c, riskLimit, null);
  }

  /** An agent of a company that set a protected-pages password (creating users needs it). */
  public Agent agent(Company c, long riskLimit, String protectedPassword) {
    String email = "agent-" + UUID.randomUUID() + "@example.com";
    var req = http.postAbs(base + "/api/v1/users").bearerTokenAuthentication(c.adminToken());
    if (protectedPassword != null) {
      req.putHeader("X-Protected-Password", protectedPassword);
    }
    String id = ok(await(req.sendJsonObject(new JsonObject()
            .put("email", email)
            .put("password", "agent password 1")
            .put("role", "AGENT")
            .put("riskLimit", riskLimit))))
        .getString("id");
    return new Agent(id, login(email, "agent password 1"));
  }

  public String login(String email, String password) {
    return ok(post(
            "/api/v1/auth/login",
            null,
            new JsonObject().put("email", email).put("password", password)))
        .getString("accessToken");
  }

  public HttpResponse<Buffer> post(String path, String token, JsonObject body) {
    var req = http.postAbs(base + path);
    if (token != null) {
      req.bearerTokenAuthentication(token);
    }
    return await(req.sendJsonObject(body));
  }

  public HttpResponse<Buffer> put(String path, String token, JsonObject body) {
    return await(http.putAbs(base + path).bearerTokenAuthentication(token).sendJsonObject(body));
  }

  public HttpResponse<Buffer> patch(String path, String token, JsonObject body) {
    return await(http.patchAbs(base + path).bearerTokenAuthentication(token).sendJsonObject(body));
  }

  public HttpResponse<Buffer> get(String path, String token) {
    var req = http.getAbs(base + path);
    if (token != null) {
      req.bearerTokenAuthentication(token);
    }
    return await(req.send());
  }

  /** The Prometheus scrape, from the management listener (not served on the API port). */
  public String metrics() {
    return await(
            http.getAbs("http://127.0.0.1:" + app.metricsPort() + "/metrics").send())
        .bodyAsString();
  }

  public static JsonObject ok(HttpResponse<Buffer> r) {
    if (r.statusCode() / 100 != 2) {
      throw new AssertionError("expected 2xx, got " + r.statusCode() + ": " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  public static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits for something the workers do asynchronously; fails after {@code timeout}. */
  public static void eventually(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted");
      }
    }
  }

  @Override
  public void close() {
    app.close();
    db.close();
  }
}
