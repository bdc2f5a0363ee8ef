package io.payg.domain;

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
    return code != null && code.length() == 3
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
      throw new IllegalArgumentException("currency mismatch: " + currency + " vs " + other.currency);
    }
  }

  /** "500.00 KES" assuming two decimals; for display only, never for arithmetic. */
  @Override
  public String toString() {
    long abs = Math.abs(minor);
    return (minor < 0 ? "-" : "") + (abs / 100) + "." + String.format("%02d", abs % 100) + " " + currency;
  }
}
