package io.payg.gateway.support;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The invariant check is not vacuous: each kind of damage to the books makes it fail. */
class BooksInvariantTest {

  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(BooksInvariantTest.class);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** A company with one booked generic payment of 100.00; answers its transaction id. */
  private static String[] bookedCompany() {
    GatewayFixture.Company c =
        gw.company("Invariant " + UUID.randomUUID().toString().substring(0, 4));
    String serial = "INV-" + UUID.randomUUID().toString().substring(0, 6);
    gw.meterCustomer(c, serial);
    String txn = ok(await(
            c.provider().process("INV-" + serial, serial, 10_000, "KES", "+254712345678", null)))
        .getString("transactionId");
    var lines = BooksInvariant.check(gw.db, c.id());
    assertEquals(1, lines.size());
    assertEquals(10_000L, lines.get(0).received());
    assertEquals(10_000L, lines.get(0).allocated());
    return new String[] {c.id(), txn, "INV-" + serial};
  }

  private static void sql(String sql, Object... params) {
    try (Connection conn =
            DriverManager.getConnection(gw.db.url().jdbcUrl(), gw.db.url().jdbcProperties());
        var st = conn.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      st.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aProviderIdBothBookedAndKeptFails() {
    String[] c = bookedCompany();
    sql(
        "INSERT INTO unmatched_payments (id, company_id, provider, provider_txn_id, amount, currency, "
            + "account_reference, "
            + "reason, authenticated) VALUES (gen_random_uuid(), ?::uuid, 'generic', ?, 10000, 'KES', 'x', "
            + "'DEVICE_NOT_FOUND', true)",
        c[0],
        c[2]);
    AssertionError e = assertThrows(AssertionError.class, () -> BooksInvariant.check(gw.db, c[0]));
    // received and suspense grow alike, so only the one-place check sees it
    assertTrue(e.getMessage().contains("both booked and in suspense"), e.getMessage());
  }

  @Test
  void anAllocationThatDoesNotSumToItsPaymentFails() {
    String[] c = bookedCompany();
    sql(
        "UPDATE allocations SET amount = amount - 1 WHERE transaction_id = ?::uuid AND position = 0",
        c[1]);
    assertThrows(AssertionError.class, () -> BooksInvariant.check(gw.db, c[0]));
  }

  @Test
  void aReversalCountsOnlyWhenItsTransactionStopsBeingAllocated() {
    String[] c = bookedCompany();
    // a reversal row whose transaction still counts as allocated: the money would be in two places
    sql(
        "INSERT INTO reversals (id, company_id, transaction_id, amount, currency, source, reason) "
            + "VALUES (gen_random_uuid(), ?::uuid, ?::uuid, 10000, 'KES', 'OPERATOR', 'test')",
        c[0],
        c[1]);
    assertThrows(AssertionError.class, () -> BooksInvariant.check(gw.db, c[0]));
  }
}
