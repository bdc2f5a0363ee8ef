package io.payg.gateway.sale;

import io.payg.domain.sale.ApplianceSale;
import io.payg.domain.sale.PaymentPlan;
import io.payg.domain.sale.ScheduledInstallment;
import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/** SQL for appliances, appliance sales and their installments. */
public final class SaleStore {

  public record Appliance(UUID id, String name, String type, long price, String currency) {}

  /**
   * One statement: the sale exists only with its schedule, and only for the company's own
   * customer (and device, when one is given); a new debt changes what the customer's next payment
   * must clear (debt_version). $1 sale, $2 company, $3 customer, $4 appliance, $5 device or null,
   * $6 price, $7 down payment, $8 plan kind, $9 plan value, $10 period, $11 installment amount,
   * $12 sale date; the schedule as arrays: $13 ids, $14 numbers, $15 due dates, $16 amounts,
   * $17 paid.
   */
  private static final String CREATE = """
      WITH s AS (
        INSERT INTO appliance_sales (id, company_id, customer_id, appliance_id, device_id, price, down_payment,
                                     plan_kind, plan_value, period, installment_amount, sale_date)
        SELECT $1, c.company_id, c.id, $4, $5, $6, $7, $8, $9, $10, $11, $12
          FROM customers c
         WHERE c.id = $3 AND c.company_id = $2
           AND ($5::uuid IS NULL OR EXISTS (SELECT 1 FROM devices d WHERE d.id = $5 AND d.customer_id = c.id))
        RETURNING id, company_id, customer_id),
      v AS (
        UPDATE customers SET debt_version = debt_version + 1 WHERE id = (SELECT customer_id FROM s))
      INSERT INTO installments (id, company_id, sale_id, customer_id, number, due_date, amount, paid)
      SELECT x.id, s.company_id, s.id, s.customer_id, x.number, x.due, x.amount, x.paid
        FROM s, unnest($13::uuid[], $14::int[], $15::date[], $16::bigint[], $17::bigint[])
                AS x(id, number, due, amount, paid)""";

  private final Pool pool;

  public SaleStore(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonObject> createAppliance(
      Caller who, String name, String type, long price, String currency) {
    UUID id = UUID.randomUUID();
    UUID companyId = who.companyId();
    return AuditStore.inTransaction(
        pool,
        who,
        conn -> conn.preparedQuery("""
        INSERT INTO appliances (id, company_id, name, type, price, currency)
        SELECT $1, c.id, $3, $4, $5, $6 FROM companies c WHERE c.id = $2 AND c.currency = $6""")
            .execute(Tuple.of(id, companyId, name, type, price, currency))
            .recover(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState())
                ? Future.failedFuture(ApiException.conflict(
                    "DUPLICATE_NAME", "An appliance with this name already exists"))
                : Future.failedFuture(e))
            .map(rows -> {
              if (rows.rowCount() == 0) {
                throw ApiException.unprocessable(
                    "WRONG_CURRENCY", "An appliance is priced in the company's currency");
              }
              return new JsonObject()
                  .put("id", id.toString())
                  .put("name", name)
                  .put("type", type)
                  .put("price", price)
                  .put("currency", currency);
            }),
        a -> new AuditStore.Entry("appliance.created", "appliance", id.toString(), null, a));
  }

  public Future<Appliance> appliance(SqlClient client, UUID companyId, UUID id) {
    return client.preparedQuery("""
            SELECT id, name, type, price, currency FROM appliances WHERE id = $1 AND company_id = $2
            """).execute(Tuple.of(id, companyId)).map(rows -> {
      if (rows.size() == 0) {
        throw ApiException.unprocessable(
            "APPLIANCE_NOT_FOUND", "No such appliance in your company");
      }
      Row r = rows.iterator().next();
      return new Appliance(
          r.getUUID("id"),
          r.getString("name"),
          r.getString("type"),
          r.getLong("price"),
          r.getString("currency"));
    });
  }

  /**
   * Records a sale and its whole schedule. {@code deviceId} (nullable) is the SHS / e-bike the
   * sale pays for; it must be the customer's and not already on a sale (unique index).
   */
  public Future<UUID> createSale(
      SqlClient client,
      UUID companyId,
      UUID customerId,
      Appliance appliance,
      UUID deviceId,
      ApplianceSale sale,
      boolean downPaymentReceived) {
    UUID saleId = UUID.randomUUID();
    List<ScheduledInstallment> entries = sale.schedule().entries();
    int n = entries.size();
    UUID[] ids = new UUID[n];
    Integer[] numbers = new Integer[n];
    LocalDate[] dues = new LocalDate[n];
    Long[] amounts = new Long[n];
    Long[] paid = new Long[n];
    for (int i = 0; i < n; i++) {
      paid[i] =
          downPaymentReceived && entries.get(i).isDownPayment() ? entries.get(i).amount() : 0L;
      ids[i] = UUID.randomUUID();
      numbers[i] = entries.get(i).number();
      dues[i] = entries.get(i).dueDate();
      amounts[i] = entries.get(i).amount();
    }
    String planKind = sale.plan() instanceof PaymentPlan.InstallmentCount
        ? "INSTALLMENT_COUNT"
        : "INSTALLMENT_AMOUNT";
    long planValue = sale.plan() instanceof PaymentPlan.InstallmentCount c
        ? c.count()
        : ((PaymentPlan.InstallmentAmount) sale.plan()).amount();
    Tuple params = Tuple.tuple()
        .addUUID(saleId)
        .addUUID(companyId)
        .addUUID(customerId)
        .addUUID(appliance.id())
        .addUUID(deviceId)
        .addLong(sale.price())
        .addLong(sale.downPayment())
        .addString(planKind)
        .addLong(planValue)
        .addString(sale.period().name())
        .addLong(sale.regularInstallmentAmount())
        .addLocalDate(sale.saleDate())
        .addArrayOfUUID(ids)
        .addArrayOfInteger(numbers)
        .addArrayOfLocalDate(dues)
        .addArrayOfLong(amounts)
        .addArrayOfLong(paid);
    return client
        .preparedQuery(CREATE)
        .execute(params)
        .recover(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? Future.failedFuture(
                ApiException.conflict("DEVICE_ALREADY_SOLD", "This device is already on a sale"))
            : Future.failedFuture(e))
        .map(rows -> {
          if (rows.rowCount() == 0) {
            throw ApiException.unprocessable(
                "CUSTOMER_OR_DEVICE_NOT_FOUND", "No such customer, or the device is not theirs");
          }
          return saleId;
        });
  }

  /**
   * A sale with its schedule (every installment, closed ones with their status and what was still
   * owed when they closed), what is owed now, and its write-off if any.
   */
  static final String SALE = """
      SELECT s.id, s.customer_id, s.appliance_id, a.name, s.device_id, s.price, s.down_payment, s.plan_kind,
             s.plan_value, s.period, s.installment_amount, s.sale_date, s.status,
             (SELECT coalesce(sum(i.amount - i.paid), 0)::bigint FROM installments i
               WHERE i.sale_id = s.id) AS outstanding,
             (SELECT json_agg(json_build_object('id', i.id, 'number', i.number, 'dueDate', i.due_date,
                'amount', i.amount, 'paid', i.paid, 'status', i.status, 'closedUnpaid', i.closed_unpaid)
                ORDER BY i.number) FROM installments i WHERE i.sale_id = s.id) AS schedule,
             (SELECT json_build_object('id', w.id, 'amount', w.amount, 'currency', w.currency, 'reason', w.reason,
                'writtenOffBy', w.written_off_by, 'writtenOffAt', w.created_at)
              FROM sale_write_offs w WHERE w.sale_id = s.id) AS write_off
      FROM appliance_sales s JOIN appliances a ON a.id = s.appliance_id WHERE s.id = $1 AND s.company_id = $2""";

  /** A sale with its schedule: what the operator sees after selling. */
  public Future<JsonObject> sale(SqlClient client, UUID companyId, UUID saleId) {
    return client.preparedQuery(SALE).execute(Tuple.of(saleId, companyId)).map(rows -> {
      if (rows.size() == 0) {
        throw ApiException.notFound("appliance sale");
      }
      Row r = rows.iterator().next();
      return new JsonObject()
          .put("id", r.getUUID("id").toString())
          .put("customerId", r.getUUID("customer_id").toString())
          .put("applianceId", r.getUUID("appliance_id").toString())
          .put("appliance", r.getString("name"))
          .put(
              "deviceId",
              r.getUUID("device_id") == null ? null : r.getUUID("device_id").toString())
          .put("price", r.getLong("price"))
          .put("downPayment", r.getLong("down_payment"))
          .put(
              "plan",
              new JsonObject()
                  .put("kind", r.getString("plan_kind"))
                  .put(
                      "INSTALLMENT_COUNT".equals(r.getString("plan_kind")) ? "count" : "amount",
                      r.getLong("plan_value")))
          .put("period", r.getString("period"))
          .put("installmentAmount", r.getLong("installment_amount"))
          .put("saleDate", r.getLocalDate("sale_date").toString())
          .put("status", r.getString("status"))
          .put("outstanding", r.getLong("outstanding"))
          .put("writeOff", r.getValue("write_off") instanceof JsonObject w ? w : null)
          .put("schedule", r.getValue("schedule") instanceof JsonArray a ? a : new JsonArray());
    });
  }

  static final String DEVICE_FOR_SALE = """
      SELECT id, type, customer_id, repossessed_at IS NOT NULL AS in_stock FROM devices
      WHERE company_id = $1 AND lower(serial) = lower($2) AND (customer_id = $3 OR repossessed_at IS NOT NULL)""";

  /** A repossessed device leaves the stock for its new buyer; the row lock makes two resales of it queue. */
  static final String TAKE_FROM_STOCK = """
      UPDATE devices SET customer_id = $2, repossessed_at = NULL WHERE id = $1 AND repossessed_at IS NOT NULL""";

  /**
   * The SHS / e-bike the sale pays for, by serial: the customer's own, or a repossessed one from
   * the company's stock (sold again: it becomes this customer's); of the appliance's type. A
   * device still on a sale that was not repossessed is refused by the unique index (409).
   */
  Future<UUID> deviceFor(
      SqlClient conn, UUID companyId, UUID customerId, String serial, String applianceType) {
    if (serial == null) {
      return Future.succeededFuture(null);
    }
    return conn.preparedQuery(DEVICE_FOR_SALE)
        .execute(Tuple.of(companyId, serial, customerId))
        .compose(rows -> {
          if (rows.size() == 0) {
            throw ApiException.unprocessable(
                "DEVICE_NOT_FOUND",
                "The customer has no device " + serial
                    + ", and it is not a repossessed device in stock");
          }
          Row r = rows.iterator().next();
          if (!r.getString("type").equals(applianceType)) {
            throw ApiException.unprocessable(
                "DEVICE_TYPE_MISMATCH",
                "Device " + serial + " is a " + r.getString("type") + ", the appliance a "
                    + applianceType);
          }
          UUID deviceId = r.getUUID("id");
          if (!r.getBoolean("in_stock")) {
            return Future.succeededFuture(deviceId);
          }
          return conn.preparedQuery(TAKE_FROM_STOCK)
              .execute(Tuple.of(deviceId, customerId))
              .map(x -> {
                if (x.rowCount() != 1) {
                  throw ApiException.conflict(
                      "DEVICE_ALREADY_SOLD", "Device " + serial + " was just sold again");
                }
                return deviceId;
              });
        });
  }
}
