package io.payg.gateway.conflict;

import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** SQL of conflicts (a provider id replayed with another amount, currency or serial); written by PaymentStore. */
public final class ConflictStore {

  static final String LIST = """
      SELECT k.*, t.amount AS first_amount, t.serial AS first_serial
      FROM conflicts k JOIN transactions t ON t.id = k.transaction_id
      WHERE k.company_id = $1 AND (k.resolved_at IS NOT NULL) = $2
      ORDER BY k.created_at DESC LIMIT 500""";

  static final String RESOLVE = """
      UPDATE conflicts SET resolved_at = now(), resolution = $3, resolved_by = $4
      WHERE id = $1 AND company_id = $2 AND resolved_at IS NULL
      RETURNING id""";

  private final Pool pool;

  public ConflictStore(Pool pool) {
    this.pool = pool;
  }

  /** The company's conflicts, open or resolved, newest first (at most 500). */
  public Future<JsonObject> list(UUID companyId, boolean resolved) {
    return pool.preparedQuery(LIST).execute(Tuple.of(companyId, resolved)).map(rows -> {
      JsonArray items = new JsonArray();
      rows.forEach(r -> items.add(json(r)));
      return new JsonObject().put("items", items);
    });
  }

  /**
   * Records the operator's decision on an open conflict, with its audit row in the same transaction;
   * 404 when it is not open or not the company's.
   */
  public Future<JsonObject> resolve(Caller caller, UUID conflictId, String resolution) {
    return AuditStore.inTransaction(
        pool,
        caller,
        conn -> conn.preparedQuery(RESOLVE)
            .execute(Tuple.of(conflictId, caller.companyId(), resolution, caller.userId()))
            .map(rows -> {
              if (rows.rowCount() == 0) {
                throw ApiException.notFound("open conflict");
              }
              return new JsonObject()
                  .put("id", conflictId.toString())
                  .put("resolution", resolution);
            }),
        out -> new AuditStore.Entry(
            "conflict.resolved",
            "conflict",
            conflictId.toString(),
            new JsonObject().put("resolved", false),
            new JsonObject().put("resolved", true).put("resolution", resolution)));
  }

  private static JsonObject json(Row r) {
    return new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("provider", r.getString("provider"))
        .put("providerTxnId", r.getString("provider_txn_id"))
        .put("transactionId", r.getUUID("transaction_id").toString())
        .put("serial", r.getString("serial"))
        .put("amount", r.getLong("amount"))
        .put("currency", r.getString("currency"))
        .put("firstSerial", r.getString("first_serial"))
        .put("firstAmount", r.getLong("first_amount"))
        .put("createdAt", r.getOffsetDateTime("created_at").toString())
        .put(
            "resolvedAt",
            r.getOffsetDateTime("resolved_at") == null
                ? null
                : r.getOffsetDateTime("resolved_at").toString())
        .put("resolution", r.getString("resolution"));
  }
}
