package io.payg.gateway.tariff;

import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** SQL for tariffs. */
public final class TariffStore {

  public record NewTariff(
      String name,
      String currency,
      long pricePerKwh,
      long minimumPurchase,
      Long accessRateAmount,
      Integer accessRatePeriodDays) {}

  private final Pool pool;

  public TariffStore(Pool pool) {
    this.pool = pool;
  }

  /** The tariff and its audit row in one transaction. */
  public Future<JsonObject> create(Caller who, NewTariff t) {
    UUID companyId = who.companyId();
    UUID id = UUID.randomUUID();
    return pool.withTransaction(conn -> conn.preparedQuery("""
        INSERT INTO tariffs (id, company_id, name, currency, price_per_kwh, minimum_purchase,
        access_rate_amount, access_rate_period_days)
        SELECT $1, c.id, $3, $4, $5, $6, $7, $8 FROM companies c WHERE c.id = $2 AND c.currency = $4""")
        .execute(Tuple.of(
            id,
            companyId,
            t.name(),
            t.currency(),
            t.pricePerKwh(),
            t.minimumPurchase(),
            t.accessRateAmount(),
            t.accessRatePeriodDays()))
        .recover(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? Future.failedFuture(
                ApiException.conflict("DUPLICATE_NAME", "A tariff with this name already exists"))
            : Future.failedFuture(e))
        .compose(rows -> rows.rowCount() == 0
            ? Future.failedFuture(ApiException.unprocessable(
                "WRONG_CURRENCY", "A tariff is in the company's currency"))
            : get(conn, companyId, id))
        .compose(tariff -> AuditStore.record(
                conn, who, "tariff.created", "tariff", id.toString(), null, tariff)
            .map(tariff)));
  }

  public Future<JsonObject> get(UUID companyId, UUID id) {
    return get(pool, companyId, id);
  }

  private Future<JsonObject> get(SqlClient client, UUID companyId, UUID id) {
    return client.preparedQuery("""
            SELECT * FROM tariffs WHERE id = $1 AND company_id = $2""").execute(Tuple.of(id, companyId)).map(rows -> {
      if (rows.size() == 0) {
        throw ApiException.notFound("tariff");
      }
      return json(rows.iterator().next());
    });
  }

  static JsonObject json(Row r) {
    JsonObject o = new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("name", r.getString("name"))
        .put("currency", r.getString("currency"))
        .put("pricePerKwh", r.getLong("price_per_kwh"))
        .put("minimumPurchase", r.getLong("minimum_purchase"));
    if (r.getLong("access_rate_amount") != null) {
      o.put(
          "accessRate",
          new JsonObject()
              .put("amount", r.getLong("access_rate_amount"))
              .put("periodDays", r.getInteger("access_rate_period_days")));
    }
    return o;
  }
}
