package io.payg.gateway.http;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.payg.gateway.GatewayApp;
import io.payg.gateway.config.GatewayConfig;
import io.payg.gateway.db.DatabaseUrl;
import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.airtel.AirtelTelcoAdapter;
import io.payg.telco.simulator.AirtelSimulator;
import io.payg.telco.simulator.MtnMomoSimulator;
import io.payg.telco.simulator.VodacomTzSimulator;
import io.payg.telco.support.HmacSha256;
import io.payg.telco.vodacomtz.TestPki;
import io.payg.telco.vodacomtz.VodacomTzTelcoAdapter;
import io.payg.telco.wave.WaveSignature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A whole working session — start-up with a database password, JWT and secrets keys; sign-up,
 * logins (good and bad); plugin credentials for manufacturers, SMS and five telcos; signed and
 * badly signed telco calls; a MoMo collection with its OAuth exchange; a payment with its token
 * and SMS — with the gateway's Logback output captured (root logger, our own code at DEBUG).
 * No secret value, password or bearer token may appear in it.
 */
class SecretsNeverLoggedTest {

  static final String JWT_SECRET = "jwt-secret-never-logged-7c2f9a41d8e3b6a5";
  static final String SECRETS_KEY = Base64.getEncoder()
      .encodeToString("secrets-key-never-logged-32bytes".getBytes(StandardCharsets.US_ASCII));
  static final String DB_PASSWORD = "dbPassNeverLogged5b8e2c";
  static final String WAVE_SECRET = "wave_sn_WHS_neverlogged9d1f";
  static final String BROKER_PASSWORD = "broker-password-never-logged-3a7";
  static final String AIRTEL_CALLBACK_SECRET = "airtel-callback-key-never-logged-61c";
  static final String WRONG_PASSWORD = "wrong-password-never-logged-Zq81";
  static final String OPERATOR_PASSWORD = "operator-password-never-logged-4k2";
  static final String WRONG_CALIN_KEY = "calin-wrong-key-never-logged-8d3";
  static final String WRONG_MOMO_KEY = "momo-wrong-key-never-logged-2f6";

  @Test
  void noSecretPasswordOrBearerTokenReachesTheLog() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    OutputStreamAppender<ILoggingEvent> appender = capture(captured);
    Logger ours = (Logger) LoggerFactory.getLogger("io.payg");
    Level oursBefore = ours.getLevel();
    ours.setLevel(Level.DEBUG);
    List<String> secrets = new ArrayList<>(List.of(
        JWT_SECRET,
        SECRETS_KEY,
        DB_PASSWORD,
        WAVE_SECRET,
        BROKER_PASSWORD,
        AIRTEL_CALLBACK_SECRET,
        WRONG_PASSWORD,
        OPERATOR_PASSWORD,
        "correct horse battery",
        WRONG_CALIN_KEY,
        WRONG_MOMO_KEY));
    // the JWT signing key: any line of its PEM body would be a leak
    GatewayFixture.JWT_KEYS
        .privateKeyPem()
        .lines()
        .filter(l -> !l.startsWith("-----") && l.length() >= 8)
        .forEach(secrets::add);
    GatewayFixture gw = null;
    try {
      gw = new GatewayFixture(
          SecretsNeverLoggedTest.class,
          Map.of("JWT_SECRET", JWT_SECRET, "SECRETS_KEY", SECRETS_KEY),
          Clock.systemUTC(),
          url -> new DatabaseUrl(url.host(), url.port(), url.database(), url.user(), DB_PASSWORD));
      session(gw, secrets);
    } finally {
      if (gw != null) {
        gw.close();
      }
      ours.setLevel(oursBefore);
      ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
      appender.stop();
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("listening on"), "the capture saw the gateway start:\n" + log);
    assertTrue(
        log.contains("config DATABASE_URL"),
        "the configuration (with the database URL) was logged");
    assertTrue(log.contains("FAILED after"), "the failed token job was logged:\n" + log);
    for (String secret : secrets) {
      assertTrue(secret.length() >= 8, "too short to test: " + secret);
      int at = log.indexOf(secret);
      assertEquals(
          -1,
          at,
          () -> "secret '" + secret + "' logged: ..."
              + log.substring(
                  Math.max(0, log.lastIndexOf('\n', at) + 1),
                  Math.min(log.length(), at + secret.length() + 80)));
    }
  }

  /** Regression: an empty user name or a raw '@' in the password left the password in the start-up log. */
  @Test
  void theDatabasePasswordIsMaskedInTheConfigurationWhateverTheUrlLooksLike() {
    for (String url : List.of(
        "postgresql://payg:" + DB_PASSWORD + "@db:5432/payg",
        "postgresql://:" + DB_PASSWORD + "@db/payg",
        "postgresql://payg:x@" + DB_PASSWORD + "@db/payg",
        "postgres://payg:" + DB_PASSWORD + "@db/payg?sslmode=require",
        "jdbc:postgresql://db:5432/payg?user=payg&password=" + DB_PASSWORD,
        "postgresql://db/payg?password=" + DB_PASSWORD + "&user=payg")) {
      String summary = config(url).summary().toString();
      assertFalse(summary.contains(DB_PASSWORD), url + " -> " + summary);
      assertFalse(summary.contains(DB_PASSWORD.substring(4)), url + " -> " + summary);
    }
  }

  /** Regression: java.net.URI's message quoted the whole DATABASE_URL, and Main logs the failure. */
  @Test
  void anUnreadableDatabaseUrlIsRefusedWithoutQuotingIt() {
    Exception e = assertThrows(
        Exception.class,
        () -> GatewayApp.start(
            config("postgresql://payg:pa ss" + DB_PASSWORD + "@db/payg"), Clock.systemUTC()));
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertFalse(String.valueOf(t.getMessage()).contains(DB_PASSWORD), t.toString());
    }
    assertTrue(e.getMessage().contains("DATABASE_URL"), e.getMessage());
  }

  private static GatewayConfig config(String databaseUrl) {
    return GatewayConfig.fromEnv(
        Map.of(
            "DATABASE_URL",
            databaseUrl,
            "JWT_SECRET",
            JWT_SECRET,
            "JWT_PRIVATE_KEY",
            GatewayFixture.JWT_KEYS.privateKeyPem(),
            "JWT_PUBLIC_KEY",
            GatewayFixture.JWT_KEYS.publicKeyPem(),
            "SECRETS_KEY",
            SECRETS_KEY,
            "HTTP_PORT",
            "0"),
        false);
  }

  /** Everything an operator and the providers do in a day, collecting each secret that travels. */
  private static void session(GatewayFixture gw, List<String> secrets) throws Exception {
    GatewayFixture.Company c = gw.company("Secret Energy");
    secrets.add(c.adminToken());
    secrets.add(c.secret());
    secrets.addAll(secretValues(gw.calin.settings()));
    secrets.addAll(secretValues(gw.sms.settings()));

    // users and logins, good and bad
    String operator = "operator-" + UUID.randomUUID() + "@example.com";
    ok(gw.post(
        "/api/v1/users",
        c.adminToken(),
        new JsonObject()
            .put("email", operator)
            .put("password", OPERATOR_PASSWORD)
            .put("role", "OPERATOR")));
    String operatorToken = gw.login(operator, OPERATOR_PASSWORD);
    secrets.add(operatorToken);
    assertEquals(
        401,
        gw.post(
                "/api/v1/auth/login",
                null,
                new JsonObject().put("email", operator).put("password", WRONG_PASSWORD))
            .statusCode());
    assertEquals(401, gw.get("/api/v1/clusters", operatorToken + "x").statusCode());

    // telco plugins with their credentials
    MtnMomoSimulator momo = await(MtnMomoSimulator.start(gw.app.vertx(), 0));
    AirtelSimulator airtel = await(AirtelSimulator.start(gw.app.vertx(), 0));
    enable(gw, c, "mtn-momo", momo.settings());
    secrets.addAll(secretValues(momo.settings()));
    secrets.add(Base64.getEncoder()
        .encodeToString((MtnMomoSimulator.DEFAULT_API_USER + ":" + MtnMomoSimulator.DEFAULT_API_KEY)
            .getBytes(StandardCharsets.UTF_8)));
    Map<String, String> airtelSettings = new HashMap<>(airtel.settings());
    airtelSettings.put("callbackSecret", AIRTEL_CALLBACK_SECRET);
    enable(gw, c, "airtel", airtelSettings);
    secrets.addAll(secretValues(airtel.settings()));
    enable(gw, c, "wave", Map.of("webhookSecret", WAVE_SECRET));
    String clientKey = TestPki.get().client.privateKey();
    enable(
        gw,
        c,
        "vodacom-tz",
        Map.of(
            "username",
            "300300",
            "password",
            BROKER_PASSWORD,
            "allowedSources",
            "127.0.0.1/32",
            "clientKey",
            clientKey,
            "clientCertificate",
            TestPki.get().client.certificate()));
    secrets.add(clientKey.lines().skip(1).findFirst().orElseThrow()); // a line of the key's Base64
    enable(gw, c, "safaricom", Map.of("shortCode", "600638", "allowedSources", "127.0.0.1/32"));
    ok(gw.get("/api/v1/plugins/mtn-momo", c.adminToken()));

    // a generic payment: token from Calin (API key), SMS through Africa's Talking (API key)
    String serial = "LOG-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(c, serial);
    String txn = ok(await(
            c.provider().process("LOG-1", serial, 10_000, "KES", "+254712345678", null)))
        .getString("transactionId");
    GatewayFixture finalGw = gw;
    eventually(
        Duration.ofSeconds(20),
        "token and SMS",
        () -> "COMPLETED"
                .equals(finalGw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", txn))
            && !finalGw.sms.messages().isEmpty());
    byte[] genericBody = new JsonObject()
        .put("serial", serial)
        .put("amount", 10_000)
        .put("currency", "KES")
        .encode()
        .getBytes(StandardCharsets.UTF_8);
    String goodSignature = HmacSha256.signHex(c.secret(), genericBody);
    secrets.add(goodSignature);
    telco(
        gw,
        "generic/" + c.id() + "/validate",
        genericBody,
        Map.of("X-Signature", "sha256=" + goodSignature));
    telco(
        gw,
        "generic/" + c.id() + "/validate",
        genericBody,
        Map.of("X-Signature", "sha256=" + HmacSha256.signHex(c.secret() + "x", genericBody)));

    // Wave: good and bad signatures
    byte[] waveBody = new JsonObject()
        .put("id", "EV_1")
        .put("type", "checkout.session.completed")
        .put(
            "data",
            new JsonObject()
                .put("transaction_id", "TCN-LOG")
                .put("amount", "100")
                .put("currency", "KES")
                .put("client_reference", serial))
        .encode()
        .getBytes(StandardCharsets.UTF_8);
    String waveHeader = WaveSignature.header(WAVE_SECRET, Instant.now().getEpochSecond(), waveBody);
    secrets.add(waveHeader.substring(waveHeader.indexOf("v1=") + 3));
    telco(gw, "wave/" + c.id() + "/webhook", waveBody, Map.of("Wave-Signature", waveHeader));
    telco(
        gw,
        "wave/" + c.id() + "/webhook",
        waveBody,
        Map.of(
            "Wave-Signature",
            WaveSignature.header("not-the-secret", Instant.now().getEpochSecond(), waveBody)));
    // Wave's shared-secret strategy: the secret itself travels in the Authorization header
    enable(gw, c, "wave", Map.of("webhookSecret", WAVE_SECRET, "webhookStrategy", "SHARED_SECRET"));
    telco(
        gw,
        "wave/" + c.id() + "/webhook",
        waveBody,
        Map.of("Authorization", "Bearer " + WAVE_SECRET));
    telco(
        gw,
        "wave/" + c.id() + "/webhook",
        waveBody,
        Map.of("Authorization", "Bearer " + WAVE_SECRET + "-wrong"));

    // Vodacom broker: the password as a digest, in clear, and wrong
    String timestamp = VodacomTzSimulator.timestamp(Instant.now());
    String digest = VodacomTzTelcoAdapter.spPassword("300300", BROKER_PASSWORD, timestamp);
    secrets.add(digest);
    VodacomTzSimulator.Payment payment = VodacomTzSimulator.Payment.payBill(
        "173388288_1", "123456", serial, "5000.00", "255754123456", Instant.now());
    for (String spPassword : List.of(digest, BROKER_PASSWORD, "wrong")) {
      telco(
          gw,
          "vodacom-tz/" + c.id() + "/validation",
          VodacomTzSimulator.body(payment, "300300", spPassword, timestamp),
          Map.of("Content-Type", "text/xml"));
    }

    // Airtel: a signed callback and a badly signed one
    JsonObject transaction = new JsonObject()
        .put("id", UUID.randomUUID().toString())
        .put("status_code", "TF")
        .put("message", "failed");
    byte[] payload =
        new JsonObject().put("transaction", transaction).encode().getBytes(StandardCharsets.UTF_8);
    String hash = AirtelTelcoAdapter.hash(AIRTEL_CALLBACK_SECRET, payload);
    secrets.add(hash);
    telco(
        gw,
        "airtel/" + c.id() + "/callback",
        new JsonObject()
            .put("transaction", transaction)
            .put("hash", hash)
            .encode()
            .getBytes(StandardCharsets.UTF_8),
        Map.of());
    telco(
        gw,
        "airtel/" + c.id() + "/callback",
        new JsonObject()
            .put("transaction", transaction)
            .put("hash", "bad")
            .encode()
            .getBytes(StandardCharsets.UTF_8),
        Map.of());

    // MoMo: a request-to-pay (OAuth token with the API key), approved, called back, paid
    HttpResponse<Buffer> collection = await(gw.http
        .postAbs(gw.base + "/api/v1/collections")
        .bearerTokenAuthentication(c.adminToken())
        .putHeader("Idempotency-Key", "log-" + UUID.randomUUID())
        .sendJsonObject(new JsonObject()
            .put("provider", "mtn-momo")
            .put("msisdn", "256772123456")
            .put("serial", serial)
            .put("amount", 10_000)
            .put("currency", "KES")));
    assertEquals(202, collection.statusCode(), collection.bodyAsString());
    String id = collection.bodyAsJsonObject().getString("id");
    await(momo.approve(id));
    eventually(
        Duration.ofSeconds(15),
        "collection settled",
        () -> "SUCCEEDED"
            .equals(
                ok(finalGw.get("/api/v1/collections/" + id, c.adminToken())).getString("status")));

    // failures log the most: a manufacturer refusing a wrong API key until the job gives up...
    Map<String, String> wrongCalin = new HashMap<>(gw.calin.settings());
    wrongCalin.put("apiKey", WRONG_CALIN_KEY);
    enable(gw, c, "calin", wrongCalin);
    String failing = ok(await(
            c.provider().process("LOG-2", serial, 10_000, "KES", "+254712345678", null)))
        .getString("transactionId");
    eventually(
        Duration.ofSeconds(20),
        "token failed",
        () -> "TOKEN_FAILED"
            .equals(
                finalGw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", failing)));
    // ...and MoMo refusing a wrong API key for its OAuth token
    Map<String, String> wrongMomo = new HashMap<>(momo.settings());
    wrongMomo.put("apiKey", WRONG_MOMO_KEY);
    enable(gw, c, "mtn-momo", wrongMomo);
    HttpResponse<Buffer> refused = await(gw.http
        .postAbs(gw.base + "/api/v1/collections")
        .bearerTokenAuthentication(c.adminToken())
        .putHeader("Idempotency-Key", "log-" + UUID.randomUUID())
        .sendJsonObject(new JsonObject()
            .put("provider", "mtn-momo")
            .put("msisdn", "256772123456")
            .put("serial", serial)
            .put("amount", 10_000)
            .put("currency", "KES")));
    assertTrue(
        refused.statusCode() < 500 || refused.statusCode() == 502 || refused.statusCode() == 503,
        refused.statusCode() + " " + refused.bodyAsString());
    await(momo.stop());
    await(airtel.stop());
  }

  private static void telco(
      GatewayFixture gw, String path, byte[] body, Map<String, String> headers) {
    var req = gw.http.postAbs(gw.base + "/api/v1/telco/" + path);
    req.putHeader("Content-Type", "application/json");
    headers.forEach(req::putHeader);
    HttpResponse<Buffer> r = await(req.sendBuffer(Buffer.buffer(body)));
    assertTrue(r.statusCode() < 500, path + " " + r.statusCode() + " " + r.bodyAsString());
  }

  private static void enable(
      GatewayFixture gw, GatewayFixture.Company c, String plugin, Map<String, String> settings) {
    ok(gw.put(
        "/api/v1/plugins/" + plugin,
        c.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(new HashMap<String, Object>(settings)))));
  }

  /** The values of settings whose names say they are secret. */
  private static List<String> secretValues(Map<String, String> settings) {
    List<String> values = new ArrayList<>();
    settings.forEach((k, v) -> {
      String key = k.toLowerCase();
      if (key.contains("key") || key.contains("secret") || key.contains("password")) {
        values.add(v);
      }
    });
    assertTrue(!values.isEmpty(), "no secret in " + settings.keySet());
    return values;
  }

  private static OutputStreamAppender<ILoggingEvent> capture(ByteArrayOutputStream out) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    // message, MDC, key-value pairs and full stack traces: everything an appender could write
    encoder.setPattern("%level %logger %msg %mdc %kvp%n%ex{full}");
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setName("secrets-capture");
    appender.setEncoder(encoder);
    appender.setOutputStream(out);
    appender.start();
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(appender);
    return appender;
  }
}
