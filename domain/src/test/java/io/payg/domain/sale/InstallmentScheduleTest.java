package io.payg.domain.sale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class InstallmentScheduleTest {

  private static final LocalDate SALE = LocalDate.of(2026, 1, 5);

  private static ScheduledInstallment entry(int number, String date, long amount) {
    return new ScheduledInstallment(number, LocalDate.parse(date), amount);
  }

  @Test
  void downPaymentIsDueOnTheSaleDateAndFirstInstallmentOnePeriodLater() {
    InstallmentSchedule schedule =
        InstallmentSchedule.of(10_000, 1_000, PaymentPlan.count(3), Period.WEEKLY, SALE, null);
    assertEquals(
        List.of(
            entry(0, "2026-01-05", 1_000),
            entry(1, "2026-01-12", 3_000),
            entry(2, "2026-01-19", 3_000),
            entry(3, "2026-01-26", 3_000)),
        schedule.entries());
    assertEquals(1_000, schedule.downPayment());
    assertEquals(3, schedule.installments().size());
    assertEquals(10_000, schedule.total());
  }

  @Test
  void firstDueDateMovesEveryInstallment() {
    InstallmentSchedule schedule = InstallmentSchedule.of(
        9_000,
        0,
        PaymentPlan.count(3),
        Period.MONTHLY,
        LocalDate.of(2026, 1, 10),
        LocalDate.of(2026, 1, 31));
    assertEquals(
        List.of(
            entry(1, "2026-01-31", 3_000),
            entry(2, "2026-02-28", 3_000),
            entry(3, "2026-03-31", 3_000)),
        schedule.entries());
    assertEquals(0, schedule.downPayment());
  }

  @Test
  void countPlanGivesTheExtraMinorUnitsToTheFirstInstallments() {
    InstallmentSchedule schedule =
        InstallmentSchedule.of(1_003, 0, PaymentPlan.count(4), Period.WEEKLY, SALE, null);
    assertEquals(
        List.of(251L, 251L, 251L, 250L),
        schedule.installments().stream().map(ScheduledInstallment::amount).toList());
    assertEquals(251, schedule.regularInstallmentAmount());
  }

  @Test
  void amountPlanEndsWithWhatIsLeft() {
    InstallmentSchedule schedule =
        InstallmentSchedule.of(2_500, 0, PaymentPlan.amount(1_000), Period.WEEKLY, SALE, null);
    assertEquals(
        List.of(1_000L, 1_000L, 500L),
        schedule.installments().stream().map(ScheduledInstallment::amount).toList());
    assertEquals(1_000, schedule.regularInstallmentAmount());
    InstallmentSchedule larger =
        InstallmentSchedule.of(2_500, 0, PaymentPlan.amount(5_000), Period.WEEKLY, SALE, null);
    assertEquals(List.of(entry(1, "2026-01-12", 2_500)), larger.entries());
  }

  @Test
  void aSalePaidInFullAtSaleHasOnlyTheDownPayment() {
    InstallmentSchedule schedule =
        InstallmentSchedule.of(5_000, 5_000, PaymentPlan.count(4), Period.MONTHLY, SALE, null);
    assertEquals(List.of(entry(0, "2026-01-05", 5_000)), schedule.entries());
    assertEquals(5_000, schedule.regularInstallmentAmount());
  }

  @Test
  void applianceSaleDelegatesToTheSchedule() {
    ApplianceSale sale =
        ApplianceSale.of(700_000, 100_000, PaymentPlan.amount(50_000), Period.WEEKLY, SALE);
    assertEquals(600_000, sale.financed());
    assertEquals(13, sale.schedule().entries().size());
    assertEquals(50_000, sale.regularInstallmentAmount());
  }

  @Test
  void invalidTermsAreRefusedWithAnOperatorMessage() {
    assertRefused(
        "must be more than zero",
        () -> InstallmentSchedule.of(0, 0, PaymentPlan.count(1), Period.WEEKLY, SALE, null));
    assertRefused(
        "must not be negative",
        () -> InstallmentSchedule.of(1_000, -1, PaymentPlan.count(1), Period.WEEKLY, SALE, null));
    assertRefused(
        "must not be more than the price",
        () ->
            InstallmentSchedule.of(1_000, 1_001, PaymentPlan.count(1), Period.WEEKLY, SALE, null));
    assertRefused("at least 1", () -> PaymentPlan.count(0));
    assertRefused("installment amount must be more than zero", () -> PaymentPlan.amount(0));
    assertRefused(
        "Cannot split 3 minor units into 4 installments",
        () -> InstallmentSchedule.of(3, 0, PaymentPlan.count(4), Period.WEEKLY, SALE, null));
    assertRefused(
        "at most 1000",
        () -> InstallmentSchedule.of(1_001, 0, PaymentPlan.amount(1), Period.WEEKLY, SALE, null));
    assertRefused(
        "at most 1000",
        () ->
            InstallmentSchedule.of(5_000, 0, PaymentPlan.count(1_001), Period.WEEKLY, SALE, null));
    assertRefused(
        "must be after the sale date",
        () -> InstallmentSchedule.of(1_000, 0, PaymentPlan.count(1), Period.WEEKLY, SALE, SALE));
    assertRefused(
        "must be after the sale date",
        () -> InstallmentSchedule.of(
            1_000, 0, PaymentPlan.count(1), Period.WEEKLY, SALE, SALE.minusDays(1)));
    assertRefused(
        "payment plan", () -> InstallmentSchedule.of(1_000, 0, null, Period.WEEKLY, SALE, null));
    assertRefused(
        "period", () -> InstallmentSchedule.of(1_000, 0, PaymentPlan.count(1), null, SALE, null));
    assertRefused(
        "sale date",
        () -> InstallmentSchedule.of(1_000, 0, PaymentPlan.count(1), Period.WEEKLY, null, null));
    assertRefused(
        "must not be more than the price",
        () -> ApplianceSale.of(1_000, 2_000, PaymentPlan.count(1), Period.WEEKLY, SALE));
  }

  @Test
  void limitsThemselvesAreAccepted() {
    assertEquals(
        1_000,
        InstallmentSchedule.of(1_000, 0, PaymentPlan.amount(1), Period.WEEKLY, SALE, null)
            .entries()
            .size());
    assertEquals(
        3,
        InstallmentSchedule.of(3, 0, PaymentPlan.count(3), Period.WEEKLY, SALE, null)
            .entries()
            .size());
    assertEquals(
        1,
        InstallmentSchedule.of(
                1_000, 0, PaymentPlan.count(1), Period.WEEKLY, SALE, SALE.plusDays(1))
            .entries()
            .size());
  }

  private static void assertRefused(String messagePart, Executable executable) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
    assertTrue(e.getMessage().contains(messagePart), "message was: " + e.getMessage());
  }
}
