package io.payg.gateway.outbox;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Jobs handed to a worker that has no room are given back for a later claim, many per statement:
 * one statement per job had queued thousands on the workers' few connections in a token storm, and
 * those that timed out waiting stayed leased to a live instance until the lease ran out.
 */
class LeaseGiveBackTest {

  static final int JOBS = 200;

  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    // the gateway's own workers never poll during the test: only the worker below touches the jobs
    gw = new GatewayFixture(
        LeaseGiveBackTest.class, Map.of("OUTBOX_POLL_MS", "600000", "OUTBOX_LEASE_SECONDS", "700"));
    company = gw.company("Give Back Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void leasesHandedBeyondTheLimitAreGivenBackInFewStatements() throws Exception {
    String serial = "GIVE-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    var paid = await(company
        .provider()
        .process("give-0-" + serial, serial, 10_000, "KES", "+254712345678", null));
    assertEquals(200, paid.statusCode(), paid.bodyAsString());
    eventually(
        Duration.ofSeconds(20),
        "the payment's SMS sent",
        () ->
            gw.db.count("SELECT count(*) FROM outbox WHERE kind = 'SMS' AND status = 'DONE'") == 1);
    // JOBS more paid transactions of the same meter, each with a TOKEN job leased to this instance
    gw.db.count("WITH i AS (INSERT INTO transactions (id, company_id, provider, provider_txn_id,"
        + " device_id, customer_id, serial, amount, currency, msisdn, paid_at, status)"
        + " SELECT gen_random_uuid(), company_id, provider, 'give-' || n, device_id, customer_id,"
        + " serial, amount, currency, msisdn, paid_at, 'PROCESSED' FROM transactions,"
        + " generate_series(1, " + JOBS + ") n WHERE provider_txn_id = 'give-0-" + serial + "'"
        + " RETURNING id, company_id),"
        + " j AS (INSERT INTO outbox (company_id, kind, transaction_id, attempts, claim_token,"
        + " next_attempt_at) SELECT company_id, 'TOKEN', id, 1, gen_random_uuid(),"
        + " now() + interval '120 seconds' FROM i RETURNING 1) SELECT count(*) FROM j");
    // every UPDATE statement on outbox from here on, counted by a statement-level trigger
    await(gw.app
        .pool()
        .query("CREATE TABLE outbox_updates (at timestamptz DEFAULT now());"
            + " CREATE FUNCTION count_outbox_update() RETURNS trigger LANGUAGE plpgsql AS"
            + " $$ BEGIN INSERT INTO outbox_updates DEFAULT VALUES; RETURN NULL; END $$;"
            + " CREATE TRIGGER outbox_updates AFTER UPDATE ON outbox FOR EACH STATEMENT"
            + " EXECUTE FUNCTION count_outbox_update()")
        .execute());
    List<OutboxJob> jobs = new ArrayList<>();
    for (Row r : await(gw.app
        .pool()
        .query("SELECT id, company_id, transaction_id, claim_token FROM outbox"
            + " WHERE kind = 'TOKEN' AND status = 'PENDING' ORDER BY id")
        .execute())) {
      jobs.add(new OutboxJob(r.getLong(0), "TOKEN", r.getUUID(1), r.getUUID(2), 1, r.getUUID(3)));
    }
    assertEquals(JOBS, jobs.size());

    // a worker with room for one job, whose handler holds it: the other jobs have no slot
    Promise<Void> held = Promise.promise();
    JobHandler holding = new JobHandler() {
      @Override
      public String kind() {
        return "TOKEN";
      }

      @Override
      public Future<Void> handle(OutboxJob job) {
        return held.future();
      }
    };
    JobHandoff handoff = new JobHandoff();
    OutboxWorker worker = new OutboxWorker(
        new OutboxStore(gw.app.pool()),
        holding,
        new OutboxWorker.Settings(
            10,
            1,
            5,
            Duration.ofHours(1),
            Duration.ofSeconds(120),
            Duration.ofMillis(50),
            Duration.ofMillis(100),
            Duration.ofMillis(100)),
        new SimpleMeterRegistry(),
        handoff);
    String deployment = await(gw.app.vertx().deployVerticle(worker));
    jobs.forEach(handoff::hand);

    // one runs, one waits in memory (at most maxInFlight), every other lease is given back
    eventually(
        Duration.ofSeconds(20),
        "the leases given back",
        () -> gw.db.count("SELECT count(*) FROM outbox WHERE kind = 'TOKEN' AND status = 'PENDING'"
                + " AND claim_token IS NULL")
            == JOBS - 2);
    long statements = gw.db.count("SELECT count(*) FROM outbox_updates");
    assertTrue(
        statements <= 10, statements + " UPDATE statements gave back " + (JOBS - 2) + " leases");
    held.complete();
    await(gw.app.vertx().undeploy(deployment));
  }
}
