package io.payg.gateway.reconciliation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A generated 1,000,000-row generic statement (~76 MB), produced lazily by the client and sent
 * chunked, streams through the gateway in bounded memory: the heap's live set (sampled after a GC
 * every second) never grows by more than {@link #LIVE_SET_BOUND}, far less than the statement.
 * Takes about a minute: not part of {@code mvn verify}; run it with
 * {@code mvn -B -pl gateway -am verify -Dtest=MillionRowStatementTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dpayg.reconciliation.million=true}
 * (docs/performance.md has the figures).
 */
@EnabledIfSystemProperty(named = "payg.reconciliation.million", matches = "true")
class MillionRowStatementTest {

  /** -Dpayg.reconciliation.rows=… runs a smaller statement (the bound then proves less). */
  static final int ROWS = Integer.getInteger("payg.reconciliation.rows", 1_000_000);

  static final long LIVE_SET_BOUND = 32L * 1024 * 1024;
  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(MillionRowStatementTest.class);
    company = gw.company("Million Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** The statement, one line at a time: the client never holds it either. */
  static final class GeneratedStatement extends InputStream {
    private final String prefix;
    private final Instant start = Instant.parse("2026-01-01T00:00:00Z");
    private byte[] line = "providerTxnId,paidAt,amount,currency,accountReference,msisdn\n"
        .getBytes(StandardCharsets.UTF_8);
    private int pos;
    private int next;
    long bytes;

    GeneratedStatement(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      int n = 0;
      while (n < len) {
        if (pos == line.length) {
          if (next == ROWS) {
            break;
          }
          int i = next++;
          line = (prefix + i + "," + start.plusSeconds(i) + "," + (100 + i % 100_000)
                  + ",KES,METER-" + (i % 9973) + "-REF,2547" + String.format("%08d", i) + "\n")
              .getBytes(StandardCharsets.UTF_8);
          pos = 0;
        }
        int k = Math.min(len - n, line.length - pos);
        System.arraycopy(line, pos, b, off + n, k);
        pos += k;
        n += k;
      }
      bytes += n;
      return n == 0 && len > 0 ? -1 : n;
    }
  }

  static long liveHeap() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  @Test
  void aMillionRowStatementStreamsThroughInBoundedMemory() throws Exception {
    String prefix = "M-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    GeneratedStatement body = new GeneratedStatement(prefix);
    long baseline = liveHeap();
    AtomicLong peak = new AtomicLong(baseline);
    Thread sampler = new Thread(
        () -> {
          while (!Thread.currentThread().isInterrupted()) {
            peak.accumulateAndGet(liveHeap(), Math::max);
            try {
              Thread.sleep(1000);
            } catch (InterruptedException e) {
              return;
            }
          }
        },
        "heap-sampler");
    sampler.setDaemon(true);
    long started = System.nanoTime();
    sampler.start();
    HttpClient client =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> r = client.send(
        HttpRequest.newBuilder(
                URI.create(gw.base + "/api/v1/reconciliations?format=generic&provider=generic"))
            .header("Authorization", "Bearer " + company.adminToken())
            .header("Content-Type", "text/csv")
            .timeout(Duration.ofMinutes(10))
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    double answered = (System.nanoTime() - started) / 1e9;
    assertTrue(r.statusCode() == 201 || r.statusCode() == 202, r.statusCode() + " " + r.body());
    JsonObject report = new JsonObject(r.body());
    // matching a large statement outlasts the upload's wait: 202, then the report says when it is
    // done
    while (!"COMPLETED".equals(report.getString("status"))) {
      assertEquals("LOADING", report.getString("status"), report.encode());
      Thread.sleep(500);
      report = GatewayFixture.ok(gw.get(
          "/api/v1/reconciliations/" + report.getString("id") + "?limit=0", company.adminToken()));
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    sampler.interrupt();
    sampler.join();
    JsonObject counts = report.getJsonObject("counts");
    long growth = peak.get() - baseline;
    System.out.printf(
        "million-row statement: %d rows, %d bytes, answered %d in %.1f s, completed in %.1f s (%.0f rows/s), "
            + "live heap baseline %d MB, peak growth %d MB%n",
        ROWS,
        body.bytes,
        r.statusCode(),
        answered,
        seconds,
        ROWS / seconds,
        baseline >> 20,
        growth >> 20);
    assertEquals(ROWS + 1, counts.getLong("lines"));
    assertEquals(ROWS, counts.getLong("statementOnly"));
    assertEquals(ROWS, counts.getLong("keptAsUnmatched"));
    assertEquals(ROWS, gw.db.count("SELECT count(*) FROM statement_rows"));
    assertEquals(
        ROWS,
        gw.db.count("SELECT count(*) FROM unmatched_payments WHERE reason = 'STATEMENT_ONLY'"));
    assertTrue(
        body.bytes > 2 * LIVE_SET_BOUND,
        "the statement is much larger than the bound: " + body.bytes);
    assertTrue(growth < LIVE_SET_BOUND, "live heap grew by " + (growth >> 20) + " MB");
  }
}
