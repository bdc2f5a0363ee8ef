package io.payg.gateway.sms;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.GatewayApp;
import io.payg.gateway.config.GatewayConfig;
import io.payg.gateway.support.GatewayFixture;
import io.payg.gateway.support.MutableClock;
import io.payg.sms.simulator.AfricasTalkingSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Daily installment reminders, end to end: the company sets the days over HTTP, the clock moves,
 * the customers get their SMS from the Africa's Talking simulator, once each even with a second
 * gateway instance on the same database, and a paid installment gets none.
 */
class InstallmentReminderTest {

  static final MutableClock CLOCK = new MutableClock(LocalDate.of(2026, 3, 1));
  static final String PHONE_A = "+254711000001";
  static final String PHONE_B = "+254711000002";
  static GatewayFixture gw;
  static GatewayApp second;
  static GatewayFixture.Company co;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(
        InstallmentReminderTest.class, Map.of("REMINDER_CHECK_MS", "100"), CLOCK);
    co = gw.company("Reminder Energy");
    // a second gateway instance on the same database and clock: it runs the same daily job
    Map<String, String> env = new HashMap<>(Map.of(
        "HTTP_HOST",
        "127.0.0.1",
        "HTTP_PORT",
        "0",
        "JWT_SECRET",
        "test-secret-test-secret-test-secret-0123",
        "BCRYPT_COST",
        "4",
        "OUTBOX_POLL_MS",
        "100",
        "EVENT_LOOPS",
        "1",
        "REMINDER_CHECK_MS",
        "100",
        "SECRETS_KEY",
        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="));
    env.put("JWT_PRIVATE_KEY", GatewayFixture.JWT_KEYS.privateKeyPem());
    env.put("JWT_PUBLIC_KEY", GatewayFixture.JWT_KEYS.publicKeyPem());
    env.putAll(GatewayFixture.LOOPBACK_PEERS);
    second = GatewayApp.start(
        GatewayConfig.fromEnv(env, false).withDatabaseUrl(gw.db.url().toUrl()), CLOCK);
  }

  @AfterAll
  static void stop() {
    if (second != null) {
      second.close();
    }
    gw.close();
  }

  @Test
  void settingsAreCheckedAndNothingIsStoredOnBadInput() {
    JsonObject defaults = ok(gw.get("/api/v1/sms/reminders", co.adminToken()));
    for (JsonObject bad : List.of(
        new JsonObject().put("daysBefore", new JsonArray().add(1)),
        new JsonObject().put("enabled", true).put("daysBefore", new JsonArray().add(-1)),
        new JsonObject().put("enabled", true).put("daysAfter", new JsonArray().add(0)),
        new JsonObject()
            .put("enabled", true)
            .put("daysAfter", new JsonArray().add(3).add(3)),
        new JsonObject().put("enabled", true).put("daysBefore", "2"),
        new JsonObject().put("enabled", true).put("hourLocal", 24),
        new JsonObject().put("enabled", true).put("timeZone", "Mars/Olympus"))) {
      HttpResponse<Buffer> r = gw.put("/api/v1/sms/reminders", co.adminToken(), bad);
      assertEquals(400, r.statusCode(), bad.encode() + " -> " + r.bodyAsString());
      assertTrue(
          r.getHeader("Content-Type").startsWith("application/problem+json"),
          r.getHeader("Content-Type"));
      assertEquals("VALIDATION_FAILED", r.bodyAsJsonObject().getString("code"), r.bodyAsString());
    }
    assertEquals(defaults, ok(gw.get("/api/v1/sms/reminders", co.adminToken())));
  }

  @Test
  void dueSoonAndOverdueRemindersGoOutOnceAndNeverForAPaidInstallment() {
    // the check above runs on another company setting of its own; this one uses a fresh company
    GatewayFixture.Company c = gw.company("Reminder Energy 2");
    String serialA = "REM-A-" + UUID.randomUUID().toString().substring(0, 6);
    String serialB = "REM-B-" + UUID.randomUUID().toString().substring(0, 6);
    String saleA = sell(c, customer(c, "Amina", PHONE_A, serialA));
    String saleB = sell(c, customer(c, "Baraka", PHONE_B, serialB));
    LocalDate due = LocalDate.parse(gw.db.text(
        "SELECT min(due_date)::text FROM installments WHERE sale_id = ?::uuid "
            + "AND due_date > '2026-03-01'",
        saleA));

    ok(gw.put(
        "/api/v1/sms-templates",
        c.adminToken(),
        new JsonObject()
            .put(
                "installmentOverdue",
                "{name}: {amount} for {serial} was due {dueDate}, {days} day(s) late")));
    JsonObject saved = ok(gw.put(
        "/api/v1/sms/reminders",
        c.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("daysBefore", new JsonArray().add(2))
            .put("daysAfter", new JsonArray().add(1))));
    assertEquals(
        new JsonObject()
            .put("enabled", true)
            .put("daysBefore", new JsonArray().add(2))
            .put("daysAfter", new JsonArray().add(1))
            .put("hourLocal", 9)
            .put("timeZone", "UTC"),
        saved);

    CLOCK.setDay(due.minusDays(2));
    eventually(
        Duration.ofSeconds(20),
        "due-soon reminders",
        () -> texts(PHONE_A, "is due on " + due).size() == 1
            && texts(PHONE_B, "is due on " + due).size() == 1);
    assertTrue(
        texts(PHONE_A, "is due on " + due).get(0).startsWith("Dear Amina, your installment of "),
        texts(PHONE_A, "is due").toString());

    // Baraka pays on the due date: the installment is cleared first
    CLOCK.setDay(due);
    ok(await(c.provider().process("PAY-" + serialB, serialB, 20_000, "KES", PHONE_B, null)));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM installments WHERE sale_id = ?::uuid AND due_date <= '" + due
                + "' AND paid < amount",
            saleB));

    CLOCK.setDay(due.plusDays(1));
    eventually(
        Duration.ofSeconds(20),
        "overdue reminder",
        () -> texts(PHONE_A, "was due " + due).size() == 1);
    long checkedAt = CLOCK.instant().getEpochSecond();
    eventually(
        Duration.ofSeconds(20),
        "both instances checked the day and every reminder job ended",
        () -> lastRun(gw.app) >= checkedAt
            && lastRun(second) >= checkedAt
            && gw.db.count(
                    "SELECT count(*) FROM outbox WHERE kind = 'REMINDER' AND status = 'PENDING'")
                == 0);

    assertEquals(
        1,
        texts(PHONE_A, "was due").size(),
        "one overdue reminder, though two instances ran the day");
    String overdue = texts(PHONE_A, "was due").get(0);
    // the company's own text, its placeholders filled
    assertTrue(
        overdue.startsWith("Amina: 100.00 KES for TV ")
            && overdue.endsWith(" was due " + due + ", 1 day(s) late"),
        overdue);
    assertEquals(
        1,
        texts(PHONE_A, "is due on").size(),
        "one due-soon reminder, though two instances ran the day");
    assertEquals(0, texts(PHONE_B, "was due").size(), "a paid installment gets no reminder");
    assertEquals(
        3,
        gw.db.count(
            "SELECT count(*) FROM installment_reminders r JOIN installments i ON i.id = r.installment_id "
                + "WHERE i.sale_id IN (?::uuid, ?::uuid)",
            saleA,
            saleB));
    assertEquals(
        3,
        gw.db.count(
            "SELECT count(*) FROM sms_messages m JOIN installment_reminders r ON r.id = m.reminder_id "
                + "JOIN installments i ON i.id = r.installment_id WHERE i.sale_id IN (?::uuid, ?::uuid)",
            saleA,
            saleB));
  }

  private static List<String> texts(String phone, String containing) {
    AfricasTalkingSimulator sms = gw.sms;
    return sms.messages().stream()
        .filter(m -> m.to().equals(phone) && m.text().contains(containing))
        .map(AfricasTalkingSimulator.Sms::text)
        .toList();
  }

  private static long lastRun(GatewayApp app) {
    var gauge = app.registry().find("payg_reminders_last_run_seconds").gauge();
    return gauge == null ? 0 : (long) gauge.value();
  }

  private static String customer(
      GatewayFixture.Company c, String name, String phone, String serial) {
    return ok(gw.post(
            "/api/v1/customers",
            c.adminToken(),
            new JsonObject()
                .put("name", name)
                .put("phone", phone)
                .put("villageId", c.villageId())
                .put(
                    "device",
                    new JsonObject()
                        .put("serial", serial)
                        .put("type", "METER")
                        .put("manufacturer", "calin")
                        .put("tariffId", c.tariffId()))))
        .getString("id");
  }

  /** A TV paid in 3 weekly installments of 100.00, sold on 2026-03-01. */
  private static String sell(GatewayFixture.Company c, String customerId) {
    String tv = ok(gw.post(
            "/api/v1/appliances",
            c.adminToken(),
            new JsonObject()
                .put("name", "TV " + customerId.substring(0, 4))
                .put("type", "OTHER")
                .put("price", 30_000)
                .put("currency", "KES")))
        .getString("id");
    return ok(gw.post(
            "/api/v1/customers/" + customerId + "/appliance-sales",
            c.adminToken(),
            new JsonObject()
                .put("applianceId", tv)
                .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 3))
                .put("period", "WEEKLY")
                .put("saleDate", "2026-03-01")))
        .getString("id");
  }
}
