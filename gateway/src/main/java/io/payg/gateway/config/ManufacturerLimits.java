package io.payg.gateway.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How hard the gateway may press each manufacturer: at most {@link #limit} token requests in
 * flight at once, each given {@link #timeoutMs} to answer. Read from
 * {@code MANUFACTURER_LIMITS="calin=64,steama=16"} and
 * {@code MANUFACTURER_TIMEOUTS_MS="calin=5000"}; the key {@code *} sets the value of every
 * manufacturer not named (defaults {@value #DEFAULT_LIMIT} and {@value #DEFAULT_TIMEOUT_MS} ms).
 * A company's plugin setting {@code timeoutMs} still overrides the timeout for that company.
 */
public record ManufacturerLimits(Map<String, Integer> limits, Map<String, Integer> timeoutsMs) {

  public static final int DEFAULT_LIMIT = 32;
  public static final int DEFAULT_TIMEOUT_MS = 10_000;
  private static final String ANY = "*";

  public ManufacturerLimits {
    limits = Map.copyOf(limits);
    timeoutsMs = Map.copyOf(timeoutsMs);
  }

  public static ManufacturerLimits parse(String limits, String timeoutsMs) {
    return new ManufacturerLimits(
        pairs("MANUFACTURER_LIMITS", limits), pairs("MANUFACTURER_TIMEOUTS_MS", timeoutsMs));
  }

  /** Requests in flight at once to {@code manufacturer}. */
  public int limit(String manufacturer) {
    return limits.getOrDefault(manufacturer, limits.getOrDefault(ANY, DEFAULT_LIMIT));
  }

  /**
   * Jobs that may wait in memory for one of its permits; beyond that a job goes back to the
   * outbox. Twice the limit keeps the manufacturer busy without hoarding the worker's slots.
   */
  public int queue(String manufacturer) {
    return 2 * limit(manufacturer);
  }

  public int timeoutMs(String manufacturer) {
    return timeoutsMs.getOrDefault(manufacturer, timeoutsMs.getOrDefault(ANY, DEFAULT_TIMEOUT_MS));
  }

  /** For the start-up summary. */
  public String describe() {
    return "limits " + show(limits, DEFAULT_LIMIT) + ", timeouts ms "
        + show(timeoutsMs, DEFAULT_TIMEOUT_MS);
  }

  private static String show(Map<String, Integer> values, int dflt) {
    Map<String, Integer> all = new LinkedHashMap<>();
    all.put(ANY, values.getOrDefault(ANY, dflt));
    values.forEach(all::putIfAbsent);
    return all.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  private static Map<String, Integer> pairs(String variable, String raw) {
    Map<String, Integer> out = new LinkedHashMap<>();
    if (raw == null || raw.isBlank()) {
      return out;
    }
    for (String pair : raw.split(",")) {
      String[] kv = pair.split("=", 2);
      int value;
      try {
        value = kv.length == 2 ? Integer.parseInt(kv[1].trim()) : -1;
      } catch (NumberFormatException e) {
        value = -1;
      }
      if (kv[0].isBlank() || value < 1) {
        throw new IllegalStateException(variable
            + " must look like 'calin=64,steama=16' (positive whole numbers), got '" + raw + "'");
      }
      out.put(kv[0].trim(), value);
    }
    return out;
  }
}
