package io.payg.gateway.outbox;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A claim's jobs get their handler's contexts in one read per claim (JobHandler.contexts), and
 * each job then runs once, with its own context; when that read fails, the jobs still run and
 * read their own.
 */
class ClaimContextsTest {

  static final int JOBS = 120;
  static final int BATCH = 50;

  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    // the gateway's own workers never poll during the test: only the workers below touch the jobs
    gw = new GatewayFixture(
        ClaimContextsTest.class, Map.of("OUTBOX_POLL_MS", "600000", "OUTBOX_LEASE_SECONDS", "700"));
    company = gw.company("Claim Contexts Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** A TOKEN handler that records what it was given. */
  static final class Recording implements JobHandler {
    final List<Integer> reads = new CopyOnWriteArrayList<>();
    final Map<Long, Object> ran = new ConcurrentHashMap<>();
    final boolean readFails;

    Recording(boolean readFails) {
      this.readFails = readFails;
    }

    @Override
    public String kind() {
      return "TOKEN";
    }

    @Override
    public Future<List<OutboxJob>> contexts(List<OutboxJob> claimed) {
      reads.add(claimed.size());
      if (readFails) {
        return Future.failedFuture("the database went away");
      }
      return Future.succeededFuture(
          claimed.stream().map(j -> j.withContext("order of " + j.id())).toList());
    }

    @Override
    public Future<Void> handle(OutboxJob job) {
      Object previous = ran.put(job.id(), job.context() == null ? "none" : job.context());
      assertEquals(null, previous, "job " + job.id() + " ran twice");
      return gw.app
          .pool()
          .preparedQuery("UPDATE outbox SET status = 'DONE' WHERE id = $1")
          .execute(Tuple.of(job.id()))
          .mapEmpty();
    }
  }

  private static void backlog(String tag) {
    String serial = "CTX-" + tag + "-" + UUID.randomUUID().toString().substring(0, 6);
    gw.meterCustomer(company, serial);
    var paid = await(company
        .provider()
        .process("ctx-0-" + serial, serial, 10_000, "KES", "+254712345678", null));
    assertEquals(200, paid.statusCode(), paid.bodyAsString());
    eventually(
        Duration.ofSeconds(20),
        "the payment's own jobs done",
        () -> gw.db.count("SELECT count(*) FROM outbox WHERE status = 'PENDING'") == 0);
    gw.db.count("WITH i AS (INSERT INTO transactions (id, company_id, provider, provider_txn_id,"
        + " device_id, customer_id, serial, amount, currency, msisdn, paid_at, status)"
        + " SELECT gen_random_uuid(), company_id, provider, 'ctx-' || n || '-" + serial + "',"
        + " device_id, customer_id, serial, amount, currency, msisdn, paid_at, 'PROCESSED'"
        + " FROM transactions, generate_series(1, " + JOBS + ") n"
        + " WHERE provider_txn_id = 'ctx-0-" + serial + "' RETURNING id, company_id),"
        + " j AS (INSERT INTO outbox (company_id, kind, transaction_id) SELECT company_id,"
        + " 'TOKEN', id FROM i RETURNING 1) SELECT count(*) FROM j");
  }

  private static Recording drain(boolean readFails) {
    Recording handler = new Recording(readFails);
    OutboxWorker worker = new OutboxWorker(
        new OutboxStore(gw.app.pool()),
        handler,
        new OutboxWorker.Settings(
            BATCH,
            1000,
            5,
            Duration.ofMillis(50),
            Duration.ofSeconds(120),
            Duration.ofMillis(50),
            Duration.ofMillis(100),
            Duration.ofMillis(100)),
        new SimpleMeterRegistry(),
        new JobHandoff());
    String deployment = await(gw.app.vertx().deployVerticle(worker));
    eventually(
        Duration.ofSeconds(30),
        "the backlog run",
        () -> gw.db.count("SELECT count(*) FROM outbox WHERE status = 'PENDING'") == 0);
    await(gw.app.vertx().undeploy(deployment));
    return handler;
  }

  @Test
  void eachClaimReadsItsJobsContextsOnceAndEachJobRunsWithItsOwn() {
    backlog("ok");
    Recording handler = drain(false);

    assertEquals(JOBS, handler.ran.size());
    handler.ran.forEach((id, context) -> assertEquals("order of " + id, context));
    assertEquals(
        JOBS, handler.reads.stream().mapToInt(Integer::intValue).sum(), handler.reads.toString());
    assertTrue(handler.reads.stream().allMatch(n -> n <= BATCH), handler.reads.toString());
    assertTrue(handler.reads.size() <= 4, "reads per claim, not per job: " + handler.reads);
  }

  @Test
  void whenTheClaimsReadFailsItsJobsStillRunAndReadTheirOwn() {
    backlog("failing");
    Recording handler = drain(true);

    assertEquals(JOBS, handler.ran.size());
    handler.ran.values().forEach(context -> assertEquals("none", context));
  }
}
