package io.payg.domain.sale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.LocalDate;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PeriodTest {

  @Test
  void monthlyClampsRelativeToTheAnchorDayEachTime() {
    LocalDate jan31 = LocalDate.of(2026, 1, 31);
    assertEquals(LocalDate.of(2026, 2, 28), Period.MONTHLY.after(jan31, 1));
    assertEquals(LocalDate.of(2026, 3, 31), Period.MONTHLY.after(jan31, 2));
    assertEquals(LocalDate.of(2026, 4, 30), Period.MONTHLY.after(jan31, 3));
    assertEquals(LocalDate.of(2026, 5, 31), Period.MONTHLY.after(jan31, 4));
    assertEquals(LocalDate.of(2028, 2, 29), Period.MONTHLY.after(jan31, 25)); // leap year
  }

  @Test
  void weeklyIsEverySevenDays() {
    LocalDate jan5 = LocalDate.of(2026, 1, 5);
    assertEquals(jan5, Period.WEEKLY.after(jan5, 0));
    assertEquals(LocalDate.of(2026, 1, 12), Period.WEEKLY.after(jan5, 1));
    assertEquals(LocalDate.of(2026, 3, 30), Period.WEEKLY.after(jan5, 12));
  }

  @Test
  void tokenDaysPerPeriod() {
    assertEquals(7, Period.WEEKLY.periodDays());
    assertEquals(30, Period.MONTHLY.periodDays());
  }

  @Test
  void negativePeriodsAreRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> Period.WEEKLY.after(LocalDate.of(2026, 1, 1), -1));
  }

  @Property
  void monthlyDueDayIsTheAnchorDayOrTheMonthsLastDay(
      @ForAll @IntRange(min = 0, max = 3_000) int anchorOffset,
      @ForAll @IntRange(min = 0, max = 240) int months) {
    LocalDate anchor = LocalDate.of(2024, 1, 1).plusDays(anchorOffset);
    LocalDate due = Period.MONTHLY.after(anchor, months);
    LocalDate monthStart = anchor.withDayOfMonth(1).plusMonths(months);
    assertEquals(monthStart.getYear(), due.getYear());
    assertEquals(monthStart.getMonth(), due.getMonth());
    assertEquals(Math.min(anchor.getDayOfMonth(), monthStart.lengthOfMonth()), due.getDayOfMonth());
  }
}
