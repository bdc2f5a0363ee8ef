package io.payg.gateway.db;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Ids for the hot tables' rows in the order they are made: UUID version 7 (RFC 9562 §5.7), 48 bits
 * of Unix time in milliseconds, then the version, 12 random bits, the variant and 62 random bits.
 * A random (version 4) id lands on any page of a primary-key index, and after each checkpoint the
 * first change of a page writes all of it to the WAL; ids made in time order land on the rightmost
 * pages (docs/performance.md, "Time-ordered ids"). The random bits come from the same kind
 * of generator as {@link UUID#randomUUID()}: an id handed to a tenant stays unguessable (RFC 9562
 * §6.9); the time it carries is the row's creation time, which the API shows anyway.
 */
public final class TimeOrderedUuid {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A new id for now. */
  public static UUID next() {
    return at(System.currentTimeMillis());
  }

  /** A new id for the Unix time {@code epochMillis}. */
  static UUID at(long epochMillis) {
    long msb = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 // unix_ts_ms, 48 bits
        | 0x7000L // ver
        | RANDOM.nextInt() & 0x0FFF; // rand_a, 12 bits
    long lsb = RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL // rand_b, 62 bits
        | 0x8000_0000_0000_0000L; // var 0b10
    return new UUID(msb, lsb);
  }

  /** The Unix time in milliseconds a version 7 id carries. */
  static long epochMillis(UUID id) {
    return id.getMostSignificantBits() >>> 16;
  }

  private TimeOrderedUuid() {}
}
