package io.payg.gateway.token;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.manufacturer.simulator.CalinSimulator;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Company A points its Calin plugin at a peer that hangs and asks for a 10-minute timeout;
 * company B uses the same manufacturer. A's trouble is A's: B's tokens come at once, A's calls
 * end at the gateway's maximum timeout, and A's jobs that wait too long show on the overdue gauge.
 */
class TenantIsolationTest {

  static GatewayFixture gw;
  static CalinSimulator hanging;
  static GatewayFixture.Company a;
  static GatewayFixture.Company b;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(
        TenantIsolationTest.class,
        Map.of(
            "MANUFACTURER_LIMITS",
            "calin=2",
            "OUTBOUND_TIMEOUT_MAX_MS",
            "2000",
            "OUTBOX_OVERDUE_SECONDS",
            "1"));
    hanging = await(CalinSimulator.start(gw.app.vertx(), 0)).setLatency(Duration.ofMinutes(5));
    a = gw.company("Stalling Energy");
    b = gw.company("Innocent Energy");
    ok(gw.put(
        "/api/v1/plugins/calin",
        a.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put(
                "settings",
                new JsonObject(new HashMap<String, Object>(hanging.settings()))
                    .put("timeoutMs", "600000"))));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void oneCompanysHangingManufacturerNeverDelaysAnotherCompanysTokens() {
    List<String> stalled = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String serial = "A-" + UUID.randomUUID().toString().substring(0, 8);
      gw.meterCustomer(a, serial);
      stalled.add(pay(a, serial));
    }
    eventually(
        Duration.ofSeconds(10),
        "A's permits all taken by the hanging peer",
        () -> hanging.requestsInFlight() == 2);

    String serial = "B-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(b, serial);
    long start = System.nanoTime();
    String id = pay(b, serial);
    eventually(
        Duration.ofSeconds(10),
        "B's token",
        () -> "COMPLETED"
            .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", id)));
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(tookMs < 1_500, "B's token took " + tookMs + " ms behind A's hanging peer");

    // A's own timeout (10 minutes) is clamped to OUTBOUND_TIMEOUT_MAX_MS (2 s): its first attempts
    // end
    eventually(
        Duration.ofSeconds(10),
        "A's first attempt ends at the gateway's maximum timeout",
        () -> String.valueOf(gw.db.text(
                "SELECT last_error FROM outbox WHERE transaction_id = ?::uuid AND kind = 'TOKEN'",
                stalled.get(0)))
            .contains("TIMEOUT"));
    // and A's jobs still waiting after OUTBOX_OVERDUE_SECONDS are counted for an alert
    Pattern overdue = Pattern.compile("payg_outbox_overdue\\{kind=\"TOKEN\"} (\\d+)\\.0");
    eventually(Duration.ofSeconds(15), "overdue gauge", () -> {
      Matcher m = overdue.matcher(gw.metrics());
      return m.find() && Integer.parseInt(m.group(1)) > 0;
    });
    assertEquals(
        0,
        gw.db.count("SELECT count(*) FROM tokens WHERE transaction_id = ?::uuid", stalled.get(0)));

    // A's timeouts open A's breaker only: B's next token is not turned away
    eventually(
        Duration.ofSeconds(30),
        "A's breaker open",
        () -> gw.metrics().contains("payg_manufacturer_breakers_open{manufacturer=\"calin\"} 1.0"));
    String again = "B-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(b, again);
    long start2 = System.nanoTime();
    String id2 = pay(b, again);
    eventually(
        Duration.ofSeconds(10),
        "B's second token",
        () -> "COMPLETED"
            .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", id2)));
    long took2 = (System.nanoTime() - start2) / 1_000_000;
    assertTrue(took2 < 1_500, "B's token took " + took2 + " ms while A's breaker was open");
  }

  private static String pay(GatewayFixture.Company c, String serial) {
    return ok(await(
            c.provider().process("P-" + serial, serial, 10_000, "KES", "+254700000000", null)))
        .getString("transactionId");
  }
}
