package io.payg.gateway.reversal;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.gateway.support.MutableClock;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/transactions/{id}/reversal} over HTTP against a real PostgreSQL: what the
 * payment paid is re-opened, what it delivered becomes a reversal debt that the next payment
 * clears first, an agent's cash and commission are compensated, and the books balance.
 */
class ReversalTest {

  static final MutableClock CLOCK = new MutableClock(LocalDate.of(2026, 1, 1));
  static final String PROTECTED = "protected pages 123";
  static GatewayFixture gw;
  static GatewayFixture.Company co;

  @BeforeAll
  static void start() throws Exception {
    // a breaker that never opens: a manufacturer down makes the token FAILED instead of waiting
    gw = new GatewayFixture(
        ReversalTest.class, Map.of("MANUFACTURER_BREAKER_FAILURES", "1000"), CLOCK);
    co = gw.company("Reversal Energy"); // KES
    assertEquals(
        204,
        gw.put(
                "/api/v1/company/protected-pages-password",
                co.adminToken(),
                new JsonObject().put("password", PROTECTED))
            .statusCode());
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @BeforeEach
  void newYear() {
    CLOCK.setDay(LocalDate.of(2026, 1, 1));
  }

  private HttpResponse<Buffer> reverse(
      String transactionId, String key, String token, String password) {
    var req = gw.http
        .postAbs(gw.base + "/api/v1/transactions/" + transactionId + "/reversal")
        .bearerTokenAuthentication(token);
    if (key != null) {
      req.putHeader("Idempotency-Key", key);
    }
    if (password != null) {
      req.putHeader("X-Protected-Password", password);
    }
    return await(req.sendJsonObject(new JsonObject().put("reason", "paid to the wrong account")));
  }

  private Future<HttpResponse<Buffer>> reverseAsync(String transactionId, String key) {
    return gw.http
        .postAbs(gw.base + "/api/v1/transactions/" + transactionId + "/reversal")
        .bearerTokenAuthentication(co.adminToken())
        .putHeader("Idempotency-Key", key)
        .putHeader("X-Protected-Password", PROTECTED)
        .sendJsonObject(new JsonObject().put("reason", "duplicate charge"));
  }

  private JsonObject pay(String serial, long amount) {
    HttpResponse<Buffer> r = await(co.provider()
        .process("P-" + UUID.randomUUID(), serial, amount, "KES", "+254700000000", null));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  private String tariff(JsonObject body) {
    return ok(gw.post(
            "/api/v1/tariffs",
            co.adminToken(),
            body.put("name", "T-" + UUID.randomUUID()).put("currency", "KES")))
        .getString("id");
  }

  private void sellTv(String customerId, long price, int count, String saleDate, String firstDue) {
    String tv = ok(gw.post(
            "/api/v1/appliances",
            co.adminToken(),
            new JsonObject()
                .put("name", "TV-" + UUID.randomUUID())
                .put("type", "OTHER")
                .put("price", price)
                .put("currency", "KES")))
        .getString("id");
    HttpResponse<Buffer> r = gw.post(
        "/api/v1/customers/" + customerId + "/appliance-sales",
        co.adminToken(),
        new JsonObject()
            .put("applianceId", tv)
            .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", count))
            .put("period", "MONTHLY")
            .put("saleDate", saleDate)
            .put("firstDueDate", firstDue));
    assertEquals(201, r.statusCode(), r.bodyAsString());
  }

  private static long allocated(JsonObject receipt, String kind) {
    return receipt.getJsonArray("allocations").stream()
        .map(o -> (JsonObject) o)
        .filter(a -> a.getString("kind").equals(kind))
        .mapToLong(a -> a.getLong("amount"))
        .sum();
  }

  private static String serial() {
    return "RV-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The books' identity for the company: received = allocated (not reversed) + reversed, to the minor unit. */
  private void assertBooksBalance() {
    long received = gw.db.count(
        "SELECT coalesce(sum(amount), 0) FROM transactions WHERE company_id = ?::uuid", co.id());
    long allocated = gw.db.count(
        "SELECT coalesce(sum(a.amount), 0) FROM allocations a JOIN transactions t "
            + "ON t.id = a.transaction_id WHERE t.company_id = ?::uuid AND t.status <> 'REVERSED'",
        co.id());
    long reversed = gw.db.count(
        "SELECT coalesce(sum(amount), 0) FROM reversals WHERE company_id = ?::uuid", co.id());
    assertEquals(received, allocated + reversed, "received = allocated + reversed");
    // and the installments hold exactly what the payments that still count paid on them (down
    // payments taken at the sale, number 0, were paid without a transaction)
    long paid = gw.db.count(
        "SELECT coalesce(sum(paid), 0) FROM installments WHERE company_id = ?::uuid AND number > 0",
        co.id());
    long paidByLive = gw.db.count(
        "SELECT coalesce(sum(a.amount), 0) FROM allocations a JOIN transactions t "
            + "ON t.id = a.transaction_id JOIN installments i ON i.id::text = a.reference "
            + "WHERE t.company_id = ?::uuid AND t.status <> 'REVERSED' "
            + "AND a.kind IN ('INSTALLMENT', 'DEVICE_INSTALLMENT') AND i.number > 0",
        co.id());
    assertEquals(paidByLive, paid, "installments paid = installment allocations of live payments");
    long debtPaid = gw.db.count(
        "SELECT coalesce(sum(paid), 0) FROM reversal_debts WHERE company_id = ?::uuid", co.id());
    long debtPaidByLive = gw.db.count(
        "SELECT coalesce(sum(a.amount), 0) FROM allocations a JOIN transactions t "
            + "ON t.id = a.transaction_id WHERE t.company_id = ?::uuid AND t.status <> 'REVERSED' "
            + "AND a.kind = 'REVERSAL_DEBT'",
        co.id());
    assertEquals(
        debtPaidByLive,
        debtPaid,
        "reversal debts paid = reversal-debt allocations of live payments");
  }

  @Test
  void aReversalReopensWhatThePaymentPaidAndTheNextPaymentClearsTheReversalDebtFirst() {
    // 23.00/kWh, access rate 100.00 every 7 days from 01-01; a TV installment of 300.00 due 01-15
    String t = tariff(new JsonObject()
        .put("pricePerKwh", 2300)
        .put("accessRate", new JsonObject().put("amount", 10_000).put("periodDays", 7)));
    String meter = serial();
    String customer = gw.meterCustomer(co, meter, t).getString("id");
    sellTv(customer, 30_000, 1, "2025-12-15", "2026-01-15");
    CLOCK.setDay(LocalDate.of(2026, 1, 16));

    // 1,000.00: 300.00 TV, 200.00 access rate, 500.00 buys 21.7 kWh (499.10), 0.90 stays on the
    // meter
    JsonObject paid = pay(meter, 100_000);
    assertEquals(30_000L, allocated(paid, "INSTALLMENT"));
    assertEquals(20_000L, allocated(paid, "ACCESS_RATE"));
    assertEquals(49_910L, allocated(paid, "ENERGY"));
    assertEquals(90L, allocated(paid, "METER_CREDIT"));
    String txn = paid.getString("transactionId");
    eventually(
        Duration.ofSeconds(15),
        "token",
        () -> "COMPLETED"
            .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", txn)));

    // ADMIN only, behind the protected-pages password, with an Idempotency-Key
    String operator = ok(await(gw.http
            .postAbs(gw.base + "/api/v1/users")
            .bearerTokenAuthentication(co.adminToken())
            .putHeader("X-Protected-Password", PROTECTED)
            .sendJsonObject(new JsonObject()
                .put("email", "op-" + UUID.randomUUID() + "@example.com")
                .put("password", "operator password")
                .put("role", "OPERATOR"))))
        .getString("id");
    assertTrue(operator != null);
    assertEquals(400, reverse(txn, null, co.adminToken(), PROTECTED).statusCode());
    assertEquals(
        "PROTECTED_PASSWORD_REQUIRED",
        reverse(txn, "rev-" + UUID.randomUUID(), co.adminToken(), null)
            .bodyAsJsonObject()
            .getString("code"));
    assertEquals(
        403,
        reverse(txn, "rev-" + UUID.randomUUID(), co.adminToken(), "wrong password")
            .statusCode());
    assertEquals(
        "active",
        gw.db.text(
            "SELECT CASE WHEN status <> 'REVERSED' THEN 'active' END FROM transactions "
                + "WHERE id = ?::uuid",
            txn),
        "nothing reversed by refused calls");

    String key = "rev-" + UUID.randomUUID();
    HttpResponse<Buffer> r = reverse(txn, key, co.adminToken(), PROTECTED);
    assertEquals(201, r.statusCode(), r.bodyAsString());
    JsonObject reversal = r.bodyAsJsonObject();
    assertEquals(txn, reversal.getString("transactionId"));
    assertEquals(100_000L, reversal.getLong("amount"));
    assertEquals("OPERATOR", reversal.getString("source"));
    assertEquals(
        49_910L,
        reversal.getLong("reversalDebt"),
        "the energy delivered; the 0.90 credit was still on the meter");

    // the database: nothing deleted, everything compensated
    assertEquals("REVERSED", gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", txn));
    assertEquals(
        4L, gw.db.count("SELECT count(*) FROM allocations WHERE transaction_id = ?::uuid", txn));
    assertEquals(
        0L,
        gw.db.count("SELECT paid FROM installments WHERE customer_id = ?::uuid", customer),
        "TV re-opened");
    assertEquals(0L, gw.db.count("SELECT access_rate_paid FROM devices WHERE serial = ?", meter));
    assertEquals(0L, gw.db.count("SELECT credit FROM devices WHERE serial = ?", meter));
    assertEquals(
        49_910L,
        gw.db.count(
            "SELECT amount - paid FROM reversal_debts WHERE customer_id = ?::uuid", customer));
    JsonObject debts =
        ok(gw.get("/api/v1/customers/" + customer, co.adminToken())).getJsonObject("debts");
    assertEquals(49_910L, debts.getLong("reversalDebt"));
    assertEquals(30_000L, debts.getLong("installmentsDue"));
    assertEquals(20_000L, debts.getLong("accessRateArrears"));
    JsonObject shown = ok(gw.get("/api/v1/transactions/" + txn, co.adminToken()));
    assertEquals("REVERSED", shown.getString("status"));
    assertEquals(reversal.getString("id"), shown.getJsonObject("reversal").getString("id"));
    assertEquals(49_910L, shown.getJsonObject("reversal").getLong("reversalDebt"));
    assertBooksBalance();

    // a replay with the same key is the same answer; another key is 409 ALREADY_REVERSED
    HttpResponse<Buffer> again = reverse(txn, key, co.adminToken(), PROTECTED);
    assertEquals(201, again.statusCode());
    assertEquals(reversal, again.bodyAsJsonObject());
    HttpResponse<Buffer> otherKey =
        reverse(txn, "rev-" + UUID.randomUUID(), co.adminToken(), PROTECTED);
    assertEquals(409, otherKey.statusCode());
    assertEquals("ALREADY_REVERSED", otherKey.bodyAsJsonObject().getString("code"));
    assertEquals(
        1L, gw.db.count("SELECT count(*) FROM reversals WHERE transaction_id = ?::uuid", txn));

    // the token job of a reversed payment never turns it back to COMPLETED, nor does a token retry
    assertEquals(
        409,
        gw.post("/api/v1/transactions/" + txn + "/token/retry", co.adminToken(), new JsonObject())
            .statusCode());

    // the next payment clears the reversal debt first, then the TV, then the access rate
    JsonObject next = pay(meter, 60_000);
    JsonArray allocations = next.getJsonArray("allocations");
    assertEquals("REVERSAL_DEBT", allocations.getJsonObject(0).getString("kind"));
    assertEquals(49_910L, allocations.getJsonObject(0).getLong("amount"));
    assertEquals(10_090L, allocated(next, "INSTALLMENT"));
    assertEquals(
        0L,
        gw.db.count(
            "SELECT amount - paid FROM reversal_debts WHERE customer_id = ?::uuid", customer));
    assertBooksBalance();
  }

  @Test
  void reversingAPaymentWhoseInstallmentsWereSincePaidFurtherStillBalances() {
    String t = tariff(new JsonObject().put("pricePerKwh", 2000));
    String meter = serial();
    String customer = gw.meterCustomer(co, meter, t).getString("id");
    sellTv(customer, 60_000, 2, "2025-11-15", "2025-12-15"); // 300.00 due 12-15 and 01-15
    CLOCK.setDay(LocalDate.of(2026, 1, 16));
    JsonObject p1 = pay(meter, 40_000); // 300.00 on the first, 100.00 on the second
    JsonObject p2 = pay(meter, 50_000); // 200.00 on the second, 300.00 energy (15.0 kWh)
    assertEquals(20_000L, allocated(p2, "INSTALLMENT"));
    assertEquals(
        60_000L,
        gw.db.count("SELECT sum(paid) FROM installments WHERE customer_id = ?::uuid", customer));

    HttpResponse<Buffer> r1 = reverse(
        p1.getString("transactionId"), "rev-" + UUID.randomUUID(), co.adminToken(), PROTECTED);
    assertEquals(201, r1.statusCode(), r1.bodyAsString());
    assertEquals(
        0L,
        r1.bodyAsJsonObject().getLong("reversalDebt"),
        "p1 only paid debts: nothing was delivered");
    // the first installment is open again in full; the second keeps what p2 paid on it
    assertEquals(
        List.of(0L, 20_000L),
        gw.db.longs(
            "SELECT paid FROM installments WHERE customer_id = ?::uuid " + "ORDER BY number",
            customer));
    assertBooksBalance();

    HttpResponse<Buffer> r2 = reverse(
        p2.getString("transactionId"), "rev-" + UUID.randomUUID(), co.adminToken(), PROTECTED);
    assertEquals(201, r2.statusCode(), r2.bodyAsString());
    assertEquals(30_000L, r2.bodyAsJsonObject().getLong("reversalDebt"));
    assertEquals(
        List.of(0L, 0L),
        gw.db.longs(
            "SELECT paid FROM installments WHERE customer_id = ?::uuid " + "ORDER BY number",
            customer));
    assertBooksBalance();
  }

  @Test
  void concurrentReversalsOfOneTransactionReverseItOnce() {
    String meter = serial();
    gw.meterCustomer(co, meter);
    String txn = pay(meter, 50_000).getString("transactionId");
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sent.add(reverseAsync(txn, "rev-" + UUID.randomUUID()));
    }
    int created = 0;
    int conflicts = 0;
    for (Future<HttpResponse<Buffer>> f : sent) {
      HttpResponse<Buffer> r = await(f);
      if (r.statusCode() == 201) {
        created++;
      } else {
        assertEquals(409, r.statusCode(), r.bodyAsString());
        assertEquals("ALREADY_REVERSED", r.bodyAsJsonObject().getString("code"));
        conflicts++;
      }
    }
    assertEquals(1, created);
    assertEquals(9, conflicts);
    assertEquals(
        1L, gw.db.count("SELECT count(*) FROM reversals WHERE transaction_id = ?::uuid", txn));
    assertEquals(
        1L,
        gw.db.count(
            "SELECT count(*) FROM reversal_debts d JOIN reversals r ON r.id = d.reversal_id "
                + "WHERE r.transaction_id = ?::uuid",
            txn));
    assertBooksBalance();
  }

  @Test
  void anAgentsCashPaymentReversedGivesBackTheCashAndTheCommission() {
    assertEquals(
        200,
        gw.put(
                "/api/v1/commissions/settings",
                co.adminToken(),
                new JsonObject().put("energyRateBps", 500).put("applianceRateBps", 0))
            .statusCode());
    GatewayFixture.Agent agent = gw.agent(co, 100_000, PROTECTED);
    String meter = serial();
    ok(gw.post(
        "/api/v1/customers",
        co.adminToken(),
        new JsonObject()
            .put("name", "Cash Customer")
            .put("phone", "+254711111111")
            .put("villageId", co.villageId())
            .put("agentId", agent.id())
            .put(
                "device",
                new JsonObject()
                    .put("serial", meter)
                    .put("type", "METER")
                    .put("manufacturer", "calin")
                    .put("tariffId", co.tariffId()))));
    HttpResponse<Buffer> cash = await(gw.http
        .postAbs(gw.base + "/api/v1/agent/payments")
        .bearerTokenAuthentication(agent.token())
        .putHeader("Idempotency-Key", "cash-" + UUID.randomUUID())
        .sendJsonObject(
            new JsonObject().put("serial", meter).put("amount", 23_000).put("currency", "KES")));
    assertTrue(cash.statusCode() == 200 || cash.statusCode() == 202, cash.bodyAsString());
    String txn = cash.bodyAsJsonObject().getString("id");
    assertEquals(
        23_000L, gw.db.count("SELECT cash_balance FROM users WHERE id = ?::uuid", agent.id()));
    assertEquals(
        1_150L,
        gw.db.count(
            "SELECT sum(amount) FROM commission_entries WHERE agent_id = ?::uuid", agent.id()));

    HttpResponse<Buffer> r = reverse(txn, "rev-" + UUID.randomUUID(), co.adminToken(), PROTECTED);
    assertEquals(201, r.statusCode(), r.bodyAsString());
    assertEquals(0L, gw.db.count("SELECT cash_balance FROM users WHERE id = ?::uuid", agent.id()));
    assertEquals(
        -23_000L,
        gw.db.count(
            "SELECT m.amount FROM agent_cash_movements m JOIN reversals v ON v.id = m.reversal_id "
                + "WHERE v.transaction_id = ?::uuid",
            txn));
    assertEquals(
        0L,
        gw.db.count(
            "SELECT sum(amount) FROM commission_entries WHERE agent_id = ?::uuid", agent.id()),
        "the commission is compensated by a REVERSAL entry, never deleted");
    assertEquals(
        2L,
        gw.db.count(
            "SELECT count(*) FROM commission_entries WHERE agent_id = ?::uuid", agent.id()));
    assertEquals(
        0L, ok(gw.get("/api/v1/agents/" + agent.id(), co.adminToken())).getLong("cashBalance"));
    assertBooksBalance();
  }

  @Test
  void anShsPaymentReversedOwesTheDaysItGaveAndReopensItsInstallments() {
    String shs = serial();
    String appliance = ok(gw.post(
            "/api/v1/appliances",
            co.adminToken(),
            new JsonObject()
                .put("name", "SHS-" + shs)
                .put("type", "SHS")
                .put("price", 700_000)
                .put("currency", "KES")))
        .getString("id");
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
                        new JsonObject()
                            .put("secretKey", "bc41ec9530f6dac86b1a29ab82edc5fb")
                            .put("startingCode", 516959010))
                    .put(
                        "sale",
                        new JsonObject()
                            .put("applianceId", appliance)
                            .put("downPayment", 100_000)
                            .put("downPaymentReceived", true)
                            .put(
                                "plan",
                                new JsonObject()
                                    .put("kind", "INSTALLMENT_AMOUNT")
                                    .put("amount", 50_000))
                            .put("period", "WEEKLY")))));
    String customerId = customer.getString("id");
    JsonObject paid = pay(shs, 100_000); // installments 1 and 2: 14 days
    assertEquals(14L, paid.getJsonObject("token").getLong("quantity"));
    String txn = paid.getString("transactionId");
    eventually(
        Duration.ofSeconds(15),
        "token",
        () -> gw.db.count("SELECT count(*) FROM tokens WHERE transaction_id = ?::uuid", txn) == 1);

    HttpResponse<Buffer> r = reverse(txn, "rev-" + UUID.randomUUID(), co.adminToken(), PROTECTED);
    assertEquals(201, r.statusCode(), r.bodyAsString());
    assertEquals(
        100_000L,
        r.bodyAsJsonObject().getLong("reversalDebt"),
        "the 14 days used, at the price they were bought");
    JsonObject debts =
        ok(gw.get("/api/v1/customers/" + customerId, co.adminToken())).getJsonObject("debts");
    assertEquals(
        12, debts.getJsonArray("installments").size(), "installments 1 and 2 are owed again");
    assertEquals(100_000L, debts.getLong("reversalDebt"));
    assertBooksBalance();

    // validation: up to the debt is a pure repayment; beyond it a purchase must reach the next
    // installment too
    assertEquals(
        true,
        await(co.provider().validate(shs, 100_000, "KES", "+254700000007"))
            .bodyAsJsonObject()
            .getBoolean("valid"));
    assertEquals(
        "AMOUNT_BELOW_MINIMUM",
        await(co.provider().validate(shs, 120_000, "KES", "+254700000007"))
            .bodyAsJsonObject()
            .getString("code"));
    JsonObject next = pay(shs, 150_000);
    assertEquals(
        "REVERSAL_DEBT", next.getJsonArray("allocations").getJsonObject(0).getString("kind"));
    assertEquals(100_000L, allocated(next, "REVERSAL_DEBT"));
    assertEquals(50_000L, allocated(next, "DEVICE_INSTALLMENT"));
    assertEquals(
        7L, next.getJsonObject("token").getLong("quantity"), "only the installment bought days");
    assertBooksBalance();
  }

  @Test
  void aPaymentWhoseTokenFailedOwesNothingForItsEnergy() {
    String meter = serial();
    String customer = gw.meterCustomer(co, meter).getString("id");
    gw.calin.setDown(true);
    String txn;
    try {
      txn = pay(meter, 23_000).getString("transactionId"); // 10.0 kWh that never reach the meter
      eventually(
          Duration.ofSeconds(20),
          "token failed",
          () -> "TOKEN_FAILED"
              .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", txn)));
    } finally {
      gw.calin.setDown(false);
    }
    HttpResponse<Buffer> r = reverse(txn, "rev-" + UUID.randomUUID(), co.adminToken(), PROTECTED);
    assertEquals(201, r.statusCode(), r.bodyAsString());
    assertEquals(0L, r.bodyAsJsonObject().getLong("reversalDebt"));
    assertEquals(
        0L,
        gw.db.count("SELECT count(*) FROM reversal_debts WHERE customer_id = ?::uuid", customer));
    HttpResponse<Buffer> retry =
        gw.post("/api/v1/transactions/" + txn + "/token/retry", co.adminToken(), new JsonObject());
    assertEquals(
        409, retry.statusCode(), "a reversed payment's failed token is never requested again");
    assertEquals(
        "FAILED",
        gw.db.text(
            "SELECT status FROM outbox WHERE transaction_id = ?::uuid AND kind = 'TOKEN'", txn));
    assertEquals("REVERSED", gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", txn));
    assertBooksBalance();
  }

  @Test
  void aReversalRacingPaymentsOfTheSameCustomerKeepsEveryFigureExact() {
    String meter = serial();
    String customer = gw.meterCustomer(co, meter).getString("id"); // 23.00/kWh
    String txn = pay(meter, 23_090).getString("transactionId"); // 10.0 kWh, 0.90 left on the meter
    List<Future<HttpResponse<Buffer>>> reversals = new ArrayList<>();
    List<Future<HttpResponse<Buffer>>> payments = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      reversals.add(reverseAsync(txn, "rev-" + UUID.randomUUID()));
      // 100.00 each: whatever the order, each is a pure repayment of what is left of the debt or
      // leaves at least the 50.00 minimum purchase after it
      payments.add(co.provider()
          .process("P-" + UUID.randomUUID(), meter, 10_000 + i, "KES", "+254700000000", null));
    }
    long created = reversals.stream()
        .map(GatewayFixture::await)
        .filter(r -> r.statusCode() == 201)
        .count();
    assertEquals(1, created);
    payments.forEach(f -> {
      HttpResponse<Buffer> r = await(f);
      assertEquals(200, r.statusCode(), r.bodyAsString());
    });
    assertEquals(
        1L, gw.db.count("SELECT count(*) FROM reversals WHERE transaction_id = ?::uuid", txn));
    // whatever the order, the meter credit is what the live payments left and the debt is what was
    // delivered
    long debt = gw.db.count(
        "SELECT d.amount FROM reversal_debts d JOIN reversals r ON r.id = d.reversal_id "
            + "WHERE r.transaction_id = ?::uuid",
        txn);
    // the energy, plus what of the 0.90 credit later purchases had spent before the reversal took
    // it off
    assertTrue(debt >= 23_000L && debt <= 23_090L, "reversal debt " + debt);
    long credit = gw.db.count("SELECT credit FROM devices WHERE serial = ?", meter);
    assertTrue(
        credit >= 0 && credit < 2_300, "never a negative or a whole-tenth credit: " + credit);
    assertBooksBalance();
    // every minor unit of the customer: paid = allocated to live payments; owed = debt - paid on it
    long paidOnDebt =
        gw.db.count("SELECT paid FROM reversal_debts WHERE customer_id = ?::uuid", customer);
    assertEquals(
        paidOnDebt,
        gw.db.count(
            "SELECT coalesce(sum(a.amount), 0) FROM allocations a JOIN transactions t "
                + "ON t.id = a.transaction_id WHERE t.customer_id = ?::uuid AND a.kind = 'REVERSAL_DEBT'",
            customer));
  }

  @Test
  void aReversalAfterTheMeterMovedChargesThePayerAndTakesOnlyTheCreditStillThere() {
    String meter = serial();
    String payer = gw.meterCustomer(co, meter).getString("id");
    String txn = pay(meter, 23_090).getString("transactionId"); // 10.0 kWh, 0.90 left on the meter
    String newOwner = ok(gw.post(
            "/api/v1/customers",
            co.adminToken(),
            new JsonObject()
                .put("name", "New Owner")
                .put("phone", "+254700000009")
                .put("villageId", co.villageId())))
        .getString("id");
    HttpResponse<Buffer> moved = await(gw.http
        .postAbs(gw.base + "/api/v1/devices/" + meter + "/reassign")
        .bearerTokenAuthentication(co.adminToken())
        .sendJsonObject(new JsonObject().put("customerId", newOwner).put("reason", "house sold")));
    assertEquals(200, moved.statusCode(), moved.bodyAsString());
    HttpResponse<Buffer> r = reverse(txn, "rev-" + UUID.randomUUID(), co.adminToken(), PROTECTED);
    assertEquals(201, r.statusCode(), r.bodyAsString());
    assertEquals(23_000L, r.bodyAsJsonObject().getLong("reversalDebt"));
    assertEquals(
        0L,
        gw.db.count("SELECT credit FROM devices WHERE serial = ?", meter),
        "the 0.90 left the meter");
    assertEquals(
        23_000L,
        gw.db.count("SELECT amount FROM reversal_debts WHERE customer_id = ?::uuid", payer),
        "the payer owes it, not the meter's new owner");
    assertEquals(
        0L,
        gw.db.count("SELECT count(*) FROM reversal_debts WHERE customer_id = ?::uuid", newOwner));
    assertBooksBalance();
  }
}
