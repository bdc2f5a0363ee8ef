package io.payg.gateway.payment;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.BooksInvariant;
import io.payg.gateway.support.GatewayFixture;
import io.payg.gateway.support.MutableClock;
import io.payg.manufacturer.openpaygo.OpenPaygoToken;
import io.payg.manufacturer.openpaygo.OpenPaygoTokenType;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worked examples of ../shared/spec/domain.md, through HTTP only: operators set up tariffs,
 * appliances and sales; the provider pays; the test reads allocations, token units and debts.
 * Amounts in KES minor units; dates in 2026.
 */
class WorkedExamplesHttpTest {

  static final String KEY = "bc41ec9530f6dac86b1a29ab82edc5fb";
  static final MutableClock CLOCK = new MutableClock(LocalDate.of(2026, 1, 1));
  static GatewayFixture gw;
  static GatewayFixture.Company co;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(WorkedExamplesHttpTest.class, Map.of(), CLOCK);
    co = gw.company("Worked Examples Ltd");
  }

  @AfterEach
  void booksBalance() {
    BooksInvariant.check(gw.db, co.id());
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @BeforeEach
  void newYear() {
    CLOCK.setDay(LocalDate.of(2026, 1, 1));
  }

  private String tariff(JsonObject body) {
    return ok(gw.post(
            "/api/v1/tariffs",
            co.adminToken(),
            body.put("name", "T-" + UUID.randomUUID()).put("currency", "KES")))
        .getString("id");
  }

  private String appliance(String type, long price) {
    return ok(gw.post(
            "/api/v1/appliances",
            co.adminToken(),
            new JsonObject()
                .put("name", "A-" + UUID.randomUUID())
                .put("type", type)
                .put("price", price)
                .put("currency", "KES")))
        .getString("id");
  }

  private JsonObject sell(String customerId, JsonObject terms) {
    HttpResponse<Buffer> r =
        gw.post("/api/v1/customers/" + customerId + "/appliance-sales", co.adminToken(), terms);
    assertEquals(201, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  private static String serial() {
    return "S-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private JsonObject pay(String serial, long amount) {
    HttpResponse<Buffer> r = await(co.provider()
        .process("P-" + UUID.randomUUID(), serial, amount, "KES", "+254700000000", null));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  private static long allocated(JsonObject receipt, String kind) {
    return receipt.getJsonArray("allocations").stream()
        .map(o -> (JsonObject) o)
        .filter(a -> a.getString("kind").equals(kind))
        .mapToLong(a -> a.getLong("amount"))
        .sum();
  }

  private static List<Long> amounts(JsonObject sale) {
    List<Long> out = new ArrayList<>();
    sale.getJsonArray("schedule").forEach(o -> out.add(((JsonObject) o).getLong("amount")));
    return out;
  }

  private static List<String> dues(JsonObject sale) {
    List<String> out = new ArrayList<>();
    sale.getJsonArray("schedule").forEach(o -> out.add(((JsonObject) o).getString("dueDate")));
    return out;
  }

  @Test
  void example1_accessRateArrearsArePaidBeforeEnergy() {
    String t = tariff(new JsonObject()
        .put("pricePerKwh", 2500)
        .put("accessRate", new JsonObject().put("amount", 10000).put("periodDays", 7)));
    String serial = serial();
    String customer =
        gw.meterCustomer(co, serial, t).getString("id"); // the meter gets the tariff on 01-01
    CLOCK.setDay(LocalDate.of(2026, 1, 16));
    assertEquals(
        20000L,
        ok(gw.get("/api/v1/customers/" + customer, co.adminToken()))
            .getJsonObject("debts")
            .getLong("accessRateArrears"));
    JsonObject r = pay(serial, 50000);
    assertEquals(20000L, allocated(r, "ACCESS_RATE"));
    assertEquals(30000L, allocated(r, "ENERGY"));
    assertEquals(120L, r.getJsonObject("token").getLong("quantity")); // 12.0 kWh
    assertEquals(0L, gw.db.count("SELECT credit FROM devices WHERE serial = ?", serial));
    assertEquals(
        0L,
        ok(gw.get("/api/v1/customers/" + customer, co.adminToken()))
            .getJsonObject("debts")
            .getLong("accessRateArrears"));
  }

  @Test
  void example3_monthlyScheduleClampsToMonthEnds() {
    String customer = gw.meterCustomer(co, serial()).getString("id");
    JsonObject sale = sell(
        customer,
        new JsonObject()
            .put("applianceId", appliance("OTHER", 1_000_000))
            .put("downPayment", 100_000)
            .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 4))
            .put("period", "MONTHLY")
            .put("saleDate", "2026-01-31")
            .put("downPaymentReceived", true));
    assertEquals(List.of(100_000L, 225_000L, 225_000L, 225_000L, 225_000L), amounts(sale));
    assertEquals(
        List.of("2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"), dues(sale));
  }

  @Test
  void example4_countPlanPutsTheRemainderOnTheFirstInstallments() {
    String customer = gw.meterCustomer(co, serial()).getString("id");
    JsonObject sale = sell(
        customer,
        new JsonObject()
            .put("applianceId", appliance("OTHER", 100_000))
            .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 3))
            .put("period", "WEEKLY"));
    assertEquals(List.of(33_334L, 33_333L, 33_333L), amounts(sale));
    assertEquals(List.of("2026-01-08", "2026-01-15", "2026-01-22"), dues(sale));
  }

  @Test
  void example5_amountPlanEndsWithWhatIsLeft() {
    String customer = gw.meterCustomer(co, serial()).getString("id");
    JsonObject sale = sell(
        customer,
        new JsonObject()
            .put("applianceId", appliance("OTHER", 500_000))
            .put("downPayment", 50_000)
            .put("plan", new JsonObject().put("kind", "INSTALLMENT_AMOUNT").put("amount", 100_000))
            .put("period", "WEEKLY"));
    assertEquals(List.of(50_000L, 100_000L, 100_000L, 100_000L, 100_000L, 50_000L), amounts(sale));
  }

  /** Examples 6 and 8: a TV installment of 300.00 due yesterday, 100.00 of it already paid. */
  @Test
  void examples6and8_dueInstallmentsComeFirstAndAPureRepaymentBuysNoToken() {
    String t = tariff(new JsonObject().put("pricePerKwh", 2000));
    String meter6 = serial();
    String customer6 = gw.meterCustomer(co, meter6, t).getString("id");
    String meter8 = serial();
    String customer8 = gw.meterCustomer(co, meter8, t).getString("id");
    String tv = appliance("OTHER", 30_000);
    for (String c : List.of(customer6, customer8)) {
      sell(
          c,
          new JsonObject()
              .put("applianceId", tv)
              .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 1))
              .put("period", "MONTHLY")
              .put("saleDate", "2025-12-15")
              .put("firstDueDate", "2026-01-15"));
    }
    CLOCK.setDay(LocalDate.of(2026, 1, 16));
    for (String m : List.of(meter6, meter8)) {
      JsonObject first = pay(m, 10_000); // 100.00 already paid on the TV
      assertEquals(10_000L, allocated(first, "INSTALLMENT"));
      assertNull(first.getJsonObject("token"));
      assertEquals("COMPLETED", first.getString("status"));
    }
    // example 6: 500.00 -> 200.00 to the TV installment, 300.00 buys 15.0 kWh
    JsonObject r6 = pay(meter6, 50_000);
    assertEquals(20_000L, allocated(r6, "INSTALLMENT"));
    assertEquals(30_000L, allocated(r6, "ENERGY"));
    assertEquals(150L, r6.getJsonObject("token").getLong("quantity"));
    // example 8: exactly 200.00 clears the TV installment: no token, an SMS receipt
    JsonObject r8 = pay(meter8, 20_000);
    assertEquals(20_000L, allocated(r8, "INSTALLMENT"));
    assertNull(r8.getJsonObject("token"));
    assertEquals("COMPLETED", r8.getString("status"));
    String id8 = r8.getString("transactionId");
    GatewayFixture.eventually(
        Duration.ofSeconds(15),
        "SMS receipt",
        () -> gw.db.count("SELECT count(*) FROM sms_messages WHERE transaction_id = ?::uuid", id8)
            == 1);
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM outbox WHERE transaction_id = ?::uuid AND kind = 'TOKEN'", id8));
    String text = gw.db.text("SELECT body FROM sms_messages WHERE transaction_id = ?::uuid", id8);
    assertTrue(text.contains("Debts cleared: 200.00 KES"), text);
    JsonObject debts =
        ok(gw.get("/api/v1/customers/" + customer8, co.adminToken())).getJsonObject("debts");
    assertEquals(0L, debts.getLong("totalDue"));
  }

  @Test
  void example7_shsPaymentBuysDaysAndASmallerOneIsRefused() {
    String shs = serial();
    String applianceId = appliance("SHS", 700_000);
    JsonObject customer = ok(gw.post(
        "/api/v1/customers",
        co.adminToken(),
        new JsonObject()
            .put("name", "Solar Customer")
            .put("phone", "+254700000007")
            .put("villageId", co.villageId())
            .put(
                "device",
                new JsonObject()
                    .put("serial", shs)
                    .put("type", "SHS")
                    .put("manufacturer", "openpaygo")
                    .put(
                        "openPaygo",
                        new JsonObject().put("secretKey", KEY).put("startingCode", 516959010))
                    .put(
                        "sale",
                        new JsonObject()
                            .put("applianceId", applianceId)
                            .put("downPayment", 100_000)
                            .put("downPaymentReceived", true)
                            .put(
                                "plan",
                                new JsonObject()
                                    .put("kind", "INSTALLMENT_AMOUNT")
                                    .put("amount", 50_000))
                            .put("period", "WEEKLY")))));
    assertEquals(
        12, customer.getJsonObject("debts").getJsonArray("installments").size());
    JsonObject validate =
        await(co.provider().validate(shs, 30_000, "KES", "+254700000007")).bodyAsJsonObject();
    assertEquals("AMOUNT_BELOW_MINIMUM", validate.getString("code"));
    JsonObject ok500 =
        await(co.provider().validate(shs, 50_000, "KES", "+254700000007")).bodyAsJsonObject();
    assertEquals(true, ok500.getBoolean("valid"));
    JsonObject r = pay(shs, 100_000);
    assertEquals(100_000L, allocated(r, "DEVICE_INSTALLMENT"));
    assertEquals("DAYS", r.getJsonObject("token").getString("unit"));
    assertEquals(14L, r.getJsonObject("token").getLong("quantity"));
    JsonArray open = ok(gw.get("/api/v1/customers/" + customer.getString("id"), co.adminToken()))
        .getJsonObject("debts")
        .getJsonArray("installments");
    assertEquals(10, open.size()); // installments 1 and 2 are paid

    // the OpenPAYGO token for 14 days, generated in-house at the device's count, which advances
    String id = r.getString("transactionId");
    GatewayFixture.eventually(
        Duration.ofSeconds(15),
        "OpenPAYGO token",
        () -> gw.db.count("SELECT count(*) FROM tokens WHERE transaction_id = ?::uuid", id) == 1);
    OpenPaygoToken.Generated expected = OpenPaygoToken.generate(
        OpenPaygoToken.keyFromHex(KEY),
        516959010,
        1,
        OpenPaygoTokenType.ADD_TIME,
        14,
        false,
        false);
    assertEquals(
        expected.token(),
        gw.db.text("SELECT value FROM tokens WHERE transaction_id = ?::uuid", id));
    assertEquals(
        expected.newCount(),
        gw.db.count("SELECT openpaygo_token_count FROM devices WHERE serial = ?", shs));
    // the SMS is sent after the token is stored: wait for it rather than race it
    GatewayFixture.eventually(
        Duration.ofSeconds(15),
        "the SMS with the OpenPAYGO token",
        () -> gw.sms.messages().stream()
            .anyMatch(m -> m.text().contains(expected.token()) && m.text().contains("14 days")));
  }

  @Test
  void concurrentPaymentsOfOneCustomerNeverPayTheSameInstallmentTwice() {
    String t = tariff(new JsonObject().put("pricePerKwh", 2000));
    String meter = serial();
    String customer = gw.meterCustomer(co, meter, t).getString("id");
    sell(
        customer,
        new JsonObject()
            .put("applianceId", appliance("OTHER", 30_000))
            .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 1))
            .put("period", "WEEKLY")
            .put("saleDate", "2025-12-01"));
    List<Future<HttpResponse<Buffer>>> sends = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sends.add(co.provider()
          .process("C-" + UUID.randomUUID(), meter, 10_000, "KES", "+254700000000", null));
    }
    await(Future.all(sends));
    long toInstallment = 0;
    for (Future<HttpResponse<Buffer>> s : sends) {
      assertEquals(200, s.result().statusCode(), s.result().bodyAsString());
      JsonObject r = s.result().bodyAsJsonObject();
      toInstallment += allocated(r, "INSTALLMENT");
      long sum = r.getJsonArray("allocations").stream()
          .mapToLong(o -> ((JsonObject) o).getLong("amount"))
          .sum();
      assertEquals(10_000L, sum, "each payment is allocated exactly");
    }
    assertEquals(30_000L, toInstallment, "the 300.00 installment is paid exactly once in total");
    assertEquals(
        30_000L,
        gw.db.count(
            "SELECT sum(i.paid) FROM installments i JOIN customers c ON c.id = i.customer_id "
                + "WHERE c.id = ?::uuid",
            customer));
    assertEquals(
        100_000L,
        gw.db.count(
            "SELECT sum(a.amount) FROM allocations a JOIN transactions t ON t.id = a.transaction_id "
                + "WHERE t.serial = ?",
            meter));
  }
}
