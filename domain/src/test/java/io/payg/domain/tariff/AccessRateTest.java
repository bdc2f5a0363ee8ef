package io.payg.domain.tariff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessRateTest {

  private static final LocalDate JAN_1 = LocalDate.of(2026, 1, 1);
  private final AccessRate weekly = new AccessRate(10_000, 7);

  @ParameterizedTest(name = "tariff on 01-01, today {0}: {1} charges")
  @CsvSource({
    "2025-12-31, 0", // tariff given in the future
    "2026-01-01, 0",
    "2026-01-07, 0",
    "2026-01-08, 1", // day 7: the first period ended
    "2026-01-14, 1",
    "2026-01-15, 2",
    "2026-01-16, 2", // worked example 1
    "2026-02-26, 8",
  })
  void chargesFallDueAtTheEndOfEachWholePeriod(LocalDate today, long charges) {
    assertEquals(charges, weekly.periodsEnded(JAN_1, today));
    assertEquals(charges * 10_000, weekly.chargesDue(JAN_1, today));
  }

  @Test
  void arrearsAreChargesDueMinusPaymentsAndNeverNegative() {
    LocalDate today = LocalDate.of(2026, 1, 16);
    assertEquals(20_000, weekly.arrears(JAN_1, today, 0));
    assertEquals(5_000, weekly.arrears(JAN_1, today, 15_000));
    assertEquals(0, weekly.arrears(JAN_1, today, 20_000));
    assertEquals(0, weekly.arrears(JAN_1, today, 35_000));
  }

  @Test
  void nextChargeDateIsTheEndOfTheCurrentPeriod() {
    assertEquals(LocalDate.of(2026, 1, 8), weekly.nextChargeDate(JAN_1, JAN_1));
    assertEquals(LocalDate.of(2026, 1, 15), weekly.nextChargeDate(JAN_1, LocalDate.of(2026, 1, 8)));
    assertEquals(
        LocalDate.of(2026, 1, 22), weekly.nextChargeDate(JAN_1, LocalDate.of(2026, 1, 16)));
  }

  @Test
  void refusesNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new AccessRate(0, 7));
    assertThrows(IllegalArgumentException.class, () -> new AccessRate(100, 0));
    assertThrows(IllegalArgumentException.class, () -> weekly.arrears(JAN_1, JAN_1, -1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new AccessRate(-5, 7));
    assertTrue(e.getMessage().contains("access rate amount"), e.getMessage());
  }

  @Property
  void chargesGrowByOneAmountExactlyEveryPeriod(
      @ForAll @LongRange(min = 1, max = 1_000_000) long amount,
      @ForAll @IntRange(min = 1, max = 60) int periodDays,
      @ForAll @IntRange(min = -100, max = 2_000) int daysSince) {
    AccessRate rate = new AccessRate(amount, periodDays);
    LocalDate today = JAN_1.plusDays(daysSince);
    long due = rate.chargesDue(JAN_1, today);
    long dueTomorrow = rate.chargesDue(JAN_1, today.plusDays(1));
    assertTrue(due >= 0 && due % amount == 0);
    boolean periodEndsTomorrow = daysSince + 1 > 0 && (daysSince + 1) % periodDays == 0;
    assertEquals(periodEndsTomorrow ? due + amount : due, dueTomorrow);
    assertTrue(rate.nextChargeDate(JAN_1, today).isAfter(today));
    assertEquals(due + amount, rate.chargesDue(JAN_1, rate.nextChargeDate(JAN_1, today)));
  }

  @Property
  void arrearsAreNeverNegative(
      @ForAll @LongRange(min = 1, max = 1_000_000) long amount,
      @ForAll @IntRange(min = 1, max = 60) int periodDays,
      @ForAll @IntRange(min = -100, max = 2_000) int daysSince,
      @ForAll @LongRange(min = 0, max = 1_000_000_000) long paid) {
    AccessRate rate = new AccessRate(amount, periodDays);
    LocalDate today = JAN_1.plusDays(daysSince);
    long arrears = rate.arrears(JAN_1, today, paid);
    assertTrue(arrears >= 0);
    assertEquals(Math.max(0, rate.chargesDue(JAN_1, today) - paid), arrears);
  }
}
