package io.payg.gateway.transaction;

import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.Paging;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/** SQL for reading transactions with their allocations, token and job state. */
public final class TransactionStore {

  /** $1 company, $2 serial, $3 status, $4 provider, $5 from, $6 to, $7 before, $8 limit, $9 agent, $10 customer. */
  private static final String SEARCH = """
      SELECT t.id, t.provider, t.provider_txn_id, t.serial, t.amount, t.currency, t.status, t.paid_at,
             t.created_at, t.token_unit, t.token_quantity, k.value AS token
        FROM transactions t LEFT JOIN tokens k ON k.transaction_id = t.id
       WHERE t.company_id = $1
         AND ($2::text IS NULL OR lower(t.serial) = lower($2)) AND ($3::text IS NULL OR t.status = $3)
         AND ($4::text IS NULL OR t.provider = $4) AND ($5::timestamptz IS NULL OR t.created_at >= $5)
         AND ($6::timestamptz IS NULL OR t.created_at < $6) AND ($7::timestamptz IS NULL OR t.created_at < $7)
         AND ($9::uuid IS NULL OR t.agent_id = $9) AND ($10::uuid IS NULL OR t.customer_id = $10)
       ORDER BY t.created_at DESC LIMIT $8""";

  /** Rows of one export page: the export reads {@link #EXPORT_PAGE_ROWS} at a time. */
  static final int EXPORT_PAGE_ROWS = 500;

  /**
   * One page of the CSV export: $1 company, $2 serial, $3 status, $4 provider, $5 from, $6 to,
   * $7 agent, $8 customer; $9, $10: created_at and id of the last row sent (keyset, newest first).
   */
  private static final String EXPORT_PAGE = """
      SELECT t.id, t.created_at, t.paid_at, t.provider, t.provider_txn_id, t.serial,
             t.amount, t.currency, t.status, t.msisdn, t.agent_id, t.token_unit, t.token_quantity, k.value
        FROM transactions t LEFT JOIN tokens k ON k.transaction_id = t.id
       WHERE t.company_id = $1
         AND ($2::text IS NULL OR lower(t.serial) = lower($2)) AND ($3::text IS NULL OR t.status = $3)
         AND ($4::text IS NULL OR t.provider = $4) AND ($5::timestamptz IS NULL OR t.created_at >= $5)
         AND ($6::timestamptz IS NULL OR t.created_at < $6)
         AND ($7::uuid IS NULL OR t.agent_id = $7) AND ($8::uuid IS NULL OR t.customer_id = $8)
         AND ($9::timestamptz IS NULL OR (t.created_at, t.id) < ($9, $10::uuid))
       ORDER BY t.created_at DESC, t.id DESC
       LIMIT %d""".formatted(EXPORT_PAGE_ROWS);

  /** $1 transaction, $2 company, $3 only if taken by this agent (or null); a REVERSED one says by what. */
  private static final String DETAIL = """
      SELECT t.id, t.provider, t.provider_txn_id, t.serial, t.amount, t.currency,
             t.msisdn, t.paid_at, t.status, t.token_unit, t.token_quantity, t.created_at, t.updated_at,
             k.value AS token_value, k.manufacturer, k.manufacturer_ref, k.created_at AS token_at,
             j.status AS job_status, j.attempts AS job_attempts, j.last_error AS job_error,
             (SELECT json_agg(json_build_object('kind', a.kind, 'amount', a.amount, 'reference', a.reference)
                              ORDER BY a.position)
                FROM allocations a WHERE a.transaction_id = t.id) AS allocations,
             (SELECT json_build_object('status', s.status, 'attempts', s.attempts)
                FROM outbox s WHERE s.transaction_id = t.id AND s.kind = 'SMS') AS sms,
             (SELECT json_build_object('id', v.id, 'source', v.source, 'reason', v.reason, 'reversalDebt', v.debt,
                                       'createdAt', v.created_at)
                FROM reversals v WHERE v.transaction_id = t.id) AS reversal
        FROM transactions t
        LEFT JOIN tokens k ON k.transaction_id = t.id
        LEFT JOIN outbox j ON j.transaction_id = t.id AND j.kind = 'TOKEN'
       WHERE t.id = $1 AND t.company_id = $2 AND ($3::uuid IS NULL OR t.agent_id = $3)""";

  /**
   * $1 transaction, $2 company: a FAILED token job back in the queue and the transaction back to
   * PROCESSED. A reversed payment's failed token stays failed: nothing was delivered, nothing is
   * owed for it.
   */
  private static final String RETRY_TOKEN = """
      WITH j AS (
        UPDATE outbox
           SET status = 'PENDING', attempts = 0, next_attempt_at = now(), last_error = NULL, updated_at = now()
         WHERE transaction_id = $1 AND company_id = $2 AND kind = 'TOKEN' AND status = 'FAILED'
           AND NOT EXISTS (SELECT 1 FROM transactions x WHERE x.id = $1 AND x.status = 'REVERSED')
        RETURNING transaction_id)
      UPDATE transactions SET status = 'PROCESSED', updated_at = now()
        FROM j
       WHERE transactions.id = j.transaction_id""";

  private final Pool pool;

  public TransactionStore(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonObject> get(UUID companyId, UUID id) {
    return get(companyId, null, id);
  }

  /** A transaction; with {@code agentId}, only one that agent took. */
  public Future<JsonObject> get(UUID companyId, UUID agentId, UUID id) {
    return pool.preparedQuery(DETAIL).execute(Tuple.of(id, companyId, agentId)).map(rows -> {
      if (rows.size() == 0) {
        throw ApiException.notFound("transaction");
      }
      return detail(rows.iterator().next());
    });
  }

  /**
   * Puts a FAILED token job back in the queue (attempts from zero) and the transaction back to
   * PROCESSED. Only a failed job can be retried: a token is never requested twice.
   */
  public Future<Void> retryToken(Caller who, UUID id) {
    return requeue(
        who,
        id,
        "transaction.token_retried",
        RETRY_TOKEN,
        "TOKEN_NOT_FAILED",
        "Only a transaction whose token FAILED can be retried");
  }

  /** Sends the customer's confirmation again (a new SMS, the same text). */
  public Future<Void> resendSms(Caller who, UUID id) {
    return requeue(
        who,
        id,
        "transaction.sms_resent",
        """
        UPDATE outbox SET status = 'PENDING', attempts = 0, next_attempt_at = now(),
        last_error = NULL, updated_at = now() WHERE transaction_id = $1 AND company_id = $2 AND kind = 'SMS'
        AND status IN ('DONE', 'FAILED')""",
        "SMS_NOT_READY",
        "The confirmation is not written yet (the token is still pending) or is being sent");
  }

  private Future<Void> requeue(
      Caller who, UUID id, String action, String sql, String code, String detail) {
    UUID companyId = who.companyId();
    return AuditStore.inTransaction(
            pool,
            who,
            conn -> conn.preparedQuery(sql)
                .execute(Tuple.of(id, companyId))
                .map(rows -> rows.rowCount()),
            n -> n == 0
                ? null
                : new AuditStore.Entry(
                    action,
                    "transaction",
                    id.toString(),
                    null,
                    new JsonObject().put("requeued", true)))
        .compose(n -> {
          if (n > 0) {
            return Future.succeededFuture();
          }
          // tell "not yours / no such transaction" (404) from "not in a state to do this" (409)
          return get(companyId, id)
              .compose(exists -> Future.failedFuture(ApiException.conflict(code, detail)));
        });
  }

  /** Newest first, keyset-paged on createdAt ({@code before}): at most {@code limit} of {@code criteria}'s. */
  public Future<JsonObject> search(TransactionSearch criteria, OffsetDateTime before, int limit) {
    return pool.preparedQuery(SEARCH)
        .execute(Tuple.from(new Object[] {
          criteria.companyId(),
          criteria.serial(),
          criteria.status(),
          criteria.provider(),
          criteria.from(),
          criteria.to(),
          before,
          limit,
          criteria.agentId(),
          criteria.customerId()
        }))
        .map(rows -> {
          JsonArray items = new JsonArray();
          String last = null;
          for (Row r : rows) {
            last = r.getOffsetDateTime("created_at").toString();
            items.add(new JsonObject()
                .put("id", r.getUUID("id").toString())
                .put("provider", r.getString("provider"))
                .put("providerTxnId", r.getString("provider_txn_id"))
                .put("serial", r.getString("serial"))
                .put("amount", r.getLong("amount"))
                .put("currency", r.getString("currency"))
                .put("status", r.getString("status"))
                .put("paidAt", r.getOffsetDateTime("paid_at").toString())
                .put("createdAt", last)
                .put(
                    "token",
                    r.getString("token_unit") == null
                        ? null
                        : new JsonObject()
                            .put("unit", r.getString("token_unit"))
                            .put("quantity", r.getLong("token_quantity"))
                            .put("value", r.getString("token"))));
          }
          return Paging.page(items, limit, "createdAt");
        });
  }

  /**
   * One page of the export, after the row ({@code createdAt}, {@code id}) sent last (both null:
   * the first page). Each page is a short auto-commit query: nothing stays open between pages.
   */
  Future<RowSet<Row>> exportPage(TransactionSearch criteria, OffsetDateTime createdAt, UUID id) {
    return pool.preparedQuery(EXPORT_PAGE).execute(Tuple.from(new Object[] {
      criteria.companyId(),
      criteria.serial(),
      criteria.status(),
      criteria.provider(),
      criteria.from(),
      criteria.to(),
      criteria.agentId(),
      criteria.customerId(),
      createdAt,
      id
    }));
  }

  private static JsonObject detail(Row r) {
    JsonObject o = new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("provider", r.getString("provider"))
        .put("providerTxnId", r.getString("provider_txn_id"))
        .put("serial", r.getString("serial"))
        .put("amount", r.getLong("amount"))
        .put("currency", r.getString("currency"))
        .put("msisdn", r.getString("msisdn"))
        .put("paidAt", r.getOffsetDateTime("paid_at").toString())
        .put("status", r.getString("status"))
        .put("createdAt", r.getOffsetDateTime("created_at").toString())
        .put("updatedAt", r.getOffsetDateTime("updated_at").toString());
    Object allocations = r.getValue("allocations");
    o.put("allocations", allocations instanceof JsonArray a ? a : new JsonArray());
    if (r.getString("token_unit") != null) {
      JsonObject token = new JsonObject()
          .put("unit", r.getString("token_unit"))
          .put("quantity", r.getLong("token_quantity"));
      if (r.getString("token_value") != null) {
        token
            .put("status", "ISSUED")
            .put("value", r.getString("token_value"))
            .put("manufacturer", r.getString("manufacturer"))
            .put("manufacturerRef", r.getString("manufacturer_ref"))
            .put("issuedAt", r.getOffsetDateTime("token_at").toString());
      } else {
        token
            .put("status", "FAILED".equals(r.getString("job_status")) ? "FAILED" : "PENDING")
            .put("attempts", r.getInteger("job_attempts"))
            .put("lastError", r.getString("job_error"));
      }
      o.put("token", token);
    }
    if (r.getColumnIndex("reversal") >= 0
        && r.getValue("reversal") instanceof JsonObject reversal) {
      o.put("reversal", reversal);
    }
    Object sms = r.getValue("sms");
    if (sms instanceof JsonObject s) {
      o.put("sms", s);
    }
    return o;
  }
}
