package io.payg.gateway.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The schema kept ready to be distributed by tenant (Citus): after every migration, every table
 * carries {@code company_id} and every unique key and foreign key includes it — read from the
 * catalog, not from the migration texts. Global tables are allowed by name, each with its reason;
 * what is not company-scoped yet is listed in {@code scale-out/not-yet-company-scoped.txt}, and the
 * test fails on any violation not listed (a new table or key) and on any listed one that is gone
 * (so the list only shrinks and stays true).
 */
class ScaleOutSchemaTest {

  /** Tables that are global by design; on Citus, reference tables (replicated, written rarely). */
  static final Map<String, String> GLOBAL = Map.of(
      "flyway_schema_history", "Flyway's own bookkeeping, one per database",
      "companies", "the tenants themselves: their id is the distribution value",
      "login_attempts",
          "throttle state keyed by e-mail and source address before any company is known",
      "users", "login is by e-mail alone, so an e-mail is unique across companies",
      "api_keys", "a key is looked up by its hash before its company is known",
      "refresh_tokens", "a refresh token is looked up by its hash before its company is known");

  static final String TABLES_WITHOUT_COMPANY = """
      SELECT 'table ' || c.relname || ' -' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT EXISTS (SELECT 1 FROM pg_attribute a
        WHERE a.attrelid = c.oid AND a.attname = 'company_id' AND NOT a.attisdropped)""";
  /** Primary keys, unique constraints and unique indexes whose columns leave out company_id. */
  static final String UNIQUE_WITHOUT_COMPANY = """
      SELECT 'unique ' || t.relname || ' ' || i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND x.indisunique AND NOT EXISTS (SELECT 1 FROM pg_attribute a
        WHERE a.attrelid = t.oid AND a.attname = 'company_id' AND a.attnum = ANY (x.indkey))""";
  /** Foreign keys whose referencing columns leave out company_id. */
  static final String FOREIGN_KEYS_WITHOUT_COMPANY = """
      SELECT 'fk ' || t.relname || ' ' || con.conname FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND con.contype = 'f' AND NOT EXISTS (SELECT 1 FROM pg_attribute a
        WHERE a.attrelid = t.oid AND a.attname = 'company_id' AND a.attnum = ANY (con.conkey))""";

  @Test
  void everyTableKeyAndForeignKeyIsCompanyScopedButTheListedOnes() throws Exception {
    Set<String> found = new TreeSet<>();
    try (TestDatabase db = TestDatabase.fresh(ScaleOutSchemaTest.class)) {
      Migrations.apply(db.url(), Duration.ofSeconds(10), Duration.ofMinutes(5));
      try (Connection c =
          DriverManager.getConnection(db.url().jdbcUrl(), db.url().jdbcProperties())) {
        for (String sql : new String[] {
          TABLES_WITHOUT_COMPANY, UNIQUE_WITHOUT_COMPANY, FOREIGN_KEYS_WITHOUT_COMPANY
        }) {
          try (ResultSet rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
              String line = rs.getString(1);
              if (!GLOBAL.containsKey(line.split(" ")[1])) {
                found.add(line);
              }
            }
          }
        }
        // the checks see what they should: the tenant-scoped keys of the core tables are there
        try (ResultSet rs = c.createStatement()
            .executeQuery("SELECT count(*) FROM pg_constraint WHERE conname ="
                + " 'transactions_provider_txn' AND conrelid = 'transactions'::regclass")) {
          rs.next();
          assertEquals(1, rs.getInt(1), "the company-scoped idempotency key of transactions");
        }
      }
    }
    Set<String> listed = listed();
    Set<String> unlisted = new TreeSet<>(found);
    unlisted.removeAll(listed);
    assertTrue(
        unlisted.isEmpty(),
        "new tables or keys that are not company-scoped (include company_id, or add the"
            + " table to GLOBAL with its reason): " + unlisted);
    Set<String> fixed = new TreeSet<>(listed);
    fixed.removeAll(found);
    assertTrue(
        fixed.isEmpty(),
        "company-scoped now: delete these lines from scale-out/not-yet-company-scoped.txt: "
            + fixed);
  }

  private static Set<String> listed() throws IOException {
    try (InputStream in =
        ScaleOutSchemaTest.class.getResourceAsStream("/scale-out/not-yet-company-scoped.txt")) {
      Set<String> lines = new TreeSet<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          lines.add(line.trim());
        }
      }
      return lines;
    }
  }
}
