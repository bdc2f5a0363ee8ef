package io.payg.gateway.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the schema with Flyway before the gateway takes traffic. Runs blocking, once, at
 * start-up, before any verticle is deployed: the event loop is not running requests yet.
 */
public final class Migrations {

  private Migrations() {
  }

  public static MigrateResult apply(DatabaseUrl url) {
    return Flyway.configure()
        .dataSource(url.jdbcUrl(), url.user(), url.password())
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }
}
