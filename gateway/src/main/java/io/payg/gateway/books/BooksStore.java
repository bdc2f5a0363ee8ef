package io.payg.gateway.books;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * SQL of the books: where each amount a provider said had moved is now, per provider, currency
 * and day. Every amount is shown on the (UTC) day its money was received: a transaction on the
 * day of its provider message (for one an operator assigned, the day the unmatched payment was
 * kept), so each day balances on its own:
 *
 * <pre>
 *   received  = Σ transactions.amount + Σ unmatched_payments.amount WHERE status &lt;&gt; 'ASSIGNED'
 *   allocated = Σ allocations.amount of transactions WHERE status &lt;&gt; 'REVERSED'  (by kind)
 *   reversed  = Σ reversals.amount          (one row per reversed transaction, its whole amount)
 *              + Σ unmatched REVERSED (a provider reversal of money still in suspense)
 *   suspense  = Σ unmatched OPEN,  dismissed = Σ unmatched DISMISSED
 *   returned  = Σ unmatched CANCELLED (the provider sent it back to the payer: Vodacom TZ's cancel)
 *   received  = allocated + suspense + dismissed + returned + reversed, to the minor unit
 * </pre>
 */
public final class BooksStore {

  /** The kinds of money, as the allocation kinds plus the books' own lines. */
  static final List<String> ALLOCATED =
      List.of("INSTALLMENT", "ACCESS_RATE", "DEVICE_INSTALLMENT", "ENERGY", "METER_CREDIT");

  /**
   * One row per (day, provider, currency, line). $2/$3 bound the day (inclusive), $4 the provider.
   * A transaction's day is never after its created_at day, so {@code created_at >= $2} only
   * narrows the scan (the (company_id, created_at) index).
   */
  static final String LINES = """
      WITH tx AS (
        SELECT t.id, t.provider, t.currency, t.amount, t.status,
               (coalesce(u.received_at, t.created_at) AT TIME ZONE 'UTC')::date AS day
        FROM transactions t LEFT JOIN unmatched_payments u ON u.transaction_id = t.id
        WHERE t.company_id = $1 AND ($4::text IS NULL OR t.provider = $4)
          AND ($2::date IS NULL OR t.created_at >= $2::date::timestamp AT TIME ZONE 'UTC')),
      kept AS (
        SELECT u.provider, u.currency, u.amount, u.status, (u.received_at AT TIME ZONE 'UTC')::date AS day
        FROM unmatched_payments u
        WHERE u.company_id = $1 AND u.status <> 'ASSIGNED' AND ($4::text IS NULL OR u.provider = $4)),
      -- office cash held for approval (V27): received by the office, allocated to nothing until its
      -- transaction exists (then that is the money's one place), handed back when rejected
      held AS (
        SELECT 'cash'::text AS provider, p.currency, p.amount, p.status, (p.created_at AT TIME ZONE 'UTC')::date AS day
        FROM office_cash_pending p
        WHERE p.company_id = $1 AND ($4::text IS NULL OR $4 = 'cash')
          AND NOT EXISTS (SELECT 1 FROM transactions t WHERE t.company_id = p.company_id AND t.provider = 'cash'
                          AND t.provider_txn_id = 'approved:' || p.recorded_by || ':' || p.idempotency_key)),
      lines AS (
        SELECT day, provider, currency, 'RECEIVED' AS line, amount FROM tx
        UNION ALL SELECT day, provider, currency, 'RECEIVED', amount FROM kept
        UNION ALL SELECT tx.day, tx.provider, tx.currency, a.kind, a.amount
                  FROM tx JOIN allocations a ON a.transaction_id = tx.id WHERE tx.status <> 'REVERSED'
        UNION ALL SELECT tx.day, tx.provider, tx.currency, 'REVERSED', r.amount
                  FROM tx JOIN reversals r ON r.transaction_id = tx.id
        UNION ALL SELECT day, provider, currency,
          CASE status WHEN 'OPEN' THEN 'SUSPENSE' WHEN 'DISMISSED' THEN 'DISMISSED'
                  WHEN 'REVERSED' THEN 'REVERSED' ELSE 'RETURNED' END, amount
                  FROM kept
        UNION ALL SELECT day, provider, currency, 'RECEIVED', amount FROM held
        UNION ALL SELECT day, provider, currency,
          CASE status WHEN 'REJECTED' THEN 'RETURNED' ELSE 'PENDING_APPROVAL' END,
                  amount FROM held)
      -- an unmatched payment whose amount was unreadable (V34) has none: it adds nothing it cannot know
      SELECT day, provider, currency, line, coalesce(sum(amount), 0)::bigint AS amount FROM lines
      WHERE ($2::date IS NULL OR day >= $2) AND ($3::date IS NULL OR day <= $3)
      GROUP BY day, provider, currency, line ORDER BY day, provider, currency, line
      """;

  /**
   * Debt the company gave up in the range, per currency: never money received, so outside the
   * identity above (what was paid on a written-off sale stays in its allocations).
   */
  static final String WRITE_OFFS = """
      SELECT currency, count(*) AS count, sum(amount)::bigint AS amount FROM sale_write_offs
      WHERE company_id = $1 AND ($2::date IS NULL OR (created_at AT TIME ZONE 'UTC')::date >= $2)
        AND ($3::date IS NULL OR (created_at AT TIME ZONE 'UTC')::date <= $3)
      GROUP BY currency ORDER BY currency
      """;

  private final Pool pool;

  public BooksStore(Pool pool) {
    this.pool = pool;
  }

  /** {@code days}: one entry per (day, provider, currency); {@code totals}: per (provider, currency) over the range. */
  public Future<JsonObject> books(UUID companyId, LocalDate from, LocalDate to, String provider) {
    return pool.preparedQuery(LINES)
        .execute(Tuple.of(companyId, from, to, provider))
        .map(rows -> {
          Map<String, JsonObject> days = new LinkedHashMap<>();
          Map<String, JsonObject> totals = new LinkedHashMap<>();
          for (Row r : rows) {
            String day = r.getLocalDate("day").toString();
            String p = r.getString("provider");
            String currency = r.getString("currency");
            JsonObject d = days.computeIfAbsent(
                day + "|" + p + "|" + currency, k -> empty(p, currency).put("day", day));
            JsonObject t = totals.computeIfAbsent(p + "|" + currency, k -> empty(p, currency));
            add(d, r.getString("line"), r.getLong("amount"));
            add(t, r.getString("line"), r.getLong("amount"));
          }
          JsonArray dayList = new JsonArray();
          days.values().forEach(d -> dayList.add(balanced(d)));
          JsonArray totalList = new JsonArray();
          totals.values().forEach(t -> totalList.add(balanced(t)));
          return new JsonObject()
              .put("from", from == null ? null : from.toString())
              .put("to", to == null ? null : to.toString())
              .put("days", dayList)
              .put("totals", totalList);
        })
        .compose(books -> pool.preparedQuery(WRITE_OFFS)
            .execute(Tuple.of(companyId, from, to))
            .map(rows -> {
              JsonArray writtenOff = new JsonArray();
              for (Row r : rows) {
                writtenOff.add(new JsonObject()
                    .put("currency", r.getString("currency"))
                    .put("count", r.getLong("count"))
                    .put("amount", r.getLong("amount")));
              }
              return books.put("writtenOff", writtenOff);
            }));
  }

  private static JsonObject empty(String provider, String currency) {
    JsonObject allocated = new JsonObject();
    ALLOCATED.forEach(k -> allocated.put(k, 0L));
    return new JsonObject()
        .put("provider", provider)
        .put("currency", currency)
        .put("received", 0L)
        .put("allocated", allocated.put("total", 0L))
        .put("suspense", 0L)
        .put("dismissed", 0L)
        .put("returned", 0L)
        .put("reversed", 0L)
        .put("pendingApproval", 0L);
  }

  private static void add(JsonObject o, String line, long amount) {
    switch (line) {
      case "RECEIVED" -> o.put("received", o.getLong("received") + amount);
      case "SUSPENSE" -> o.put("suspense", o.getLong("suspense") + amount);
      case "DISMISSED" -> o.put("dismissed", o.getLong("dismissed") + amount);
      case "RETURNED" -> o.put("returned", o.getLong("returned") + amount);
      case "REVERSED" -> o.put("reversed", o.getLong("reversed") + amount);
      case "PENDING_APPROVAL" -> o.put("pendingApproval", o.getLong("pendingApproval") + amount);
      default -> {
        JsonObject a = o.getJsonObject("allocated");
        a.put(line, a.getLong(line, 0L) + amount).put("total", a.getLong("total") + amount);
      }
    }
  }

  /**
   * {@code balanced}: received = allocated + suspense + dismissed + returned + reversed + pendingApproval
   * (shown, never assumed).
   */
  private static JsonObject balanced(JsonObject o) {
    long accounted = o.getJsonObject("allocated").getLong("total")
        + o.getLong("suspense")
        + o.getLong("dismissed")
        + o.getLong("returned")
        + o.getLong("reversed")
        + o.getLong("pendingApproval");
    return o.put("balanced", accounted == o.getLong("received"));
  }
}
