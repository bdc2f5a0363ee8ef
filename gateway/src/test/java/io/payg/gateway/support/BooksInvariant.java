package io.payg.gateway.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The books' invariants, read with SQL straight from the test database (not through the
 * gateway's own books query, which they check):
 * <ul>
 *   <li>per provider and currency: received = allocated + suspense + dismissed + reversed, where
 *       received = Σ transactions + Σ unmatched not ASSIGNED, allocated = Σ allocations of
 *       transactions not REVERSED, reversed = Σ reversals, suspense/dismissed = Σ unmatched
 *       OPEN/DISMISSED; office cash held for approval (V27) is received as soon as the office holds it,
 *       and is pendingApproval until its transaction exists (then only the transaction counts) or
 *       returned once rejected (handed back to the payer);</li>
 *   <li>every provider id is in exactly one place: a transaction, or an unmatched payment that is
 *       not ASSIGNED (an ASSIGNED one points at the transaction of its own provider id);</li>
 *   <li>the allocations of each transaction sum to its amount;</li>
 *   <li>no transaction has two tokens, two token jobs or two SMS jobs.</li>
 * </ul>
 */
public final class BooksInvariant {

  /** One provider's books for the company, as the invariant computed them. */
  public record Line(String provider, String currency, long received, long allocated, long suspense, long dismissed,
                     long reversed, long returned, long pendingApproval) {
  }

  private BooksInvariant() {
  }

  static final String LINES = """
      WITH held AS (
        SELECT p.currency, p.amount, p.status FROM office_cash_pending p
        WHERE p.company_id = ?::uuid AND NOT EXISTS (SELECT 1 FROM transactions t WHERE t.company_id = p.company_id
          AND t.provider = 'cash' AND t.provider_txn_id = 'approved:' || p.recorded_by || ':' || p.idempotency_key)),
      received AS (
        SELECT provider, currency, amount FROM transactions WHERE company_id = ?::uuid
        UNION ALL SELECT provider, currency, amount FROM unmatched_payments
        WHERE company_id = ?::uuid AND status <> 'ASSIGNED'
        UNION ALL SELECT 'cash', currency, amount FROM held),
      keys AS (SELECT DISTINCT provider, currency FROM received)
      SELECT k.provider, k.currency,
        (SELECT coalesce(sum(amount), 0) FROM received r WHERE r.provider = k.provider AND r.currency = k.currency),
        (SELECT coalesce(sum(a.amount), 0) FROM allocations a JOIN transactions t ON t.id = a.transaction_id
          WHERE t.company_id = ?::uuid AND t.provider = k.provider AND t.currency = k.currency
            AND t.status <> 'REVERSED'),
        (SELECT coalesce(sum(amount), 0) FROM unmatched_payments u WHERE u.company_id = ?::uuid
          AND u.provider = k.provider AND u.currency = k.currency AND u.status = 'OPEN'),
        (SELECT coalesce(sum(amount), 0) FROM unmatched_payments u WHERE u.company_id = ?::uuid
          AND u.provider = k.provider AND u.currency = k.currency AND u.status = 'DISMISSED'),
        (SELECT coalesce(sum(r.amount), 0) FROM reversals r JOIN transactions t ON t.id = r.transaction_id
          WHERE t.company_id = ?::uuid AND t.provider = k.provider AND t.currency = k.currency)
          + (SELECT coalesce(sum(amount), 0) FROM unmatched_payments u WHERE u.company_id = ?::uuid
          AND u.provider = k.provider AND u.currency = k.currency AND u.status = 'REVERSED'),
        (SELECT coalesce(sum(amount), 0) FROM unmatched_payments u WHERE u.company_id = ?::uuid
          AND u.provider = k.provider AND u.currency = k.currency AND u.status = 'CANCELLED')
          + (SELECT coalesce(sum(amount), 0) FROM held h WHERE k.provider = 'cash' AND h.currency = k.currency
          AND h.status = 'REJECTED'),
        (SELECT coalesce(sum(amount), 0) FROM held h WHERE k.provider = 'cash' AND h.currency = k.currency
          AND h.status <> 'REJECTED')
      FROM keys k ORDER BY 1, 2
      """;

  /** Asserts every invariant for {@code companyId}; answers its books per provider. */
  public static List<Line> check(TestDatabase db, String companyId) {
    String c = UUID.fromString(companyId).toString();
    List<Line> lines = new ArrayList<>();
    try (Connection conn = DriverManager.getConnection(db.url().jdbcUrl(), db.url().jdbcProperties())) {
      try (var st = conn.prepareStatement(LINES)) {
        for (int i = 1; i <= 9; i++) {
          st.setString(i, c);
        }
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            Line l = new Line(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9));
            assertEquals(l.received(), l.allocated() + l.suspense() + l.dismissed() + l.reversed() + l.returned()
                    + l.pendingApproval(),
                "the books of " + l.provider() + " " + l.currency() + " do not balance: " + l);
            lines.add(l);
          }
        }
      }
      none(conn, c, "a provider id both booked and in suspense or dismissed", """
          SELECT u.provider_txn_id FROM unmatched_payments u JOIN transactions t ON t.company_id = u.company_id
            AND t.provider = u.provider AND t.provider_txn_id = u.provider_txn_id
          WHERE u.company_id = ?::uuid AND u.status <> 'ASSIGNED'""");
      none(conn, c, "an ASSIGNED unmatched payment not booked as its own provider id", """
          SELECT u.id FROM unmatched_payments u LEFT JOIN transactions t ON t.id = u.transaction_id
          WHERE u.company_id = ?::uuid AND u.status = 'ASSIGNED' AND (t.id IS NULL
            OR t.provider <> u.provider OR t.provider_txn_id <> u.provider_txn_id OR t.amount <> u.amount)""");
      none(conn, c, "a transaction whose allocations do not sum to its amount", """
          SELECT t.id FROM transactions t LEFT JOIN allocations a ON a.transaction_id = t.id
          WHERE t.company_id = ?::uuid GROUP BY t.id, t.amount HAVING coalesce(sum(a.amount), 0) <> t.amount""");
      none(conn, c, "a transaction with two tokens", """
          SELECT transaction_id FROM tokens WHERE company_id = ?::uuid GROUP BY transaction_id HAVING count(*) > 1""");
      none(conn, c, "a transaction with two jobs of one kind", """
          SELECT transaction_id FROM outbox WHERE company_id = ?::uuid AND transaction_id IS NOT NULL
          GROUP BY transaction_id, kind HAVING count(*) > 1""");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return lines;
  }

  private static void none(Connection conn, String companyId, String what, String sql) throws SQLException {
    try (var st = conn.prepareStatement(sql)) {
      st.setString(1, companyId);
      try (ResultSet rs = st.executeQuery()) {
        List<String> found = new ArrayList<>();
        while (rs.next() && found.size() < 5) {
          found.add(rs.getString(1));
        }
        assertEquals(List.of(), found, what);
      }
    }
  }
}
