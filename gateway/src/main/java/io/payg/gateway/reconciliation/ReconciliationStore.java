package io.payg.gateway.reconciliation;

import io.payg.gateway.http.ApiException;
import io.payg.gateway.unmatched.UnmatchedPaymentStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * SQL of the reconciliations: the staged statement rows (multi-row INSERT from arrays), the
 * matching (set-based, in one transaction once the whole statement is in) and the report.
 */
public final class ReconciliationStore {

  static final String CREATE = """
      INSERT INTO reconciliations (id, company_id, provider, format, status, created_by)
      VALUES ($1, $2, $3, $4, 'LOADING', $5)
      """;

  /** One batch of rows: parallel arrays, one element per line. */
  static final String STAGE = """
      INSERT INTO statement_rows (reconciliation_id, line, provider_txn_id, occurred_at, amount, currency,
                                  account_reference, msisdn, outcome, note, raw)
      SELECT $1, r.* FROM unnest($2::bigint[], $3::text[], $4::timestamptz[], $5::bigint[], $6::text[],
                                 $7::text[], $8::text[], $9::text[], $10::text[], $11::text[]) AS r
      """;

  static final String DISCARD = """
      DELETE FROM reconciliations WHERE id = $1 AND status = 'LOADING'""";

  static final String FAILED = """
      WITH gone AS (DELETE FROM statement_rows WHERE reconciliation_id = $1)
      UPDATE reconciliations SET status = 'FAILED', completed_at = now() WHERE id = $1 AND status = 'LOADING'
      """;

  static final String SAME_STATEMENT = """
      SELECT id FROM reconciliations
      WHERE company_id = $1 AND provider = $2 AND content_sha256 = $3 AND status = 'COMPLETED'
      """;

  /** The unique (company, provider, hash) key decides between two uploads of one statement. */
  static final String CLAIM = """
      UPDATE reconciliations SET content_sha256 = $2, lines = $3 WHERE id = $1 AND status = 'LOADING'
      """;

  /** A provider id listed twice: the first line counts, later ones are reported. */
  static final String DUPLICATES = """
      UPDATE statement_rows s SET outcome = 'DUPLICATE', note = 'the same provider id as line ' || d.first_line
      FROM (SELECT line, min(line) OVER (PARTITION BY provider_txn_id) AS first_line
            FROM statement_rows WHERE reconciliation_id = $1 AND outcome IS NULL) d
      WHERE s.reconciliation_id = $1 AND s.line = d.line AND d.line > d.first_line
      """;

  /** Each remaining payment row against the company's transactions of the provider, by provider id. */
  static final String MATCH_TRANSACTIONS = """
      UPDATE statement_rows s
      SET outcome = CASE WHEN t.currency <> s.currency THEN 'CURRENCY_MISMATCH'
                         WHEN t.amount <> s.amount THEN 'AMOUNT_MISMATCH' ELSE 'MATCHED' END,
          gateway_kind = 'TRANSACTION', gateway_id = t.id, gateway_amount = t.amount, gateway_currency = t.currency
      FROM transactions t
      WHERE s.reconciliation_id = $1 AND s.outcome IS NULL
        AND t.company_id = $2 AND t.provider = $3 AND t.provider_txn_id = s.provider_txn_id
      """;

  /** ... then against its unmatched payments (money the gateway has, unbooked). */
  static final String MATCH_UNMATCHED = """
      UPDATE statement_rows s
      SET outcome = CASE WHEN u.currency <> s.currency THEN 'CURRENCY_MISMATCH'
                         WHEN u.amount <> s.amount THEN 'AMOUNT_MISMATCH' ELSE 'MATCHED' END,
          gateway_kind = 'UNMATCHED_PAYMENT', gateway_id = u.id, gateway_amount = u.amount,
            gateway_currency = u.currency
      FROM unmatched_payments u
      WHERE s.reconciliation_id = $1 AND s.outcome IS NULL
        AND u.company_id = $2 AND u.provider = $3 AND u.provider_txn_id = s.provider_txn_id
      """;

  /** The statement's payment rows: matched, mismatched, or not matched yet (to be STATEMENT_ONLY). */
  private static final String PAYMENT_ROW = """
      coalesce(s.outcome, 'PENDING') IN ('PENDING', 'MATCHED', 'AMOUNT_MISMATCH', 'CURRENCY_MISMATCH')""";

  static final String PERIOD = """
      SELECT min(occurred_at), max(occurred_at)
        FROM statement_rows s
       WHERE s.reconciliation_id = $1 AND %s""".formatted(PAYMENT_ROW);

  /** The gateway's money of the provider within [from, to] (paid_at; received_at for unmatched without one). */
  private static final String GATEWAY_SIDE = """
      SELECT 'TRANSACTION' AS kind, t.id, t.provider_txn_id, t.paid_at AS at, t.amount, t.currency,
        t.serial AS reference
      FROM transactions t
      WHERE t.company_id = $2 AND t.provider = $3 AND t.paid_at BETWEEN $4 AND $5
      UNION ALL
      SELECT 'UNMATCHED_PAYMENT', u.id, u.provider_txn_id, coalesce(u.paid_at, u.received_at), u.amount, u.currency,
             u.account_reference
      FROM unmatched_payments u
      WHERE u.company_id = $2 AND u.provider = $3 AND u.status <> 'ASSIGNED' -- assigned: its money is the transaction
        AND (u.paid_at BETWEEN $4 AND $5 OR (u.paid_at IS NULL AND u.received_at BETWEEN $4 AND $5))
      """;

  /** In the gateway, not in the statement (a line the statement skipped, e.g. a failed attempt, does not count). */
  static final String GATEWAY_ONLY = """
      INSERT INTO reconciliation_gateway_only (reconciliation_id, gateway_kind, gateway_id, provider_txn_id,
                                               occurred_at, amount, currency, account_reference)
      SELECT $1, g.kind, g.id, g.provider_txn_id, g.at, g.amount, g.currency, g.reference
      FROM (%s) g
      WHERE NOT EXISTS (SELECT 1 FROM statement_rows s
                        WHERE s.reconciliation_id = $1 AND s.provider_txn_id = g.provider_txn_id
                          AND s.outcome IS DISTINCT FROM 'SKIPPED')
      """.formatted(GATEWAY_SIDE);

  /** Per UTC day and currency, both sides; taken before this reconciliation keeps anything. */
  static final String DAYS = """
      INSERT INTO reconciliation_days (reconciliation_id, day, currency, statement_count, statement_amount,
                                       gateway_count, gateway_amount)
      SELECT $1, day, currency, sum(sc), sum(sa), sum(gc), sum(ga)
      FROM (SELECT (s.occurred_at AT TIME ZONE 'UTC')::date AS day, s.currency, 1 AS sc, s.amount AS sa, 0 AS gc,
        0 AS ga
            FROM statement_rows s WHERE s.reconciliation_id = $1 AND %s
            UNION ALL
            SELECT (g.at AT TIME ZONE 'UTC')::date, g.currency, 0, 0, 1, g.amount FROM (%s) g) x
      GROUP BY day, currency
      """.formatted(PAYMENT_ROW, GATEWAY_SIDE);

  /** What keeping left without an outcome: a provider id the gateway got meanwhile (no unmatched payment). */
  static final String STATEMENT_ONLY = """
      UPDATE statement_rows SET outcome = 'STATEMENT_ONLY' WHERE reconciliation_id = $1 AND outcome IS NULL
      """;

  /**
   * The upload's audit row, in its matching transaction: by the operator who uploaded it, what it
   * kept ($2 statement-only payments kept as unmatched, $3 lines read). A replay of the same bytes writes none.
   */
  static final String AUDIT_UPLOAD = """
      INSERT INTO audit_log (id, company_id, actor_id, actor_role, action, entity, entity_id, before, after)
      SELECT gen_random_uuid(), r.company_id, u.id, u.role, 'reconciliation.uploaded', 'reconciliation', r.id::text,
        NULL,
             jsonb_build_object('provider', r.provider, 'format', r.format, 'sha256', r.content_sha256,
                                'lines', $3::bigint, 'keptAsUnmatched', $2::bigint)
      FROM reconciliations r JOIN users u ON u.id = r.created_by AND u.company_id = r.company_id
      WHERE r.id = $1
      """;

  static final String SUMMARY = """
      UPDATE reconciliations r SET status = 'COMPLETED', completed_at = now(), period_from = $2, period_to = $3,
        kept_unmatched = $4,
        payments = c.matched + c.amount_mismatches + c.currency_mismatches + c.statement_only,
        matched = c.matched, amount_mismatches = c.amount_mismatches, currency_mismatches = c.currency_mismatches,
        statement_only = c.statement_only, duplicates = c.duplicates, malformed = c.malformed, skipped = c.skipped,
        gateway_only = (SELECT count(*) FROM reconciliation_gateway_only g WHERE g.reconciliation_id = $1)
      FROM (SELECT count(*) FILTER (WHERE outcome = 'MATCHED') AS matched,
                   count(*) FILTER (WHERE outcome = 'AMOUNT_MISMATCH') AS amount_mismatches,
                   count(*) FILTER (WHERE outcome = 'CURRENCY_MISMATCH') AS currency_mismatches,
                   count(*) FILTER (WHERE outcome = 'STATEMENT_ONLY') AS statement_only,
                   count(*) FILTER (WHERE outcome = 'DUPLICATE') AS duplicates,
                   count(*) FILTER (WHERE outcome = 'MALFORMED') AS malformed,
                   count(*) FILTER (WHERE outcome = 'SKIPPED') AS skipped
            FROM statement_rows WHERE reconciliation_id = $1) c
      WHERE r.id = $1
      """;

  static final String HEAD = """
      SELECT id, provider, format, status, content_sha256, created_by, created_at, completed_at, period_from,
             period_to, lines, payments, matched, amount_mismatches, currency_mismatches, statement_only,
             kept_unmatched, gateway_only, duplicates, malformed, skipped
      FROM reconciliations WHERE id = $1 AND company_id = $2
      """;

  static final String ROWS = """
      SELECT line, provider_txn_id, occurred_at, amount, currency, account_reference, outcome, note,
             gateway_kind, gateway_id, gateway_amount, gateway_currency
      FROM statement_rows WHERE reconciliation_id = $1 AND outcome = ANY($2::text[]) ORDER BY line LIMIT $3
      """;

  static final String GATEWAY_ONLY_ROWS = """
      SELECT gateway_kind, gateway_id, provider_txn_id, occurred_at, amount, currency, account_reference
      FROM reconciliation_gateway_only WHERE reconciliation_id = $1 ORDER BY occurred_at, provider_txn_id LIMIT $2
      """;

  static final String DAY_ROWS = """
      SELECT day, currency, statement_count, statement_amount, gateway_count, gateway_amount
      FROM reconciliation_days WHERE reconciliation_id = $1 ORDER BY day, currency
      """;

  /** The whole report as CSV rows (see {@link ReconciliationCsv}): statement lines, then gateway-only, then days. */
  static final String CSV_ROWS = """
      SELECT 1 AS part, line AS k, outcome AS section, line, provider_txn_id, to_char(occurred_at AT TIME ZONE 'UTC',
        'YYYY-MM-DD"T"HH24:MI:SS"Z"'), amount, currency::text,
             gateway_kind, gateway_id::text, gateway_amount, gateway_currency::text, account_reference, note
      FROM statement_rows WHERE reconciliation_id = $1
      UNION ALL
      SELECT 2, row_number() OVER (ORDER BY occurred_at, provider_txn_id), 'GATEWAY_ONLY', NULL, provider_txn_id,
             to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), NULL, NULL, gateway_kind,
               gateway_id::text, amount, currency::text, account_reference, NULL
      FROM reconciliation_gateway_only WHERE reconciliation_id = $1
      UNION ALL
      SELECT 3, row_number() OVER (ORDER BY day, currency), 'DAY', NULL, NULL, day::text, statement_amount,
        currency::text,
             NULL, NULL, gateway_amount, currency::text, NULL,
             'statement ' || statement_count || ' payments, gateway ' || gateway_count
      FROM reconciliation_days WHERE reconciliation_id = $1
      ORDER BY part, k
      """;

  /** A staged line: the parsed row and its text. */
  record Staged(StatementRow row, String raw) {}

  /** The reconciliation an upload ended in: its own, or the first one of the same statement. */
  public record Completion(UUID id, boolean replayed) {}

  private final Pool pool;
  private final UnmatchedPaymentStore unmatched;

  public ReconciliationStore(Pool pool, UnmatchedPaymentStore unmatched) {
    this.pool = pool;
    this.unmatched = unmatched;
  }

  /**
   * Hands {@code reader} the report rows of {@code id} ({@link #CSV_ROWS}) as a cursor of 200
   * rows a fetch, inside a read-only transaction that lasts until {@code reader}'s Future ends.
   */
  Future<Void> reportRows(UUID id, Function<RowStream<Row>, Future<Void>> reader) {
    return pool.withTransaction(conn -> conn.query("""
        SET TRANSACTION READ ONLY""")
        .execute()
        .compose(v -> conn.prepare(CSV_ROWS))
        .compose(ps -> reader.apply(ps.createStream(200, Tuple.of(id)))));
  }

  Future<Void> create(
      UUID id, UUID companyId, String provider, StatementFormat format, UUID userId) {
    return pool.preparedQuery(CREATE)
        .execute(Tuple.of(id, companyId, provider, format.code, userId))
        .mapEmpty();
  }

  Future<Void> stage(UUID id, List<Staged> batch) {
    int n = batch.size();
    Long[] lines = new Long[n];
    String[] ids = new String[n];
    OffsetDateTime[] times = new OffsetDateTime[n];
    Long[] amounts = new Long[n];
    String[] currencies = new String[n];
    String[] references = new String[n];
    String[] msisdns = new String[n];
    String[] outcomes = new String[n];
    String[] notes = new String[n];
    String[] raws = new String[n];
    for (int i = 0; i < n; i++) {
      Staged s = batch.get(i);
      lines[i] = s.row().line();
      raws[i] = clean(s.raw());
      if (s.row() instanceof StatementRow.Payment p) {
        ids[i] = p.providerTxnId();
        times[i] = p.occurredAt().atOffset(ZoneOffset.UTC);
        amounts[i] = p.amount();
        currencies[i] = p.currency();
        references[i] = clean(p.accountReference());
        msisdns[i] = clean(p.msisdn());
      } else if (s.row() instanceof StatementRow.Skipped k) {
        ids[i] = k.providerTxnId();
        outcomes[i] = "SKIPPED";
        notes[i] = clean(k.note());
      } else if (s.row() instanceof StatementRow.Malformed m) {
        ids[i] = m.providerTxnId();
        outcomes[i] = "MALFORMED";
        notes[i] = clean(m.error());
      }
    }
    Tuple args = Tuple.tuple()
        .addUUID(id)
        .addArrayOfLong(lines)
        .addArrayOfString(ids)
        .addArrayOfOffsetDateTime(times)
        .addArrayOfLong(amounts)
        .addArrayOfString(currencies)
        .addArrayOfString(references)
        .addArrayOfString(msisdns)
        .addArrayOfString(outcomes)
        .addArrayOfString(notes)
        .addArrayOfString(raws);
    return pool.preparedQuery(STAGE).execute(args).mapEmpty();
  }

  /** Removes an upload that did not complete (and its staged rows). */
  Future<Void> discard(UUID id) {
    return pool.preparedQuery(DISCARD).execute(Tuple.of(id)).mapEmpty();
  }

  /** Marks an upload whose matching failed after it was answered; its staged rows go, the row says FAILED. */
  Future<Void> failed(UUID id) {
    return pool.preparedQuery(FAILED).execute(Tuple.of(id)).mapEmpty();
  }

  /**
   * Matches a fully staged statement, in one transaction: or, when the company already reconciled
   * these very bytes for this provider, discards this upload and answers the first reconciliation.
   */
  Future<Completion> complete(UUID id, UUID companyId, String provider, String sha256, long lines) {
    return same(companyId, provider, sha256)
        .compose(first -> first != null
            ? replay(id, first)
            : pool.withTransaction(tx -> match(tx, id, companyId, provider, sha256, lines))
                .map(v -> new Completion(id, false))
                .recover(err -> err instanceof PgException pg && "23505".equals(pg.getSqlState())
                    // a concurrent upload of the same statement completed first
                    ? same(companyId, provider, sha256)
                        .compose(winner ->
                            winner == null ? Future.failedFuture(err) : replay(id, winner))
                    : Future.failedFuture(err)));
  }

  private Future<UUID> same(UUID companyId, String provider, String sha256) {
    return pool.preparedQuery(SAME_STATEMENT)
        .execute(Tuple.of(companyId, provider, sha256))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID(0));
  }

  private Future<Completion> replay(UUID id, UUID first) {
    return discard(id).map(v -> new Completion(first, true));
  }

  private Future<Void> match(
      SqlConnection tx, UUID id, UUID companyId, String provider, String sha256, long lines) {
    Tuple own = Tuple.of(id, companyId, provider);
    return tx.preparedQuery(CLAIM)
        .execute(Tuple.of(id, sha256, lines))
        .compose(claimed -> claimed.rowCount() == 1
            ? Future.succeededFuture()
            : Future.failedFuture(
                new IllegalStateException("reconciliation " + id + " is not loading")))
        .compose(v -> tx.preparedQuery(DUPLICATES).execute(Tuple.of(id)))
        .compose(v -> tx.preparedQuery(MATCH_TRANSACTIONS).execute(own))
        .compose(v -> tx.preparedQuery(MATCH_UNMATCHED).execute(own))
        .compose(v -> tx.preparedQuery(PERIOD).execute(Tuple.of(id)))
        .compose(period -> {
          Row p = period.iterator().next();
          OffsetDateTime from = p.getOffsetDateTime(0);
          OffsetDateTime to = p.getOffsetDateTime(1);
          Tuple range = Tuple.of(id, companyId, provider, from, to);
          Future<?> gatewaySide = from == null
              ? Future.succeededFuture()
              : tx.preparedQuery(GATEWAY_ONLY)
                  .execute(range)
                  .compose(x -> tx.preparedQuery(DAYS).execute(range));
          return gatewaySide
              .compose(x -> unmatched.keepStatementOnly(tx, id, companyId, provider))
              .compose(kept -> tx.preparedQuery(STATEMENT_ONLY)
                  .execute(Tuple.of(id))
                  .compose(
                      x -> tx.preparedQuery(SUMMARY).execute(Tuple.of(id, from, to, (long) kept)))
                  .compose(x ->
                      tx.preparedQuery(AUDIT_UPLOAD).execute(Tuple.of(id, (long) kept, lines))));
        })
        .mapEmpty();
  }

  /** The report as JSON; each list holds at most {@code limit} entries (the counts are whole). */
  Future<JsonObject> report(UUID companyId, UUID id, int limit) {
    return pool.preparedQuery(HEAD).execute(Tuple.of(id, companyId)).compose(head -> {
      if (head.size() == 0) {
        return Future.failedFuture(ApiException.notFound("reconciliation"));
      }
      JsonObject report = head(head.iterator().next());
      report.put("limit", limit);
      return rows(id, List.of("MATCHED"), limit)
          .onSuccess(a -> report.put("matched", a))
          .compose(v -> rows(id, List.of("AMOUNT_MISMATCH", "CURRENCY_MISMATCH"), limit))
          .onSuccess(a -> report.put("mismatches", a))
          .compose(v -> rows(id, List.of("STATEMENT_ONLY"), limit))
          .onSuccess(a -> report.put("statementOnly", a))
          .compose(v -> rows(id, List.of("MALFORMED"), limit))
          .onSuccess(a -> report.put("malformed", a))
          .compose(v -> rows(id, List.of("DUPLICATE"), limit))
          .onSuccess(a -> report.put("duplicates", a))
          .compose(v -> rows(id, List.of("SKIPPED"), limit))
          .onSuccess(a -> report.put("skipped", a))
          .compose(v -> pool.preparedQuery(GATEWAY_ONLY_ROWS).execute(Tuple.of(id, limit)))
          .onSuccess(rows -> {
            JsonArray a = new JsonArray();
            rows.forEach(r -> a.add(new JsonObject()
                .put("providerTxnId", r.getString(2))
                .put("occurredAt", text(r.getOffsetDateTime(3)))
                .put("amount", r.getLong(4))
                .put("currency", r.getString(5))
                .put("accountReference", r.getString(6))
                .put(
                    "gateway",
                    new JsonObject()
                        .put("kind", r.getString(0))
                        .put("id", r.getUUID(1).toString()))));
            report.put("gatewayOnly", a);
          })
          .compose(v -> pool.preparedQuery(DAY_ROWS).execute(Tuple.of(id)))
          .map(rows -> {
            JsonArray days = new JsonArray();
            rows.forEach(r -> days.add(new JsonObject()
                .put("day", r.getLocalDate(0).toString())
                .put("currency", r.getString(1))
                .put(
                    "statement",
                    new JsonObject().put("count", r.getLong(2)).put("amount", r.getLong(3)))
                .put(
                    "gateway",
                    new JsonObject().put("count", r.getLong(4)).put("amount", r.getLong(5)))
                .put("difference", r.getLong(3) - r.getLong(5))));
            return report.put("days", days);
          });
    });
  }

  private Future<JsonArray> rows(UUID id, List<String> outcomes, int limit) {
    return pool.preparedQuery(ROWS)
        .execute(Tuple.of(id, outcomes.toArray(new String[0]), limit))
        .map(rows -> {
          JsonArray a = new JsonArray();
          for (Row r : rows) {
            JsonObject o =
                new JsonObject().put("line", r.getLong(0)).put("providerTxnId", r.getString(1));
            if (r.getLong(3) != null) {
              o.put("occurredAt", text(r.getOffsetDateTime(2)))
                  .put("amount", r.getLong(3))
                  .put("currency", r.getString(4))
                  .put("accountReference", r.getString(5));
            }
            if (outcomes.size() > 1) {
              o.put("outcome", r.getString(6));
            }
            if (r.getString(7) != null) {
              o.put("note", r.getString(7));
            }
            if (r.getString(8) != null) {
              JsonObject g = new JsonObject()
                  .put("kind", r.getString(8))
                  .put("id", r.getUUID(9).toString());
              if (r.getLong(10) != null) {
                g.put("amount", r.getLong(10)).put("currency", r.getString(11));
              }
              o.put("gateway", g);
            }
            a.add(o);
          }
          return a;
        });
  }

  private static JsonObject head(Row r) {
    return new JsonObject()
        .put("id", r.getUUID(0).toString())
        .put("provider", r.getString(1))
        .put("format", r.getString(2))
        .put("status", r.getString(3))
        .put("contentSha256", r.getString(4))
        .put("createdBy", r.getUUID(5).toString())
        .put("createdAt", text(r.getOffsetDateTime(6)))
        .put("completedAt", text(r.getOffsetDateTime(7)))
        .put(
            "period",
            new JsonObject()
                .put("from", text(r.getOffsetDateTime(8)))
                .put("to", text(r.getOffsetDateTime(9))))
        .put(
            "counts",
            new JsonObject()
                .put("lines", r.getLong(10))
                .put("payments", r.getLong(11))
                .put("matched", r.getLong(12))
                .put("amountMismatches", r.getLong(13))
                .put("currencyMismatches", r.getLong(14))
                .put("statementOnly", r.getLong(15))
                .put("keptAsUnmatched", r.getLong(16))
                .put("gatewayOnly", r.getLong(17))
                .put("duplicates", r.getLong(18))
                .put("malformed", r.getLong(19))
                .put("skipped", r.getLong(20)));
  }

  private static String text(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }

  private static String clean(String s) {
    return s == null ? null : s.replace('\0', '\uFFFD'); // PostgreSQL text cannot hold NUL
  }
}
