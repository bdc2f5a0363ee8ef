package io.payg.gateway.sale;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.payg.gateway.support.GatewayFixture;
import io.payg.gateway.support.MutableClock;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Installment reminders of a daily plan, day by day, and none for an installment a reschedule closed. */
class DailyPlanReminderTest {

  static final MutableClock CLOCK = new MutableClock(LocalDate.of(2026, 4, 30));
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(DailyPlanReminderTest.class, Map.of("REMINDER_CHECK_MS", "100"), CLOCK);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void aDailyPlanIsRemindedDayByDayAndARescheduledInstallmentIsNot() {
    GatewayFixture.Company c = gw.company("Reminder Energy Daily");
    String phone = "+254722000099";
    String customerId = ok(gw.post(
            "/api/v1/customers",
            c.adminToken(),
            new JsonObject()
                .put("name", "Chausiku")
                .put("phone", phone)
                .put("villageId", c.villageId())))
        .getString("id");
    String radio = ok(gw.post(
            "/api/v1/appliances",
            c.adminToken(),
            new JsonObject()
                .put("name", "Radio")
                .put("type", "OTHER")
                .put("price", 30_000)
                .put("currency", "KES")))
        .getString("id");
    String sale = ok(gw.post(
            "/api/v1/customers/" + customerId + "/appliance-sales",
            c.adminToken(),
            new JsonObject()
                .put("applianceId", radio)
                .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 3))
                .put("period", "DAILY")
                .put("saleDate", "2026-05-01")))
        .getString("id");
    ok(gw.put(
        "/api/v1/sms/reminders",
        c.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("daysBefore", new JsonArray().add(1))
            .put("daysAfter", new JsonArray().add(30))));

    CLOCK.setDay(LocalDate.of(2026, 5, 1));
    eventually(
        Duration.ofSeconds(20),
        "the reminder of the first daily installment",
        () -> texts(phone, "is due on 2026-05-02").size() == 1);
    // the two installments left become one weekly installment: 05-03 is no longer owed
    HttpResponse<Buffer> moved = await(gw.http
        .postAbs(gw.base + "/api/v1/appliance-sales/" + sale + "/reschedule")
        .bearerTokenAuthentication(c.adminToken())
        .putHeader("Idempotency-Key", "daily-" + UUID.randomUUID())
        .sendJsonObject(new JsonObject()
            .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 1))
            .put("period", "WEEKLY")));
    assertEquals(200, moved.statusCode(), moved.bodyAsString());
    assertEquals(
        "2026-05-08",
        moved.bodyAsJsonObject().getJsonArray("schedule").getJsonObject(3).getString("dueDate"));
    CLOCK.setDay(LocalDate.of(2026, 5, 2));
    long checkedAt = CLOCK.instant().getEpochSecond();
    eventually(
        Duration.ofSeconds(20),
        "the day was checked and its reminder jobs ended",
        () -> lastRun() >= checkedAt
            && gw.db.count(
                    "SELECT count(*) FROM outbox WHERE kind = 'REMINDER' AND status = 'PENDING'")
                == 0);
    assertEquals(
        0,
        texts(phone, "is due on 2026-05-03").size(),
        "a rescheduled installment is not reminded");
    assertEquals(1, texts(phone, "is due on").size());
    CLOCK.setDay(LocalDate.of(2026, 5, 7));
    eventually(
        Duration.ofSeconds(20),
        "the reminder of the new weekly installment",
        () -> texts(phone, "is due on 2026-05-08").size() == 1);
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM installment_reminders r JOIN installments i ON i.id = r.installment_id "
                + "WHERE i.sale_id = ?::uuid AND i.status = 'OPEN' AND i.number = 4",
            sale));
  }

  private static List<String> texts(String phone, String containing) {
    return gw.sms.messages().stream()
        .filter(m -> m.to().equals(phone) && m.text().contains(containing))
        .map(m -> m.text())
        .toList();
  }

  private static long lastRun() {
    var gauge = gw.app.registry().find("payg_reminders_last_run_seconds").gauge();
    return gauge == null ? 0 : (long) gauge.value();
  }
}
