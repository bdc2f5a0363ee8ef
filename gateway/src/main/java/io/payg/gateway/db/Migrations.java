package io.payg.gateway.db;

import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

/**
 * Applies the schema with Flyway before the gateway takes traffic. Runs blocking, once, at
 * start-up, before any verticle is deployed: the event loop is not running requests yet, and no
 * traffic is taken until the schema is current (a failed migration stops the start).
 *
 * <p>Production rules: one migrator at a time (Flyway holds a PostgreSQL advisory lock while it
 * migrates, so instances starting together queue); every migration session has a
 * {@code lock_timeout}, so a migration that needs a table lock behind a long transaction fails
 * fast instead of queueing every payment behind itself, and a {@code statement_timeout}. The
 * advisory lock is session-level, not transactional, so that a migration may build an index
 * {@code CONCURRENTLY} on a large table (Flyway runs such a statement outside a transaction).
 */
public final class Migrations {

  private Migrations() {}

  public static MigrateResult apply(
      DatabaseUrl url, Duration lockTimeout, Duration statementTimeout) {
    return configure(url, lockTimeout, statementTimeout).load().migrate();
  }

  /** Each migration connection's lock and statement timeouts, in milliseconds. */
  private static final String SESSION_LIMITS = """
      SET lock_timeout = %d; SET statement_timeout = %d""";

  /** The Flyway configuration the gateway migrates with; tests may narrow it (a target version). */
  public static FluentConfiguration configure(
      DatabaseUrl url, Duration lockTimeout, Duration statementTimeout) {
    FluentConfiguration config = Flyway.configure()
        .dataSource(url.jdbcUrl(), url.user(), url.password())
        .locations("classpath:db/migration")
        .initSql(SESSION_LIMITS.formatted(lockTimeout.toMillis(), statementTimeout.toMillis()));
    // https://documentation.red-gate.com/fd/postgresql-transactional-lock-setting-277579114.html
    config
        .getPluginRegister()
        .getPlugin(PostgreSQLConfigurationExtension.class)
        .setTransactionalLock(false);
    return config;
  }
}
