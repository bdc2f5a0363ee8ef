package io.payg.gateway.token;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.GatewayApp;
import io.payg.gateway.config.GatewayConfig;
import io.payg.gateway.support.GatewayFixture;
import io.payg.manufacturer.simulator.CalinSimulator;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An attempt that outlives its lease (a paused worker, a partition) sees its job claimed by
 * another attempt. The first one's answer must not complete the job: only the current claim
 * stores its token, once; and the gateway refuses a lease shorter than one attempt can last.
 */
class LeaseFencingTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(LeaseFencingTest.class);
    company = gw.company("Lease Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void aStaleAttemptCannotCompleteAJobThatWasClaimedAgain() throws Exception {
    String serial = "LEASE-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    gw.calin.setLatency(
        Duration.ofMillis(1500)); // each vend is made at once and answered 1.5 s later
    try {
      String id = ok(await(company
              .provider()
              .process("L-" + serial, serial, 10_000, "KES", "+254700000000", null)))
          .getString("transactionId");
      eventually(
          Duration.ofSeconds(10),
          "first attempt at the manufacturer",
          () -> vends(serial).size() == 1);
      // the first attempt's lease runs out while its call is still out (as if its worker had
      // paused)
      execute("UPDATE outbox SET next_attempt_at = now() WHERE transaction_id = '" + id
          + "' AND kind = 'TOKEN'");
      eventually(
          Duration.ofSeconds(10), "the job claimed again", () -> vends(serial).size() == 2);
      eventually(
          Duration.ofSeconds(10),
          "token stored",
          () -> "COMPLETED"
              .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", id)));
      Thread.sleep(2_000); // both answers are in by now

      assertEquals(
          1, gw.db.count("SELECT count(*) FROM tokens WHERE transaction_id = ?::uuid", id));
      // the token kept is the current claim's (the second vend), not the stale attempt's
      assertEquals(
          vends(serial).get(1).token(),
          gw.db.text("SELECT value FROM tokens WHERE transaction_id = ?::uuid", id));
      assertEquals(
          vends(serial).get(1).token(),
          ok(gw.get("/api/v1/transactions/" + id, company.adminToken()))
              .getJsonObject("token")
              .getString("value"));
      assertEquals(
          "DONE",
          gw.db.text(
              "SELECT status FROM outbox WHERE transaction_id = ?::uuid AND kind = 'TOKEN'", id));
      assertEquals(
          1,
          gw.db.count(
              "SELECT count(*) FROM outbox WHERE transaction_id = ?::uuid AND kind = 'SMS'", id));
      assertTrue(
          gw.metrics().contains("payg_outbox_fenced_attempts_total{kind=\"TOKEN\"} 1.0"),
          "fenced attempt counted");
    } finally {
      gw.calin.setLatency(Duration.ZERO);
    }
  }

  @Test
  void theGatewayRefusesToStartWithALeaseShorterThanOneAttempt() {
    Map<String, String> env = new HashMap<>(Map.of(
        "DATABASE_URL",
        "postgresql://u@127.0.0.1:1/none",
        "SECRETS_KEY",
        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        "OUTBOX_LEASE_SECONDS",
        "20",
        "OUTBOUND_TIMEOUT_MAX_MS",
        "10000"));
    env.put("JWT_PRIVATE_KEY", GatewayFixture.JWT_KEYS.privateKeyPem());
    env.put("JWT_PUBLIC_KEY", GatewayFixture.JWT_KEYS.publicKeyPem());
    IllegalStateException e = assertThrows(
        IllegalStateException.class,
        () -> GatewayApp.start(GatewayConfig.fromEnv(env, false), Clock.systemUTC()));
    assertTrue(
        e.getMessage()
            .startsWith("OUTBOX_LEASE_SECONDS (20 s) must be longer than one token attempt"),
        e.getMessage());
  }

  private static List<CalinSimulator.Vend> vends(String serial) {
    return gw.calin.vends().stream().filter(v -> v.serial().equals(serial)).toList();
  }

  private static void execute(String sql) throws Exception {
    var url = gw.db.url();
    try (var conn = DriverManager.getConnection(url.jdbcUrl(), url.jdbcProperties());
        var st = conn.createStatement()) {
      st.executeUpdate(sql);
    }
  }
}
