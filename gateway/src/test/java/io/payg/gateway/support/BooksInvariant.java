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
 *       returned once rejected (handed back to the payer); an unmatched payment whose amount was
 *       unreadable (amount NULL, V34) adds nothing to any line: its amount is unknown;</li>
 *   <li>every provider id is in exactly one place: a transaction, or an unmatched payment that is
 *       not ASSIGNED (an ASSIGNED one points at the transaction of its own provider id);</li>
 *   <li>the allocations of each transaction sum to its amount;</li>
 *   <li>no transaction has two tokens, two token jobs or two SMS jobs;</li>
 *   <li>debts, which are not received money: every installment's paid amount is what the
 *       allocations of transactions not REVERSED paid on it, never more than its amount; a sale's
 *       installments sum to its price less what was written off or cancelled (a reschedule moves
 *       what was owed, it neither adds nor removes any); a write-off's amount is what its
 *       WRITTEN_OFF installments still owed when they closed.</li>
 * </ul>
 */
public final class BooksInvariant {

  /** One provider's books for the company, as the invariant computed them. */
  public record Line(
      String provider,
      String currency,
      long received,
      long allocated,
      long suspense,
      long dismissed,
      long reversed,
      long returned,
      long pendingApproval) {}

  private BooksInvariant() {}

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
    try (Connection conn =
        DriverManager.getConnection(db.url().jdbcUrl(), db.url().jdbcProperties())) {
      try (var st = conn.prepareStatement(LINES)) {
        for (int i = 1; i <= 9; i++) {
          st.setString(i, c);
        }
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            Line l = new Line(
                rs.getString(1),
                rs.getString(2),
                rs.getLong(3),
                rs.getLong(4),
                rs.getLong(5),
                rs.getLong(6),
                rs.getLong(7),
                rs.getLong(8),
                rs.getLong(9));
            assertEquals(
                l.received(),
                l.allocated()
                    + l.suspense()
                    + l.dismissed()
                    + l.reversed()
                    + l.returned()
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
            OR t.provider <> u.provider OR t.provider_txn_id <> u.provider_txn_id
            -- a row kept without an amount (AMOUNT_UNREADABLE, V34) is booked at the operator's amount
            OR (u.amount IS NOT NULL AND t.amount <> u.amount))""");
      none(conn, c, "a transaction whose allocations do not sum to its amount", """
          SELECT t.id FROM transactions t LEFT JOIN allocations a ON a.transaction_id = t.id
          WHERE t.company_id = ?::uuid GROUP BY t.id, t.amount HAVING coalesce(sum(a.amount), 0) <> t.amount""");
      none(conn, c, "a transaction with two tokens", """
          SELECT transaction_id FROM tokens WHERE company_id = ?::uuid GROUP BY transaction_id HAVING count(*) > 1""");
      none(conn, c, "a transaction with two jobs of one kind", """
          SELECT transaction_id FROM outbox WHERE company_id = ?::uuid AND transaction_id IS NOT NULL
          GROUP BY transaction_id, kind HAVING count(*) > 1""");
      none(
          conn,
          c,
          "an installment whose paid amount is not what its payments' allocations paid on it",
          """
          SELECT i.id FROM installments i WHERE i.company_id = ?::uuid AND (i.paid > i.amount
            OR i.paid <> (SELECT coalesce(sum(a.amount), 0) FROM allocations a JOIN transactions t
              ON t.id = a.transaction_id
              WHERE a.reference = i.id::text AND a.kind IN ('INSTALLMENT', 'DEVICE_INSTALLMENT')
                AND t.status <> 'REVERSED'))
            -- a down payment (number 0) may have been taken at the sale, outside the gateway
            AND i.number > 0""");
      none(
          conn,
          c,
          "a sale whose installments, written off and cancelled amounts do not sum to its price",
          """
          SELECT s.id FROM appliance_sales s JOIN installments i ON i.sale_id = s.id WHERE s.company_id = ?::uuid
          GROUP BY s.id, s.price HAVING s.price <> sum(i.amount)
            + sum(CASE WHEN i.status IN ('WRITTEN_OFF', 'CANCELLED') THEN i.closed_unpaid ELSE 0 END)""");
      none(conn, c, "a write-off that is not what its installments still owed", """
          SELECT w.id FROM sale_write_offs w WHERE w.company_id = ?::uuid
            AND w.amount <> (SELECT coalesce(sum(i.closed_unpaid), 0)
            FROM installments i WHERE i.sale_id = w.sale_id AND i.status = 'WRITTEN_OFF')""");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return lines;
  }

  private static void none(Connection conn, String companyId, String what, String sql)
      throws SQLException {
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
