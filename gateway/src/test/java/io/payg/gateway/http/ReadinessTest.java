package io.payg.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.payg.gateway.db.DatabaseUrl;
import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Readiness asks the database on a connection of its own: a request pool that is only full keeps
 * the instance ready (requests are shed with 503 instead), a database that refuses connections
 * makes it unready without showing the database's error text, and it is ready again after.
 */
class ReadinessTest {

  private static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(ReadinessTest.class, Map.of("DB_POOL_SIZE", "2"));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void aFullRequestPoolDoesNotMakeTheInstanceUnready() {
    List<Future<?>> busy = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      busy.add(gw.app.pool().query("SELECT pg_sleep(1)").execute());
    }
    assertEquals(200, gw.get("/health/ready", null).statusCode());
    busy.forEach(
        f -> f.toCompletionStage().toCompletableFuture().handle((r, e) -> null).join());
  }

  @Test
  void aDatabaseThatRefusesConnectionsMakesItUnreadyWithoutItsErrorTextThenReadyAgain()
      throws Exception {
    String db = gw.db.url().database();
    admin("ALTER DATABASE " + db + " ALLOW_CONNECTIONS false");
    try {
      admin(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'payg-readiness'");
      GatewayFixture.eventually(
          Duration.ofSeconds(10),
          "unready while the database refuses connections",
          () -> gw.get("/health/ready", null).statusCode() == 503);
      String body = gw.get("/health/ready", null).bodyAsString();
      assertFalse(body.contains("FATAL") || body.contains("accepting") || body.contains(db), body);
    } finally {
      admin("ALTER DATABASE " + db + " ALLOW_CONNECTIONS true");
    }
    GatewayFixture.eventually(
        Duration.ofSeconds(10),
        "ready once the database answers again",
        () -> gw.get("/health/ready", null).statusCode() == 200);
  }

  private static void admin(String sql) throws Exception {
    DatabaseUrl admin = gw.db.url().withDatabase("postgres");
    try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.jdbcProperties());
        var st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
