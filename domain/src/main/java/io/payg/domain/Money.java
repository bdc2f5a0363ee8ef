package io.payg.domain;

import java.util.Currency;
import java.util.Objects;

/**
 * An amount of money in minor units (cents, centimes...) of one ISO 4217 currency.
 * Never a double: every money path in the gateway adds and compares whole minor units.
 */
public record Money(long minor, String currency) implements Comparable<Money> {

  public Money {
    Objects.requireNonNull(currency, "currency");
    if (!isCurrencyCode(currency)) {
      throw new IllegalArgumentException("currency must be a 3-letter ISO 4217 code: " + currency);
    }
  }

  public static Money of(long minor, String currency) {
    return new Money(minor, currency);
  }

  public static Money zero(String currency) {
    return new Money(0, currency);
  }

  public static boolean isCurrencyCode(String code) {
    return code != null
        && code.length() == 3
        && Character.isUpperCase(code.charAt(0))
        && Character.isUpperCase(code.charAt(1))
        && Character.isUpperCase(code.charAt(2));
  }

  public Money plus(Money other) {
    requireSameCurrency(other);
    return new Money(Math.addExact(minor, other.minor), currency);
  }

  public Money minus(Money other) {
    requireSameCurrency(other);
    return new Money(Math.subtractExact(minor, other.minor), currency);
  }

  public Money min(Money other) {
    requireSameCurrency(other);
    return minor <= other.minor ? this : other;
  }

  public boolean isPositive() {
    return minor > 0;
  }

  public boolean isZero() {
    return minor == 0;
  }

  public boolean isNegative() {
    return minor < 0;
  }

  @Override
  public int compareTo(Money other) {
    requireSameCurrency(other);
    return Long.compare(minor, other.minor);
  }

  private void requireSameCurrency(Money other) {
    if (!currency.equals(other.currency)) {
      throw new IllegalArgumentException(
          "currency mismatch: " + currency + " vs " + other.currency);
    }
  }

  /** Digits after the decimal point for this currency (ISO 4217: KES 2, XOF 0, UGX 0). */
  public int fractionDigits() {
    try {
      int digits = Currency.getInstance(currency).getDefaultFractionDigits();
      return Math.max(digits, 0); // -1 for pseudo-currencies such as XXX: shown as whole units
    } catch (IllegalArgumentException e) {
      return 2; // a code the JDK does not know: keep the common two decimals
    }
  }

  /** "500.00 KES", "5000 XOF": the currency's own minor-unit exponent; for display only, never arithmetic. */
  @Override
  public String toString() {
    int digits = fractionDigits();
    long abs = Math.abs(minor);
    String sign = minor < 0 ? "-" : "";
    if (digits == 0) {
      return sign + abs + " " + currency;
    }
    long unit = 1;
    for (int i = 0; i < digits; i++) {
      unit *= 10;
    }
    // padded by hand: String.format parses its pattern on every call, and this runs for every SMS
    // text
    // and log line of a payment (docs/performance.md, "CPU per payment: the profile")
    String fraction = Long.toString(abs % unit);
    return sign + (abs / unit) + "." + "0".repeat(digits - fraction.length()) + fraction + " "
        + currency;
  }
}
