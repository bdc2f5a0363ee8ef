package io.payg.gateway.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which local day's reminders are due at an instant: the company's hour in the company's zone. */
class ReminderSettingsTest {

  static ReminderSettings settings(boolean enabled, int hour, String zone) {
    return ReminderSettings.parse(new JsonObject()
        .put("enabled", enabled)
        .put("daysBefore", new JsonArray().add(3).add(1))
        .put("hourLocal", hour)
        .put("timeZone", zone));
  }

  @Test
  void remindersOfALocalDayStartAtTheLocalHour() {
    Instant noonUtc = Instant.parse("2026-03-10T12:00:00Z");
    assertEquals(
        Optional.empty(), settings(true, 13, "UTC").runDate(noonUtc), "13:00 UTC has not come");
    assertEquals(
        Optional.of(LocalDate.of(2026, 3, 10)), settings(true, 12, "UTC").runDate(noonUtc));
    // 15:00 in Nairobi (UTC+3)
    assertEquals(
        Optional.of(LocalDate.of(2026, 3, 10)),
        settings(true, 14, "Africa/Nairobi").runDate(noonUtc));
    // 23:30 UTC is already the next day in Nairobi
    assertEquals(
        Optional.of(LocalDate.of(2026, 3, 11)),
        settings(true, 0, "Africa/Nairobi").runDate(Instant.parse("2026-03-10T23:30:00Z")));
    assertEquals(Optional.empty(), settings(false, 0, "UTC").runDate(noonUtc), "off");
  }

  @Test
  void daysAreSortedAndTheStoredFormRoundTrips() {
    ReminderSettings s = settings(true, 9, "Africa/Nairobi");
    assertEquals(new JsonArray().add(1).add(3), s.toJson().getJsonArray("daysBefore"));
    assertEquals(s, ReminderSettings.stored(s.toJson()));
  }
}
