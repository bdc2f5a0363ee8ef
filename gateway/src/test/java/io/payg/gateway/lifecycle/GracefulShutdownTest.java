package io.payg.gateway.lifecycle;

import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.outbox.OutboxWorker;
import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.GenericProviderClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a gateway process under load: readiness stops saying ready, payments in flight are
 * answered, nothing acknowledged is lost, and the jobs it had claimed are given back, so another
 * instance finishes them at once instead of after the 60 s lease.
 */
class GracefulShutdownTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    // the in-process instance only polls when woken: the jobs it finishes were given back, not
    // found by polling
    gw = new GatewayFixture(
        GracefulShutdownTest.class,
        Map.of("OUTBOX_POLL_MS", "30000", "OUTBOX_LEASE_SECONDS", "120"));
    company = gw.company("Graceful Energy");
    gw.calin.setLatency(Duration.ofMillis(1_500));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void sigtermUnderLoadLosesNothingAndGivesBackItsLeases() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ProcessBuilder pb = new ProcessBuilder(
        System.getProperty("java.home") + "/bin/java",
        "-cp",
        System.getProperty("java.class.path"),
        "io.payg.gateway.Main");
    pb.environment()
        .putAll(Map.of(
            "DATABASE_URL",
            gw.db.url().toUrl(),
            "HTTP_HOST",
            "127.0.0.1",
            "HTTP_PORT",
            String.valueOf(port),
            "EVENT_LOOPS",
            "2",
            "BCRYPT_COST",
            "4",
            "SECRETS_KEY",
            "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
            "JWT_PRIVATE_KEY",
            GatewayFixture.JWT_KEYS.privateKeyPem(),
            "JWT_PUBLIC_KEY",
            GatewayFixture.JWT_KEYS.publicKeyPem(),
            "OUTBOX_LEASE_SECONDS",
            "60",
            "SHUTDOWN_GRACE_MS",
            "3000"));
    pb.environment().put("MANUFACTURER_LIMITS", "calin=2");
    pb.environment().put("OUTBOX_POLL_MS", "100");
    pb.environment().putAll(GatewayFixture.LOOPBACK_PEERS);
    File log = File.createTempFile("payg-graceful", ".log");
    pb.redirectErrorStream(true).redirectOutput(log);
    Process child = pb.start();
    String base = "http://127.0.0.1:" + port;
    try {
      eventually(Duration.ofSeconds(60), "the child gateway is ready", () -> ready(base) == 200);
      GenericProviderClient provider = new GenericProviderClient(
          gw.http, base + "/api/v1/telco/generic/" + company.id(), company.secret());
      List<String> serials = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String serial = "GRACE-" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
        gw.meterCustomer(company, serial);
        serials.add(serial);
        ids.add("G-" + UUID.randomUUID());
      }
      for (int i = 0; i < serials.size(); i++) {
        answers.add(provider.process(
            ids.get(i),
            serials.get(i),
            10_000,
            "KES",
            "+254712345678",
            Instant.now().toString()));
      }
      eventually(
          Duration.ofSeconds(20),
          "payments recorded and token jobs under way",
          () -> gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id LIKE 'G-%'")
              == serials.size());
      child.destroy(); // SIGTERM
      // the hook flips readiness first; on a loaded machine the signal may take a moment to arrive
      eventually(
          Duration.ofSeconds(5),
          "unready after SIGTERM",
          () -> !child.isAlive() || ready(base) != 200);
      while (child.isAlive()) {
        assertNotEquals(200, ready(base), "never ready again once SIGTERM arrived");
        Thread.sleep(50);
      }
      assertTrue(child.waitFor(30, TimeUnit.SECONDS));
      // every acknowledged payment is in the database, exactly once
      for (int i = 0; i < answers.size(); i++) {
        HttpResponse<Buffer> r =
            answers.get(i).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode(), r.bodyAsString());
        assertEquals(
            1,
            gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", ids.get(i)));
      }
      // no job waits for its lease: every unfinished one is due now
      assertEquals(
          0,
          gw.db.count("SELECT count(*) FROM outbox WHERE status = 'PENDING' "
              + "AND next_attempt_at > now() + interval '10 seconds'"),
          Files.readString(log.toPath()));
      gw.calin.setLatency(Duration.ZERO);
      gw.app.vertx().eventBus().send(OutboxWorker.wakeAddress("TOKEN"), null);
      eventually(Duration.ofSeconds(20), "the other instance tokens every payment at once", () -> {
        gw.app.vertx().eventBus().send(OutboxWorker.wakeAddress("TOKEN"), null);
        return gw.db.count(
                "SELECT count(*) FROM transactions WHERE provider_txn_id LIKE 'G-%' AND status = 'COMPLETED'")
            == serials.size();
      });
      assertEquals(
          serials.size(),
          gw.db.count(
              "SELECT count(*) FROM tokens k JOIN transactions t ON t.id = k.transaction_id "
                  + "WHERE t.provider_txn_id LIKE 'G-%'"));
      assertTrue(
          Files.readString(log.toPath()).contains("gave back"),
          "the stopping worker gave leases back");
    } finally {
      child.destroyForcibly();
    }
  }

  private static int ready(String base) {
    try {
      return gw.http
          .getAbs(base + "/health/ready")
          .send()
          .toCompletionStage()
          .toCompletableFuture()
          .get(2, TimeUnit.SECONDS)
          .statusCode();
    } catch (Exception e) {
      return -1; // refused: not ready
    }
  }
}
