package io.payg.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.payg.domain.allocation.AllocationResult;
import io.payg.domain.allocation.CustomerDebts;
import io.payg.domain.allocation.DebtAllocation;
import io.payg.domain.allocation.InstallmentPayment;
import io.payg.domain.allocation.OpenInstallment;
import io.payg.domain.allocation.PaidDevice;
import io.payg.domain.payment.Allocation;
import io.payg.domain.payment.AllocationKind;
import io.payg.domain.payment.Refusal;
import io.payg.domain.sale.ApplianceSale;
import io.payg.domain.sale.InstallmentSchedule;
import io.payg.domain.sale.PaymentPlan;
import io.payg.domain.sale.Period;
import io.payg.domain.sale.ScheduledInstallment;
import io.payg.domain.tariff.Tariff;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The worked examples of the domain spec, with its exact figures (KES, minor units = cents). */
class WorkedExamplesTest {

  private static LocalDate day(String monthDay) {
    return LocalDate.parse("2026-" + monthDay);
  }

  private static List<Long> amounts(List<ScheduledInstallment> entries) {
    return entries.stream().map(ScheduledInstallment::amount).toList();
  }

  @Test
  @DisplayName("1. meter with access rate: 200.00 arrears, 300.00 buys 12.0 kWh")
  void example1() {
    Tariff tariff = Tariff.of(2_500).withAccessRate(10_000, 7);
    long arrears = tariff.accessRateArrears(day("01-01"), day("01-16"), 0);
    assertEquals(20_000, arrears);
    assertEquals(
        LocalDate.parse("2026-01-22"),
        tariff.accessRate().nextChargeDate(day("01-01"), day("01-16")));

    AllocationResult result = DebtAllocation.allocate(
        50_000, day("01-16"), List.of(), PaidDevice.meter("M-1", tariff, 0, arrears));

    assertEquals(
        List.of(
            new Allocation(AllocationKind.ACCESS_RATE, 20_000, "M-1"),
            new Allocation(AllocationKind.ENERGY, 30_000, "M-1")),
        result.allocations());
    assertEquals(20_000, result.accessRatePaid());
    assertEquals(TokenAmount.kwhTenths(120), result.tokenAmount());
    assertEquals("12.0", result.tokenAmount().kwhString());
    assertEquals(0, result.newMeterCredit());
  }

  @Test
  @DisplayName("2. meter 23.00/kWh: 100.00 -> 4.3 kWh, credit 1.10; again -> 4.3 kWh, credit 2.20")
  void example2() {
    Tariff tariff = Tariff.of(2_300);
    AllocationResult first = DebtAllocation.allocate(
        10_000, day("02-01"), List.of(), PaidDevice.meter("M-2", tariff, 0, 0));
    assertEquals(
        List.of(
            new Allocation(AllocationKind.ENERGY, 9_890, "M-2"),
            new Allocation(AllocationKind.METER_CREDIT, 110, "M-2")),
        first.allocations());
    assertEquals(TokenAmount.kwhTenths(43), first.tokenAmount());
    assertEquals(110, first.newMeterCredit());

    AllocationResult second = DebtAllocation.allocate(
        10_000,
        day("02-02"),
        List.of(),
        PaidDevice.meter("M-2", tariff, first.newMeterCredit(), 0));
    assertEquals(TokenAmount.kwhTenths(43), second.tokenAmount());
    assertEquals(220, second.newMeterCredit());
    // 98.90 of energy of which 1.10 came from the carried credit: 97.80 of this payment.
    assertEquals(
        List.of(
            new Allocation(AllocationKind.ENERGY, 9_780, "M-2"),
            new Allocation(AllocationKind.METER_CREDIT, 220, "M-2")),
        second.allocations());
    assertEquals(10_000, second.allocated());
  }

  @Test
  @DisplayName(
      "3. 10,000.00, down 1,000.00, 4 monthly from 01-31 -> 2,250.00 on 02-28, 03-31, 04-30, 05-31")
  void example3() {
    InstallmentSchedule schedule = ApplianceSale.of(
            1_000_000, 100_000, PaymentPlan.count(4), Period.MONTHLY, day("01-31"))
        .schedule();
    assertEquals(
        List.of(
            new ScheduledInstallment(0, day("01-31"), 100_000),
            new ScheduledInstallment(1, day("02-28"), 225_000),
            new ScheduledInstallment(2, day("03-31"), 225_000),
            new ScheduledInstallment(3, day("04-30"), 225_000),
            new ScheduledInstallment(4, day("05-31"), 225_000)),
        schedule.entries());
    assertEquals(1_000_000, schedule.total());
  }

  @Test
  @DisplayName("4. 1,000.00 in 3 weekly -> 333.34, 333.33, 333.33")
  void example4() {
    InstallmentSchedule schedule = ApplianceSale.of(
            100_000, 0, PaymentPlan.count(3), Period.WEEKLY, day("01-05"))
        .schedule();
    assertEquals(List.of(33_334L, 33_333L, 33_333L), amounts(schedule.entries()));
    assertEquals(
        List.of(day("01-12"), day("01-19"), day("01-26")),
        schedule.entries().stream().map(ScheduledInstallment::dueDate).toList());
    assertEquals(100_000, schedule.total());
  }

  @Test
  @DisplayName("5. 5,000.00, down 500.00, 1,000.00 weekly -> 1,000.00 x 4 and 500.00")
  void example5() {
    InstallmentSchedule schedule = ApplianceSale.of(
            500_000, 50_000, PaymentPlan.amount(100_000), Period.WEEKLY, day("01-05"))
        .schedule();
    assertEquals(50_000, schedule.downPayment());
    assertEquals(
        List.of(100_000L, 100_000L, 100_000L, 100_000L, 50_000L), amounts(schedule.installments()));
    assertEquals(500_000, schedule.total());
  }

  private static final LocalDate TODAY = day("03-10");
  /** Example 6 and 8: a 300.00 TV installment due yesterday, 100.00 of it paid. */
  private static final List<OpenInstallment> TV_DEBT =
      List.of(new OpenInstallment("tv-3", "tv-sale", TODAY.minusDays(1), 20_000, false));

  private static final PaidDevice.Meter METER_20 = PaidDevice.meter("M-6", Tariff.of(2_000), 0, 0);

  @Test
  @DisplayName("6. meter and overdue TV: 500.00 -> 200.00 to the TV, 300.00 buys 15.0 kWh")
  void example6() {
    assertNull(DebtAllocation.validate(50_000, TODAY, TV_DEBT, METER_20));
    AllocationResult result = DebtAllocation.allocate(50_000, TODAY, TV_DEBT, METER_20);
    assertEquals(
        List.of(
            new Allocation(AllocationKind.INSTALLMENT, 20_000, "tv-3"),
            new Allocation(AllocationKind.ENERGY, 30_000, "M-6")),
        result.allocations());
    assertEquals(List.of(new InstallmentPayment("tv-3", 20_000)), result.installmentPayments());
    assertEquals(TokenAmount.kwhTenths(150), result.tokenAmount());
    assertEquals("15.0 kWh", result.tokenAmount().describe());
    assertEquals(0, result.newMeterCredit());
  }

  @Test
  @DisplayName("7. SHS 7,000.00, down 1,000.00, 500.00 weekly: 1,000.00 -> 14 days; 300.00 refused")
  void example7() {
    ApplianceSale sale =
        ApplianceSale.of(700_000, 100_000, PaymentPlan.amount(50_000), Period.WEEKLY, day("01-05"));
    assertEquals(12, sale.schedule().installments().size());
    PaidDevice shs = PaidDevice.appliance(
        DeviceType.SHS, "SHS-7", sale.period(), sale.regularInstallmentAmount());
    List<OpenInstallment> open = CustomerDebts.ofSale("shs", sale.schedule(), true, true);
    LocalDate today = day("01-08"); // nothing overdue

    assertNull(DebtAllocation.validate(100_000, today, open, shs));
    AllocationResult result = DebtAllocation.allocate(100_000, today, open, shs);
    assertEquals(
        List.of(
            new Allocation(AllocationKind.DEVICE_INSTALLMENT, 50_000, "shs-1"),
            new Allocation(AllocationKind.DEVICE_INSTALLMENT, 50_000, "shs-2")),
        result.allocations());
    assertEquals(TokenAmount.days(14), result.tokenAmount());
    assertEquals(0, result.unallocated());

    List<OpenInstallment> after = CustomerDebts.afterPayment(open, result);
    assertEquals(10, after.size());
    assertEquals(Refusal.AMOUNT_BELOW_MINIMUM, DebtAllocation.validate(30_000, today, after, shs));
    assertEquals(50_000, DebtAllocation.minimumAmount(today, after, shs));
    assertNull(DebtAllocation.validate(50_000, today, after, shs));
    // Before the first payment the rule was the same.
    assertEquals(Refusal.AMOUNT_BELOW_MINIMUM, DebtAllocation.validate(30_000, today, open, shs));
  }

  @Test
  @DisplayName("8. the customer of 6 pays exactly 200.00 -> TV cleared, no token")
  void example8() {
    assertNull(DebtAllocation.validate(20_000, TODAY, TV_DEBT, METER_20));
    AllocationResult result = DebtAllocation.allocate(20_000, TODAY, TV_DEBT, METER_20);
    assertEquals(
        List.of(new Allocation(AllocationKind.INSTALLMENT, 20_000, "tv-3")), result.allocations());
    assertNull(result.tokenAmount());
    assertEquals(false, result.requestsToken());
    assertEquals(List.of(), CustomerDebts.afterPayment(TV_DEBT, result));
  }
}
