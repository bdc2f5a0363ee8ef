package io.payg.gateway.bulkimport;

import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.plugin.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * SQL of bulk imports. Each batch is one transaction: it takes the company's import lock
 * (concurrent uploads of one company apply their batches one at a time, so each batch's look-up
 * sees every key committed before it), looks up the batch's keys, lets {@link ImportBatch}
 * decide, and writes customers, devices, sales, installments, keys and row outcomes with one
 * {@code INSERT … SELECT FROM unnest(arrays)} each.
 */
final class ImportStore {

  private static final String LOCK = """
      SELECT pg_advisory_xact_lock(hashtextextended('import:' || $1::uuid::text, 0))""";

  // a join with the array, not "key = ANY($2)": the generic plan of the latter filters every key of
  // the
  // company instead of probing the primary key, which grows each batch's look-up with the table
  private static final String KEYS = """
      SELECT k.kind, k.key, k.entity_id, k.content_sha256
      FROM unnest($2::text[]) AS x(key) JOIN import_keys k ON k.company_id = $1 AND k.kind = 'CUSTOMER'
        AND k.key = x.key
      UNION ALL
      SELECT k.kind, k.key, k.entity_id, k.content_sha256
      FROM unnest($3::text[]) AS x(key) JOIN import_keys k ON k.company_id = $1 AND k.kind = 'DEVICE' AND k.key = x.key
      """;

  private static final String SERIALS_IN_USE = """
      SELECT lower(serial) FROM devices WHERE company_id = $1 AND lower(serial) = ANY($2)""";

  private static final String INSERT_CUSTOMERS = """
      INSERT INTO customers (id, company_id, village_id, name, phone)
      SELECT x.id, $1, x.village, x.name, x.phone
      FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[]) AS x(id, village, name, phone)""";

  private static final String INSERT_KEYS = """
      INSERT INTO import_keys (company_id, kind, key, entity_id, content_sha256, import_id)
      SELECT $1, $2, x.key, x.id, x.hash, $3 FROM unnest($4::text[], $5::uuid[], $6::text[]) AS x(key, id, hash)""";

  private static final String INSERT_DEVICES = """
      INSERT INTO devices (id, company_id, customer_id, serial, type, manufacturer, tariff_id, tariff_since, credit,
                           openpaygo_secret_key, openpaygo_starting_code, openpaygo_token_count)
      SELECT x.id, $1, x.customer, x.serial, x.type, x.manufacturer, x.tariff, x.since, x.credit, x.key, x.code, x.count
      FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::date[], $9::bigint[],
                  $10::text[], $11::bigint[], $12::int[])
        AS x(id, customer, serial, type, manufacturer, tariff, since, credit, key, code, count)""";

  private static final String INSERT_SALES = """
      INSERT INTO appliance_sales (id, company_id, customer_id, appliance_id, device_id, price, down_payment, plan_kind,
                                   plan_value, period, installment_amount, sale_date)
      SELECT x.id, $1, x.customer, x.appliance, x.device, x.price, x.down, 'INSTALLMENT_COUNT', x.plan, x.period,
             x.installment, x.sale_date
      FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::bigint[], $7::bigint[], $8::bigint[], $9::text[],
                  $10::bigint[], $11::date[])
        AS x(id, customer, appliance, device, price, down, plan, period, installment, sale_date)""";

  private static final String INSERT_INSTALLMENTS = """
      INSERT INTO installments (id, company_id, sale_id, customer_id, number, due_date, amount, paid)
      SELECT x.id, $1, x.sale, x.customer, x.number, x.due, x.amount, x.paid
      FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::int[], $6::date[], $7::bigint[], $8::bigint[])
        AS x(id, sale, customer, number, due, amount, paid)""";

  // a new debt of a customer imported before changes what their next payment must clear (the
  // payment's guard)
  private static final String DEBT_CHANGED = """
      UPDATE customers SET debt_version = debt_version + 1 WHERE company_id = $1 AND id = ANY($2)""";

  private static final String INSERT_ROWS = """
      INSERT INTO import_rows (import_id, line, outcome, code, detail, customer_ref, serial)
      SELECT $1, x.line, x.outcome, x.code, x.detail, x.ref, x.serial
      FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
        AS x(line, outcome, code, detail, ref, serial)""";

  private static final String COMPLETE = """
      UPDATE imports i SET status = 'COMPLETED', content_sha256 = $3, completed_at = now(),
        rows = c.rows, created = c.created, unchanged = c.unchanged, conflicts = c.conflicts, errors = c.errors
      FROM (SELECT count(*) AS rows,
                   count(*) FILTER (WHERE outcome IN ('CREATED', 'WOULD_CREATE')) AS created,
                   count(*) FILTER (WHERE outcome = 'UNCHANGED') AS unchanged,
                   count(*) FILTER (WHERE outcome = 'CONFLICT') AS conflicts,
                   count(*) FILTER (WHERE outcome = 'ERROR') AS errors
            FROM import_rows WHERE import_id = $1) c
      WHERE i.id = $1 AND i.company_id = $2
      RETURNING i.dry_run, c.rows, c.created, c.unchanged, c.conflicts, c.errors""";

  private static final String HEAD = """
      SELECT id, dry_run, status, failure, content_sha256, rows, created, unchanged, conflicts, errors, created_by,
             created_at, completed_at
      FROM imports WHERE id = $1 AND company_id = $2""";

  private static final String ROWS = """
      SELECT line, outcome, code, detail, customer_ref, serial FROM import_rows
      WHERE import_id = $1 AND ($2::text[] IS NULL OR outcome = ANY($2)) AND line > $3
      ORDER BY line LIMIT $4""";

  private final Pool pool;
  private final SecretBox secrets;

  ImportStore(Pool pool, SecretBox secrets) {
    this.pool = pool;
    this.secrets = secrets;
  }

  /** The company's villages, tariffs, appliances, enabled manufacturers and currency. */
  Future<ImportReferences> references(UUID companyId) {
    Tuple company = Tuple.of(companyId);
    Map<String, List<UUID>> villages = new HashMap<>();
    Set<UUID> villageIds = new HashSet<>();
    Map<String, UUID> tariffs = new HashMap<>();
    Map<String, ImportReferences.Appliance> appliances = new HashMap<>();
    Set<String> manufacturers = new HashSet<>();
    return pool.preparedQuery("""
        SELECT id, lower(name) FROM villages WHERE company_id = $1""")
        .execute(company)
        .compose(rows -> {
          rows.forEach(r -> {
            villages.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(r.getUUID(0));
            villageIds.add(r.getUUID(0));
          });
          return pool.preparedQuery("""
              SELECT id, lower(name) FROM tariffs WHERE company_id = $1""").execute(company);
        })
        .compose(rows -> {
          rows.forEach(r -> tariffs.put(r.getString(1), r.getUUID(0)));
          return pool.preparedQuery("""
              SELECT id, lower(name), type, price FROM appliances WHERE company_id = $1""").execute(company);
        })
        .compose(rows -> {
          rows.forEach(r -> appliances.put(
              r.getString(1),
              new ImportReferences.Appliance(r.getUUID(0), r.getString(2), r.getLong(3))));
          return pool.preparedQuery("""
              SELECT name FROM plugins WHERE company_id = $1 AND kind = 'MANUFACTURER' AND enabled""").execute(company);
        })
        .compose(rows -> {
          rows.forEach(r -> manufacturers.add(r.getString(0)));
          return pool.preparedQuery("""
              SELECT currency FROM companies WHERE id = $1""").execute(company);
        })
        .map(rows -> new ImportReferences(
            rows.iterator().next().getString(0),
            villages,
            villageIds,
            tariffs,
            appliances,
            manufacturers));
  }

  Future<Void> create(UUID id, UUID companyId, UUID by, boolean dryRun) {
    return pool.preparedQuery("""
            INSERT INTO imports (id, company_id, created_by, dry_run, status) VALUES ($1, $2, $3, $4, 'RUNNING')
            """).execute(Tuple.of(id, companyId, by, dryRun)).mapEmpty();
  }

  /** Decides and writes one batch in one transaction; answers its rows' outcomes. */
  Future<List<ImportBatch.RowOutcome>> apply(
      UUID importId,
      UUID companyId,
      List<ImportRow> rows,
      ImportBatch.SeenInFile seen,
      boolean dryRun) {
    return pool.withTransaction(conn -> (dryRun
            ? Future.<Void>succeededFuture()
            : conn.preparedQuery(LOCK).execute(Tuple.of(companyId)).<Void>mapEmpty())
        .compose(v -> known(conn, companyId, rows, seen))
        .compose(known -> {
          ImportBatch batch = ImportBatch.decide(
              rows,
              known,
              seen,
              dryRun,
              (key, deviceId) -> secrets.seal(key, SecretBox.deviceKey(deviceId)));
          return write(conn, importId, companyId, batch.writes())
              .compose(v -> rows(conn, importId, batch.outcomes()))
              .map(batch.outcomes());
        }));
  }

  private static Future<ImportBatch.Known> known(
      SqlConnection conn, UUID companyId, List<ImportRow> rows, ImportBatch.SeenInFile seen) {
    String[] refs = ImportBatch.refsToLookUp(rows, seen).toArray(String[]::new);
    String[] serials = ImportBatch.serialsToLookUp(rows).toArray(String[]::new);
    Map<String, ImportBatch.Key> customers = new HashMap<>();
    Map<String, ImportBatch.Key> devices = new HashMap<>();
    Set<String> inUse = new HashSet<>();
    return conn.preparedQuery(KEYS)
        .execute(Tuple.from(new Object[] {companyId, refs, serials}))
        .compose(keys -> {
          keys.forEach(r -> ("CUSTOMER".equals(r.getString(0)) ? customers : devices)
              .put(r.getString(1), new ImportBatch.Key(r.getUUID(2), r.getString(3))));
          return conn.preparedQuery(SERIALS_IN_USE)
              .execute(Tuple.from(new Object[] {companyId, serials}));
        })
        .map(used -> {
          used.forEach(r -> inUse.add(r.getString(0)));
          return new ImportBatch.Known(customers, devices, inUse);
        });
  }

  private static Future<Void> write(
      SqlConnection conn, UUID importId, UUID companyId, ImportBatch.Writes w) {
    Future<Void> done = Future.succeededFuture();
    if (!w.customerIds.isEmpty()) {
      done = done.compose(v -> conn.preparedQuery(INSERT_CUSTOMERS)
              .execute(Tuple.from(new Object[] {
                companyId,
                w.customerIds.toArray(UUID[]::new),
                w.customerVillages.toArray(UUID[]::new),
                w.customerNames.toArray(String[]::new),
                w.customerPhones.toArray(String[]::new)
              }))
              .mapEmpty())
          .compose(v -> keys(
              conn,
              companyId,
              importId,
              "CUSTOMER",
              w.customerRefs.toArray(String[]::new),
              w.customerIds.toArray(UUID[]::new),
              w.customerHashes.toArray(String[]::new)));
    }
    if (!w.deviceIds.isEmpty()) {
      done = done.compose(v -> conn.preparedQuery(INSERT_DEVICES)
              .execute(Tuple.from(new Object[] {
                companyId,
                w.deviceIds.toArray(UUID[]::new),
                w.deviceCustomers.toArray(UUID[]::new),
                w.deviceSerials.toArray(String[]::new),
                w.deviceTypes.toArray(String[]::new),
                w.deviceManufacturers.toArray(String[]::new),
                w.deviceTariffs.toArray(UUID[]::new),
                w.deviceTariffSince.toArray(LocalDate[]::new),
                w.deviceCredit.toArray(Long[]::new),
                w.deviceKeys.toArray(String[]::new),
                w.deviceStartingCodes.toArray(Long[]::new),
                w.deviceTokenCounts.toArray(Integer[]::new)
              }))
              .recover(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState())
                  // a device registered through the API since this batch looked: the batch is not
                  // applied
                  ? Future.failedFuture(ApiException.conflict(
                      "SERIAL_REGISTERED_MEANWHILE",
                      "A serial of this batch was registered through the API while the import ran;"
                          + " upload the file again (rows already imported are unchanged)"))
                  : Future.failedFuture(e))
              .<Void>mapEmpty())
          .compose(v -> keys(
              conn,
              companyId,
              importId,
              "DEVICE",
              w.deviceSerials.stream().map(s -> s.toLowerCase(Locale.ROOT)).toArray(String[]::new),
              w.deviceIds.toArray(UUID[]::new),
              w.deviceHashes.toArray(String[]::new)));
    }
    if (!w.saleIds.isEmpty()) {
      done = done.compose(v -> conn.preparedQuery(INSERT_SALES)
              .execute(Tuple.from(new Object[] {
                companyId,
                w.saleIds.toArray(UUID[]::new),
                w.saleCustomers.toArray(UUID[]::new),
                w.saleAppliances.toArray(UUID[]::new),
                w.saleDevices.toArray(UUID[]::new),
                w.salePrices.toArray(Long[]::new),
                w.saleDownPayments.toArray(Long[]::new),
                w.salePlanValues.toArray(Long[]::new),
                w.salePeriods.toArray(String[]::new),
                w.saleInstallmentAmounts.toArray(Long[]::new),
                w.saleDates.toArray(LocalDate[]::new)
              }))
              .<Void>mapEmpty())
          .compose(v -> conn.preparedQuery(INSERT_INSTALLMENTS)
              .execute(Tuple.from(new Object[] {
                companyId,
                w.installmentIds.toArray(UUID[]::new),
                w.installmentSales.toArray(UUID[]::new),
                w.installmentCustomers.toArray(UUID[]::new),
                w.installmentNumbers.toArray(Integer[]::new),
                w.installmentDues.toArray(LocalDate[]::new),
                w.installmentAmounts.toArray(Long[]::new),
                w.installmentPaid.toArray(Long[]::new)
              }))
              .mapEmpty());
    }
    if (!w.debtChanged.isEmpty()) {
      done = done.compose(v -> conn.preparedQuery(DEBT_CHANGED)
          .execute(Tuple.from(new Object[] {companyId, w.debtChanged.toArray(UUID[]::new)}))
          .mapEmpty());
    }
    return done;
  }

  private static Future<Void> keys(
      SqlConnection conn,
      UUID companyId,
      UUID importId,
      String kind,
      String[] keys,
      UUID[] ids,
      String[] hashes) {
    return conn.preparedQuery(INSERT_KEYS)
        .execute(Tuple.from(new Object[] {companyId, kind, importId, keys, ids, hashes}))
        .mapEmpty();
  }

  private static Future<Void> rows(
      SqlConnection conn, UUID importId, List<ImportBatch.RowOutcome> outcomes) {
    if (outcomes.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = outcomes.size();
    Long[] lines = new Long[n];
    String[] kinds = new String[n];
    String[] codes = new String[n];
    String[] details = new String[n];
    String[] refs = new String[n];
    String[] serials = new String[n];
    for (int i = 0; i < n; i++) {
      ImportBatch.RowOutcome o = outcomes.get(i);
      lines[i] = o.line();
      kinds[i] = o.outcome().name();
      codes[i] = o.code();
      details[i] = o.detail();
      refs[i] = clip(o.customerRef());
      serials[i] = clip(o.serial());
    }
    return conn.preparedQuery(INSERT_ROWS)
        .execute(Tuple.from(new Object[] {importId, lines, kinds, codes, details, refs, serials}))
        .mapEmpty();
  }

  private static String clip(String s) {
    return s == null || s.length() <= 200 ? s : s.substring(0, 200);
  }

  /**
   * Counts the outcomes, marks the import COMPLETED and, for a real import, writes its audit row
   * (who, counts, file hash) in the same transaction.
   */
  Future<Void> complete(Caller who, UUID importId, String sha256) {
    return pool.withTransaction(conn -> conn.preparedQuery(COMPLETE)
        .execute(Tuple.of(importId, who.companyId(), sha256))
        .compose(rows -> {
          Row r = rows.iterator().next();
          if (r.getBoolean("dry_run")) {
            return Future.succeededFuture(); // a dry run changed nothing: no audit row
          }
          return AuditStore.record(
              conn,
              who,
              "import.completed",
              "import",
              importId.toString(),
              null,
              new JsonObject()
                  .put("fileSha256", sha256)
                  .put("rows", r.getLong("rows"))
                  .put("created", r.getLong("created"))
                  .put("unchanged", r.getLong("unchanged"))
                  .put("conflicts", r.getLong("conflicts"))
                  .put("errors", r.getLong("errors")));
        }));
  }

  /** An upload that stopped: the batches applied stay (a re-upload is idempotent), the reason is kept. */
  Future<Void> failed(UUID importId, String reason) {
    return pool.preparedQuery("""
            UPDATE imports SET status = 'FAILED', failure = $2, completed_at = now() WHERE id = $1
              AND status = 'RUNNING'""")
        .execute(Tuple.of(importId, reason.length() > 500 ? reason.substring(0, 500) : reason))
        .mapEmpty();
  }

  /** The import's summary with its first {@code problems} rows that are CONFLICT or ERROR. */
  Future<JsonObject> report(UUID companyId, UUID id, int problems) {
    return pool.preparedQuery(HEAD).execute(Tuple.of(id, companyId)).compose(heads -> {
      if (heads.size() == 0) {
        return Future.failedFuture(ApiException.notFound("import"));
      }
      Row h = heads.iterator().next();
      boolean dryRun = h.getBoolean("dry_run");
      JsonObject report = new JsonObject()
          .put("id", id.toString())
          .put("dryRun", dryRun)
          .put("status", h.getString("status"))
          .put("failure", h.getString("failure"))
          .put("fileSha256", h.getString("content_sha256"))
          .put("rows", h.getLong("rows"))
          .put(
              "counts",
              new JsonObject()
                  .put(dryRun ? "wouldCreate" : "created", h.getLong("created"))
                  .put("unchanged", h.getLong("unchanged"))
                  .put("conflicts", h.getLong("conflicts"))
                  .put("errors", h.getLong("errors")))
          .put("createdBy", h.getUUID("created_by").toString())
          .put("createdAt", h.getOffsetDateTime("created_at").toString())
          .put(
              "completedAt",
              h.getOffsetDateTime("completed_at") == null
                  ? null
                  : h.getOffsetDateTime("completed_at").toString());
      return page(id, new String[] {"CONFLICT", "ERROR"}, 0, problems).map(page -> {
        report.put("problems", page.getJsonArray("items"));
        report.put("moreProblems", page.containsKey("nextAfterLine"));
        return report;
      });
    });
  }

  /** Rows of an import by line, optionally only some outcomes; {@code afterLine} is the keyset. */
  Future<JsonObject> rows(UUID companyId, UUID id, String[] outcomes, long afterLine, int limit) {
    return pool.preparedQuery("""
        SELECT 1 FROM imports WHERE id = $1 AND company_id = $2""")
        .execute(Tuple.of(id, companyId))
        .compose(found -> found.size() == 0
            ? Future.failedFuture(ApiException.notFound("import"))
            : page(id, outcomes, afterLine, limit));
  }

  private Future<JsonObject> page(UUID id, String[] outcomes, long afterLine, int limit) {
    if (limit == 0) {
      return Future.succeededFuture(new JsonObject().put("items", new JsonArray()));
    }
    return pool.preparedQuery(ROWS)
        .execute(Tuple.from(new Object[] {id, outcomes, afterLine, limit + 1}))
        .map(rows -> {
          JsonArray items = new JsonArray();
          long last = 0;
          for (Row r : rows) {
            if (items.size() == limit) {
              break;
            }
            last = r.getLong("line");
            items.add(new JsonObject()
                .put("line", last)
                .put("outcome", r.getString("outcome"))
                .put("code", r.getString("code"))
                .put("detail", r.getString("detail"))
                .put("customerRef", r.getString("customer_ref"))
                .put("serial", r.getString("serial")));
          }
          JsonObject page = new JsonObject().put("items", items);
          if (rows.size() > limit) {
            page.put("nextAfterLine", last);
          }
          return page;
        });
  }
}
