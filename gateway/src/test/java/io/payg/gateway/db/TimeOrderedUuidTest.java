package io.payg.gateway.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** UUID version 7 as RFC 9562 §5.7 lays it out, in PostgreSQL's order (bytes, unsigned). */
class TimeOrderedUuidTest {

  @Test
  void versionVariantAndTimeAreWhereTheRfcPutsThem() {
    // RFC 9562 appendix A.6: 017F22E2-79B0-7CC3-98C4-DC0C0C07398F, unix_ts_ms 0x017F22E279B0
    // (2022-02-22T19:22:22Z)
    long ms = 0x017F_22E2_79B0L;
    UUID id = TimeOrderedUuid.at(ms);
    assertEquals(7, id.version());
    assertEquals(2, id.variant());
    assertEquals(ms, TimeOrderedUuid.epochMillis(id));
    assertTrue(id.toString().startsWith("017f22e2-79b0-7"), id.toString());
  }

  @Test
  void aLaterMillisecondSortsAfterAsPostgresqlComparesUuids() {
    long now = System.currentTimeMillis();
    for (int i = 0; i < 1_000; i++) {
      UUID earlier = TimeOrderedUuid.at(now + i);
      UUID later = TimeOrderedUuid.at(now + i + 1);
      // uuid_cmp is memcmp of the 16 bytes: the most significant long, unsigned, decides first
      assertTrue(
          Long.compareUnsigned(earlier.getMostSignificantBits(), later.getMostSignificantBits())
              < 0);
    }
  }

  @Test
  void idsOfTheSameMillisecondDifferInTheirRandomBits() {
    Set<UUID> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      assertTrue(seen.add(TimeOrderedUuid.at(1_700_000_000_000L)));
    }
    UUID now = TimeOrderedUuid.next();
    assertNotEquals(0, now.getLeastSignificantBits() & 0x3FFF_FFFF_FFFF_FFFFL);
    long drift = Math.abs(System.currentTimeMillis() - TimeOrderedUuid.epochMillis(now));
    assertTrue(drift < 5_000, "the id's time is now: " + drift + " ms off");
  }
}
