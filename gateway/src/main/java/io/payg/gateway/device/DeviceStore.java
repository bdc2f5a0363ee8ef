package io.payg.gateway.device;

import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.db.LikePattern;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.Paging;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * SQL of moving a device to another customer. One database transaction: the device row is
 * locked (two moves of one device queue), then both customers' rows in id order (no deadlock
 * between two moves), the device must have no open appliance sale, and both customers'
 * debt_version is bumped with the move. A payment whose snapshot still showed the old owner
 * then fails its debt_version guard (it waits on our lock, then sees the new version) and is
 * recomputed for the new owner; a payment that got its guard first is recorded for the old
 * owner before the move. The device's history (transactions, tokens), its carried credit and
 * access-rate account stay with the device.
 */
final class DeviceStore {

  private final Pool pool;

  DeviceStore(Pool pool) {
    this.pool = pool;
  }

  private static final String DEVICE = """
      SELECT d.id, d.serial, d.type, d.manufacturer, d.customer_id, c.name AS customer_name, d.tariff_id,
        d.tariff_since,
        d.credit, d.access_rate_paid, d.openpaygo_token_count, d.created_at,
        (SELECT max(t.created_at) FROM transactions t WHERE t.device_id = d.id) AS last_payment_at
      FROM devices d JOIN customers c ON c.id = d.customer_id
      """;

  /** $1 company, $2 serial pattern (LIKE, escaped) or null, $3 created before or null, $4 limit. */
  private static final String SEARCH = DEVICE + """
      WHERE d.company_id = $1 AND ($2::text IS NULL OR lower(d.serial) LIKE $2)
        AND ($3::timestamptz IS NULL OR d.created_at < $3)
      ORDER BY d.created_at DESC LIMIT $4""";

  /** $1 company, $2 serial as typed (trimmed by the caller), case-insensitive. */
  private static final String BY_SERIAL = DEVICE + """
      WHERE d.company_id = $1 AND lower(d.serial) = lower($2)""";

  /** Newest first, keyset-paged on created_at; {@code q} is part of the serial, case-insensitive. */
  Future<JsonObject> search(UUID companyId, String q, OffsetDateTime before, int limit) {
    String like = LikePattern.containing(q);
    return pool.preparedQuery(SEARCH)
        .execute(Tuple.of(companyId, like, before, limit))
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(r -> items.add(device(r)));
          return Paging.page(items, limit, "createdAt");
        });
  }

  /** One device by serial (trimmed, case-insensitive); never its OpenPAYGO key. */
  Future<JsonObject> get(UUID companyId, String typed) {
    return pool.preparedQuery(BY_SERIAL).execute(Tuple.of(companyId, typed)).map(rows -> {
      if (rows.size() == 0) {
        throw ApiException.notFound("device");
      }
      return device(rows.iterator().next());
    });
  }

  private static JsonObject device(Row r) {
    return new JsonObject()
        .put("id", r.getUUID("id").toString())
        .put("serial", r.getString("serial"))
        .put("type", r.getString("type"))
        .put("manufacturer", r.getString("manufacturer"))
        .put("customerId", r.getUUID("customer_id").toString())
        .put("customerName", r.getString("customer_name"))
        .put(
            "tariffId",
            r.getUUID("tariff_id") == null ? null : r.getUUID("tariff_id").toString())
        .put(
            "tariffSince",
            r.getLocalDate("tariff_since") == null
                ? null
                : r.getLocalDate("tariff_since").toString())
        .put("credit", r.getLong("credit"))
        .put("accessRatePaid", r.getLong("access_rate_paid"))
        .put("openPaygoTokenCount", r.getInteger("openpaygo_token_count"))
        .put(
            "lastPaymentAt",
            r.getOffsetDateTime("last_payment_at") == null
                ? null
                : r.getOffsetDateTime("last_payment_at").toString())
        .put("createdAt", r.getOffsetDateTime("created_at").toString());
  }

  /** {@code typed} is trimmed and matched case-insensitively, like every serial (io.payg.domain.Serial). */
  Future<JsonObject> reassign(Caller who, String typed, UUID toCustomer, String reason) {
    UUID companyId = who.companyId();
    UUID by = who.userId();
    return pool.withTransaction(conn -> conn.preparedQuery("""
        SELECT id, customer_id, serial FROM devices
        WHERE company_id = $1 AND lower(serial) = lower($2) FOR UPDATE""")
        .execute(Tuple.of(companyId, typed))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ApiException.notFound("device"));
          }
          Row d = rows.iterator().next();
          UUID deviceId = d.getUUID("id");
          UUID from = d.getUUID("customer_id");
          String serial = d.getString("serial");
          if (from.equals(toCustomer)) {
            return Future.failedFuture(ApiException.unprocessable(
                "SAME_CUSTOMER", "The device is already this customer's"));
          }
          return lockCustomers(conn, companyId, from, toCustomer)
              .compose(v -> refuseOpenSale(conn, deviceId, serial))
              .compose(v -> move(conn, companyId, deviceId, from, toCustomer, by, reason))
              .map(at -> new JsonObject()
                  .put("deviceId", deviceId.toString())
                  .put("serial", serial)
                  .put("fromCustomerId", from.toString())
                  .put("toCustomerId", toCustomer.toString())
                  .put("reassignedBy", by.toString())
                  .put("reason", reason)
                  .put("reassignedAt", at))
              .compose(moved -> AuditStore.record(
                      conn,
                      who,
                      "device.reassigned",
                      "device",
                      deviceId.toString(),
                      new JsonObject().put("customerId", from.toString()),
                      new JsonObject()
                          .put("customerId", toCustomer.toString())
                          .put("reason", reason))
                  .map(moved));
        }));
  }

  private static Future<Void> lockCustomers(
      SqlConnection conn, UUID companyId, UUID from, UUID to) {
    return conn.preparedQuery("""
        SELECT id FROM customers WHERE id = ANY($1) AND company_id = $2 ORDER BY id FOR UPDATE""")
        .execute(Tuple.of(new UUID[] {from, to}, companyId))
        .compose(rows -> {
          for (Row r : rows) {
            if (r.getUUID(0).equals(to)) {
              return Future.succeededFuture();
            }
          }
          return Future.failedFuture(
              ApiException.unprocessable("CUSTOMER_NOT_FOUND", "No such customer in your company"));
        });
  }

  /** An SHS / e-bike still being paid for stays with its buyer: the debt is theirs. */
  private static Future<Void> refuseOpenSale(SqlConnection conn, UUID deviceId, String serial) {
    return conn.preparedQuery("""
        SELECT s.id FROM appliance_sales s WHERE s.device_id = $1 AND EXISTS
        (SELECT 1 FROM installments i WHERE i.sale_id = s.id AND i.paid < i.amount)""")
        .execute(Tuple.of(deviceId))
        .compose(
            rows -> rows.size() == 0
                ? Future.succeededFuture()
                : Future.failedFuture(
                    ApiException.conflict(
                        "DEVICE_HAS_OPEN_SALE",
                        "Device " + serial
                            + " is still being paid for on appliance sale "
                            + rows.iterator().next().getUUID(0)
                            + "; its debt belongs to the buyer, so it cannot move until the sale is paid off")));
  }

  private static Future<String> move(
      SqlConnection conn,
      UUID companyId,
      UUID deviceId,
      UUID from,
      UUID to,
      UUID by,
      String reason) {
    return conn.preparedQuery("""
        WITH v AS (UPDATE customers SET debt_version = debt_version + 1 WHERE id = ANY($4)),
        d AS (UPDATE devices SET customer_id = $3 WHERE id = $2)
        INSERT INTO device_reassignments (id, company_id, device_id, from_customer_id, to_customer_id, reassigned_by,
        reason) VALUES ($1, $5, $2, $6, $3, $7, $8) RETURNING created_at""")
        .execute(Tuple.from(new Object[] {
          UUID.randomUUID(), deviceId, to, new UUID[] {from, to}, companyId, from, by, reason
        }))
        .map(rows -> rows.iterator().next().getOffsetDateTime(0).toString());
  }
}
