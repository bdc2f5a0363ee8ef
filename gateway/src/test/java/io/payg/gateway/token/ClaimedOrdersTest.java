package io.payg.gateway.token;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.payg.gateway.outbox.OutboxJob;
import io.payg.gateway.support.GatewayFixture;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The orders of a claim's TOKEN jobs, read in one statement (TokenStore.CONTEXTS), are the orders
 * each job reads alone (TokenStore.CONTEXT): the same money left after debts, device, provider and
 * origin. A recovery after an outage claims thousands of jobs; one read per job had queued them on
 * the workers' few connections before their manufacturer calls could start.
 */
class ClaimedOrdersTest {

  static final int COPIES = 30;

  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    // the gateway's own workers never poll during the test: the jobs below stay as inserted
    gw = new GatewayFixture(
        ClaimedOrdersTest.class, Map.of("OUTBOX_POLL_MS", "600000", "OUTBOX_LEASE_SECONDS", "700"));
    company = gw.company("Claimed Orders Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void aClaimsOrdersInOneStatementAreEachJobsOwnOrder() {
    String serial = "ORD-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    var paid = await(company
        .provider()
        .process("ord-0-" + serial, serial, 12_500, "KES", "+254712345678", null));
    assertEquals(200, paid.statusCode(), paid.bodyAsString());
    eventually(
        Duration.ofSeconds(20),
        "the paid token stored",
        () -> gw.db.count("SELECT count(*) FROM tokens") == 1);
    // COPIES more transactions of the meter, with other amounts and no allocations, each with a
    // TOKEN job due: a backlog as a claim finds it
    gw.db.count("WITH i AS (INSERT INTO transactions (id, company_id, provider, provider_txn_id,"
        + " device_id, customer_id, serial, amount, currency, msisdn, paid_at, status, token_unit,"
        + " token_quantity) SELECT gen_random_uuid(), company_id, provider, 'ord-' || n, device_id,"
        + " customer_id, serial, amount + n, currency, msisdn, paid_at, 'PROCESSED', token_unit,"
        + " token_quantity + n FROM transactions, generate_series(1, " + COPIES + ") n"
        + " WHERE provider_txn_id = 'ord-0-" + serial + "' RETURNING id, company_id),"
        + " j AS (INSERT INTO outbox (company_id, kind, transaction_id, request_id)"
        + " SELECT company_id, 'TOKEN', id, 'req-' || id FROM i RETURNING 1)"
        + " SELECT count(*) FROM j");
    List<OutboxJob> jobs = new ArrayList<>();
    for (Row r : await(gw.app
        .pool()
        .query("SELECT id, company_id, transaction_id, attempts, claim_token FROM outbox"
            + " WHERE kind = 'TOKEN' ORDER BY id DESC")
        .execute())) {
      jobs.add(new OutboxJob(
          r.getLong(0), "TOKEN", r.getUUID(1), r.getUUID(2), r.getInteger(3), r.getUUID(4)));
    }
    assertEquals(COPIES + 1, jobs.size());

    List<OutboxJob> read = await(TokenStore.orders(gw.app.pool(), jobs));

    assertEquals(jobs.size(), read.size());
    for (int i = 0; i < jobs.size(); i++) {
      OutboxJob job = jobs.get(i);
      OutboxJob withOrder = read.get(i);
      assertEquals(job.id(), withOrder.id(), "the claim's order of jobs kept");
      assertEquals(job.claim(), withOrder.claim());
      TokenOrder batched = (TokenOrder) withOrder.context();
      assertNotNull(batched, "job " + job.id() + " has its order");
      TokenOrder alone = await(TokenStore.order(gw.app.pool(), job));
      assertEquals(alone.amount(), batched.amount(), "money left after debts");
      assertEquals(alone.currency(), batched.currency());
      assertEquals(alone.tokens(), batched.tokens());
      assertEquals(alone.provider(), batched.provider());
      assertEquals(alone.providerTxnId(), batched.providerTxnId());
      assertEquals(alone.deviceId(), batched.deviceId());
      assertEquals(alone.serial(), batched.serial());
      assertEquals(alone.type(), batched.type());
      assertEquals(alone.manufacturer(), batched.manufacturer());
      assertEquals(alone.origin().requestId(), batched.origin().requestId());
    }
    // the paid one's money went through its allocations; each copy's quantity is its own
    TokenOrder paidOrder = (TokenOrder) read.get(read.size() - 1).context();
    assertEquals(12_500, paidOrder.amount());
    long paidQuantity = paidOrder.tokens().quantity();
    Set<Long> copies = new HashSet<>();
    for (OutboxJob j : read.subList(0, COPIES)) {
      copies.add(((TokenOrder) j.context()).tokens().quantity() - paidQuantity);
    }
    assertEquals(LongStream.rangeClosed(1, COPIES).boxed().collect(Collectors.toSet()), copies);
  }

  @Test
  void aJobWhoseTransactionIsNotFoundIsLeftToReadItsOwn() {
    OutboxJob unknown = new OutboxJob(-1, "TOKEN", UUID.randomUUID(), UUID.randomUUID(), 1, null);
    List<OutboxJob> read = await(TokenStore.orders(gw.app.pool(), List.of(unknown)));
    assertSame(unknown, read.get(0));
  }
}
