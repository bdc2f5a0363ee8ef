package io.payg.gateway.token;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.payg.gateway.support.GatewayFixture;
import io.payg.manufacturer.simulator.SparkMeterSimulator;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SparkMeter credits money, not kWh: it must get what is left after the customer's debts, never the whole payment. */
class MoneyCreditManufacturerTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static SparkMeterSimulator sparkMeter;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(MoneyCreditManufacturerTest.class);
    company = gw.company("Spark Energy");
    sparkMeter = await(SparkMeterSimulator.start(gw.app.vertx(), 0));
    ok(gw.put(
        "/api/v1/plugins/sparkmeter",
        company.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(new HashMap<String, Object>(sparkMeter.settings())))));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void theManufacturerIsCreditedOnlyWithTheMoneyLeftAfterDebts() {
    String serial = "SPK-" + UUID.randomUUID().toString().substring(0, 8);
    String customer = ok(gw.post(
            "/api/v1/customers",
            company.adminToken(),
            new JsonObject()
                .put("name", "Spark Customer")
                .put("phone", "+254700000010")
                .put("villageId", company.villageId())
                .put(
                    "device",
                    new JsonObject()
                        .put("serial", serial)
                        .put("type", "METER")
                        .put("manufacturer", "sparkmeter")
                        .put("tariffId", company.tariffId()))))
        .getString("id");
    String tv = ok(gw.post(
            "/api/v1/appliances",
            company.adminToken(),
            new JsonObject()
                .put("name", "TV " + serial)
                .put("type", "OTHER")
                .put("price", 10_000)
                .put("currency", "KES")))
        .getString("id");
    ok(gw.post(
        "/api/v1/customers/" + customer + "/appliance-sales",
        company.adminToken(),
        new JsonObject()
            .put("applianceId", tv)
            .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 1))
            .put("period", "WEEKLY")
            .put("saleDate", "2025-01-01"))); // 100.00 long overdue

    String id = ok(await(company
            .provider()
            .process("SPK-" + serial, serial, 50_000, "KES", "+254700000010", null)))
        .getString("transactionId");
    eventually(
        Duration.ofSeconds(15),
        "token",
        () -> "COMPLETED"
            .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", id)));
    SparkMeterSimulator.Vend vend = sparkMeter.vends().stream()
        .filter(v -> v.serial().equals(serial))
        .findFirst()
        .orElseThrow();
    // 500.00 paid, 100.00 to the overdue TV installment: SparkMeter credits 400.00
    assertEquals(0, new BigDecimal(vend.amount()).compareTo(new BigDecimal("400")), vend.amount());
  }
}
