package io.payg.gateway.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * V12 on a database that already holds two serials differing only in case (possible before it):
 * the migration stops and names them instead of failing on an anonymous unique violation, and
 * without such rows it builds the case-insensitive index.
 */
class SerialIndexMigrationTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(SerialIndexMigrationTest.class);
    company = gw.company("Legacy Serials");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void clashingSerialsStopTheMigrationWithTheirNames() throws Exception {
    gw.meterCustomer(company, "Legacy-1");
    String v12;
    try (InputStream in =
        getClass().getResourceAsStream("/db/migration/V12__serials_match_case_insensitively.sql")) {
      v12 = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try (Connection c =
            DriverManager.getConnection(gw.db.url().jdbcUrl(), gw.db.url().jdbcProperties());
        Statement st = c.createStatement()) {
      // back to the schema before V12, where "legacy-1" next to "Legacy-1" was allowed
      st.execute("DROP INDEX devices_company_lower_serial");
      st.execute("CREATE UNIQUE INDEX devices_company_serial ON devices (company_id, serial)");
      st.execute("CREATE TEMP TABLE twin AS SELECT * FROM devices WHERE serial = 'Legacy-1'");
      st.execute("UPDATE twin SET id = gen_random_uuid(), serial = 'legacy-1'");
      st.execute("INSERT INTO devices SELECT * FROM twin");

      SQLException refused = assertThrows(SQLException.class, () -> st.execute(v12));
      assertTrue(
          refused.getMessage().contains("differ only in case")
              && refused.getMessage().contains("Legacy-1, legacy-1"),
          refused.getMessage());

      st.execute("DELETE FROM devices WHERE serial = 'legacy-1'");
      st.execute(v12);
    }
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM pg_indexes WHERE indexname = 'devices_company_lower_serial'"));
    assertEquals(
        0,
        gw.db.count("SELECT count(*) FROM pg_indexes WHERE indexname = 'devices_company_serial'"));
  }
}
