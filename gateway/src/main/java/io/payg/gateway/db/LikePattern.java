package io.payg.gateway.db;

import java.util.Locale;

/** A LIKE pattern for "contains this text", case-insensitive (compare with lower(column)). */
public final class LikePattern {

  private LikePattern() {}

  /** {@code %text%} with LIKE's own characters escaped, lower-cased; null for null. */
  public static String containing(String text) {
    if (text == null) {
      return null;
    }
    String escaped =
        text.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    return "%" + escaped + "%";
  }
}
