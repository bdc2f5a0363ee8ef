package io.payg.gateway.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;

/** Migrations in production: a blocked migration fails fast, and instances starting together migrate once. */
class MigrationSafetyTest {

  @Test
  void aMigrationBehindALongTransactionFailsWithinTheLockTimeoutInsteadOfQueueingEveryPayment()
      throws Exception {
    try (TestDatabase db = TestDatabase.fresh(MigrationSafetyTest.class)) {
      DatabaseUrl url = db.url();
      Migrations.configure(url, Duration.ofSeconds(5), Duration.ofMinutes(1))
          .target("10")
          .load()
          .migrate();
      try (Connection holder = DriverManager.getConnection(url.jdbcUrl(), url.jdbcProperties())) {
        holder.setAutoCommit(false);
        holder
            .createStatement()
            .execute("LOCK TABLE companies IN ACCESS EXCLUSIVE MODE"); // a long transaction
        FlywayException e = assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () -> assertThrows(
                FlywayException.class,
                () -> Migrations.apply(url, Duration.ofMillis(300), Duration.ofMinutes(1))));
        assertTrue(
            String.valueOf(e.getMessage()).contains("lock timeout")
                || String.valueOf(e.getMessage()).contains("55P03"),
            e.getMessage());
        holder.rollback();
      }
      // nothing half-done: once the lock is gone the same migration applies
      assertTrue(
          Migrations.apply(url, Duration.ofMillis(300), Duration.ofMinutes(1)).migrationsExecuted
              > 0);
    }
  }

  @Test
  void instancesStartingTogetherMigrateOnce() throws Exception {
    try (TestDatabase db = TestDatabase.fresh(MigrationSafetyTest.class)) {
      CompletableFuture<?> a = CompletableFuture.runAsync(
          () -> Migrations.apply(db.url(), Duration.ofSeconds(10), Duration.ofMinutes(1)));
      CompletableFuture<?> b = CompletableFuture.runAsync(
          () -> Migrations.apply(db.url(), Duration.ofSeconds(10), Duration.ofMinutes(1)));
      CompletableFuture.allOf(a, b).get();
      assertEquals(
          db.count(
              "SELECT count(DISTINCT version) FROM flyway_schema_history WHERE version IS NOT NULL"),
          db.count("SELECT count(*) FROM flyway_schema_history WHERE version IS NOT NULL"));
      assertEquals(0, db.count("SELECT count(*) FROM flyway_schema_history WHERE NOT success"));
    }
  }
}
