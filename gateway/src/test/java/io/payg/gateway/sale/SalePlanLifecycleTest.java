package io.payg.gateway.sale;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.BooksInvariant;
import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The payment-plan lifecycle through HTTP: daily plans, reschedule, write-off, repossession and
 * resale, each idempotent and audited, each racing payments of the same customer without any
 * installment paid twice, and the books still balancing.
 */
class SalePlanLifecycleTest {

  static final String PROTECTED = "plan pages password";
  static final String KEY = "bc41ec9530f6dac86b1a29ab82edc5fb";
  static GatewayFixture gw;
  static GatewayFixture.Company co;
  static GatewayFixture.Company other;
  static String operatorToken;
  static String otherOperatorToken;
  static String agentToken;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(SalePlanLifecycleTest.class);
    co = gw.company("Plan Energy");
    other = gw.company("Other Energy");
    operatorToken = operator(co);
    otherOperatorToken = operator(other);
    agentToken = gw.agent(co, 1_000_000).token();
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

  static String operator(GatewayFixture.Company c) {
    String email = "op-" + UUID.randomUUID() + "@example.com";
    ok(gw.post(
        "/api/v1/users",
        c.adminToken(),
        new JsonObject()
            .put("email", email)
            .put("password", "operator password 1")
            .put("role", "OPERATOR")));
    return gw.login(email, "operator password 1");
  }

  static Future<HttpResponse<Buffer>> change(
      String path, String token, String key, JsonObject body) {
    var req = gw.http
        .postAbs(gw.base + path)
        .bearerTokenAuthentication(token)
        .putHeader("X-Protected-Password", PROTECTED);
    if (key != null) {
      req.putHeader("Idempotency-Key", key);
    }
    return req.sendJsonObject(body);
  }

  static String appliance(String type, long price) {
    return ok(gw.post(
            "/api/v1/appliances",
            co.adminToken(),
            new JsonObject()
                .put("name", type + "-" + UUID.randomUUID())
                .put("type", type)
                .put("price", price)
                .put("currency", "KES")))
        .getString("id");
  }

  /** A customer with an OpenPAYGO SHS on an installment plan; answers {customerId, serial, saleId}. */
  static String[] shsCustomer(long price, long installment, String period) {
    String serial = "PL-" + UUID.randomUUID().toString().substring(0, 8);
    JsonObject customer = ok(gw.post(
        "/api/v1/customers",
        co.adminToken(),
        new JsonObject()
            .put("name", "Solar " + serial)
            .put("phone", "+254700000007")
            .put("villageId", co.villageId())
            .put(
                "device",
                new JsonObject()
                    .put("serial", serial)
                    .put("type", "SHS")
                    .put("manufacturer", "openpaygo")
                    .put(
                        "openPaygo",
                        new JsonObject().put("secretKey", KEY).put("startingCode", 516959010))
                    .put(
                        "sale",
                        new JsonObject()
                            .put("applianceId", appliance("SHS", price))
                            .put(
                                "plan",
                                new JsonObject()
                                    .put("kind", "INSTALLMENT_AMOUNT")
                                    .put("amount", installment))
                            .put("period", period)))));
    String customerId = customer.getString("id");
    String saleId = gw.db.text(
        "SELECT s.id::text FROM appliance_sales s JOIN devices d ON d.id = s.device_id "
            + "WHERE lower(d.serial) = lower(?)",
        serial);
    return new String[] {customerId, serial, saleId};
  }

  static Future<HttpResponse<Buffer>> pay(String serial, long amount) {
    return co.provider()
        .process("P-" + UUID.randomUUID(), serial, amount, "KES", "+254700000007", null);
  }

  static long audits(String action, String saleOrDevice) {
    return gw.db.count(
        "SELECT count(*) FROM audit_log WHERE company_id = ?::uuid AND action = ? AND entity_id = ?",
        co.id(),
        action,
        saleOrDevice);
  }

  /**
   * Per installment, what the allocations paid on it is exactly its paid amount; none is paid past
   * its amount; the sale's installments sum to its price less what was written off or cancelled.
   */
  static void assertSaleBooks(String saleId) {
    assertEquals(
        0,
        gw.db.count("""
        SELECT count(*) FROM installments i WHERE i.sale_id = ?::uuid AND i.paid <> (SELECT coalesce(sum(a.amount), 0)
          FROM allocations a JOIN transactions t ON t.id = a.transaction_id
          WHERE a.reference = i.id::text AND a.kind IN ('INSTALLMENT', 'DEVICE_INSTALLMENT') AND t.status <> 'REVERSED')
          """, saleId),
        "an installment whose paid amount is not what its allocations paid");
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM installments WHERE sale_id = ?::uuid AND paid > amount", saleId));
    assertEquals(
        gw.db.count("SELECT price FROM appliance_sales WHERE id = ?::uuid", saleId),
        gw.db.count("""
        SELECT sum(amount) + sum(CASE WHEN status IN ('WRITTEN_OFF', 'CANCELLED') THEN closed_unpaid ELSE 0 END)
        FROM installments WHERE sale_id = ?::uuid""", saleId));
    BooksInvariant.check(gw.db, co.id());
  }

  @Test
  void aDailyTvPlanIsRescheduledOnceAndItsPaidInstallmentsStay() {
    String meter = "M-" + UUID.randomUUID().toString().substring(0, 8);
    JsonObject customer = gw.meterCustomer(co, meter);
    HttpResponse<Buffer> sold = gw.post(
        "/api/v1/customers/" + customer.getString("id") + "/appliance-sales",
        co.adminToken(),
        new JsonObject()
            .put("applianceId", appliance("OTHER", 10_000))
            .put("downPayment", 1_000)
            .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 3))
            .put("period", "DAILY")
            .put("saleDate", LocalDate.now().toString()));
    assertEquals(201, sold.statusCode(), sold.bodyAsString());
    JsonObject sale = sold.bodyAsJsonObject();
    String saleId = sale.getString("id");
    JsonArray schedule = sale.getJsonArray("schedule");
    assertEquals("DAILY", sale.getString("period"));
    assertEquals(
        LocalDate.now().plusDays(1).toString(), schedule.getJsonObject(1).getString("dueDate"));
    assertEquals(
        LocalDate.now().plusDays(3).toString(), schedule.getJsonObject(3).getString("dueDate"));
    assertEquals(3_000L, schedule.getJsonObject(1).getLong("amount"));

    // the down payment is due today: a payment of the meter clears it and part of nothing else
    HttpResponse<Buffer> paid = await(co.provider()
        .process("P-" + UUID.randomUUID(), meter, 1_000, "KES", "+254700000007", null));
    assertEquals(200, paid.statusCode(), paid.bodyAsString());

    JsonObject body = new JsonObject()
        .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 4))
        .put("period", "WEEKLY")
        .put("reason", "harvest came late");
    String key = "resched-" + UUID.randomUUID();
    HttpResponse<Buffer> r = await(
        change("/api/v1/appliance-sales/" + saleId + "/reschedule", operatorToken, key, body));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject after = r.bodyAsJsonObject();
    assertEquals(9_000L, after.getJsonObject("change").getLong("rescheduled"));
    assertEquals(9_000L, after.getLong("outstanding"));
    JsonArray s = after.getJsonArray("schedule");
    assertEquals(8, s.size(), "down payment + 3 closed + 4 new");
    assertEquals(
        "OPEN", s.getJsonObject(0).getString("status"), "the paid down payment is untouched");
    assertEquals(1_000L, s.getJsonObject(0).getLong("paid"));
    for (int i = 1; i <= 3; i++) {
      assertEquals("RESCHEDULED", s.getJsonObject(i).getString("status"));
      assertEquals(0L, s.getJsonObject(i).getLong("amount"));
      assertEquals(3_000L, s.getJsonObject(i).getLong("closedUnpaid"));
    }
    long newTotal = 0;
    for (int i = 4; i < 8; i++) {
      assertEquals("OPEN", s.getJsonObject(i).getString("status"));
      assertEquals(i, s.getJsonObject(i).getInteger("number"));
      newTotal += s.getJsonObject(i).getLong("amount");
    }
    assertEquals(9_000L, newTotal, "the new schedule is exactly what was owed");
    assertEquals(2_250L, s.getJsonObject(4).getLong("amount"));
    assertEquals(LocalDate.now().plusDays(7).toString(), s.getJsonObject(4).getString("dueDate"));
    assertEquals(
        "WEEKLY", gw.db.text("SELECT period FROM appliance_sales WHERE id = ?::uuid", saleId));
    assertEquals(1, audits("sale.rescheduled", saleId));
    assertEquals(
        4,
        gw.db.count(
            "SELECT count(*) FROM installments WHERE sale_id = ?::uuid AND paid < amount", saleId),
        "what payments and reminders read now: the four new installments");

    // the same key again: the same answer, nothing more written; with another body: 409
    long rows = gw.db.count("SELECT count(*) FROM installments WHERE sale_id = ?::uuid", saleId);
    HttpResponse<Buffer> again = await(
        change("/api/v1/appliance-sales/" + saleId + "/reschedule", operatorToken, key, body));
    assertEquals(200, again.statusCode());
    assertEquals(after, again.bodyAsJsonObject());
    assertEquals(
        rows, gw.db.count("SELECT count(*) FROM installments WHERE sale_id = ?::uuid", saleId));
    HttpResponse<Buffer> reused = await(change(
        "/api/v1/appliance-sales/" + saleId + "/reschedule",
        operatorToken,
        key,
        body.copy().put("period", "MONTHLY")));
    assertEquals(409, reused.statusCode());
    assertEquals("IDEMPOTENCY_KEY_REUSED", reused.bodyAsJsonObject().getString("code"));
    assertEquals(1, audits("sale.rescheduled", saleId));

    // refusals store nothing: no key, no password, a bad plan, an unknown field, another company's
    // operator, an agent
    assertEquals(
        400,
        await(change(
                "/api/v1/appliance-sales/" + saleId + "/reschedule", operatorToken, null, body))
            .statusCode());
    assertEquals(
        403,
        await(gw.http
                .postAbs(gw.base + "/api/v1/appliance-sales/" + saleId + "/reschedule")
                .bearerTokenAuthentication(operatorToken)
                .putHeader("Idempotency-Key", "k-" + UUID.randomUUID())
                .sendJsonObject(body))
            .statusCode());
    HttpResponse<Buffer> tooMany = await(change(
        "/api/v1/appliance-sales/" + saleId + "/reschedule",
        operatorToken,
        "k-" + UUID.randomUUID(),
        new JsonObject()
            .put("plan", new JsonObject().put("kind", "INSTALLMENT_AMOUNT").put("amount", 1))));
    assertEquals(422, tooMany.statusCode());
    assertEquals("INVALID_SCHEDULE", tooMany.bodyAsJsonObject().getString("code"));
    assertEquals(
        400,
        await(change(
                "/api/v1/appliance-sales/" + saleId + "/reschedule",
                operatorToken,
                "k-" + UUID.randomUUID(),
                body.copy().put("periodd", "DAILY")))
            .statusCode());
    assertEquals(
        400,
        await(change(
                "/api/v1/appliance-sales/" + saleId + "/reschedule",
                operatorToken,
                "k-" + UUID.randomUUID(),
                new JsonObject().put("reason", "no terms")))
            .statusCode());
    assertEquals(
        rows, gw.db.count("SELECT count(*) FROM installments WHERE sale_id = ?::uuid", saleId));
    assertEquals(1, audits("sale.rescheduled", saleId));
    assertSaleBooks(saleId);
  }

  @Test
  void anotherCompanysOperatorGets404AndAnAgentIsRefused() {
    String[] shs = shsCustomer(100_000, 10_000, "WEEKLY");
    String saleId = shs[2];
    JsonObject resched = new JsonObject().put("period", "DAILY");
    JsonObject reason = new JsonObject().put("reason", "not theirs");
    for (String token : List.of(otherOperatorToken, other.adminToken())) {
      var r1 = await(gw.http
          .postAbs(gw.base + "/api/v1/appliance-sales/" + saleId + "/reschedule")
          .bearerTokenAuthentication(token)
          .putHeader("Idempotency-Key", "x-" + UUID.randomUUID())
          .sendJsonObject(resched));
      assertEquals(404, r1.statusCode(), r1.bodyAsString());
      var r2 = await(gw.http
          .postAbs(gw.base + "/api/v1/appliance-sales/" + saleId + "/write-off")
          .bearerTokenAuthentication(token)
          .putHeader("Idempotency-Key", "x-" + UUID.randomUUID())
          .sendJsonObject(reason));
      assertEquals(404, r2.statusCode(), r2.bodyAsString());
      var r3 = await(gw.http
          .postAbs(gw.base + "/api/v1/devices/" + shs[1] + "/repossess")
          .bearerTokenAuthentication(token)
          .putHeader("Idempotency-Key", "x-" + UUID.randomUUID())
          .sendJsonObject(reason));
      assertEquals(404, r3.statusCode(), r3.bodyAsString());
    }
    assertEquals(
        403,
        await(change(
                "/api/v1/appliance-sales/" + saleId + "/reschedule",
                agentToken,
                "x-" + UUID.randomUUID(),
                resched))
            .statusCode());
    assertEquals(
        403,
        await(change(
                "/api/v1/appliance-sales/" + saleId + "/write-off",
                agentToken,
                "x-" + UUID.randomUUID(),
                reason))
            .statusCode());
    assertEquals(
        403,
        await(change(
                "/api/v1/devices/" + shs[1] + "/repossess",
                agentToken,
                "x-" + UUID.randomUUID(),
                reason))
            .statusCode());
    assertEquals(
        "OPEN", gw.db.text("SELECT status FROM appliance_sales WHERE id = ?::uuid", saleId));
    assertEquals(
        0, gw.db.count("SELECT count(*) FROM sale_plan_changes WHERE sale_id = ?::uuid", saleId));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM installments WHERE sale_id = ?::uuid AND status <> 'OPEN'",
            saleId));
  }

  @Test
  void paymentsRacingARescheduleNeverPayAnInstallmentTwice() {
    String[] shs = shsCustomer(400_000, 10_000, "WEEKLY");
    String saleId = shs[2];
    List<Future<HttpResponse<Buffer>>> payments = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      payments.add(pay(shs[1], 10_000));
    }
    Future<HttpResponse<Buffer>> reschedule = change(
        "/api/v1/appliance-sales/" + saleId + "/reschedule",
        operatorToken,
        "race-" + UUID.randomUUID(),
        new JsonObject()
            .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 45))
            .put("period", "DAILY"));
    for (int i = 0; i < 8; i++) {
      payments.add(pay(shs[1], 10_000));
    }
    HttpResponse<Buffer> r = await(reschedule);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    long recorded = 0;
    for (Future<HttpResponse<Buffer>> p : payments) {
      HttpResponse<Buffer> answer = await(p);
      // a payment computed on the old schedule is computed again, never failed by the installments'
      // CHECK
      assertTrue(answer.statusCode() < 500 || answer.statusCode() == 503, answer.bodyAsString());
      if (answer.statusCode() == 200) {
        recorded++;
      }
    }
    assertTrue(recorded > 0, "some payments got through");
    assertEquals(
        recorded * 10_000,
        gw.db.count(
            "SELECT coalesce(sum(amount), 0) FROM transactions WHERE device_id = "
                + "(SELECT device_id FROM appliance_sales WHERE id = ?::uuid)",
            saleId));
    assertEquals(
        recorded * 10_000,
        gw.db.count("SELECT sum(paid) FROM installments WHERE sale_id = ?::uuid", saleId),
        "every payment's money is on the sale's installments, once");
    assertEquals(
        400_000 - recorded * 10_000,
        ok(gw.get("/api/v1/appliance-sales/" + saleId, co.adminToken())).getLong("outstanding"));
    long rescheduled = r.bodyAsJsonObject().getJsonObject("change").getLong("rescheduled");
    assertEquals(
        rescheduled,
        gw.db.count(
            "SELECT sum(amount) FROM installments WHERE sale_id = ?::uuid "
                + "AND closed_by IS NULL AND number > 40",
            saleId),
        "the new installments split what was owed at the reschedule");
    assertEquals(1, audits("sale.rescheduled", saleId));
    assertSaleBooks(saleId);
  }

  @Test
  void aWriteOffRacingPaymentsLeavesNothingPaidOnAWrittenOffInstallment() {
    String[] shs = shsCustomer(200_000, 10_000, "MONTHLY");
    String saleId = shs[2];
    List<Future<HttpResponse<Buffer>>> payments = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      payments.add(pay(shs[1], 10_000));
    }
    String key = "wo-" + UUID.randomUUID();
    JsonObject body = new JsonObject().put("reason", "customer moved away");
    Future<HttpResponse<Buffer>> writeOff =
        change("/api/v1/appliance-sales/" + saleId + "/write-off", operatorToken, key, body);
    for (int i = 0; i < 6; i++) {
      payments.add(pay(shs[1], 10_000));
    }
    HttpResponse<Buffer> w = await(writeOff);
    assertEquals(200, w.statusCode(), w.bodyAsString());
    List<HttpResponse<Buffer>> answers =
        payments.stream().map(GatewayFixture::await).toList();
    answers.forEach(
        a -> assertTrue(a.statusCode() < 500 || a.statusCode() == 503, a.bodyAsString()));
    long recorded = answers.stream().filter(p -> p.statusCode() == 200).count();
    JsonObject sale = ok(gw.get("/api/v1/appliance-sales/" + saleId, co.adminToken()));
    assertEquals("WRITTEN_OFF", sale.getString("status"));
    assertEquals(0L, sale.getLong("outstanding"));
    long writtenOff = sale.getJsonObject("writeOff").getLong("amount");
    assertEquals(
        200_000 - recorded * 10_000,
        writtenOff,
        "what was not paid when the write-off took the locks");
    assertEquals(
        writtenOff,
        gw.db.count("SELECT amount FROM sale_write_offs WHERE sale_id = ?::uuid", saleId));
    assertEquals(
        writtenOff,
        gw.db.count(
            "SELECT sum(closed_unpaid) FROM installments WHERE sale_id = ?::uuid "
                + "AND status = 'WRITTEN_OFF'",
            saleId));
    assertEquals(
        recorded * 10_000,
        gw.db.count("SELECT sum(paid) FROM installments WHERE sale_id = ?::uuid", saleId));
    assertEquals(1, audits("sale.written_off", saleId));
    assertSaleBooks(saleId);
    JsonObject books = ok(gw.get("/api/v1/books", co.adminToken()));
    JsonObject kes = books.getJsonArray("writtenOff").getJsonObject(0);
    assertEquals("KES", kes.getString("currency"));
    assertEquals(
        gw.db.count("SELECT sum(amount) FROM sale_write_offs WHERE company_id = ?::uuid", co.id()),
        kes.getLong("amount"),
        "the books show the write-off, beside (not inside) the money received");
    assertTrue(books.getJsonArray("totals").stream()
        .allMatch(t -> ((JsonObject) t).getBoolean("balanced")));

    // a payment now is refused (nothing left to buy) and stores nothing; a second write-off is 409
    long transactions =
        gw.db.count("SELECT count(*) FROM transactions WHERE company_id = ?::uuid", co.id());
    assertNotEquals(200, await(pay(shs[1], 10_000)).statusCode());
    assertEquals(
        transactions,
        gw.db.count("SELECT count(*) FROM transactions WHERE company_id = ?::uuid", co.id()));
    HttpResponse<Buffer> again = await(change(
        "/api/v1/appliance-sales/" + saleId + "/write-off",
        operatorToken,
        "wo-" + UUID.randomUUID(),
        body));
    assertEquals(409, again.statusCode());
    assertEquals("SALE_CLOSED", again.bodyAsJsonObject().getString("code"));
    assertEquals(
        w.bodyAsJsonObject(),
        await(change("/api/v1/appliance-sales/" + saleId + "/write-off", operatorToken, key, body))
            .bodyAsJsonObject(),
        "the same key answers the first write-off");
    assertEquals(
        1, gw.db.count("SELECT count(*) FROM sale_write_offs WHERE sale_id = ?::uuid", saleId));
  }

  @Test
  void aRepossessedDeviceIsSoldAgainWithAFreshPlanAndNotWhileItsSaleIsOpen() {
    String[] shs = shsCustomer(100_000, 10_000, "WEEKLY");
    String serial = shs[1];
    String firstSale = shs[2];
    assertEquals(200, await(pay(serial, 20_000)).statusCode());
    String buyer = ok(gw.post(
            "/api/v1/customers",
            co.adminToken(),
            new JsonObject()
                .put("name", "Second buyer")
                .put("phone", "+254700000008")
                .put("villageId", co.villageId())))
        .getString("id");
    JsonObject resale = new JsonObject()
        .put("applianceId", appliance("SHS", 50_000))
        .put("deviceSerial", serial)
        .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 5))
        .put("period", "DAILY");

    // while its sale is open, the device is not for sale, to its owner or anyone else
    HttpResponse<Buffer> refused =
        gw.post("/api/v1/customers/" + buyer + "/appliance-sales", co.adminToken(), resale);
    assertEquals(422, refused.statusCode(), refused.bodyAsString());
    HttpResponse<Buffer> sameOwner =
        gw.post("/api/v1/customers/" + shs[0] + "/appliance-sales", co.adminToken(), resale);
    assertEquals(409, sameOwner.statusCode(), sameOwner.bodyAsString());
    assertEquals("DEVICE_ALREADY_SOLD", sameOwner.bodyAsJsonObject().getString("code"));

    int countBefore = (int) gw.db.count(
        "SELECT openpaygo_token_count FROM devices WHERE lower(serial) = lower(?)", serial);
    String key = "repo-" + UUID.randomUUID();
    JsonObject body = new JsonObject().put("reason", "six weeks unpaid");
    HttpResponse<Buffer> r =
        await(change("/api/v1/devices/" + serial + "/repossess", operatorToken, key, body));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject repo = r.bodyAsJsonObject();
    assertEquals("REPOSSESSED", repo.getString("status"));
    assertEquals(
        80_000L, repo.getJsonObject("change").getJsonObject("repossession").getLong("cancelled"));
    assertEquals(
        countBefore,
        repo.getJsonObject("change")
            .getJsonObject("repossession")
            .getInteger("openPaygoTokenCount"),
        "without a new key the count stays in step with the device's own");
    assertEquals(0L, repo.getLong("outstanding"));
    assertEquals(
        8,
        gw.db.count(
            "SELECT count(*) FROM installments WHERE sale_id = ?::uuid AND status = 'CANCELLED'",
            firstSale));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM devices WHERE lower(serial) = lower(?) AND repossessed_at IS NOT NULL",
            serial));
    assertEquals(1, audits("device.repossessed", firstSale));
    assertSaleBooks(firstSale);
    // in stock: payments do not know the device; a second repossession is 409; the key replays
    assertEquals(
        "DEVICE_NOT_FOUND",
        await(co.provider().validate(serial, 10_000, "KES", "+254700000007"))
            .bodyAsJsonObject()
            .getString("code"));
    HttpResponse<Buffer> twice = await(change(
        "/api/v1/devices/" + serial + "/repossess",
        operatorToken,
        "repo-" + UUID.randomUUID(),
        body));
    assertEquals(409, twice.statusCode());
    assertEquals("ALREADY_REPOSSESSED", twice.bodyAsJsonObject().getString("code"));
    assertEquals(
        repo,
        await(change("/api/v1/devices/" + serial + "/repossess", operatorToken, key, body))
            .bodyAsJsonObject());

    // sold again to another customer, daily; a re-keyed count would start fresh, this one continues
    HttpResponse<Buffer> sold =
        gw.post("/api/v1/customers/" + buyer + "/appliance-sales", co.adminToken(), resale);
    assertEquals(201, sold.statusCode(), sold.bodyAsString());
    String secondSale = sold.bodyAsJsonObject().getString("id");
    assertEquals(
        buyer,
        gw.db.text("SELECT customer_id::text FROM devices WHERE lower(serial) = lower(?)", serial));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM devices WHERE lower(serial) = lower(?) AND repossessed_at IS NOT NULL",
            serial));
    HttpResponse<Buffer> paid = await(pay(serial, 10_000));
    assertEquals(200, paid.statusCode(), paid.bodyAsString());
    JsonObject receipt = paid.bodyAsJsonObject();
    assertEquals(
        1L,
        receipt.getJsonObject("token").getLong("quantity"),
        "one daily installment buys one day");
    assertEquals(
        10_000L,
        gw.db.count("SELECT sum(paid) FROM installments WHERE sale_id = ?::uuid", secondSale));
    assertEquals(
        20_000L,
        gw.db.count("SELECT sum(paid) FROM installments WHERE sale_id = ?::uuid", firstSale),
        "the first buyer's payments stay on the first sale");
    assertSaleBooks(secondSale);
    HttpResponse<Buffer> third =
        gw.post("/api/v1/customers/" + shs[0] + "/appliance-sales", co.adminToken(), resale);
    assertEquals(
        422, third.statusCode(), "the device is the second buyer's now: " + third.bodyAsString());
  }

  @Test
  void aPaymentReversedAfterARescheduleIsOwedAgainAndCanBeRescheduledAgain() {
    String[] shs = shsCustomer(100_000, 10_000, "WEEKLY");
    String saleId = shs[2];
    HttpResponse<Buffer> paid = await(pay(shs[1], 15_000)); // installment 1 and half of 2
    assertEquals(200, paid.statusCode(), paid.bodyAsString());
    String txn = paid.bodyAsJsonObject().getString("transactionId");
    JsonObject plan = new JsonObject()
        .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 5))
        .put("period", "DAILY");
    HttpResponse<Buffer> first = await(change(
        "/api/v1/appliance-sales/" + saleId + "/reschedule",
        operatorToken,
        "re-" + UUID.randomUUID(),
        plan));
    assertEquals(
        85_000L,
        first.bodyAsJsonObject().getJsonObject("change").getLong("rescheduled"),
        first.bodyAsString());
    GatewayFixture.eventually(
        Duration.ofSeconds(15),
        "the token",
        () -> gw.db.count("SELECT count(*) FROM tokens WHERE transaction_id = ?::uuid", txn) == 1);

    HttpResponse<Buffer> reversed = await(change(
        "/api/v1/transactions/" + txn + "/reversal",
        co.adminToken(),
        "rev-" + UUID.randomUUID(),
        new JsonObject().put("reason", "paid twice by mistake")));
    assertEquals(201, reversed.statusCode(), reversed.bodyAsString());
    // what the payment paid is owed again, on the installments it paid, closed or not
    assertEquals(
        100_000L,
        ok(gw.get("/api/v1/appliance-sales/" + saleId, co.adminToken())).getLong("outstanding"));
    assertEquals(
        5_000L,
        gw.db.count(
            "SELECT amount - paid FROM installments WHERE sale_id = ?::uuid AND number = 2",
            saleId),
        "the closed installment's paid half is owed again");
    assertSaleBooks(saleId);

    HttpResponse<Buffer> second = await(change(
        "/api/v1/appliance-sales/" + saleId + "/reschedule",
        operatorToken,
        "re-" + UUID.randomUUID(),
        plan.copy().put("period", "WEEKLY")));
    assertEquals(200, second.statusCode(), second.bodyAsString());
    assertEquals(
        100_000L, second.bodyAsJsonObject().getJsonObject("change").getLong("rescheduled"));
    assertEquals(
        10_000L,
        gw.db.count(
            "SELECT closed_unpaid FROM installments WHERE sale_id = ?::uuid AND number = 2",
            saleId),
        "closed twice: 5000 moved each time");
    assertEquals(
        100_000L,
        gw.db.count(
            "SELECT sum(amount) FROM installments WHERE sale_id = ?::uuid AND status = 'OPEN'",
            saleId));
    assertEquals(2, audits("sale.rescheduled", saleId));
    assertSaleBooks(saleId);
  }

  @Test
  void aReflashedOpenPaygoDeviceIsRekeyedAtRepossessionAndItsKeyIsNeverStoredPlain() {
    String[] shs = shsCustomer(60_000, 10_000, "WEEKLY");
    JsonObject body = new JsonObject()
        .put("reason", "returned, re-flashed")
        .put(
            "openPaygo",
            new JsonObject()
                .put("secretKey", "00112233445566778899aabbccddeeff")
                .put("startingCode", 123456789));
    HttpResponse<Buffer> r = await(change(
        "/api/v1/devices/" + shs[1] + "/repossess",
        co.adminToken(),
        "rekey-" + UUID.randomUUID(),
        body));
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonObject repo = r.bodyAsJsonObject().getJsonObject("change").getJsonObject("repossession");
    assertEquals(true, repo.getBoolean("openPaygoRekeyed"));
    assertEquals(1, repo.getInteger("openPaygoTokenCount"));
    assertEquals(
        123456789L,
        gw.db.count(
            "SELECT openpaygo_starting_code FROM devices WHERE lower(serial) = lower(?)", shs[1]));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM devices WHERE openpaygo_secret_key LIKE '%00112233445566778899%'"));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM sale_plan_changes WHERE request::text LIKE '%00112233445566778899%'"));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM audit_log WHERE after::text LIKE '%00112233445566778899%'"));
  }
}
