package io.payg.domain;

import java.util.Locale;

/**
 * A device serial as customers type it: by hand, in any case, often with a space around it.
 * The gateway keeps the serial as registered and matches what is typed case-insensitively
 * after trimming; the database's unique index is on {@code (company_id, lower(serial))} to match.
 */
public final class Serial {

  private Serial() {}

  /** What was typed, without surrounding white space; null stays null. */
  public static String normalise(String typed) {
    return typed == null ? null : typed.strip();
  }

  /** True when both name the same device (registered serials are ASCII, see CustomerRoutes). */
  public static boolean same(String a, String b) {
    return a != null
        && b != null
        && normalise(a).toLowerCase(Locale.ROOT).equals(normalise(b).toLowerCase(Locale.ROOT));
  }
}
