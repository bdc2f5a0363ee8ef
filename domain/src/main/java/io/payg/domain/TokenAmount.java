package io.payg.domain;

/**
 * What a token is worth on the device: tenths of a kWh for meters, days of use for SHS and
 * e-bikes, or an unlock for good once an appliance sale is paid off.
 */
public record TokenAmount(Unit unit, long quantity) {

  public enum Unit {
    KWH_TENTHS,
    DAYS,
    UNLOCK
  }

  public TokenAmount {
    if (quantity < 0) {
      throw new IllegalArgumentException("token quantity must not be negative");
    }
  }

  public static TokenAmount kwhTenths(long tenths) {
    return new TokenAmount(Unit.KWH_TENTHS, tenths);
  }

  public static TokenAmount days(long days) {
    return new TokenAmount(Unit.DAYS, days);
  }

  public static TokenAmount unlock() {
    return new TokenAmount(Unit.UNLOCK, 0);
  }

  /** What a manufacturer's devices take: meters energy, SHS and e-bikes days of use or an unlock. */
  public enum Takes {
    ENERGY("energy only"),
    DAYS_OR_UNLOCK("days or unlock only");

    private final String words;

    Takes(String words) {
      this.words = words;
    }
  }

  public boolean isNothing() {
    return unit != Unit.UNLOCK && quantity == 0;
  }

  /** Days of use, more than none. */
  public boolean isDays() {
    return unit == Unit.DAYS && quantity > 0;
  }

  /**
   * Null when devices that take {@code takes} can be sent this amount (energy or days: more than
   * nothing), else why not ("calin vends energy only, got 14 days"): another unit, or nothing, is a
   * routing bug upstream, final.
   */
  public String refusal(String manufacturer, Takes takes) {
    boolean fits = switch (takes) {
      case ENERGY -> unit == Unit.KWH_TENTHS && quantity > 0;
      case DAYS_OR_UNLOCK -> isDays() || unit == Unit.UNLOCK;
    };
    return fits ? null : manufacturer + " vends " + takes.words + ", got " + describe();
  }

  /** kWh as a decimal string with one digit ("4.3"), for manufacturer APIs and SMS texts. */
  public String kwhString() {
    if (unit != Unit.KWH_TENTHS) {
      throw new IllegalStateException("not an energy token: " + unit);
    }
    return (quantity / 10) + "." + (quantity % 10);
  }

  /** "4.3 kWh", "14 days", "unlocked". */
  public String describe() {
    return switch (unit) {
      case KWH_TENTHS -> kwhString() + " kWh";
      case DAYS -> quantity + (quantity == 1 ? " day" : " days");
      case UNLOCK -> "unlocked";
    };
  }
}
