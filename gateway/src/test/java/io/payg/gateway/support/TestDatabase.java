package io.payg.gateway.support;

import io.payg.gateway.db.DatabaseServer;
import io.payg.gateway.db.DatabaseUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * A fresh, real PostgreSQL database for one test class, on the first server found:
 * {@code DATABASE_URL}, else 127.0.0.1:5432, else Testcontainers when Docker runs, else an
 * embedded PostgreSQL. The server is found once per JVM; each class gets its own database
 * and drops it afterwards.
 */
public final class TestDatabase implements AutoCloseable {

  private static DatabaseServer server;

  private final String name;
  private final DatabaseUrl url;

  private TestDatabase(String name, DatabaseUrl url) {
    this.name = name;
    this.url = url;
  }

  public static synchronized TestDatabase fresh(Class<?> testClass) {
    if (server == null) {
      server = locate();
      System.out.println("Tests run on " + server.description());
    }
    String name = ("t_" + testClass.getSimpleName() + "_"
            + UUID.randomUUID().toString().substring(0, 8))
        .toLowerCase(Locale.ROOT);
    return new TestDatabase(name, server.ensureDatabase(name));
  }

  private static DatabaseServer locate() {
    String env = System.getenv("DATABASE_URL");
    if (env != null && !env.isBlank()) {
      return DatabaseServer.locate(env);
    }
    DatabaseServer local = DatabaseServer.locate(null);
    if (!local.description().startsWith("embedded")) {
      return local;
    }
    local.close();
    if (dockerAvailable()) {
      PostgreSQLContainer<?> pg = new PostgreSQLContainer<>("postgres:16-alpine");
      pg.start();
      return DatabaseServer.at(
          new DatabaseUrl(
              pg.getHost(),
              pg.getFirstMappedPort(),
              "postgres",
              pg.getUsername(),
              pg.getPassword()),
          "Testcontainers PostgreSQL");
    }
    return DatabaseServer.embedded();
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable t) {
      return false;
    }
  }

  public DatabaseUrl url() {
    return url;
  }

  /** A single number from SQL, for assertions on what is stored. */
  public long count(String sql, Object... params) {
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.jdbcProperties());
        var st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** The first column of every row, as numbers, in the query's order. */
  public List<Long> longs(String sql, Object... params) {
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.jdbcProperties());
        var st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      List<Long> out = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getLong(1));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** A single text value from SQL. */
  public String text(String sql, Object... params) {
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.jdbcProperties());
        var st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** Rows in the tables a payment writes: each must stay 0 after a refused call. */
  public long moneyRows() {
    return count(
        "SELECT (SELECT count(*) FROM transactions) + (SELECT count(*) FROM allocations) "
            + "+ (SELECT count(*) FROM tokens) + (SELECT count(*) FROM outbox) + (SELECT count(*) FROM conflicts)");
  }

  @Override
  public void close() {
    server.dropDatabase(name);
  }
}
