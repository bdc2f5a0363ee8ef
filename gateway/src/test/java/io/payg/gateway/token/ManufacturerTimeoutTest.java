package io.payg.gateway.token;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.payg.gateway.support.GatewayFixture;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** MANUFACTURER_TIMEOUTS_MS: a manufacturer slower than its timeout gets retried, not waited for. */
class ManufacturerTimeoutTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(
        ManufacturerTimeoutTest.class,
        Map.of("MANUFACTURER_TIMEOUTS_MS", "calin=200", "TOKEN_MAX_ATTEMPTS", "100"));
    company = gw.company("Slow Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void aCallPastTheManufacturersTimeoutIsRetriedAndTheTokenArrivesOnce() {
    gw.calin.setLatency(Duration.ofSeconds(3));
    String serial = "SLOW-" + UUID.randomUUID().toString().substring(0, 6);
    gw.meterCustomer(company, serial);
    String id = ok(await(company
            .provider()
            .process("TX-" + serial, serial, 10_000, "KES", "+254700000000", null)))
        .getString("transactionId");
    // with the adapters' own 10 s default the first attempt would still be waiting
    eventually(
        Duration.ofSeconds(5),
        "the first attempt timed out",
        () -> "TOKEN_PENDING"
            .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", id)));
    gw.calin.setLatency(Duration.ZERO);
    eventually(
        Duration.ofSeconds(20),
        "token",
        () -> "COMPLETED"
            .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", id)));
    assertEquals(1, gw.db.count("SELECT count(*) FROM tokens WHERE transaction_id = ?::uuid", id));
  }
}
