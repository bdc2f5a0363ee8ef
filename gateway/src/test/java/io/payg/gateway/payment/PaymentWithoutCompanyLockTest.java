package io.payg.gateway.payment;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.payg.gateway.support.BooksInvariant;
import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.GenericProviderClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A payment, its token and its SMS never lock their company's row (V30_1): with the row held FOR
 * UPDATE by another transaction — which waits out every FOR KEY SHARE a foreign key to companies
 * takes — the whole chain still completes. Integrity without those keys: company_id is NOT NULL on
 * each hot table, and a payment for a company that does not exist stores nothing.
 */
class PaymentWithoutCompanyLockTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(PaymentWithoutCompanyLockTest.class);
    company = gw.company("Lock-free Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void aPaymentItsTokenAndItsSmsCompleteWhileTheCompanyRowIsLocked() {
    String serial = "NOLOCK-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    // the plugin settings are cached before the lock: the test is about the statements a payment
    // writes
    assertEquals(
        200,
        await(company.provider().validate(serial, 10_000, "KES", "+254712345678"))
            .statusCode());
    Promise<Void> release = Promise.promise();
    Promise<Void> locked = Promise.promise();
    Future<Void> holder = gw.app
        .pool()
        .withTransaction(
            conn -> conn.preparedQuery("SELECT id FROM companies WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(UUID.fromString(company.id())))
                .compose(rows -> {
                  locked.complete();
                  return release.future();
                }));
    await(locked.future());
    String txn = "NOLOCK-TX-" + UUID.randomUUID();
    Future<HttpResponse<Buffer>> paid = company
        .provider()
        .process(txn, serial, 10_000, "KES", "+254712345678", "2026-01-16T08:30:00Z");
    try {
      eventually(
          Duration.ofSeconds(10),
          "the payment answered while its company's row is locked",
          paid::isComplete);
      assertEquals(200, await(paid).statusCode(), await(paid).bodyAsString());
      eventually(
          Duration.ofSeconds(20),
          "its token and SMS stored while the row is still locked",
          () -> gw.db.count(
                  "SELECT count(*) FROM transactions t JOIN tokens k ON k.transaction_id = t.id JOIN sms_messages m"
                      + " ON m.transaction_id = t.id WHERE t.provider_txn_id = ?",
                  txn)
              == 1);
    } finally {
      release.complete();
      await(holder);
    }
    BooksInvariant.check(gw.db, company.id());
  }

  @Test
  void theHotTablesCarryTheirCompanyAndAnUnknownCompanyStoresNothing() {
    for (String table : new String[] {
      "transactions", "provider_txn_ids", "allocations", "outbox", "tokens", "sms_messages"
    }) {
      assertEquals(
          0,
          gw.db.count(
              "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = ?::regclass"
                  + " AND confrelid = 'companies'::regclass",
              table),
          table + " has no foreign key to companies");
      assertEquals(
          1,
          gw.db.count(
              "SELECT count(*) FROM pg_attribute WHERE attrelid = ?::regclass"
                  + " AND attname = 'company_id' AND attnotnull",
              table),
          table + ".company_id is NOT NULL");
    }
    long before = gw.db.moneyRows();
    HttpResponse<Buffer> r = await(new GenericProviderClient(
            gw.http, gw.base + "/api/v1/telco/generic/" + UUID.randomUUID(), company.secret())
        .process("NOCO-" + UUID.randomUUID(), "ANY-1", 10_000, "KES", "+254712345678", null));
    assertEquals(403, r.statusCode(), r.bodyAsString());
    assertEquals(before, gw.db.moneyRows());
  }
}
