package io.payg.manufacturer.openpaygo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpenPaygoTokenArgumentsTest {

  private static final byte[] KEY = OpenPaygoToken.keyFromHex("bc41ec9530f6dac86b1a29ab82edc5fb");
  private static final long STARTING_CODE = 516_959_010L;

  private static OpenPaygoToken.Generated generate(
      byte[] key,
      long startingCode,
      int count,
      OpenPaygoTokenType type,
      long value,
      boolean extended) {
    return OpenPaygoToken.generate(key, startingCode, count, type, value, false, extended);
  }

  @Test
  void keyFromHexParsesEitherCase() {
    assertArrayEquals(KEY, OpenPaygoToken.keyFromHex("BC41EC9530F6DAC86B1A29AB82EDC5FB"));
    assertEquals(16, KEY.length);
    assertEquals((byte) 0xbc, KEY[0]);
    assertEquals((byte) 0xfb, KEY[15]);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "bc41ec9530f6dac86b1a29ab82edc5",
        "bc41ec9530f6dac86b1a29ab82edc5fb00",
        "zc41ec9530f6dac86b1a29ab82edc5fb"
      })
  void keyFromHexRejectsMalformedKeys(String hex) {
    assertThrows(IllegalArgumentException.class, () -> OpenPaygoToken.keyFromHex(hex));
  }

  @Test
  void rejectsNullArguments() {
    assertThrows(NullPointerException.class, () -> OpenPaygoToken.keyFromHex(null));
    assertThrows(
        NullPointerException.class,
        () -> generate(null, STARTING_CODE, 1, OpenPaygoTokenType.ADD_TIME, 1, false));
    assertThrows(NullPointerException.class, () -> generate(KEY, STARTING_CODE, 1, null, 1, false));
  }

  @Test
  void rejectsKeysOfTheWrongLength() {
    assertThrows(
        IllegalArgumentException.class,
        () -> generate(new byte[15], STARTING_CODE, 1, OpenPaygoTokenType.ADD_TIME, 1, false));
    assertThrows(
        IllegalArgumentException.class,
        () -> generate(new byte[17], STARTING_CODE, 1, OpenPaygoTokenType.ADD_TIME, 1, false));
  }

  @Test
  void rejectsOutOfRangeStartingCodeAndCount() {
    assertThrows(
        IllegalArgumentException.class,
        () -> generate(KEY, -1, 1, OpenPaygoTokenType.ADD_TIME, 1, false));
    assertThrows(
        IllegalArgumentException.class,
        () -> generate(KEY, 1_000_000_000L, 1, OpenPaygoTokenType.ADD_TIME, 1, false));
    assertThrows(
        IllegalArgumentException.class,
        () -> generate(KEY, STARTING_CODE, -1, OpenPaygoTokenType.ADD_TIME, 1, false));
  }

  @Test
  void standardActivationValueIsLimitedTo995() {
    for (OpenPaygoTokenType type :
        new OpenPaygoTokenType[] {OpenPaygoTokenType.ADD_TIME, OpenPaygoTokenType.SET_TIME}) {
      assertEquals(9, generate(KEY, STARTING_CODE, 1, type, 0, false).token().length());
      assertEquals(9, generate(KEY, STARTING_CODE, 1, type, 995, false).token().length());
      assertThrows(
          IllegalArgumentException.class, () -> generate(KEY, STARTING_CODE, 1, type, 996, false));
      assertThrows(
          IllegalArgumentException.class, () -> generate(KEY, STARTING_CODE, 1, type, -1, false));
    }
  }

  @Test
  void extendedActivationValueIsLimitedTo999999() {
    assertEquals(
        12,
        generate(KEY, STARTING_CODE, 1, OpenPaygoTokenType.ADD_TIME, 999_999, true)
            .token()
            .length());
    assertThrows(
        IllegalArgumentException.class,
        () -> generate(KEY, STARTING_CODE, 1, OpenPaygoTokenType.ADD_TIME, 1_000_000, true));
  }

  @Test
  void disableAndCounterSyncTakeNoValue() {
    for (OpenPaygoTokenType type :
        new OpenPaygoTokenType[] {OpenPaygoTokenType.DISABLE_PAYG, OpenPaygoTokenType.COUNTER_SYNC
        }) {
      assertEquals(9, generate(KEY, STARTING_CODE, 1, type, 0, false).token().length());
      assertThrows(
          IllegalArgumentException.class, () -> generate(KEY, STARTING_CODE, 1, type, 1, false));
    }
  }

  @Test
  void countParityFollowsTokenType() {
    assertEquals(
        2,
        generate(KEY, STARTING_CODE, 0, OpenPaygoTokenType.ADD_TIME, 1, false).newCount());
    assertEquals(
        2,
        generate(KEY, STARTING_CODE, 1, OpenPaygoTokenType.ADD_TIME, 1, false).newCount());
    assertEquals(
        1,
        generate(KEY, STARTING_CODE, 0, OpenPaygoTokenType.SET_TIME, 1, false).newCount());
    assertEquals(
        3,
        generate(KEY, STARTING_CODE, 1, OpenPaygoTokenType.COUNTER_SYNC, 0, false)
            .newCount());
  }

  @Test
  void restrictedDigitTokensUseDigitsOneToFour() {
    String standard = OpenPaygoToken.generate(
            KEY, STARTING_CODE, 4, OpenPaygoTokenType.ADD_TIME, 7, true, false)
        .token();
    String extended = OpenPaygoToken.generate(
            KEY, STARTING_CODE, 4, OpenPaygoTokenType.ADD_TIME, 7, true, true)
        .token();
    assertTrue(standard.matches("[1-4]{15}"), standard);
    assertTrue(extended.matches("[1-4]{20}"), extended);
  }

  @Test
  void startingCodeFromKeyIsANineDigitCode() {
    long code = OpenPaygoToken.startingCodeFromKey(KEY);
    assertTrue(code >= 0 && code <= OpenPaygoToken.MAX_STARTING_CODE, Long.toString(code));
    assertThrows(
        IllegalArgumentException.class, () -> OpenPaygoToken.startingCodeFromKey(new byte[8]));
  }
}
