package io.payg.gateway.logging;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.internal.VertxInternal;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/#traceparent-header): a provider's
 * traceparent is kept with the payment's jobs and the manufacturer is called with a child of it
 * (same trace id, new span id), on a recovery claim too; a malformed one is ignored, never echoed.
 */
class TraceContextTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(TraceContextTest.class);
    company = gw.company("Trace Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void theManufacturerIsCalledWithAChildOfTheProvidersTrace() {
    String serial = serial();
    String traceId = hex(32);
    String parent = "00-" + traceId + "-" + hex(16) + "-01";
    String id = pay(serial, Map.of("traceparent", parent, "X-Request-Id", "req-trace-1"));
    eventually(
        Duration.ofSeconds(20),
        "token stored",
        () -> "COMPLETED"
            .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", id)));

    List<String> sent = sentWith(traceId);
    assertEquals(1, sent.size(), gw.calin.traceparents().toString());
    TraceParent child = TraceParent.parse(sent.get(0));
    assertEquals(traceId, child.traceId());
    assertNotEquals(
        parent.substring(36, 52), child.spanId(), "a new span id for the manufacturer call");
    assertEquals("01", child.flags());
    // kept with both jobs of the payment, with the call's request id
    assertEquals(
        parent,
        gw.db.text(
            "SELECT traceparent FROM outbox WHERE transaction_id = ?::uuid AND kind = 'TOKEN'",
            id));
    assertEquals(
        parent,
        gw.db.text(
            "SELECT traceparent FROM outbox WHERE transaction_id = ?::uuid AND kind = 'SMS'", id));
    assertEquals(
        "req-trace-1",
        gw.db.text(
            "SELECT request_id FROM outbox WHERE transaction_id = ?::uuid AND kind = 'TOKEN'", id));
    assertEquals(
        "req-trace-1",
        gw.db.text(
            "SELECT request_id FROM outbox WHERE transaction_id = ?::uuid AND kind = 'SMS'", id));
  }

  @Test
  void aMalformedTraceparentIsIgnoredAndAFreshTraceSent() {
    String serial = serial();
    // an all-zero trace id: invalid by the spec (https://www.w3.org/TR/trace-context/#trace-id)
    String malformed = "00-" + "0".repeat(32) + "-" + hex(16) + "-01";
    String id = pay(serial, Map.of("traceparent", malformed));
    eventually(
        Duration.ofSeconds(20),
        "token stored",
        () -> "COMPLETED"
            .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", id)));
    String stored = gw.db.text(
        "SELECT traceparent FROM outbox WHERE transaction_id = ?::uuid AND kind = 'TOKEN'", id);
    TraceParent fresh = TraceParent.parse(stored);
    assertNotEquals(malformed, stored);
    assertEquals(1, sentWith(fresh.traceId()).size(), "the manufacturer gets the fresh trace");
    assertFalse(gw.calin.traceparents().contains(malformed), "never echoed");
    assertTrue(
        gw.db
                .text(
                    "SELECT request_id FROM outbox WHERE transaction_id = ?::uuid AND kind = 'TOKEN'",
                    id)
                .length()
            > 0,
        "a request id of the gateway's own");
  }

  @Test
  void aRecoveryClaimKeepsTheTrace() throws Exception {
    String serial = serial();
    String traceId = hex(32);
    String parent = "00-" + traceId + "-" + hex(16) + "-00";
    gw.calin.setLatency(
        Duration.ofMillis(1500)); // the first vend is made at once and answered late
    try {
      String id = pay(serial, Map.of("traceparent", parent));
      eventually(
          Duration.ofSeconds(10),
          "first attempt at the manufacturer",
          () -> sentWith(traceId).size() == 1);
      // the first attempt's lease runs out while its call is out: a worker's poll claims it as
      // attempt 2
      execute("UPDATE outbox SET next_attempt_at = now() WHERE transaction_id = '" + id
          + "' AND kind = 'TOKEN'");
      eventually(
          Duration.ofSeconds(10),
          "the job claimed again",
          () -> sentWith(traceId).size() == 2);
      eventually(
          Duration.ofSeconds(10),
          "token stored",
          () -> "COMPLETED"
              .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", id)));
      assertEquals(
          2,
          gw.db.count(
              "SELECT attempts FROM outbox WHERE transaction_id = ?::uuid AND kind = 'TOKEN'", id));
      List<TraceParent> sent =
          sentWith(traceId).stream().map(TraceParent::parse).toList();
      assertNotEquals(sent.get(0).spanId(), sent.get(1).spanId(), "each attempt its own span");
      assertEquals("00", sent.get(1).flags(), "the caller's sampling decision kept");
    } finally {
      gw.calin.setLatency(Duration.ZERO);
    }
  }

  @Test
  void withoutOtelExporterNoTracerIsInstalled() {
    // OTEL_EXPORTER=none (the default): Vert.x calls no tracing hook on any request or query
    assertNull(((VertxInternal) gw.app.vertx()).tracer());
  }

  @Test
  void traceparentsAreReadAsTheSpecSays() {
    String ok = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"; // the spec's own example
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", TraceParent.parse(ok).traceId());
    assertEquals(ok, TraceParent.parse(ok).header());
    assertNull(
        TraceParent.parse("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"), "upper case");
    assertNull(
        TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"),
        "zero parent id");
    assertNull(
        TraceParent.parse("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), "version ff");
    assertNull(
        TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"),
        "00 has 4 fields");
    assertNull(
        TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"), "no flags");
    assertNull(TraceParent.parse("x"));
    // a later version may add fields: read as 00
    assertEquals(
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        TraceParent.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-more")
            .header());
  }

  private static String pay(String serial, Map<String, String> headers) {
    gw.meterCustomer(company, serial);
    return ok(await(company
            .provider()
            .process("T-" + serial, serial, 10_000, "KES", "+254700000000", null, headers)))
        .getString("transactionId");
  }

  private static List<String> sentWith(String traceId) {
    return gw.calin.traceparents().stream()
        .filter(t -> t.startsWith("00-" + traceId + "-"))
        .toList();
  }

  private static String serial() {
    return "TRACE-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String hex(int n) {
    return UUID.randomUUID().toString().replace("-", "").repeat(2).substring(0, n);
  }

  private static void execute(String sql) throws Exception {
    var url = gw.db.url();
    try (var conn = DriverManager.getConnection(url.jdbcUrl(), url.jdbcProperties());
        var st = conn.createStatement()) {
      st.executeUpdate(sql);
    }
  }
}
