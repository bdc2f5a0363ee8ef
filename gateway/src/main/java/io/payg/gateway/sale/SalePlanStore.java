package io.payg.gateway.sale;

import io.payg.domain.sale.PaymentPlan;
import io.payg.domain.sale.Period;
import io.payg.domain.sale.PlanReschedule;
import io.payg.domain.sale.ScheduledInstallment;
import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.plugin.SecretBox;
import io.payg.manufacturer.openpaygo.OpenPaygoPlugin;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * SQL of a sale's plan changes: reschedule, write-off, repossession. Each is one database
 * transaction that first takes the customer's row lock by bumping its debt_version (the guard of
 * {@code PaymentStore.RECORD}), then the sale's installments FOR UPDATE, so a payment computed
 * before the change finds its guard moved and is computed again on the new schedule, and one
 * computed after it sees the change. The same transaction claims the Idempotency-Key (one
 * {@code sale_plan_changes} row), writes the change and its audit row.
 */
public final class SalePlanStore {

  /** What a change needs to know about the sale, read under the locks. */
  record SaleState(
      UUID saleId,
      UUID customerId,
      UUID deviceId,
      String status,
      String period,
      long installmentAmount,
      long price,
      String currency,
      List<PlanReschedule.Installment> installments) {
    long outstanding() {
      return installments.stream()
          .mapToLong(PlanReschedule.Installment::outstanding)
          .sum();
    }
  }

  /** A new OpenPAYGO key for a re-flashed device (sealed here, never stored plain). */
  public record NewOpenPaygoKey(String secretKeyHex, long startingCode, int tokenCount) {}

  static final String REPLAY = """
      SELECT kind, sale_id, request, answer FROM sale_plan_changes WHERE company_id = $1 AND idempotency_key = $2""";

  /** The guard: the same row lock and version bump as a payment's record statement. */
  static final String LOCK_CUSTOMER = """
      UPDATE customers c SET debt_version = c.debt_version + 1
      FROM appliance_sales s WHERE s.id = $1 AND s.company_id = $2 AND c.id = s.customer_id
      RETURNING s.customer_id""";

  static final String CLAIM = """
      INSERT INTO sale_plan_changes (id, company_id, sale_id, kind, idempotency_key, request, changed_by)
      VALUES ($1, $2, $3, $4, $5, $6, $7)""";

  static final String SALE = """
      SELECT s.customer_id, s.device_id, s.status, s.period, s.installment_amount, s.price, a.currency
      FROM appliance_sales s JOIN appliances a ON a.id = s.appliance_id WHERE s.id = $1 AND s.company_id = $2
      FOR UPDATE OF s""";

  static final String INSTALLMENTS = """
      SELECT id, number, due_date, amount, paid FROM installments WHERE sale_id = $1 ORDER BY number FOR UPDATE""";

  /**
   * $1 sale, $2 plan change, $3-$5 closed installments (id, amount = what was paid, moved),
   * $6-$8 new installments (number, due date, amount), $9-$12 the sale's new plan.
   */
  static final String RESCHEDULE = """
      WITH c AS (UPDATE installments i SET amount = x.amount, status = 'RESCHEDULED', closed_by = $2,
                   closed_unpaid = (CASE WHEN i.status = 'RESCHEDULED' THEN i.closed_unpaid ELSE 0 END) + x.moved
                 FROM unnest($3::uuid[], $4::bigint[], $5::bigint[]) AS x(id, amount, moved)
                 WHERE i.id = x.id AND i.sale_id = $1 AND i.paid = x.amount RETURNING i.id),
           n AS (INSERT INTO installments (id, company_id, sale_id, customer_id, number, due_date, amount)
                 SELECT gen_random_uuid(), s.company_id, s.id, s.customer_id, x.number, x.due, x.amount
                 FROM appliance_sales s, unnest($6::int[], $7::date[], $8::bigint[]) AS x(number, due, amount)
                 WHERE s.id = $1 RETURNING id)
      UPDATE appliance_sales SET plan_kind = $9, plan_value = $10, period = $11, installment_amount = $12
      WHERE id = $1 RETURNING (SELECT count(*) FROM c), (SELECT count(*) FROM n)""";

  /** $1 sale, $2 plan change, $3 write-off id, $4 reason, $5 operator. */
  static final String WRITE_OFF = """
      WITH i AS (UPDATE installments i SET amount = i.paid, closed_by = $2,
                   closed_unpaid = (CASE WHEN i.status IN ('OPEN', 'RESCHEDULED') THEN 0 ELSE i.closed_unpaid END)
                     + o.owed,
                   status = CASE WHEN i.status IN ('OPEN', 'RESCHEDULED') THEN 'WRITTEN_OFF' ELSE i.status END
                 FROM (SELECT id, amount - paid AS owed FROM installments WHERE sale_id = $1 AND paid < amount) o
                 WHERE i.id = o.id RETURNING o.owed AS closed_unpaid),
           w AS (INSERT INTO sale_write_offs (id, company_id, sale_id, customer_id, plan_change_id, amount, currency,
                   reason, written_off_by)
                 SELECT $3, s.company_id, s.id, s.customer_id, $2, (SELECT sum(closed_unpaid) FROM i), a.currency, $4,
                   $5
                 FROM appliance_sales s JOIN appliances a ON a.id = s.appliance_id WHERE s.id = $1 RETURNING amount)
      UPDATE appliance_sales SET status = 'WRITTEN_OFF', closed_at = now() WHERE id = $1
      RETURNING (SELECT amount FROM w)""";

  /**
   * $1 sale, $2 plan change, $3 device; $4-$6 a new OpenPAYGO key, starting code and count, or
   * nulls to keep the device's (its count must stay in step with the device's own).
   */
  static final String REPOSSESS = """
      WITH i AS (UPDATE installments i SET amount = i.paid, closed_by = $2,
                   closed_unpaid = (CASE WHEN i.status IN ('OPEN', 'RESCHEDULED') THEN 0 ELSE i.closed_unpaid END)
                     + o.owed,
                   status = CASE WHEN i.status IN ('OPEN', 'RESCHEDULED') THEN 'CANCELLED' ELSE i.status END
                 FROM (SELECT id, amount - paid AS owed FROM installments WHERE sale_id = $1 AND paid < amount) o
                 WHERE i.id = o.id RETURNING o.owed AS closed_unpaid),
           d AS (UPDATE devices SET repossessed_at = now(),
                   openpaygo_secret_key = coalesce($4, openpaygo_secret_key),
                   openpaygo_starting_code = coalesce($5, openpaygo_starting_code),
                   openpaygo_token_count = coalesce($6, openpaygo_token_count)
                 WHERE id = $3 AND repossessed_at IS NULL RETURNING openpaygo_token_count)
      UPDATE appliance_sales SET status = 'REPOSSESSED', closed_at = now() WHERE id = $1
      RETURNING (SELECT coalesce(sum(closed_unpaid), 0)::bigint FROM i), (SELECT count(*) FROM d),
                (SELECT openpaygo_token_count FROM d)""";

  static final String CURRENT_SALE_OF_DEVICE = """
      SELECT d.id, d.manufacturer, d.repossessed_at IS NOT NULL AS repossessed,
             (SELECT s.id FROM appliance_sales s WHERE s.device_id = d.id AND s.status <> 'REPOSSESSED') AS sale_id
      FROM devices d WHERE d.company_id = $1 AND lower(d.serial) = lower($2)""";

  static final String ANSWER = """
      UPDATE sale_plan_changes SET answer = $2 WHERE id = $1""";

  private final Pool pool;
  private final SaleStore sales;
  private final SecretBox secrets;

  public SalePlanStore(Pool pool, SaleStore sales, SecretBox secrets) {
    this.pool = pool;
    this.sales = sales;
    this.secrets = secrets;
  }

  /**
   * Reschedules what is still owed on the sale (see {@link PlanReschedule}); {@code plan} and
   * {@code period} null keep the sale's. Answers the sale with its new schedule.
   */
  public Future<JsonObject> reschedule(
      Caller who,
      UUID saleId,
      String key,
      JsonObject request,
      PaymentPlan plan,
      Period period,
      LocalDate firstDueDate,
      LocalDate today) {
    return change(who, saleId, "RESCHEDULE", key, request, (conn, changeId, sale) -> {
      requireOpen(sale);
      if (sale.outstanding() == 0) {
        throw ApiException.unprocessable(
            "NOTHING_OWED", "Nothing is owed on this sale: there is nothing to reschedule");
      }
      PlanReschedule.Terms terms = new PlanReschedule.Terms(
          plan != null ? plan : PaymentPlan.amount(sale.installmentAmount()),
          period != null ? period : Period.valueOf(sale.period()),
          firstDueDate);
      PlanReschedule.Result result;
      try {
        result = PlanReschedule.of(sale.installments(), terms, today);
      } catch (IllegalArgumentException e) {
        throw ApiException.unprocessable("INVALID_SCHEDULE", e.getMessage());
      }
      List<PlanReschedule.Closed> closed = result.closed();
      List<ScheduledInstallment> added = result.added();
      String planKind = terms.plan() instanceof PaymentPlan.InstallmentCount
          ? "INSTALLMENT_COUNT"
          : "INSTALLMENT_AMOUNT";
      long planValue = terms.plan() instanceof PaymentPlan.InstallmentCount c
          ? c.count()
          : ((PaymentPlan.InstallmentAmount) terms.plan()).amount();
      Tuple params = Tuple.tuple()
          .addUUID(saleId)
          .addUUID(changeId)
          .addArrayOfUUID(closed.stream().map(c -> UUID.fromString(c.id())).toArray(UUID[]::new))
          .addArrayOfLong(closed.stream().map(PlanReschedule.Closed::amount).toArray(Long[]::new))
          .addArrayOfLong(closed.stream().map(PlanReschedule.Closed::moved).toArray(Long[]::new))
          .addArrayOfInteger(
              added.stream().map(ScheduledInstallment::number).toArray(Integer[]::new))
          .addArrayOfLocalDate(
              added.stream().map(ScheduledInstallment::dueDate).toArray(LocalDate[]::new))
          .addArrayOfLong(added.stream().map(ScheduledInstallment::amount).toArray(Long[]::new))
          .addString(planKind)
          .addLong(planValue)
          .addString(terms.period().name())
          .addLong(result.regularInstallmentAmount());
      return conn.preparedQuery(RESCHEDULE).execute(params).map(rows -> {
        Row r = rows.iterator().next();
        // under the locks nothing else can have paid them: a mismatch is a bug, and rolls back
        if (r.getLong(0) != closed.size() || r.getLong(1) != added.size()) {
          throw new IllegalStateException(
              "reschedule of sale " + saleId + " did not close/add what it computed");
        }
        return new JsonObject().put("rescheduled", result.outstanding());
      });
    });
  }

  /** Writes off what is still owed on the sale: a {@code sale_write_offs} row, the installments WRITTEN_OFF. */
  public Future<JsonObject> writeOff(
      Caller who, UUID saleId, String key, JsonObject request, String reason) {
    UUID writeOffId = UUID.randomUUID();
    return change(who, saleId, "WRITE_OFF", key, request, (conn, changeId, sale) -> {
      requireOpen(sale);
      long owed = sale.outstanding();
      if (owed == 0) {
        throw ApiException.unprocessable(
            "NOTHING_OWED", "Nothing is owed on this sale: there is nothing to write off");
      }
      return conn.preparedQuery(WRITE_OFF)
          .execute(Tuple.of(saleId, changeId, writeOffId, reason, who.userId()))
          .map(rows -> {
            Long amount = rows.iterator().next().getLong(0);
            if (amount == null || amount != owed) {
              throw new IllegalStateException(
                  "write-off of sale " + saleId + " wrote " + amount + ", owed " + owed);
            }
            return new JsonObject()
                .put(
                    "writeOff",
                    new JsonObject()
                        .put("id", writeOffId.toString())
                        .put("amount", owed)
                        .put("currency", sale.currency())
                        .put("reason", reason)
                        .put("writtenOffBy", who.userId().toString()));
          });
    });
  }

  /**
   * Repossesses the device named by {@code serial}: its current sale REPOSSESSED, what is owed on it
   * cancelled, the device back in stock (unknown to payments) until sold again. {@code newKey}
   * (nullable) re-keys a re-flashed OpenPAYGO device.
   */
  public Future<JsonObject> repossess(
      Caller who,
      String serial,
      String key,
      JsonObject request,
      String reason,
      NewOpenPaygoKey newKey) {
    return replay(who, key, "REPOSSESSION", null, request)
        .compose(earlier -> earlier != null
            ? Future.succeededFuture(earlier)
            : pool.preparedQuery(CURRENT_SALE_OF_DEVICE)
                .execute(Tuple.of(who.companyId(), serial))
                .compose(rows -> {
                  if (rows.size() == 0) {
                    return Future.failedFuture(ApiException.notFound("device"));
                  }
                  Row d = rows.iterator().next();
                  UUID deviceId = d.getUUID("id");
                  UUID saleId = d.getUUID("sale_id");
                  if (saleId == null) {
                    return Future.failedFuture(
                        Boolean.TRUE.equals(d.getBoolean("repossessed"))
                            ? ApiException.conflict(
                                "ALREADY_REPOSSESSED",
                                "Device " + serial + " is already repossessed")
                            : ApiException.conflict(
                                "NO_SALE", "Device " + serial + " is on no appliance sale"));
                  }
                  if (newKey != null && !OpenPaygoPlugin.NAME.equals(d.getString("manufacturer"))) {
                    return Future.failedFuture(ApiException.badRequest(
                        "'openPaygo' is for devices of manufacturer openpaygo"));
                  }
                  String sealed = newKey == null
                      ? null
                      : secrets.seal(newKey.secretKeyHex(), SecretBox.deviceKey(deviceId));
                  return change(
                      who, saleId, "REPOSSESSION", key, request, (conn, changeId, sale) -> {
                        if ("REPOSSESSED".equals(sale.status())
                            || !deviceId.equals(sale.deviceId())) {
                          throw ApiException.conflict(
                              "ALREADY_REPOSSESSED",
                              "Device " + serial + " is already repossessed");
                        }
                        return conn.preparedQuery(REPOSSESS)
                            .execute(Tuple.from(new Object[] {
                              saleId,
                              changeId,
                              deviceId,
                              sealed,
                              newKey == null ? null : newKey.startingCode(),
                              newKey == null ? null : newKey.tokenCount()
                            }))
                            .map(r2 -> {
                              Row r = r2.iterator().next();
                              if (r.getLong(1) != 1) {
                                throw ApiException.conflict(
                                    "ALREADY_REPOSSESSED",
                                    "Device " + serial + " is already repossessed");
                              }
                              return new JsonObject()
                                  .put(
                                      "repossession",
                                      new JsonObject()
                                          .put("deviceId", deviceId.toString())
                                          .put("serial", serial)
                                          .put("cancelled", r.getLong(0))
                                          .put("currency", sale.currency())
                                          .put("reason", reason)
                                          .put("openPaygoRekeyed", newKey != null)
                                          .put("openPaygoTokenCount", r.getInteger(2)));
                            });
                      });
                }));
  }

  /** One change: the work {@code apply} does under the locks, given the connection, the change id and the sale. */
  private interface Apply {
    Future<JsonObject> apply(SqlConnection conn, UUID changeId, SaleState sale);
  }

  private Future<JsonObject> change(
      Caller who, UUID saleId, String kind, String key, JsonObject request, Apply work) {
    return replay(who, key, kind, saleId, request)
        .compose(earlier -> earlier != null
            ? Future.succeededFuture(earlier)
            : pool.withTransaction(conn -> {
                  UUID changeId = UUID.randomUUID();
                  return conn.preparedQuery(LOCK_CUSTOMER)
                      .execute(Tuple.of(saleId, who.companyId()))
                      .compose(rows -> rows.rowCount() == 0
                          ? Future.failedFuture(ApiException.notFound("appliance sale"))
                          : conn.preparedQuery(CLAIM).execute(Tuple.from(new Object[] {
                            changeId, who.companyId(), saleId, kind, key, request, who.userId()
                          })))
                      .compose(x -> state(conn, who.companyId(), saleId))
                      .compose(before -> work.apply(conn, changeId, before)
                          .compose(detail -> sales
                              .sale(conn, who.companyId(), saleId)
                              .map(after -> after.put(
                                  "change",
                                  detail.put("id", changeId.toString()).put("kind", kind))))
                          .compose(answer -> conn.preparedQuery(ANSWER)
                              .execute(Tuple.of(changeId, answer))
                              .compose(x -> AuditStore.record(
                                  conn,
                                  who,
                                  auditAction(kind),
                                  "appliance_sale",
                                  saleId.toString(),
                                  new JsonObject()
                                      .put("status", before.status())
                                      .put("period", before.period())
                                      .put("outstanding", before.outstanding()),
                                  answer
                                      .getJsonObject("change")
                                      .copy()
                                      .put("status", answer.getString("status"))
                                      .put("request", request)))
                              .map(answer)));
                })
                // a concurrent request with the same key won: answer its change
                .recover(err -> isKeyTaken(err)
                    ? replay(who, key, kind, saleId, request)
                    : Future.failedFuture(err)));
  }

  private static String auditAction(String kind) {
    return switch (kind) {
      case "RESCHEDULE" -> "sale.rescheduled";
      case "WRITE_OFF" -> "sale.written_off";
      default -> "device.repossessed";
    };
  }

  /** The earlier answer under {@code key}, or null; the key used for another change is a 409. */
  private Future<JsonObject> replay(
      Caller who, String key, String kind, UUID saleId, JsonObject request) {
    return pool.preparedQuery(REPLAY).execute(Tuple.of(who.companyId(), key)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      boolean same = r.getString("kind").equals(kind)
          && (saleId == null || saleId.equals(r.getUUID("sale_id")))
          && request.equals(r.getJsonObject("request"));
      if (!same || r.getJsonObject("answer") == null) {
        throw ApiException.conflict(
            "IDEMPOTENCY_KEY_REUSED",
            "Idempotency-Key " + key + " was already used for another change");
      }
      return r.getJsonObject("answer");
    });
  }

  private static Future<SaleState> state(SqlConnection conn, UUID companyId, UUID saleId) {
    return conn.preparedQuery(SALE).execute(Tuple.of(saleId, companyId)).compose(rows -> {
      Row s = rows.iterator().next();
      return conn.preparedQuery(INSTALLMENTS).execute(Tuple.of(saleId)).map(list -> {
        List<PlanReschedule.Installment> installments = new ArrayList<>();
        for (Row i : list) {
          installments.add(new PlanReschedule.Installment(
              i.getUUID("id").toString(),
              i.getInteger("number"),
              i.getLocalDate("due_date"),
              i.getLong("amount"),
              i.getLong("paid")));
        }
        return new SaleState(
            saleId,
            s.getUUID("customer_id"),
            s.getUUID("device_id"),
            s.getString("status"),
            s.getString("period"),
            s.getLong("installment_amount"),
            s.getLong("price"),
            s.getString("currency"),
            installments);
      });
    });
  }

  private static void requireOpen(SaleState sale) {
    if (!"OPEN".equals(sale.status())) {
      throw ApiException.conflict(
          "SALE_CLOSED", "This sale is " + sale.status() + ": its plan can no longer change");
    }
  }

  private static boolean isKeyTaken(Throwable err) {
    return err instanceof PgException pg
        && "23505".equals(pg.getSqlState())
        && pg.getMessage() != null
        && pg.getMessage().contains("sale_plan_changes_company_id_idempotency_key");
  }
}
