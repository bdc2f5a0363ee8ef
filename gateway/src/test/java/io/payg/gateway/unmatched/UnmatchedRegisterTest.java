package io.payg.gateway.unmatched;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.Money;
import io.payg.domain.payment.PaymentCommand;
import io.payg.domain.payment.Refusal;
import io.payg.gateway.support.BooksInvariant;
import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.SafaricomSimulator;
import io.payg.telco.simulator.SafaricomSimulator.C2bPayment;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operators' register over HTTP: a Daraja confirmation for an unknown serial is listed,
 * assigned to a meter (one transaction, one token, one SMS, whatever races it), refused with a
 * reason, dismissed; the books balance after each.
 */
class UnmatchedRegisterTest {

  static final String SHORT_CODE = "600978";
  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static SafaricomSimulator daraja;
  static String operatorToken;
  static String operatorId;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(UnmatchedRegisterTest.class);
    company = gw.company("Register Energy");
    ok(gw.put(
        "/api/v1/plugins/safaricom",
        company.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put(
                "settings",
                new JsonObject()
                    .put("shortCode", SHORT_CODE)
                    .put("allowedSources", "127.0.0.1/32"))));
    daraja = new SafaricomSimulator(gw.http, gw.base + "/api/v1/telco/ke-c2b/" + company.id());
    String email = "operator-" + UUID.randomUUID() + "@example.com";
    operatorId = ok(gw.post(
            "/api/v1/users",
            company.adminToken(),
            new JsonObject()
                .put("email", email)
                .put("password", "operator password 1")
                .put("role", "OPERATOR")))
        .getString("id");
    operatorToken = gw.login(email, "operator password 1");
  }

  @AfterEach
  void booksBalance() {
    BooksInvariant.check(gw.db, company.id());
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private static String serial() {
    return "MTR-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static C2bPayment payment(String typed, String amount) {
    return C2bPayment.payBill(
        "QR" + UUID.randomUUID().toString().substring(0, 8).toUpperCase(),
        SHORT_CODE,
        typed,
        amount,
        "254708374149",
        Instant.now());
  }

  /** Sends the confirmation and answers the unmatched payment the register lists for it. */
  private static JsonObject kept(C2bPayment p) {
    assertEquals(0, await(daraja.confirmation(p)).bodyAsJsonObject().getInteger("ResultCode"));
    for (Object o : ok(gw.get(
            "/api/v1/unmatched-payments?status=OPEN&provider=safaricom&limit=500", operatorToken))
        .getJsonArray("items")) {
      if (((JsonObject) o).getString("providerTxnId").equals(p.transId())) {
        return (JsonObject) o;
      }
    }
    throw new AssertionError("not listed: " + p.transId());
  }

  private static HttpResponse<Buffer> assign(String token, String id, JsonObject body) {
    return gw.post("/api/v1/unmatched-payments/" + id + "/assign", token, body);
  }

  private static long vends(String serial) {
    return gw.calin.vends().stream().filter(v -> v.serial().equals(serial)).count();
  }

  @Test
  void anUnknownSerialIsListedAssignedToAMeterAndYieldsOneTokenAndOneSms() {
    String typed = "MTR-TYPO-" + UUID.randomUUID().toString().substring(0, 4);
    C2bPayment p = payment(typed, "230.00");
    JsonObject row = kept(p);
    assertEquals(23_000L, row.getLong("amount"));
    assertEquals(typed, row.getString("accountReference"));
    assertEquals("DEVICE_NOT_FOUND", row.getString("reason"));
    JsonObject one = ok(gw.get("/api/v1/unmatched-payments/" + row.getString("id"), operatorToken));
    assertTrue(one.getString("rawBody").contains(p.transId()), one.encode());

    String serial = serial();
    gw.meterCustomer(company, serial);
    JsonObject txn =
        ok(assign(operatorToken, row.getString("id"), new JsonObject().put("serial", serial)));
    assertEquals(serial, txn.getString("serial"));
    assertEquals(p.transId(), txn.getString("providerTxnId"));
    assertEquals("safaricom", txn.getString("provider"));
    assertEquals(23_000L, txn.getLong("amount"));
    assertEquals("ENERGY", txn.getJsonArray("allocations").getJsonObject(0).getString("kind"));
    eventually(
        Duration.ofSeconds(15),
        "token and SMS",
        () -> gw.db.count(
                "SELECT count(*) FROM outbox WHERE transaction_id = ?::uuid AND status = 'DONE'",
                txn.getString("id"))
            == 2);
    assertEquals(1, vends(serial));

    JsonObject after =
        ok(gw.get("/api/v1/unmatched-payments/" + row.getString("id"), operatorToken));
    assertEquals("ASSIGNED", after.getString("status"));
    assertEquals(txn.getString("id"), after.getString("transactionId"));
    assertEquals(operatorId, after.getString("resolvedBy"));
    assertNotNull(after.getString("resolvedAt"));

    // the same serial again answers the same transaction; another serial is a conflict
    assertEquals(
        txn.getString("id"),
        ok(assign(operatorToken, row.getString("id"), new JsonObject().put("serial", serial)))
            .getString("id"));
    String other = serial();
    gw.meterCustomer(company, other);
    HttpResponse<Buffer> conflict =
        assign(operatorToken, row.getString("id"), new JsonObject().put("serial", other));
    assertEquals(409, conflict.statusCode());
    assertEquals("UNMATCHED_ALREADY_ASSIGNED", conflict.bodyAsJsonObject().getString("code"));

    // Daraja redelivers the original message (serial as typed): acknowledged, a replay, no conflict
    assertEquals(0, await(daraja.confirmation(p)).bodyAsJsonObject().getInteger("ResultCode"));
    assertEquals(
        1, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", p.transId()));
    assertEquals(
        0, gw.db.count("SELECT count(*) FROM conflicts WHERE provider_txn_id = ?", p.transId()));
    assertEquals(1, vends(serial));
  }

  @Test
  void tenConcurrentAssignsAndARedeliveryBookItOnce() {
    C2bPayment p = payment("NOBODY-" + UUID.randomUUID().toString().substring(0, 4), "115.00");
    JsonObject row = kept(p);
    String serial = serial();
    gw.meterCustomer(company, serial);
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sent.add(gw.http
          .postAbs(gw.base + "/api/v1/unmatched-payments/" + row.getString("id") + "/assign")
          .bearerTokenAuthentication(i % 2 == 0 ? operatorToken : company.adminToken())
          .sendJsonObject(new JsonObject().put("serial", serial)));
      if (i == 4) {
        sent.add(daraja.confirmation(p)); // the provider's late redelivery races the assigns
      }
    }
    Set<String> ids = new HashSet<>();
    for (Future<HttpResponse<Buffer>> f : sent) {
      HttpResponse<Buffer> r = await(f);
      assertEquals(200, r.statusCode(), r.bodyAsString());
      if (r.bodyAsJsonObject().containsKey("id")) {
        ids.add(r.bodyAsJsonObject().getString("id"));
      }
    }
    assertEquals(1, ids.size(), "every assign answers the one transaction: " + ids);
    assertEquals(
        1, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", p.transId()));
    String txn = ids.iterator().next();
    eventually(
        Duration.ofSeconds(15),
        "token and SMS",
        () -> gw.db.count(
                "SELECT count(*) FROM outbox WHERE transaction_id = ?::uuid AND status = 'DONE'",
                txn)
            == 2);
    assertEquals(1, gw.db.count("SELECT count(*) FROM tokens WHERE transaction_id = ?::uuid", txn));
    assertEquals(1, vends(serial));
  }

  @Test
  void concurrentAssignsToDifferentSerialsBookOneOfThem() {
    JsonObject row =
        kept(payment("NOBODY-" + UUID.randomUUID().toString().substring(0, 4), "100.00"));
    List<String> serials = new ArrayList<>();
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      serials.add(serial());
      gw.meterCustomer(company, serials.get(i));
    }
    for (String s : serials) {
      sent.add(gw.http
          .postAbs(gw.base + "/api/v1/unmatched-payments/" + row.getString("id") + "/assign")
          .bearerTokenAuthentication(operatorToken)
          .sendJsonObject(new JsonObject().put("serial", s)));
    }
    int booked = 0;
    for (Future<HttpResponse<Buffer>> f : sent) {
      HttpResponse<Buffer> r = await(f);
      if (r.statusCode() == 200) {
        booked++;
      } else {
        assertEquals(409, r.statusCode(), r.bodyAsString());
        assertEquals("UNMATCHED_ALREADY_ASSIGNED", r.bodyAsJsonObject().getString("code"));
      }
    }
    assertEquals(1, booked);
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM transactions WHERE provider_txn_id = ?",
            row.getString("providerTxnId")));
  }

  @Test
  void aRefusedAssignLeavesItOpenWithTheNewReason() {
    JsonObject row =
        kept(payment("NOBODY-" + UUID.randomUUID().toString().substring(0, 4), "10.00"));
    HttpResponse<Buffer> unknown =
        assign(operatorToken, row.getString("id"), new JsonObject().put("serial", "NO-SUCH"));
    assertEquals(422, unknown.statusCode());
    assertEquals("DEVICE_NOT_FOUND", unknown.bodyAsJsonObject().getString("code"));
    String serial = serial();
    gw.meterCustomer(company, serial); // the tariff's minimum is 50.00
    HttpResponse<Buffer> below =
        assign(operatorToken, row.getString("id"), new JsonObject().put("serial", serial));
    assertEquals(422, below.statusCode());
    assertEquals("AMOUNT_BELOW_MINIMUM", below.bodyAsJsonObject().getString("code"));
    JsonObject now = ok(gw.get("/api/v1/unmatched-payments/" + row.getString("id"), operatorToken));
    assertEquals("OPEN", now.getString("status"));
    assertEquals("AMOUNT_BELOW_MINIMUM", now.getString("reason"));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM transactions WHERE provider_txn_id = ?",
            row.getString("providerTxnId")));
  }

  @Test
  void aWrongCurrencyIsRefusedAndDismissedWithWhoAndWhen() {
    // kept as a provider adapter keeps a payment in another currency (TelcoRoutes' path to keep)
    String txnId = "USD-" + UUID.randomUUID();
    UUID id = await(new UnmatchedPaymentStore(gw.app.pool())
        .keep(
            UUID.fromString(company.id()),
            "safaricom",
            new PaymentCommand(txnId, "", Money.of(5_000, "USD"), "254708374149", Instant.now()),
            Refusal.WRONG_CURRENCY,
            "the company's currency is KES",
            true,
            "{}"));
    String serial = serial();
    gw.meterCustomer(company, serial);
    HttpResponse<Buffer> r =
        assign(operatorToken, id.toString(), new JsonObject().put("serial", serial));
    assertEquals(422, r.statusCode());
    assertEquals("WRONG_CURRENCY", r.bodyAsJsonObject().getString("code"));

    JsonObject dismissed = ok(gw.post(
        "/api/v1/unmatched-payments/" + id + "/dismiss",
        operatorToken,
        new JsonObject().put("reason", "refunded by M-Pesa reversal QX123")));
    assertEquals("DISMISSED", dismissed.getString("status"));
    assertEquals(operatorId, dismissed.getString("resolvedBy"));
    assertEquals("refunded by M-Pesa reversal QX123", dismissed.getString("resolution"));
    assertNotNull(dismissed.getString("resolvedAt"));
    // a retry answers the same; an assign is refused; the row is kept
    assertEquals(
        "DISMISSED",
        ok(gw.post(
                "/api/v1/unmatched-payments/" + id + "/dismiss",
                operatorToken,
                new JsonObject().put("reason", "again")))
            .getString("status"));
    HttpResponse<Buffer> late =
        assign(operatorToken, id.toString(), new JsonObject().put("serial", serial));
    assertEquals(409, late.statusCode());
    assertEquals("UNMATCHED_DISMISSED", late.bodyAsJsonObject().getString("code"));
    assertEquals(
        1,
        gw.db.count("SELECT count(*) FROM unmatched_payments WHERE id = ?::uuid", id.toString()));
    JsonObject books = ok(gw.get("/api/v1/books?provider=safaricom", operatorToken));
    boolean usd = false;
    for (Object o : books.getJsonArray("totals")) {
      JsonObject t = (JsonObject) o;
      assertTrue(t.getBoolean("balanced"), t.encode());
      if (t.getString("currency").equals("USD")) {
        usd = true;
        assertTrue(t.getLong("dismissed") >= 5_000, t.encode());
      }
    }
    assertTrue(usd, books.encode());
  }

  @Test
  void aFlaggedPaymentNeedsAnAdminsExplicitConfirmation() {
    String txnId = "FLAG-" + UUID.randomUUID();
    UUID id = await(new UnmatchedPaymentStore(gw.app.pool())
        .keep(
            UUID.fromString(company.id()),
            "safaricom",
            new PaymentCommand(txnId, "", Money.of(11_500, "KES"), "254708374149", Instant.now()),
            Refusal.UNAUTHENTICATED,
            "the source address is not in allowedSources",
            false,
            "{}"));
    String serial = serial();
    gw.meterCustomer(company, serial);
    HttpResponse<Buffer> unconfirmed =
        assign(company.adminToken(), id.toString(), new JsonObject().put("serial", serial));
    assertEquals(422, unconfirmed.statusCode());
    assertEquals("UNAUTHENTICATED_PAYMENT", unconfirmed.bodyAsJsonObject().getString("code"));
    HttpResponse<Buffer> operator = assign(
        operatorToken,
        id.toString(),
        new JsonObject().put("serial", serial).put("confirmUnauthenticated", true));
    assertEquals(403, operator.statusCode());
    assertEquals(
        0, gw.db.count("SELECT count(*) FROM transactions WHERE provider_txn_id = ?", txnId));
    JsonObject txn = ok(assign(
        company.adminToken(),
        id.toString(),
        new JsonObject().put("serial", serial).put("confirmUnauthenticated", true)));
    assertEquals(txnId, txn.getString("providerTxnId"));
  }

  @Test
  void theBooksShowWhereEachDaysMoneyIs() {
    String serial = serial();
    gw.meterCustomer(company, serial);
    C2bPayment booked = payment(serial, "92.00");
    assertEquals(0, await(daraja.confirmation(booked)).bodyAsJsonObject().getInteger("ResultCode"));
    kept(payment("NOBODY-" + UUID.randomUUID().toString().substring(0, 4), "77.00"));
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    JsonObject books = ok(gw.get(
        "/api/v1/books?from=" + today + "&to=" + today + "&provider=safaricom", operatorToken));
    JsonObject day = books.getJsonArray("days").stream()
        .map(JsonObject.class::cast)
        .filter(d -> d.getString("day").equals(today) && d.getString("currency").equals("KES"))
        .findFirst()
        .orElseThrow();
    assertTrue(day.getBoolean("balanced"), day.encode());
    assertTrue(day.getLong("suspense") >= 7_700, day.encode());
    assertTrue(day.getJsonObject("allocated").getLong("ENERGY") >= 9_200, day.encode());
    // the HTTP books agree with the invariant's own SQL
    BooksInvariant.Line line = BooksInvariant.check(gw.db, company.id()).stream()
        .filter(l -> l.provider().equals("safaricom") && l.currency().equals("KES"))
        .findFirst()
        .orElseThrow();
    JsonObject total = books.getJsonArray("totals").stream()
        .map(JsonObject.class::cast)
        .filter(t -> t.getString("currency").equals("KES"))
        .findFirst()
        .orElseThrow();
    assertEquals(line.received(), total.getLong("received"));
    assertEquals(line.suspense(), total.getLong("suspense"));
    assertEquals(line.allocated(), total.getJsonObject("allocated").getLong("total"));
    assertEquals(400, gw.get("/api/v1/books?from=yesterday", operatorToken).statusCode());
  }

  @Test
  void aRowKeptForTheFirstTimeIsAnnouncedOnTheEventBusOnce() {
    List<String> announced = new CopyOnWriteArrayList<>();
    var consumer = gw.app
        .vertx()
        .eventBus()
        .<String>consumer(UnmatchedPaymentStore.CREATED_ADDRESS, m -> announced.add(m.body()));
    await(consumer.completion());
    try {
      C2bPayment p = payment("NOBODY-" + UUID.randomUUID().toString().substring(0, 4), "64.00");
      String id = kept(p).getString("id");
      assertEquals(
          0,
          await(daraja.confirmation(p))
              .bodyAsJsonObject()
              .getInteger("ResultCode")); // a redelivery
      eventually(Duration.ofSeconds(5), "the announcement", () -> announced.contains(id));
      assertEquals(1, announced.stream().filter(id::equals).count());
    } finally {
      await(consumer.unregister());
    }
  }

  @Test
  void theOpenGaugeCountsKeptPaymentsByProvider() {
    kept(payment("NOBODY-" + UUID.randomUUID().toString().substring(0, 4), "60.00"));
    long open = gw.db.count(
        "SELECT count(*) FROM unmatched_payments WHERE status = 'OPEN' AND provider = 'safaricom'");
    eventually(Duration.ofSeconds(10), "payg_unmatched_open", () -> {
      var g = gw.app
          .registry()
          .find("payg_unmatched_open")
          .tag("provider", "safaricom")
          .gauge();
      return g != null && g.value() >= open;
    });
  }
}
