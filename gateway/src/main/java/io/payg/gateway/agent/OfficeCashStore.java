package io.payg.gateway.agent;

import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.http.Paging;
import io.payg.gateway.payment.PaymentService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * SQL of office cash waiting for a second person (V27): the company's threshold, the held
 * payments, and their approval or rejection. A held payment is processed under the provider id
 * {@code approved:<recorder>:<key>} (so the payment's own statement writes no audit row: the
 * approval's row says who approved what), which makes concurrent approvals one transaction.
 */
final class OfficeCashStore {

  /** The provider id a held payment is processed under, once approved. */
  static String approvedProviderTxnId(UUID recordedBy, String key) {
    return "approved:" + recordedBy + ":" + key;
  }

  /** SQL twin of {@link #approvedProviderTxnId} over a row {@code p}. */
  static final String APPROVED_TXN_ID = "'approved:' || p.recorded_by || ':' || p.idempotency_key";

  private static final String COLUMNS = """
      p.id, p.recorded_by, p.idempotency_key, p.serial, p.amount, p.currency, p.msisdn, p.status, p.decided_by,
      p.decided_at, p.reason, p.transaction_id, p.created_at""";

  /** Holds the payment, unless the staff user's key already paid directly ($10 = that provider id). */
  private static final String HOLD = """
      INSERT INTO office_cash_pending (id, company_id, idempotency_key, recorded_by, serial, amount, currency, msisdn)
      SELECT $1, $2, $3, $4, $5, $6, $7, $8
      WHERE NOT EXISTS (SELECT 1 FROM transactions t WHERE t.company_id = $2 AND t.provider = $9
        AND t.provider_txn_id = $10)
      ON CONFLICT (company_id, recorded_by, idempotency_key) DO NOTHING
      RETURNING id""";

  /**
   * The approval claim: PENDING, or APPROVED without its transaction yet (an approval that did not
   * finish: it is taken again, and processing the same provider id again books it once).
   */
  private static final String CLAIM = """
      UPDATE office_cash_pending p
         SET status = 'APPROVED', decided_by = $3, decided_at = now()
       WHERE p.id = $1 AND p.company_id = $2 AND p.recorded_by <> $3
         AND (p.status = 'PENDING_APPROVAL' OR (p.status = 'APPROVED' AND p.transaction_id IS NULL))
      RETURNING %s""".formatted(COLUMNS);

  private static final String THRESHOLD = """
      SELECT office_cash_approval_threshold FROM companies WHERE id = $1""";

  /** $1 company, $2 staff user who recorded it, $3 their idempotency key. */
  private static final String BY_KEY = """
      SELECT %s
        FROM office_cash_pending p
       WHERE p.company_id = $1 AND p.recorded_by = $2 AND p.idempotency_key = $3""".formatted(COLUMNS);

  /** $1 id, $2 company. */
  private static final String GET = """
      SELECT %s FROM office_cash_pending p WHERE p.id = $1 AND p.company_id = $2""".formatted(COLUMNS);

  /** $1 company, $2 status, $3 keyset (created before, or null), $4 limit. */
  private static final String LIST = """
      SELECT %s,
             (SELECT coalesce(sum(amount), 0) FROM office_cash_pending q
               WHERE q.company_id = $1 AND q.status = 'PENDING_APPROVAL') AS pending_total
        FROM office_cash_pending p
       WHERE p.company_id = $1 AND p.status = $2 AND ($3::timestamptz IS NULL OR p.created_at < $3)
       ORDER BY p.created_at DESC, p.id
       LIMIT $4""".formatted(COLUMNS);

  private final Pool pool;

  OfficeCashStore(Pool pool) {
    this.pool = pool;
  }

  /** The company's threshold above which office cash waits for approval, or null (never waits). */
  Future<Long> threshold(UUID companyId) {
    return pool.preparedQuery(THRESHOLD)
        .execute(Tuple.of(companyId))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  Future<JsonObject> setThreshold(Caller who, Long threshold) {
    return AuditStore.inTransaction(
            pool,
            who,
            conn -> conn.preparedQuery("""
            WITH old AS (SELECT office_cash_approval_threshold AS t FROM companies WHERE id = $1 FOR UPDATE)
            UPDATE companies SET office_cash_approval_threshold = $2 FROM old WHERE id = $1 RETURNING old.t""")
                .execute(Tuple.of(who.companyId(), threshold))
                .map(rows -> rows.iterator().next().getLong(0)),
            old -> new AuditStore.Entry(
                "office_cash_approval.set",
                "company",
                who.companyId().toString(),
                new JsonObject().put("threshold", old),
                new JsonObject().put("threshold", threshold)))
        .map(old -> new JsonObject().put("threshold", threshold));
  }

  /** The held payment of this staff user's key, or null. */
  Future<JsonObject> byKey(UUID companyId, UUID recordedBy, String key) {
    return pool.preparedQuery(BY_KEY)
        .execute(Tuple.of(companyId, recordedBy, key))
        .map(rows -> rows.size() == 0 ? null : json(rows.iterator().next()));
  }

  Future<JsonObject> get(UUID companyId, UUID id) {
    return pool.preparedQuery(GET)
        .execute(Tuple.of(id, companyId))
        .map(rows -> rows.size() == 0 ? null : json(rows.iterator().next()));
  }

  /**
   * Holds the cash for approval, audited; null when nothing was held (the key was used meanwhile:
   * held by a concurrent request, or already paid directly).
   */
  Future<JsonObject> hold(
      Caller staff,
      String key,
      String serial,
      long amount,
      String currency,
      String msisdn,
      String directProviderTxnId) {
    UUID id = UUID.randomUUID();
    return AuditStore.inTransaction(
            pool,
            staff,
            conn -> conn.preparedQuery(HOLD)
                .execute(Tuple.from(new Object[] {
                  id,
                  staff.companyId(),
                  key,
                  staff.userId(),
                  serial,
                  amount,
                  currency,
                  msisdn,
                  PaymentService.CASH,
                  directProviderTxnId
                }))
                .map(rows -> rows.size() == 1),
            held -> !held
                ? null
                : new AuditStore.Entry(
                    "office_cash.held",
                    "office_cash",
                    id.toString(),
                    null,
                    new JsonObject()
                        .put("serial", serial)
                        .put("amount", amount)
                        .put("currency", currency)
                        .put("status", "PENDING_APPROVAL")))
        .compose(held -> held ? get(staff.companyId(), id) : Future.succeededFuture(null));
  }

  /** The approval claim by {@code approver}; null when this row cannot be approved by them now. */
  Future<JsonObject> claim(Caller approver, UUID id) {
    return pool.preparedQuery(CLAIM)
        .execute(Tuple.of(id, approver.companyId(), approver.userId()))
        .map(rows -> rows.size() == 0 ? null : json(rows.iterator().next()));
  }

  /**
   * Ties the approved row to its transaction, with the approval's audit row: only the first of
   * concurrent approvals does (the others find the transaction set and write nothing).
   */
  Future<Boolean> settle(Caller approver, UUID id, UUID transactionId) {
    return AuditStore.inTransaction(
            pool,
            approver,
            conn -> conn.preparedQuery("""
            UPDATE office_cash_pending p SET transaction_id = $3
            WHERE p.id = $1 AND p.company_id = $2 AND p.status = 'APPROVED' AND p.transaction_id IS NULL
            RETURNING p.recorded_by, p.amount, p.currency, p.serial""")
                .execute(Tuple.of(id, approver.companyId(), transactionId))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next()),
            r -> r == null
                ? null
                : new AuditStore.Entry(
                    "office_cash.approved",
                    "office_cash",
                    id.toString(),
                    new JsonObject().put("status", "PENDING_APPROVAL"),
                    new JsonObject()
                        .put("status", "APPROVED")
                        .put("transactionId", transactionId.toString())
                        .put("recordedBy", r.getUUID(0).toString())
                        .put("amount", r.getLong(1))
                        .put("currency", r.getString(2))
                        .put("serial", r.getString(3))))
        .map(r -> r != null);
  }

  /** An approval whose payment was refused: the row waits again (never without its transaction once booked). */
  Future<Void> release(UUID companyId, UUID id) {
    return pool.preparedQuery("""
        UPDATE office_cash_pending SET status = 'PENDING_APPROVAL', decided_by = NULL,
        decided_at = NULL WHERE id = $1 AND company_id = $2 AND status = 'APPROVED' AND transaction_id IS NULL
        """).execute(Tuple.of(id, companyId)).mapEmpty();
  }

  /** Rejected by another person: the cash goes back to the payer; false when not PENDING or their own. */
  Future<Boolean> reject(Caller who, UUID id, String reason) {
    return AuditStore.inTransaction(
        pool,
        who,
        conn -> conn.preparedQuery("""
            UPDATE office_cash_pending SET status = 'REJECTED', decided_by = $3, decided_at = now(), reason = $4
            WHERE id = $1 AND company_id = $2 AND status = 'PENDING_APPROVAL' AND recorded_by <> $3""")
            .execute(Tuple.of(id, who.companyId(), who.userId(), reason))
            .map(rows -> rows.rowCount() == 1),
        done -> !done
            ? null
            : new AuditStore.Entry(
                "office_cash.rejected",
                "office_cash",
                id.toString(),
                new JsonObject().put("status", "PENDING_APPROVAL"),
                new JsonObject().put("status", "REJECTED").put("reason", reason)));
  }

  /** Newest first, keyset-paged; {@code pendingTotal} is every amount still waiting, per the company's currency. */
  Future<JsonObject> list(UUID companyId, String status, OffsetDateTime before, int limit) {
    return pool.preparedQuery(LIST)
        .execute(Tuple.of(companyId, status, before, limit))
        .compose(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(r -> items.add(json(r)));
          JsonObject page = Paging.page(items, limit, "createdAt");
          if (rows.size() > 0) {
            return Future.succeededFuture(
                page.put("pendingTotal", rows.iterator().next().getLong("pending_total")));
          }
          return pool.preparedQuery("""
              SELECT coalesce(sum(amount), 0) FROM office_cash_pending WHERE company_id = $1
              AND status = 'PENDING_APPROVAL'""")
              .execute(Tuple.of(companyId))
              .map(t -> page.put("pendingTotal", t.iterator().next().getLong(0)));
        });
  }

  static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("status", r.getString("status"))
        .put("serial", r.getString("serial"))
        .put("amount", r.getLong("amount"))
        .put("currency", r.getString("currency"))
        .put("msisdn", r.getString("msisdn"))
        .put("recordedBy", r.getUUID("recorded_by").toString())
        .put(
            "decidedBy",
            r.getUUID("decided_by") == null ? null : r.getUUID("decided_by").toString())
        .put(
            "decidedAt",
            r.getOffsetDateTime("decided_at") == null
                ? null
                : r.getOffsetDateTime("decided_at").toString())
        .put("reason", r.getString("reason"))
        .put(
            "transactionId",
            r.getUUID("transaction_id") == null
                ? null
                : r.getUUID("transaction_id").toString())
        .put("createdAt", r.getOffsetDateTime("created_at").toString())
        .put("idempotencyKey", r.getString("idempotency_key"));
  }
}
