package io.payg.gateway.sms;

import io.payg.gateway.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A company's installment reminders: on/off, the days before a due date and after it on which
 * the customer gets an SMS, and from which local hour the day's reminders go out.
 */
public record ReminderSettings(
    boolean enabled,
    List<Integer> daysBefore,
    List<Integer> daysAfter,
    int hourLocal,
    ZoneId timeZone) {

  static final int MAX_DAYS = 10;
  static final int MAX_DAYS_BEFORE = 90;
  static final int MAX_DAYS_AFTER = 365;

  public ReminderSettings {
    daysBefore = List.copyOf(daysBefore);
    daysAfter = List.copyOf(daysAfter);
  }

  /** As stored (companies.sms_reminders); the column default fills every field. */
  static ReminderSettings stored(JsonObject json) {
    return new ReminderSettings(
        json.getBoolean("enabled", false),
        ints(json.getJsonArray("daysBefore")),
        ints(json.getJsonArray("daysAfter")),
        json.getInteger("hourLocal", 9),
        ZoneId.of(json.getString("timeZone", "UTC")));
  }

  /** A PUT body, checked: a clear 400 for anything off, before anything is stored. */
  static ReminderSettings parse(JsonObject body) {
    if (!(body.getValue("enabled") instanceof Boolean enabled)) {
      throw ApiException.badRequest("'enabled' is required: true or false");
    }
    List<Integer> before = days(body, "daysBefore", 0, MAX_DAYS_BEFORE);
    List<Integer> after = days(body, "daysAfter", 1, MAX_DAYS_AFTER);
    Object hour = body.getValue("hourLocal", 9);
    if (!(hour instanceof Integer h) || h < 0 || h > 23) {
      throw ApiException.badRequest("'hourLocal' must be a whole hour from 0 to 23");
    }
    Object zone = body.getValue("timeZone", "UTC");
    ZoneId timeZone;
    try {
      timeZone = ZoneId.of((String) zone);
    } catch (ClassCastException | DateTimeException e) {
      throw ApiException.badRequest("'timeZone' must be an IANA time zone such as Africa/Nairobi");
    }
    return new ReminderSettings(enabled, before, after, (Integer) hour, timeZone);
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("enabled", enabled)
        .put("daysBefore", new JsonArray(daysBefore))
        .put("daysAfter", new JsonArray(daysAfter))
        .put("hourLocal", hourLocal)
        .put("timeZone", timeZone.getId());
  }

  /** The company's local date whose reminders are due at {@code now}; empty before the hour or when off. */
  Optional<LocalDate> runDate(Instant now) {
    ZonedDateTime local = now.atZone(timeZone);
    return enabled && local.getHour() >= hourLocal
        ? Optional.of(local.toLocalDate())
        : Optional.empty();
  }

  private static List<Integer> days(JsonObject body, String field, int min, int max) {
    Object raw = body.getValue(field);
    if (raw == null) {
      return List.of();
    }
    String rule = "'" + field + "' must be a list of at most " + MAX_DAYS
        + " different whole days from " + min + " to " + max;
    if (!(raw instanceof JsonArray array) || array.size() > MAX_DAYS) {
      throw ApiException.badRequest(rule);
    }
    List<Integer> out = new ArrayList<>();
    for (Object v : array) {
      if (!(v instanceof Integer d) || d < min || d > max || out.contains(d)) {
        throw ApiException.badRequest(rule);
      }
      out.add(d);
    }
    out.sort(null);
    return out;
  }

  private static List<Integer> ints(JsonArray array) {
    List<Integer> out = new ArrayList<>();
    if (array != null) {
      array.forEach(v -> out.add(((Number) v).intValue()));
    }
    return out;
  }
}
