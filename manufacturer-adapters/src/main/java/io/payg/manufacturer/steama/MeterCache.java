package io.payg.manufacturer.steama;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Serial → Steama customer, as read from Steama's meter pages: bounded (least recently used
 * entries go first) and each entry expires, so a meter moved in Steama is seen again in time.
 */
final class MeterCache {

  private record Entry(String customer, long expiresAtMillis) {}

  private final Clock clock;
  private final Map<String, Entry> entries;

  MeterCache(int capacity, Clock clock) {
    this.clock = clock;
    this.entries = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > capacity;
      }
    };
  }

  synchronized String get(String account, String serial) {
    String key = key(account, serial);
    Entry e = entries.get(key);
    if (e == null) {
      return null;
    }
    if (e.expiresAtMillis() <= clock.millis()) {
      entries.remove(key);
      return null;
    }
    return e.customer();
  }

  synchronized void put(String account, String serial, String customer, long seconds) {
    entries.put(key(account, serial), new Entry(customer, clock.millis() + seconds * 1000));
  }

  synchronized int size() {
    return entries.size();
  }

  // serials are matched like everywhere in the gateway: trimmed, case-insensitive
  private static String key(String account, String serial) {
    return account + '\n' + serial.strip().toLowerCase(Locale.ROOT);
  }
}
