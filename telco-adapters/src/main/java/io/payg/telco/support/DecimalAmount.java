package io.payg.telco.support;

import io.payg.domain.payment.Refusal;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Currency;
import java.util.regex.Pattern;

/**
 * Provider amounts ("500.00", or a JSON number) to minor units of a currency, exactly.
 *
 * <p>Refused as {@link Refusal#INVALID_AMOUNT}: zero, negative, signs, exponents, separators,
 * blanks, more decimals than the currency has, more than {@link #MAX_AMOUNT} minor units.
 */
public final class DecimalAmount {

  /** Ten trillion minor units, as the generic adapter: far above any payment, far below overflow. */
  public static final long MAX_AMOUNT = 10_000_000_000_000L;

  private static final BigDecimal MAX = BigDecimal.valueOf(MAX_AMOUNT);
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,20}(\\.[0-9]{1,20})?");

  private DecimalAmount() {}

  /** The currency's minor-unit digits (KES 2, XOF 0), or -1 when Java does not know the currency. */
  public static int fractionDigits(String currency) {
    try {
      return currency == null ? -1 : Currency.getInstance(currency).getDefaultFractionDigits();
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }

  public static long minorUnits(String field, Object value, int digits) {
    BigDecimal decimal;
    if (value instanceof String s) {
      if (!DECIMAL.matcher(s).matches()) {
        throw invalid("'" + field + "' must be a positive decimal number such as 500.00");
      }
      decimal = new BigDecimal(s);
    } else if (value instanceof Integer || value instanceof Long) {
      decimal = BigDecimal.valueOf(((Number) value).longValue());
    } else if (value instanceof BigInteger i) {
      decimal = new BigDecimal(i);
    } else if (value instanceof BigDecimal d) {
      decimal = d;
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d) || Math.abs(d) >= 1e13) {
        throw invalid("'" + field + "' is out of range");
      }
      // the shortest decimal that reads back as d: exact for any amount a provider would send
      decimal = BigDecimal.valueOf(d);
    } else {
      throw invalid("'" + field + "' must be a decimal number");
    }
    if (decimal.signum() <= 0) {
      throw invalid("'" + field + "' must be positive");
    }
    if (Math.max(0, decimal.stripTrailingZeros().scale()) > digits
        || (value instanceof String && decimal.scale() > digits)) {
      throw invalid("'" + field + "' has more than " + digits + " decimals");
    }
    BigDecimal minor = decimal.movePointRight(digits);
    if (minor.compareTo(MAX) > 0) {
      throw invalid("'" + field + "' is above the largest amount accepted");
    }
    return minor.longValueExact();
  }

  private static Rejection invalid(String detail) {
    return new Rejection(Refusal.INVALID_AMOUNT, detail);
  }
}
