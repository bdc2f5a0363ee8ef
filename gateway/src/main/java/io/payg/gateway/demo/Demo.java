package io.payg.gateway.demo;

import io.payg.gateway.GatewayApp;
import io.payg.gateway.config.GatewayConfig;
import io.payg.gateway.db.DatabaseServer;
import io.payg.gateway.db.DatabaseUrl;
import io.payg.manufacturer.simulator.CalinSimulator;
import io.payg.sms.simulator.AfricasTalkingSimulator;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Demo mode: a real PostgreSQL (DATABASE_URL, else the local server with its own database
 * payg_demo, else an embedded one), the gateway on 127.0.0.1:8080, the Calin and Africa's
 * Talking simulators on loopback, a demo company seeded through the public API, and curl
 * commands to try it. Every start seeds a new demo company, so runs never collide.
 */
public final class Demo {

  private Demo() {}

  public static void run(Map<String, String> environment) throws Exception {
    Map<String, String> env = new HashMap<>(environment);
    env.putIfAbsent("HTTP_HOST", "127.0.0.1");
    env.putIfAbsent(
        "ACCESS_TOKEN_TTL_SECONDS", "43200"); // the printed curl lines stay usable for a day
    env.putIfAbsent("BCRYPT_COST", "10");
    // the demo's simulators run on this host: the demo allows loopback peers, production never does
    // by default
    env.putIfAbsent("OUTBOUND_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128");
    // no JWT keys given: SigningKeys makes an ephemeral ES256 dev pair in memory (demo mode only)
    if (env.getOrDefault("SECRETS_KEY", "").isEmpty()) {
      // a fixed dev key, only ever in demo mode: demo companies in payg_demo stay readable across
      // runs
      env.put(
          "SECRETS_KEY",
          Base64.getEncoder()
              .encodeToString(
                  "payg-demo-only-secrets-key-32byt".getBytes(StandardCharsets.US_ASCII)));
    }
    DatabaseServer server = DatabaseServer.locate(env.get("DATABASE_URL"));
    DatabaseUrl db = env.getOrDefault("DATABASE_URL", "").isBlank()
        ? server.ensureDatabase("payg_demo")
        : server.url();
    GatewayConfig config = GatewayConfig.fromEnv(env, true).withDatabaseUrl(db.toUrl());
    System.out.println("Database: " + server.description() + ", database " + db.database());

    GatewayApp app = GatewayApp.start(config, Clock.systemUTC());
    CalinSimulator calin = CalinSimulator.start(app.vertx(), 0)
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    // DEMO_MANUFACTURER_LATENCY_MS: a slow manufacturer, for token-storm load tests
    String latency = env.getOrDefault("DEMO_MANUFACTURER_LATENCY_MS", "");
    if (!latency.isBlank()) {
      calin.setLatency(Duration.ofMillis(Long.parseLong(latency.trim())));
    }
    AfricasTalkingSimulator sms = AfricasTalkingSimulator.start(app.vertx(), 0)
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(
            () -> {
              app.close();
              server.close();
            },
            "demo-shutdown"));

    String base = "http://127.0.0.1:" + app.port();
    WebClient client = WebClient.create(app.vertx());
    DemoSeed.Seeded seeded = new DemoSeed(client, base)
        .seed(calin.settings(), sms.settings())
        .toCompletionStage()
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    System.out.println(DemoSeed.instructions(base, seeded));
  }
}
