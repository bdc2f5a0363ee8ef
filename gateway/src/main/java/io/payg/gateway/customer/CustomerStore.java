package io.payg.gateway.customer;

import io.payg.domain.DeviceType;
import io.payg.gateway.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.UUID;

/** SQL for customers and their devices. */
public final class CustomerStore {

  public record NewDevice(String serial, DeviceType type, String manufacturer, UUID tariffId) {
  }

  public record NewCustomer(String name, String phone, UUID villageId, UUID agentId, NewDevice device) {
  }

  private final Pool pool;

  public CustomerStore(Pool pool) {
    this.pool = pool;
  }

  /** The customer and their device in one transaction; every reference checked against the company. */
  public Future<UUID> create(UUID companyId, NewCustomer c, LocalDate today) {
    UUID customerId = UUID.randomUUID();
    return pool.withTransaction(conn -> conn
            .preparedQuery("INSERT INTO customers (id, company_id, village_id, agent_id, name, phone) "
                + "SELECT $1, v.company_id, v.id, $4, $5, $6 FROM villages v WHERE v.id = $3 AND v.company_id = $2 "
                + "AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM users u WHERE u.id = $4 AND u.company_id = $2 AND u.role = 'AGENT'))")
            .execute(Tuple.of(customerId, companyId, c.villageId(), c.agentId(), c.name(), c.phone()))
            .compose(rows -> {
              if (rows.rowCount() == 0) {
                return Future.failedFuture(ApiException.unprocessable("VILLAGE_NOT_FOUND",
                    "No such village" + (c.agentId() == null ? "" : " or agent") + " in your company"));
              }
              return c.device() == null ? Future.succeededFuture() : insertDevice(conn, companyId, customerId, c.device(), today);
            }))
        .map(customerId);
  }

  private Future<Void> insertDevice(SqlConnection conn, UUID companyId, UUID customerId, NewDevice d, LocalDate today) {
    // the manufacturer must be an enabled plugin, the tariff one of the company's
    return conn.preparedQuery("INSERT INTO devices (id, company_id, customer_id, serial, type, manufacturer, tariff_id, tariff_since) "
            + "SELECT $1, $2, $3, $4, $5, p.name, $7, CASE WHEN $7::uuid IS NULL THEN NULL ELSE $8::date END "
            + "FROM plugins p WHERE p.company_id = $2 AND p.name = $6 AND p.kind = 'MANUFACTURER' AND p.enabled "
            + "AND ($7::uuid IS NULL OR EXISTS (SELECT 1 FROM tariffs t WHERE t.id = $7 AND t.company_id = $2))")
        .execute(Tuple.from(new Object[] {UUID.randomUUID(), companyId, customerId, d.serial(), d.type().name(),
            d.manufacturer(), d.tariffId(), today}))
        .recover(t -> t instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? Future.failedFuture(ApiException.conflict("DUPLICATE_SERIAL", "A device with serial " + d.serial() + " already exists"))
            : Future.failedFuture(t))
        .compose(rows -> rows.rowCount() == 1 ? Future.succeededFuture()
            : Future.failedFuture(ApiException.unprocessable("MANUFACTURER_OR_TARIFF_NOT_FOUND",
                "Manufacturer '" + d.manufacturer() + "' is not an enabled plugin, or the tariff is not one of your company's")));
  }

  public Future<JsonObject> get(UUID companyId, UUID customerId) {
    Future<RowSet<Row>> customer = pool.preparedQuery(
            "SELECT c.id, c.name, c.phone, c.village_id, c.agent_id, c.created_at FROM customers c WHERE c.id = $1 AND c.company_id = $2")
        .execute(Tuple.of(customerId, companyId));
    Future<RowSet<Row>> devices = pool.preparedQuery(
            "SELECT d.id, d.serial, d.type, d.manufacturer, d.tariff_id, d.tariff_since, d.credit, d.access_rate_paid "
                + "FROM devices d WHERE d.customer_id = $1 AND d.company_id = $2 ORDER BY d.created_at")
        .execute(Tuple.of(customerId, companyId));
    return Future.all(customer, devices).map(all -> {
      if (customer.result().size() == 0) {
        throw ApiException.notFound("customer");
      }
      Row c = customer.result().iterator().next();
      JsonArray devs = new JsonArray();
      devices.result().forEach(d -> devs.add(new JsonObject()
          .put("id", d.getUUID("id").toString()).put("serial", d.getString("serial"))
          .put("type", d.getString("type")).put("manufacturer", d.getString("manufacturer"))
          .put("tariffId", d.getUUID("tariff_id") == null ? null : d.getUUID("tariff_id").toString())
          .put("tariffSince", d.getLocalDate("tariff_since") == null ? null : d.getLocalDate("tariff_since").toString())
          .put("credit", d.getLong("credit")).put("accessRatePaid", d.getLong("access_rate_paid"))));
      return new JsonObject().put("id", c.getUUID("id").toString()).put("name", c.getString("name"))
          .put("phone", c.getString("phone")).put("villageId", c.getUUID("village_id").toString())
          .put("agentId", c.getUUID("agent_id") == null ? null : c.getUUID("agent_id").toString())
          .put("devices", devs);
    });
  }
}
