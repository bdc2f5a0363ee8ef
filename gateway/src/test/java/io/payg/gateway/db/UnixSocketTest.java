package io.payg.gateway.db;

import static io.payg.gateway.support.GatewayFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.payg.gateway.config.GatewayConfig;
import io.payg.gateway.support.GatewayFixture;
import io.payg.gateway.support.TestDatabase;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DB_SOCKET_DIR: the request path's connections go through the local server's Unix-domain socket
 * (on the native transport), a payment is booked through it and readiness answers through it. Runs
 * where the tests' server is on this machine with its socket in sight (the CI machine's is).
 */
class UnixSocketTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch");
    assumeTrue(
        os.contains("linux") && ("amd64".equals(arch) || "x86_64".equals(arch)),
        "the native transport is bundled for Linux x86-64 only");
    String dir;
    try (TestDatabase probe = TestDatabase.fresh(UnixSocketTest.class);
        Connection c =
            DriverManager.getConnection(probe.url().jdbcUrl(), probe.url().jdbcProperties());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(
            "SELECT current_setting('unix_socket_directories')," + " current_setting('port')")) {
      rs.next();
      dir = rs.getString(1).split(",")[0].trim();
      String port = rs.getString(2);
      assumeTrue(
          !dir.isEmpty()
              && probe.url().port() == Integer.parseInt(port)
              && Files.exists(Path.of(dir, ".s.PGSQL." + port)),
          "the tests' PostgreSQL has no socket on this machine");
    }
    gw = new GatewayFixture(UnixSocketTest.class, Map.of("DB_SOCKET_DIR", dir));
    company = gw.company("Socket Energy");
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void aPaymentIsBookedThroughTheSocket() {
    assertTrue(gw.app.vertx().isNativeTransportEnabled(), "epoll, which the socket needs");
    String serial = "UDS-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    var r = await(company
        .provider()
        .process("UDS-1-" + serial, serial, 10_000, "KES", "+254712345678", null));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(1, gw.db.count("SELECT count(*) FROM transactions WHERE serial = ?", serial));
    // a Unix-domain connection has no client address, and -1 for its port (pg_stat_activity)
    Row self = await(gw.app
            .pool()
            .query("SELECT client_addr IS NULL AND client_port = -1 FROM pg_stat_activity"
                + " WHERE pid = pg_backend_pid()")
            .execute())
        .iterator()
        .next();
    assertTrue(self.getBoolean(0), "the request pool's connection is not on the socket");
    assertEquals(200, gw.get("/health/ready", null).statusCode());
  }

  @Test
  void aRelativeSocketDirectoryIsRefusedAtStart() {
    Map<String, String> env = Map.of(
        "DATABASE_URL",
        "postgresql://postgres@127.0.0.1:5432/x",
        "SECRETS_KEY",
        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        "DB_SOCKET_DIR",
        "run/postgresql");
    String message = assertThrows(
            IllegalStateException.class, () -> GatewayConfig.fromEnv(env, true).validated())
        .getMessage();
    assertTrue(message.contains("DB_SOCKET_DIR"), message);
  }
}
