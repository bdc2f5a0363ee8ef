package io.payg.gateway.http;

import static io.payg.gateway.support.GatewayFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A request that cannot get a database connection in time is a 503 to retry, not a 500, and stores nothing. */
class PoolExhaustionTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    // a wait long enough for the company's set-up on a loaded machine, shorter than the hold below
    gw = new GatewayFixture(
        PoolExhaustionTest.class,
        Map.of("DB_POOL_SIZE", "2", "DB_POOL_WAIT_QUEUE", "12", "DB_POOL_WAIT_MS", "1500"));
    company = gw.company("Busy Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void waitingTooLongOrBehindAFullQueueIs503WithRetryAfter() {
    String serial = "BUSY-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    // both connections busy for 5 s: every request waits past DB_POOL_WAIT_MS or finds the queue
    // full
    List<Future<?>> holders = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      holders.add(gw.app.pool().query("SELECT pg_sleep(5)").execute());
    }
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    // more than the queue holds: some wait past DB_POOL_WAIT_MS, the rest find the queue full;
    // payments,
    // since their write needs the pool (validations and snapshots read on connections of their own)
    for (int i = 0; i < 20; i++) {
      calls.add(company
          .provider()
          .process("BUSY-" + i + "-" + serial, serial, 10_000, "KES", "+254712345678", null));
    }
    long before = gw.db.moneyRows();
    // readiness has a connection of its own: a full pool sheds requests, it does not make the
    // instance unready
    assertEquals(200, gw.get("/health/ready", null).statusCode());
    for (Future<HttpResponse<Buffer>> call : calls) {
      HttpResponse<Buffer> r = await(call);
      assertEquals(503, r.statusCode(), r.bodyAsString());
      assertEquals("DATABASE_BUSY", r.bodyAsJsonObject().getString("code"));
      assertEquals("1", r.getHeader("Retry-After"));
      assertFalse(
          r.bodyAsString().contains("pool"), "no internals in the answer: " + r.bodyAsString());
    }
    holders.forEach(GatewayFixture::await);
    assertEquals(before, gw.db.moneyRows());
    assertEquals(
        200,
        await(company.provider().validate(serial, 10_000, "KES", "+254712345678"))
            .statusCode());
    assertEquals(
        200,
        await(company
                .provider()
                .process("BUSY-after-" + serial, serial, 10_000, "KES", "+254712345678", null))
            .statusCode());
  }
}
