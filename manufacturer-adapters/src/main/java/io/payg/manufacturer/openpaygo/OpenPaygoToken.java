package io.payg.manufacturer.openpaygo;

import java.util.HexFormat;
import java.util.Objects;

/**
 * Server-side generator of OpenPAYGO Tokens.
 *
 * <p>Implements the OpenPAYGO Token algorithm as specified by EnAccess
 * (https://github.com/EnAccess/OpenPAYGO-Token, documentation/general_documentation.pdf) and
 * reproduces the official test vectors of the reference implementation
 * (https://github.com/EnAccess/OpenPAYGO-python, MIT License). In short:
 *
 * <ul>
 *   <li>The value is packed into the low digits of the token: the last 3 digits (6 for extended
 *       tokens) of the starting code, plus the value, modulo 1000 (1 000 000).</li>
 *   <li>That value-bearing code is then obscured by applying a SipHash-2-4 based step
 *       {@code newCount} times, and the packed digits are written back into the result.</li>
 *   <li>Standard step: the 32-bit code is serialised big-endian twice (8 bytes), hashed, the two
 *       32-bit halves of the hash are XORed and the top 30 bits of that kept, folded below
 *       10^9. Extended step: the code is serialised as a big-endian 64-bit integer, hashed, and
 *       the top 40 bits of the hash kept, folded below 10^12.</li>
 *   <li>The count moves to the next even number for ADD_TIME and to the next odd number for the
 *       other kinds, so a device can tell the kinds apart.</li>
 *   <li>With a restricted digit set, the 30 (40) bit token is written two bits per digit, most
 *       significant first, with digits 1-4, giving 15 (20) digits.</li>
 * </ul>
 *
 * <p>This class is stateless and thread-safe.
 */
public final class OpenPaygoToken {

  /** Length of an OpenPAYGO secret key, in bytes. */
  public static final int KEY_LENGTH = 16;
  /** Largest starting code; starting codes are 9-digit numbers. */
  public static final long MAX_STARTING_CODE = 999_999_999L;
  /** Largest ADD_TIME / SET_TIME value of a standard token. */
  public static final int MAX_ACTIVATION_VALUE = 995;
  /** Largest ADD_TIME / SET_TIME value of an extended token. */
  public static final int MAX_EXTENDED_ACTIVATION_VALUE = 999_999;

  private static final int PAYG_DISABLE_VALUE = 998;
  private static final int COUNTER_SYNC_VALUE = 999;

  /**
   * A generated token and the count the server must store for the device afterwards.
   *
   * @param token the digits to give the customer (9 or 12 digits, or 15 or 20 digits 1-4)
   * @param newCount the device's token count once this token has been entered
   */
  public record Generated(String token, int newCount) {
    public Generated {
      Objects.requireNonNull(token, "token");
    }
  }

  private OpenPaygoToken() {}

  /**
   * Generates the next token for a device.
   *
   * @param key the device's 16-byte secret key
   * @param startingCode the device's starting code, 0 to {@value #MAX_STARTING_CODE}
   * @param count the last count the server issued for this device (0 for a new device)
   * @param type the kind of token
   * @param value for ADD_TIME and SET_TIME the activation value (e.g. days), 0 to
   *     {@value #MAX_ACTIVATION_VALUE} (0 to {@value #MAX_EXTENDED_ACTIVATION_VALUE} for
   *     extended tokens); for DISABLE_PAYG and COUNTER_SYNC it must be 0
   * @param restrictedDigitSet whether to write the token with the digits 1-4 only
   * @param extendedToken whether to generate an extended (12-digit, 64-bit) token
   * @return the token and the new count
   * @throws NullPointerException if key or type is null
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static Generated generate(
      byte[] key,
      long startingCode,
      int count,
      OpenPaygoTokenType type,
      long value,
      boolean restrictedDigitSet,
      boolean extendedToken) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(type, "type");
    if (key.length != KEY_LENGTH) {
      throw new IllegalArgumentException("key must be " + KEY_LENGTH + " bytes, was " + key.length);
    }
    if (startingCode < 0 || startingCode > MAX_STARTING_CODE) {
      throw new IllegalArgumentException(
          "startingCode must be between 0 and " + MAX_STARTING_CODE + ", was " + startingCode);
    }
    if (count < 0 || count > Integer.MAX_VALUE - 2) {
      throw new IllegalArgumentException("count out of range: " + count);
    }
    Format format = extendedToken ? Format.EXTENDED : Format.STANDARD;
    int encodedValue = encodedValue(type, value, format);
    int newCount = nextCount(count, type);

    long base = Math.floorMod(startingCode + encodedValue, format.modulus);
    long code = format.withBase(startingCode, base);
    for (int i = 0; i < newCount; i++) {
      code = format.next(code, key);
    }
    code = format.withBase(code, base);

    String token = restrictedDigitSet
        ? toRestrictedDigits(code, format.restrictedDigits)
        : String.format("%0" + format.digits + "d", code);
    return new Generated(token, newCount);
  }

  /**
   * Parses a secret key written as 32 hexadecimal characters (either case).
   *
   * @throws NullPointerException if hex is null
   * @throws IllegalArgumentException if hex is not 32 hexadecimal characters
   */
  public static byte[] keyFromHex(String hex) {
    Objects.requireNonNull(hex, "hex");
    if (hex.length() != 2 * KEY_LENGTH) {
      throw new IllegalArgumentException(
          "key must be " + 2 * KEY_LENGTH + " hexadecimal characters, was " + hex.length());
    }
    try {
      return HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("key is not hexadecimal", e);
    }
  }

  /**
   * The starting code the reference implementation derives from a key when none is given
   * (SipHash-2-4 of the key under itself, reduced like a standard token step).
   */
  public static long startingCodeFromKey(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length != KEY_LENGTH) {
      throw new IllegalArgumentException("key must be " + KEY_LENGTH + " bytes, was " + key.length);
    }
    return Format.reduceTo30Bits(SipHash24.hash(key, key));
  }

  private static int encodedValue(OpenPaygoTokenType type, long value, Format format) {
    switch (type) {
      case ADD_TIME:
      case SET_TIME:
        if (value < 0 || value > format.maxActivationValue) {
          throw new IllegalArgumentException(type + " value must be between 0 and "
              + format.maxActivationValue + (format == Format.EXTENDED ? " (extended)" : "")
              + ", was " + value);
        }
        return (int) value;
      case DISABLE_PAYG:
      case COUNTER_SYNC:
        if (value != 0) {
          throw new IllegalArgumentException(type + " tokens carry no value, was " + value);
        }
        return type == OpenPaygoTokenType.DISABLE_PAYG ? PAYG_DISABLE_VALUE : COUNTER_SYNC_VALUE;
      default:
        throw new IllegalArgumentException("unsupported token type " + type);
    }
  }

  /** ADD_TIME tokens take the next even count; the other kinds take the next odd count. */
  private static int nextCount(int count, OpenPaygoTokenType type) {
    boolean wantOdd = type != OpenPaygoTokenType.ADD_TIME;
    boolean isOdd = (count & 1) == 1;
    return isOdd == wantOdd ? count + 2 : count + 1;
  }

  /** Writes the low {@code 2 * digits} bits of code, two bits per digit 1-4, high bits first. */
  private static String toRestrictedDigits(long code, int digits) {
    StringBuilder out = new StringBuilder(digits);
    for (int shift = 2 * (digits - 1); shift >= 0; shift -= 2) {
      out.append((char) ('1' + ((code >>> shift) & 0b11)));
    }
    return out.toString();
  }

  /** The parameters and obscuring step of standard and extended tokens. */
  private enum Format {
    STANDARD(1_000, MAX_ACTIVATION_VALUE, 9, 15) {
      @Override
      long next(long code, byte[] key) {
        byte[] message = new byte[8];
        for (int i = 0; i < 4; i++) {
          byte b = (byte) (code >>> (24 - 8 * i));
          message[i] = b;
          message[i + 4] = b;
        }
        long hash = SipHash24.hash(key, message);
        return reduceTo30Bits(hash);
      }
    },
    EXTENDED(1_000_000, MAX_EXTENDED_ACTIVATION_VALUE, 12, 20) {
      @Override
      long next(long code, byte[] key) {
        byte[] message = new byte[8];
        for (int i = 0; i < 8; i++) {
          message[i] = (byte) (code >>> (56 - 8 * i));
        }
        long top40 = SipHash24.hash(key, message) >>> 24;
        return top40 > 999_999_999_999L ? top40 - 99_511_627_777L : top40;
      }
    };

    final int modulus;
    final int maxActivationValue;
    final int digits;
    final int restrictedDigits;

    Format(int modulus, int maxActivationValue, int digits, int restrictedDigits) {
      this.modulus = modulus;
      this.maxActivationValue = maxActivationValue;
      this.digits = digits;
      this.restrictedDigits = restrictedDigits;
    }

    abstract long next(long code, byte[] key);

    long withBase(long code, long base) {
      return code - code % modulus + base;
    }

    /** XOR of the hash's two 32-bit halves, top 30 bits kept, folded below 10^9. */
    static long reduceTo30Bits(long hash) {
      long folded = ((hash >>> 32) ^ hash) & 0xffff_ffffL;
      long top30 = folded >>> 2;
      return top30 > 999_999_999L ? top30 - 73_741_825L : top30;
    }
  }
}
