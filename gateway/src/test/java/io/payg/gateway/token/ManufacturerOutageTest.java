package io.payg.gateway.token;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The manufacturer goes down: the breaker opens, nothing is lost, every token arrives once after. */
class ManufacturerOutageTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(ManufacturerOutageTest.class, Map.of("MANUFACTURER_BREAKER_FAILURES", "3",
        "MANUFACTURER_BREAKER_RESET_MS", "300", "TOKEN_MAX_ATTEMPTS", "100", "TOKEN_RETRY_CAP_MS", "200"));
    company = gw.company("Outage Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void breakerOpensWhileTheManufacturerIsDownAndEveryTokenArrivesOnceAfter() {
    gw.calin.setDown(true);
    List<String> ids = new ArrayList<>();
    List<String> serials = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String serial = "OUT-" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
      gw.meterCustomer(company, serial);
      serials.add(serial);
      ids.add(GatewayFixture.ok(await(company.provider().process("OUT-" + serial, serial, 10_000, "KES", "+254700000000", null)))
          .getString("transactionId"));
    }
    eventually(Duration.ofSeconds(15), "breaker open",
        () -> gw.get("/metrics", null).bodyAsString().contains("payg_manufacturer_breaker_state{manufacturer=\"calin\"} 2.0"));
    assertTrue(gw.get("/metrics", null).bodyAsString().contains("outcome=\"breaker_open\""), "jobs failed fast on the open breaker");
    assertEquals(0, gw.db.count("SELECT count(*) FROM tokens"));
    assertEquals(8, gw.db.count("SELECT count(*) FROM transactions WHERE status IN ('PROCESSED', 'TOKEN_PENDING')"));

    gw.calin.setDown(false);
    eventually(Duration.ofSeconds(30), "all tokens after recovery",
        () -> gw.db.count("SELECT count(*) FROM transactions WHERE status = 'COMPLETED'") == 8);
    for (String id : ids) {
      assertEquals(1, gw.db.count("SELECT count(*) FROM tokens WHERE transaction_id = ?::uuid", id));
    }
    for (String serial : serials) {
      assertEquals(1, gw.calin.vends().stream().filter(v -> v.serial().equals(serial)).count(), serial);
    }
  }
}
