package io.payg.gateway.conflict;

import io.payg.gateway.audit.AuditLog;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.PathParams;
import io.payg.gateway.http.Responses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * {@code GET /api/v1/conflicts?resolved=false|true} and
 * {@code POST /api/v1/conflicts/{id}/resolve {resolution}}: replays of a provider transaction
 * id with another amount, currency or serial, kept for an operator. Resolving records what the
 * operator decided; it never changes the first payment.
 */
public final class ConflictRoutes {

  private final Pool pool;

  public ConflictRoutes(Pool pool) {
    this.pool = pool;
  }

  public void mount(Router router) {
    router.get("/api/v1/conflicts").handler(this::list);
    router.post("/api/v1/conflicts/:id/resolve").handler(this::resolve);
  }

  private void list(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    boolean resolved = "true".equals(ctx.queryParams().get("resolved"));
    Responses.json(ctx, 200, pool.preparedQuery("SELECT k.*, t.amount AS first_amount, t.serial AS first_serial "
            + "FROM conflicts k JOIN transactions t ON t.id = k.transaction_id WHERE k.company_id = $1 "
            + "AND (k.resolved_at IS NOT NULL) = $2 ORDER BY k.created_at DESC LIMIT 500")
        .execute(Tuple.of(caller.companyId(), resolved))
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(r -> items.add(json(r)));
          return new JsonObject().put("items", items);
        }));
  }

  private void resolve(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    String resolution = JsonInput.of(ctx).string("resolution", 1000);
    UUID id = PathParams.uuid(ctx, "id", "conflict");
    Responses.json(ctx, 200, AuditLog.inTransaction(pool, caller, conn -> conn.preparedQuery("UPDATE conflicts "
            + "SET resolved_at = now(), resolution = $3, resolved_by = $4 "
            + "WHERE id = $1 AND company_id = $2 AND resolved_at IS NULL RETURNING id")
        .execute(Tuple.of(id, caller.companyId(), resolution, caller.userId()))
        .map(rows -> {
          if (rows.rowCount() == 0) {
            throw ApiException.notFound("open conflict");
          }
          return new JsonObject().put("id", id.toString()).put("resolution", resolution);
        }), out -> new AuditLog.Entry("conflict.resolved", "conflict", id.toString(),
            new JsonObject().put("resolved", false), new JsonObject().put("resolved", true).put("resolution", resolution))));
  }

  private static JsonObject json(Row r) {
    return new JsonObject().put("id", r.getUUID("id").toString()).put("provider", r.getString("provider"))
        .put("providerTxnId", r.getString("provider_txn_id"))
        .put("transactionId", r.getUUID("transaction_id").toString())
        .put("serial", r.getString("serial")).put("amount", r.getLong("amount")).put("currency", r.getString("currency"))
        .put("firstSerial", r.getString("first_serial")).put("firstAmount", r.getLong("first_amount"))
        .put("createdAt", r.getOffsetDateTime("created_at").toString())
        .put("resolvedAt", r.getOffsetDateTime("resolved_at") == null ? null : r.getOffsetDateTime("resolved_at").toString())
        .put("resolution", r.getString("resolution"));
  }
}
