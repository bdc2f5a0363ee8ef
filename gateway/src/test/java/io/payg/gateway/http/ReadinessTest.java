package io.payg.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Readiness while the database answers late (load-tests/faults.sh, scenario postgres, saw the
 * gateway stay unready for good after a PostgreSQL restart, with health checks completing their
 * promise a second time after their 2 s budget): not ready while no connection is free, and
 * ready again by itself once the pool has connections again, with the late checks' queries
 * finished and their connections back in the pool.
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
  void readyAgainAfterChecksThatTimedOutWhileThePoolWasBusy() {
    // both connections busy for about 6 s: each check's SELECT 1 queues past its 2 s budget
    List<Future<?>> busy = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      busy.add(gw.app.pool().query("SELECT pg_sleep(1.5)").execute());
    }
    for (int check = 0; check < 2; check++) {
      int status = gw.get("/health/ready", null).statusCode();
      assertTrue(status == 503 || status == 500, "not ready while no connection is free: " + status);
    }
    busy.forEach(GatewayFixture::await);
    // the two late checks came back by now; each used to keep its connection, and the pool has two
    GatewayFixture.eventually(Duration.ofSeconds(10), "ready once the database answers again",
        () -> gw.get("/health/ready", null).statusCode() == 200);
    assertEquals(1, GatewayFixture.await(gw.app.pool().query("SELECT 1").execute()).size());
  }
}
