package io.payg.gateway.customer;

import io.payg.domain.DeviceType;
import io.payg.domain.tariff.AccessRate;
import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.db.LikePattern;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.Paging;
import io.payg.gateway.plugin.SecretBox;
import io.payg.gateway.sale.SaleStore;
import io.payg.gateway.sale.SaleTerms;
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
import java.time.OffsetDateTime;
import java.util.UUID;

/** SQL for customers and their devices. */
public final class CustomerStore {

  /** A device to register; meters have a tariff, SHS / e-bikes a sale. */
  public record NewDevice(
      String serial,
      DeviceType type,
      String manufacturer,
      UUID tariffId,
      SaleTerms sale,
      OpenPaygo openPaygo) {}

  /** OpenPAYGO device secrets: a 16-byte key (hex), the starting code and the token count to start from. */
  public record OpenPaygo(String secretKeyHex, long startingCode, int tokenCount) {

    @Override
    public String toString() {
      return "OpenPaygo[****]"; // the key is a secret
    }
  }

  public record NewCustomer(
      String name, String phone, UUID villageId, UUID agentId, NewDevice device) {}

  /** A PATCH: null fields stay; {@code agentGiven} with a null {@code agentId} removes the agent. */
  public record CustomerChange(
      String name, String phone, UUID villageId, boolean agentGiven, UUID agentId) {}

  private static final String HAS_DEBT = """
      (EXISTS (SELECT 1 FROM installments i WHERE i.customer_id = c.id AND i.paid < i.amount)
       OR EXISTS (SELECT 1 FROM reversal_debts r WHERE r.customer_id = c.id AND r.paid < r.amount))""";

  private final Pool pool;
  private final SaleStore sales;

  private final SecretBox secrets;

  public CustomerStore(Pool pool, SaleStore sales, SecretBox secrets) {
    this.secrets = secrets;
    this.pool = pool;
    this.sales = sales;
  }

  /** The customer and their device in one transaction; every reference checked against the company. */
  public Future<UUID> create(Caller who, NewCustomer c, LocalDate today) {
    UUID customerId = UUID.randomUUID();
    return pool.withTransaction(conn -> insertCustomer(conn, who, customerId, c, today))
        .map(customerId);
  }

  /** A registration an agent made under an {@code Idempotency-Key}: the request as sent and the customer it created. */
  public record AgentRegistration(JsonObject request, UUID customerId) {}

  /**
   * An agent's registration: the customer (the agent's own), their device and the key's row in one
   * transaction, so a retried request finds the key with its customer or finds nothing. A key
   * taken by a concurrent twin fails with 23505 on agent_registrations_pkey ({@link #isRegistrationKeyTaken}).
   */
  public Future<UUID> createForAgent(
      Caller agent, String key, JsonObject request, NewCustomer c, LocalDate today) {
    UUID customerId = UUID.randomUUID();
    return pool.withTransaction(conn -> insertCustomer(conn, agent, customerId, c, today)
            .compose(v -> conn.preparedQuery("""
                    INSERT INTO agent_registrations (company_id, agent_id, idempotency_key, request, customer_id)
                    VALUES ($1, $2, $3, $4, $5)""")
                .execute(Tuple.of(agent.companyId(), agent.userId(), key, request, customerId))))
        .map(customerId);
  }

  /** What this agent registered under {@code key}, or null. */
  public Future<AgentRegistration> agentRegistration(UUID companyId, UUID agentId, String key) {
    return pool.preparedQuery("""
            SELECT request, customer_id FROM agent_registrations
            WHERE company_id = $1 AND agent_id = $2 AND idempotency_key = $3""")
        .execute(Tuple.of(companyId, agentId, key))
        .map(rows -> rows.size() == 0
            ? null
            : new AgentRegistration(
                rows.iterator().next().getJsonObject("request"),
                rows.iterator().next().getUUID("customer_id")));
  }

  public static boolean isRegistrationKeyTaken(Throwable t) {
    return t instanceof PgException pg
        && "23505".equals(pg.getSqlState())
        && "agent_registrations_pkey".equals(pg.getConstraint());
  }

  private Future<Void> insertCustomer(
      SqlConnection conn, Caller who, UUID customerId, NewCustomer c, LocalDate today) {
    UUID companyId = who.companyId();
    return conn.preparedQuery("""
                INSERT INTO customers (id, company_id, village_id, agent_id, name, phone)
                SELECT $1, v.company_id, v.id, $4, $5, $6 FROM villages v WHERE v.id = $3 AND v.company_id = $2
                AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM users u WHERE u.id = $4 AND u.company_id = $2
                  AND u.role = 'AGENT'))""")
        .execute(Tuple.of(customerId, companyId, c.villageId(), c.agentId(), c.name(), c.phone()))
        .compose(rows -> {
          if (rows.rowCount() == 0) {
            return Future.failedFuture(ApiException.unprocessable(
                "VILLAGE_NOT_FOUND",
                "No such village" + (c.agentId() == null ? "" : " or agent") + " in your company"));
          }
          JsonObject after = new JsonObject()
              .put("name", c.name())
              .put("phone", c.phone())
              .put("villageId", c.villageId().toString())
              .put("agentId", c.agentId() == null ? null : c.agentId().toString());
          if (c.device() == null) {
            return AuditStore.record(
                conn, who, "customer.created", "customer", customerId.toString(), null, after);
          }
          return insertDevice(conn, companyId, customerId, c.device(), today)
              .compose(deviceId -> c.device().sale() == null
                  ? Future.<UUID>succeededFuture()
                  : sellDevice(conn, companyId, customerId, deviceId, c.device()))
              .compose(saleId -> AuditStore.record(
                  conn,
                  who,
                  "customer.created",
                  "customer",
                  customerId.toString(),
                  null,
                  after.put(
                      "device",
                      new JsonObject()
                          .put("serial", c.device().serial())
                          .put("type", c.device().type().name())
                          .put("manufacturer", c.device().manufacturer())
                          .put("saleId", saleId == null ? null : saleId.toString())
                          .put("openPaygo", c.device().openPaygo() != null))));
        });
  }

  /** The SHS / e-bike's own appliance sale, in the registration's transaction. */
  private Future<UUID> sellDevice(
      SqlConnection conn, UUID companyId, UUID customerId, UUID deviceId, NewDevice d) {
    return sales.appliance(conn, companyId, d.sale().applianceId()).compose(appliance -> {
      if (!appliance.type().equals(d.type().name())) {
        return Future.failedFuture(ApiException.unprocessable(
            "DEVICE_TYPE_MISMATCH",
            "The appliance is a " + appliance.type() + ", the device a " + d.type()));
      }
      return sales.createSale(
          conn,
          companyId,
          customerId,
          appliance,
          deviceId,
          d.sale().toSale(appliance.price()),
          d.sale().downPaymentReceived());
    });
  }

  private Future<UUID> insertDevice(
      SqlConnection conn, UUID companyId, UUID customerId, NewDevice d, LocalDate today) {
    UUID deviceId = UUID.randomUUID();
    // the manufacturer must be an enabled plugin, the tariff one of the company's
    return conn.preparedQuery("""
        INSERT INTO devices (id, company_id, customer_id, serial, type, manufacturer, tariff_id,
        tariff_since, openpaygo_secret_key, openpaygo_starting_code, openpaygo_token_count)
        SELECT $1, $2, $3, $4, $5, p.name, $7, CASE WHEN $7::uuid IS NULL THEN NULL ELSE $8::date END, $9, $10, $11
        FROM plugins p WHERE p.company_id = $2 AND p.name = $6 AND p.kind = 'MANUFACTURER' AND p.enabled
        AND ($7::uuid IS NULL OR EXISTS (SELECT 1 FROM tariffs t WHERE t.id = $7 AND t.company_id = $2))""")
        .execute(Tuple.from(new Object[] {
          deviceId,
          companyId,
          customerId,
          d.serial(),
          d.type().name(),
          d.manufacturer(),
          d.tariffId(),
          today,
          // the device key is a secret like a plugin's: sealed at rest, for this device only
          d.openPaygo() == null
              ? null
              : secrets.seal(d.openPaygo().secretKeyHex(), SecretBox.deviceKey(deviceId)),
          d.openPaygo() == null ? null : d.openPaygo().startingCode(),
          d.openPaygo() == null ? null : d.openPaygo().tokenCount()
        }))
        .recover(t -> t instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? Future.failedFuture(ApiException.conflict(
                "DUPLICATE_SERIAL", "A device with serial " + d.serial() + " already exists"))
            : Future.failedFuture(t))
        .compose(rows -> rows.rowCount() == 1
            ? Future.succeededFuture(deviceId)
            : Future.failedFuture(ApiException.unprocessable(
                "MANUFACTURER_OR_TARIFF_NOT_FOUND",
                "Manufacturer '" + d.manufacturer()
                    + "' is not an enabled plugin, or the tariff is not one of your company's")));
  }

  /**
   * $1 company; filters or null: $2 name or serial pattern, $3 phone pattern (LIKE, escaped),
   * $4 village, $5 agent, $6 device type, $7 has debt, $8 created before; $9 limit.
   */
  private static final String SEARCH = """
      SELECT c.id, c.name, c.phone, c.village_id, c.agent_id, c.created_at, %s AS has_debt,
        (SELECT json_agg(json_build_object('serial', d.serial, 'type', d.type, 'manufacturer', d.manufacturer)
                ORDER BY d.created_at) FROM devices d WHERE d.customer_id = c.id) AS devices
      FROM customers c
      WHERE c.company_id = $1
        AND ($2::text IS NULL OR lower(c.name) LIKE $2 OR c.phone LIKE $3
             OR EXISTS (SELECT 1 FROM devices d WHERE d.customer_id = c.id AND lower(d.serial) LIKE $2))
        AND ($4::uuid IS NULL OR c.village_id = $4) AND ($5::uuid IS NULL OR c.agent_id = $5)
        AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM devices d WHERE d.customer_id = c.id AND d.type = $6))
        AND ($7::boolean IS NULL OR %s = $7)
        AND ($8::timestamptz IS NULL OR c.created_at < $8)
      ORDER BY c.created_at DESC LIMIT $9""".formatted(HAS_DEBT, HAS_DEBT);

  /**
   * Newest first, keyset-paged on created_at like the transaction list. {@code q} matches part of
   * the name or of a device's serial (case-insensitive), or part of the phone (spaces ignored).
   * {@code hasDebt}: an unpaid installment (due or upcoming) or an unpaid reversal debt; access-rate
   * arrears are computed per day and shown on the customer, not filtered on here.
   */
  public Future<JsonObject> search(CustomerSearch c, OffsetDateTime before, int limit) {
    String q = c.q();
    String like = LikePattern.containing(q);
    String phoneLike = q == null ? null : like.replace(" ", "");
    return pool.preparedQuery(SEARCH)
        .execute(Tuple.from(new Object[] {
          c.companyId(),
          like,
          phoneLike,
          c.villageId(),
          c.agentId(),
          c.deviceType(),
          c.hasDebt(),
          before,
          limit
        }))
        .map(rows -> {
          JsonArray items = new JsonArray();
          String last = null;
          for (Row r : rows) {
            last = r.getOffsetDateTime("created_at").toString();
            Object devices = r.getValue("devices");
            items.add(new JsonObject()
                .put("id", r.getUUID("id").toString())
                .put("name", r.getString("name"))
                .put("phone", r.getString("phone"))
                .put("villageId", r.getUUID("village_id").toString())
                .put(
                    "agentId",
                    r.getUUID("agent_id") == null ? null : r.getUUID("agent_id").toString())
                .put("hasDebt", r.getBoolean("has_debt"))
                .put("devices", devices instanceof JsonArray a ? a : new JsonArray())
                .put("createdAt", last));
          }
          return Paging.page(items, limit, "createdAt");
        });
  }

  /** The change and its audit row in one transaction; the village and agent must be the company's. */
  public Future<Void> update(Caller who, UUID customerId, CustomerChange ch) {
    UUID companyId = who.companyId();
    return pool.withTransaction(conn -> conn.preparedQuery("""
            SELECT id, name, phone, village_id, agent_id FROM customers WHERE id = $1 AND company_id = $2 FOR UPDATE""")
        .execute(Tuple.of(customerId, companyId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ApiException.notFound("customer"));
          }
          JsonObject before = customerJson(rows.iterator().next());
          return conn.preparedQuery("""
                  UPDATE customers c SET name = coalesce($3, c.name), phone = coalesce($4, c.phone),
                    village_id = coalesce($5, c.village_id), agent_id = CASE WHEN $6 THEN $7 ELSE c.agent_id END
                  WHERE c.id = $1 AND c.company_id = $2
                    AND ($5::uuid IS NULL OR EXISTS (SELECT 1 FROM villages v WHERE v.id = $5 AND v.company_id = $2))
                    AND ($7::uuid IS NULL OR EXISTS (SELECT 1 FROM users u WHERE u.id = $7 AND u.company_id = $2
                                                     AND u.role = 'AGENT'))
                  RETURNING c.id, c.name, c.phone, c.village_id, c.agent_id""")
              .execute(Tuple.from(new Object[] {
                customerId,
                companyId,
                ch.name(),
                ch.phone(),
                ch.villageId(),
                ch.agentGiven(),
                ch.agentId()
              }))
              .compose(updated -> updated.size() == 0
                  ? Future.failedFuture(ApiException.unprocessable(
                      "VILLAGE_NOT_FOUND", "No such village or agent in your company"))
                  : AuditStore.record(
                      conn,
                      who,
                      "customer.updated",
                      "customer",
                      customerId.toString(),
                      before,
                      customerJson(updated.iterator().next())));
        }));
  }

  private static JsonObject customerJson(Row r) {
    return new JsonObject()
        .put("name", r.getString("name"))
        .put("phone", r.getString("phone"))
        .put("villageId", r.getUUID("village_id").toString())
        .put(
            "agentId",
            r.getUUID("agent_id") == null ? null : r.getUUID("agent_id").toString());
  }

  /**
   * Another device for an existing customer, with registration's rules (enabled manufacturer,
   * the company's tariff, an SHS / e-bike's own sale). The customer row is locked and its
   * debt_version bumped by the sale, so a payment racing the new installments is recomputed.
   */
  public Future<Void> addDevice(Caller who, UUID customerId, NewDevice d, LocalDate today) {
    UUID companyId = who.companyId();
    return pool.withTransaction(conn -> conn.preparedQuery("""
        SELECT id FROM customers WHERE id = $1 AND company_id = $2 FOR UPDATE""")
        .execute(Tuple.of(customerId, companyId))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(ApiException.notFound("customer"))
            : insertDevice(conn, companyId, customerId, d, today))
        .compose(deviceId -> (d.sale() == null
                ? Future.<UUID>succeededFuture(null)
                : sellDevice(conn, companyId, customerId, deviceId, d))
            .compose(saleId -> AuditStore.record(
                conn,
                who,
                "device.added",
                "device",
                deviceId.toString(),
                null,
                new JsonObject()
                    .put("customerId", customerId.toString())
                    .put("serial", d.serial())
                    .put("type", d.type().name())
                    .put("manufacturer", d.manufacturer())
                    .put("tariffId", d.tariffId() == null ? null : d.tariffId().toString())
                    .put("saleId", saleId == null ? null : saleId.toString())
                    .put("openPaygo", d.openPaygo() != null)))));
  }

  /** The customer, their devices (with access-rate arrears as of {@code today}) and open installments. */
  public Future<JsonObject> get(UUID companyId, UUID customerId, LocalDate today) {
    Future<RowSet<Row>> customer = pool.preparedQuery("""
        SELECT c.id, c.name, c.phone, c.village_id, c.agent_id, c.created_at FROM customers c WHERE c.id = $1
          AND c.company_id = $2""").execute(Tuple.of(customerId, companyId));
    Future<RowSet<Row>> devices = pool.preparedQuery("""
                SELECT d.id, d.serial, d.type, d.manufacturer, d.tariff_id, d.tariff_since, d.credit,
                  d.access_rate_paid,
                t.access_rate_amount, t.access_rate_period_days
                FROM devices d LEFT JOIN tariffs t ON t.id = d.tariff_id
                WHERE d.customer_id = $1 AND d.company_id = $2 ORDER BY d.created_at
                """).execute(Tuple.of(customerId, companyId));
    Future<RowSet<Row>> installments =
        pool.preparedQuery("""
                SELECT i.id, i.sale_id, a.name, i.number, i.due_date, i.amount, i.paid FROM installments i
                JOIN appliance_sales s ON s.id = i.sale_id JOIN appliances a ON a.id = s.appliance_id
                WHERE i.customer_id = $1 AND i.company_id = $2 AND i.paid < i.amount ORDER BY i.due_date, i.number
                """).execute(Tuple.of(customerId, companyId));
    // what reversed payments had delivered: cleared first by the next payments
    Future<RowSet<Row>> reversalDebt =
        pool.preparedQuery("""
        SELECT coalesce(sum(amount - paid), 0) FROM reversal_debts WHERE customer_id = $1 AND company_id = $2
        """).execute(Tuple.of(customerId, companyId));
    return Future.all(customer, devices, installments, reversalDebt).map(all -> {
      if (customer.result().size() == 0) {
        throw ApiException.notFound("customer");
      }
      Row c = customer.result().iterator().next();
      JsonArray devs = new JsonArray();
      long[] arrearsTotal = {0};
      devices
          .result()
          .forEach(d -> devs.add(new JsonObject()
              .put("id", d.getUUID("id").toString())
              .put("serial", d.getString("serial"))
              .put("type", d.getString("type"))
              .put("manufacturer", d.getString("manufacturer"))
              .put(
                  "tariffId",
                  d.getUUID("tariff_id") == null ? null : d.getUUID("tariff_id").toString())
              .put(
                  "tariffSince",
                  d.getLocalDate("tariff_since") == null
                      ? null
                      : d.getLocalDate("tariff_since").toString())
              .put("credit", d.getLong("credit"))
              .put("accessRatePaid", d.getLong("access_rate_paid"))
              .put("accessRateArrears", arrears(d, today, arrearsTotal))));
      JsonArray open = new JsonArray();
      long due = 0;
      long upcoming = 0;
      for (Row i : installments.result()) {
        long outstanding = i.getLong("amount") - i.getLong("paid");
        boolean isDue = !i.getLocalDate("due_date").isAfter(today);
        if (isDue) {
          due += outstanding;
        } else {
          upcoming += outstanding;
        }
        open.add(new JsonObject()
            .put("id", i.getUUID("id").toString())
            .put("saleId", i.getUUID("sale_id").toString())
            .put("appliance", i.getString("name"))
            .put("number", i.getInteger("number"))
            .put("dueDate", i.getLocalDate("due_date").toString())
            .put("amount", i.getLong("amount"))
            .put("paid", i.getLong("paid"))
            .put("outstanding", outstanding)
            .put("due", isDue));
      }
      long reversal = reversalDebt.result().iterator().next().getLong(0);
      JsonObject debts = new JsonObject()
          .put("installmentsDue", due)
          .put("installmentsUpcoming", upcoming)
          .put("accessRateArrears", arrearsTotal[0])
          .put("reversalDebt", reversal)
          .put("totalDue", due + arrearsTotal[0] + reversal)
          .put("installments", open);
      return new JsonObject()
          .put("id", c.getUUID("id").toString())
          .put("name", c.getString("name"))
          .put("phone", c.getString("phone"))
          .put("villageId", c.getUUID("village_id").toString())
          .put(
              "agentId",
              c.getUUID("agent_id") == null ? null : c.getUUID("agent_id").toString())
          .put("devices", devs)
          .put("debts", debts);
    });
  }

  private static long arrears(Row d, LocalDate today, long[] total) {
    Long amount = d.getLong("access_rate_amount");
    if (amount == null || d.getLocalDate("tariff_since") == null) {
      return 0;
    }
    long a = new AccessRate(amount, d.getInteger("access_rate_period_days"))
        .arrears(d.getLocalDate("tariff_since"), today, d.getLong("access_rate_paid"));
    total[0] += a;
    return a;
  }
}
