package io.payg.domain.allocation;

import static io.payg.domain.payment.AllocationKind.ACCESS_RATE;
import static io.payg.domain.payment.AllocationKind.DEVICE_INSTALLMENT;
import static io.payg.domain.payment.AllocationKind.ENERGY;
import static io.payg.domain.payment.AllocationKind.INSTALLMENT;
import static io.payg.domain.payment.AllocationKind.METER_CREDIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.payg.domain.DeviceType;
import io.payg.domain.TokenAmount;
import io.payg.domain.payment.Allocation;
import io.payg.domain.payment.AllocationKind;
import io.payg.domain.payment.Refusal;
import io.payg.domain.sale.ApplianceSale;
import io.payg.domain.sale.PaymentPlan;
import io.payg.domain.sale.Period;
import io.payg.domain.tariff.Tariff;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DebtAllocationTest {

  private static final LocalDate TODAY = LocalDate.of(2026, 3, 10);
  private static final PaidDevice.Meter METER = PaidDevice.meter("M", Tariff.of(2_000), 0, 0);

  private static OpenInstallment due(String id, String saleId, int daysAgo, long outstanding) {
    return new OpenInstallment(id, saleId, TODAY.minusDays(daysAgo), outstanding, false);
  }

  private static OpenInstallment own(String id, int daysFromToday, long outstanding) {
    return new OpenInstallment(id, "own", TODAY.plusDays(daysFromToday), outstanding, true);
  }

  private static Allocation alloc(AllocationKind kind, long amount, String reference) {
    return new Allocation(kind, amount, reference);
  }

  @Test
  void dueInstallmentsArePaidOldestFirstAcrossSalesAndPartly() {
    List<OpenInstallment> open = List.of(
        due("a-2", "a", 5, 300),
        due("b-1", "b", 10, 500),
        due("a-1", "a", 20, 300),
        due("c-1", "c", -5, 900)); // not due yet: never paid from a meter payment
    AllocationResult result = DebtAllocation.allocate(700, TODAY, open, METER);
    assertEquals(
        List.of(alloc(INSTALLMENT, 300, "a-1"), alloc(INSTALLMENT, 400, "b-1")),
        result.allocations());
    assertEquals(
        List.of(new InstallmentPayment("a-1", 300), new InstallmentPayment("b-1", 400)),
        result.installmentPayments());
    assertNull(result.tokenAmount());
  }

  @Test
  void anInstallmentDueTodayIsDue() {
    AllocationResult result =
        DebtAllocation.allocate(1_000, TODAY, List.of(due("x-1", "x", 0, 400)), METER);
    assertEquals(
        List.of(alloc(INSTALLMENT, 400, "x-1"), alloc(ENERGY, 600, "M")), result.allocations());
    assertEquals(TokenAmount.kwhTenths(3), result.tokenAmount());
  }

  @Test
  void sameDueDateIsTakenBySaleId() {
    List<OpenInstallment> open = List.of(due("z-1", "z", 3, 100), due("a-1", "a", 3, 100));
    AllocationResult result = DebtAllocation.allocate(150, TODAY, open, METER);
    assertEquals(
        List.of(alloc(INSTALLMENT, 100, "a-1"), alloc(INSTALLMENT, 50, "z-1")),
        result.allocations());
  }

  @Test
  void accessRateComesAfterDueInstallmentsAndBeforeEnergy() {
    PaidDevice.Meter meter =
        PaidDevice.meter("M", Tariff.of(2_000).withAccessRate(1_000, 7), 0, 3_000);
    List<OpenInstallment> open = List.of(due("tv-1", "tv", 1, 500));
    assertEquals(
        List.of(alloc(INSTALLMENT, 500, "tv-1"), alloc(ACCESS_RATE, 2_000, "M")),
        DebtAllocation.allocate(2_500, TODAY, open, meter).allocations());
    AllocationResult result = DebtAllocation.allocate(9_500, TODAY, open, meter);
    assertEquals(
        List.of(
            alloc(INSTALLMENT, 500, "tv-1"),
            alloc(ACCESS_RATE, 3_000, "M"),
            alloc(ENERGY, 6_000, "M")),
        result.allocations());
    assertEquals(3_000, result.accessRatePaid());
    assertEquals(TokenAmount.kwhTenths(30), result.tokenAmount());
  }

  @Test
  void aPureDebtRepaymentKeepsTheCarriedCreditForLater() {
    PaidDevice.Meter meter = PaidDevice.meter("M", Tariff.of(2_300), 220, 1_000);
    AllocationResult result = DebtAllocation.allocate(1_000, TODAY, List.of(), meter);
    assertEquals(List.of(alloc(ACCESS_RATE, 1_000, "M")), result.allocations());
    assertEquals(220, result.newMeterCredit());
    assertNull(result.tokenAmount());
  }

  @Test
  void moneyThatBuysNoWholeTenthIsCarriedAsCredit() {
    PaidDevice.Meter meter = PaidDevice.meter("M", Tariff.of(2_300), 100, 0);
    AllocationResult result = DebtAllocation.allocate(100, TODAY, List.of(), meter);
    assertEquals(List.of(alloc(METER_CREDIT, 100, "M")), result.allocations());
    assertEquals(200, result.newMeterCredit());
    assertNull(result.tokenAmount());
    // Next time the credit tops up a tenth: 230 spent, of which 200 was carried.
    AllocationResult next = DebtAllocation.allocate(
        30, TODAY, List.of(), PaidDevice.meter("M", Tariff.of(2_300), 200, 0));
    assertEquals(List.of(alloc(ENERGY, 30, "M")), next.allocations());
    assertEquals(0, next.newMeterCredit());
    assertEquals(TokenAmount.kwhTenths(1), next.tokenAmount());
  }

  @Test
  void creditAboveTheSpendIsNotBookedAsEnergy() {
    // After a tariff change the carried credit may exceed what the new purchase spends.
    PaidDevice.Meter meter = PaidDevice.meter("M", Tariff.of(1_000), 150, 0);
    AllocationResult result = DebtAllocation.allocate(1, TODAY, List.of(), meter);
    assertEquals(List.of(alloc(METER_CREDIT, 1, "M")), result.allocations());
    assertEquals(TokenAmount.kwhTenths(1), result.tokenAmount());
    assertEquals(51, result.newMeterCredit());
  }

  @Test
  void shsPaysDueDebtsThenItsOwnNextInstallments() {
    PaidDevice shs = PaidDevice.appliance(DeviceType.SHS, "S", Period.WEEKLY, 500);
    List<OpenInstallment> open = List.of(
        own("own-3", 14, 500),
        own("own-2", 7, 500),
        own("own-1", -2, 200),
        due("tv-1", "tv", 9, 100),
        due("tv-2", "tv", -1, 100));
    AllocationResult result = DebtAllocation.allocate(1_000, TODAY, open, shs);
    assertEquals(
        List.of(
            alloc(INSTALLMENT, 100, "tv-1"),
            alloc(INSTALLMENT, 200, "own-1"),
            alloc(DEVICE_INSTALLMENT, 500, "own-2"),
            alloc(DEVICE_INSTALLMENT, 200, "own-3")),
        result.allocations());
    // 900 applied to the own sale: ceil(900 x 7 / 500) = 13 days.
    assertEquals(TokenAmount.days(13), result.tokenAmount());
    assertEquals(0, result.unallocated());
  }

  @Test
  void paidOffSaleUnlocksAndTheSurplusIsNotLost() {
    PaidDevice ebike = PaidDevice.appliance(DeviceType.EBIKE, "E", Period.MONTHLY, 2_000);
    List<OpenInstallment> open = List.of(own("own-9", 20, 1_500), own("own-10", 50, 800));
    AllocationResult exact = DebtAllocation.allocate(2_300, TODAY, open, ebike);
    assertEquals(TokenAmount.unlock(), exact.tokenAmount());
    assertEquals(0, exact.unallocated());
    AllocationResult more = DebtAllocation.allocate(2_500, TODAY, open, ebike);
    assertEquals(TokenAmount.unlock(), more.tokenAmount());
    assertEquals(200, more.unallocated());
    assertEquals(2_300, more.allocated());
  }

  @Test
  void paidOffDeviceOnlyRepaysTheCustomersOtherDebts() {
    PaidDevice shs = PaidDevice.appliance(DeviceType.SHS, "S", Period.WEEKLY, 500);
    List<OpenInstallment> open = List.of(due("tv-1", "tv", 1, 300));
    assertNull(DebtAllocation.validate(100, TODAY, open, shs));
    AllocationResult result = DebtAllocation.allocate(400, TODAY, open, shs);
    assertEquals(List.of(alloc(INSTALLMENT, 300, "tv-1")), result.allocations());
    assertNull(result.tokenAmount());
    assertEquals(100, result.unallocated());
  }

  @ParameterizedTest(name = "count plan 1,000.00 / 3 weekly: paying {0} buys {1} days")
  @CsvSource({"33333, 7", "33334, 7", "66667, 14", "1, 1", "4762, 1", "4763, 2"})
  void daysAreMeasuredAgainstTheRegularInstallment(long amount, long days) {
    ApplianceSale sale = ApplianceSale.of(100_000, 0, PaymentPlan.count(3), Period.WEEKLY, TODAY);
    PaidDevice shs =
        PaidDevice.appliance(DeviceType.SHS, "S", sale.period(), sale.regularInstallmentAmount());
    List<OpenInstallment> open = CustomerDebts.ofSale("s", sale.schedule(), true, true);
    assertEquals(
        TokenAmount.days(days),
        DebtAllocation.allocate(amount, TODAY, open, shs).tokenAmount());
  }

  @Test
  void monthlyInstallmentBuysThirtyDays() {
    ApplianceSale sale =
        ApplianceSale.of(1_000_000, 100_000, PaymentPlan.count(4), Period.MONTHLY, TODAY);
    PaidDevice shs =
        PaidDevice.appliance(DeviceType.SHS, "S", sale.period(), sale.regularInstallmentAmount());
    List<OpenInstallment> open = CustomerDebts.ofSale("s", sale.schedule(), true, true);
    assertEquals(
        TokenAmount.days(30), DebtAllocation.allocate(225_000, TODAY, open, shs).tokenAmount());
  }

  @Test
  void anUnpaidDownPaymentIsTheFirstDebtAndBuysDays() {
    ApplianceSale sale =
        ApplianceSale.of(700_000, 100_000, PaymentPlan.amount(50_000), Period.WEEKLY, TODAY);
    PaidDevice shs =
        PaidDevice.appliance(DeviceType.SHS, "S", sale.period(), sale.regularInstallmentAmount());
    List<OpenInstallment> open = CustomerDebts.ofSale("s", sale.schedule(), true, false);
    assertEquals(100_000, DebtAllocation.minimumAmount(TODAY, open, shs));
    AllocationResult result = DebtAllocation.allocate(150_000, TODAY, open, shs);
    assertEquals(
        List.of(alloc(INSTALLMENT, 100_000, "s-0"), alloc(DEVICE_INSTALLMENT, 50_000, "s-1")),
        result.allocations());
    assertEquals(TokenAmount.days(21), result.tokenAmount());
  }

  @Test
  void aWholeSalePaidInOneGoUnlocks() {
    ApplianceSale sale = ApplianceSale.of(100_000, 0, PaymentPlan.count(3), Period.WEEKLY, TODAY);
    PaidDevice shs =
        PaidDevice.appliance(DeviceType.SHS, "S", sale.period(), sale.regularInstallmentAmount());
    List<OpenInstallment> open = CustomerDebts.ofSale("s", sale.schedule(), true, true);
    AllocationResult result = DebtAllocation.allocate(100_000, TODAY, open, shs);
    assertEquals(TokenAmount.unlock(), result.tokenAmount());
    assertEquals(List.of(), CustomerDebts.afterPayment(open, result));
  }

  @Test
  void meterMinimumAppliesToWhatIsLeftAfterDebts() {
    PaidDevice.Meter meter =
        PaidDevice.meter("M", Tariff.of(2_000).withMinimumPurchase(5_000), 0, 100);
    List<OpenInstallment> open = List.of(due("tv-1", "tv", 1, 100), due("tv-2", "tv", -3, 900));
    PaymentMinimum minimum = DebtAllocation.minimum(TODAY, open, meter);
    assertEquals(new PaymentMinimum(200, 5_200), minimum);
    assertEquals(1, minimum.smallestAcceptable());
    for (long amount : new long[] {1, 150, 200, 5_200, 9_999}) {
      assertNull(DebtAllocation.validate(amount, TODAY, open, meter), "amount " + amount);
    }
    for (long amount : new long[] {201, 3_000, 5_199}) {
      assertEquals(
          Refusal.AMOUNT_BELOW_MINIMUM,
          DebtAllocation.validate(amount, TODAY, open, meter),
          "amount " + amount);
    }
    assertEquals(Refusal.INVALID_AMOUNT, DebtAllocation.validate(0, TODAY, open, meter));
    assertEquals(Refusal.INVALID_AMOUNT, DebtAllocation.validate(-5, TODAY, open, meter));
  }

  @Test
  void meterWithoutDebtsNeedsTheMinimumPurchase() {
    PaidDevice.Meter meter =
        PaidDevice.meter("M", Tariff.of(2_000).withMinimumPurchase(5_000), 0, 0);
    assertEquals(5_000, DebtAllocation.minimumAmount(TODAY, List.of(), meter));
    assertEquals(
        Refusal.AMOUNT_BELOW_MINIMUM, DebtAllocation.validate(4_999, TODAY, List.of(), meter));
    assertEquals(1, DebtAllocation.minimumAmount(TODAY, List.of(), METER));
    assertNull(DebtAllocation.validate(1, TODAY, List.of(), METER));
  }

  @Test
  void shsMinimumIsWhatRemainsOfItsNextInstallment() {
    PaidDevice shs = PaidDevice.appliance(DeviceType.SHS, "S", Period.WEEKLY, 500);
    List<OpenInstallment> open =
        List.of(own("own-2", 7, 500), own("own-1", 0, 120), due("tv-1", "tv", 4, 1_000));
    assertEquals(new PaymentMinimum(0, 120), DebtAllocation.minimum(TODAY, open, shs));
    assertEquals(120, DebtAllocation.minimumAmount(TODAY, open, shs));
    assertEquals(Refusal.AMOUNT_BELOW_MINIMUM, DebtAllocation.validate(119, TODAY, open, shs));
    assertNull(DebtAllocation.validate(120, TODAY, open, shs));
    assertEquals(1, DebtAllocation.minimumAmount(TODAY, List.of(due("tv-1", "tv", 4, 1_000)), shs));
  }

  @Test
  void paidInstallmentsListedWithNothingOutstandingAreIgnored() {
    PaidDevice shs = PaidDevice.appliance(DeviceType.SHS, "S", Period.WEEKLY, 500);
    List<OpenInstallment> open =
        List.of(own("own-1", -7, 0), own("own-2", 0, 0), own("own-3", 7, 500));
    assertEquals(500, DebtAllocation.minimumAmount(TODAY, open, shs));
    AllocationResult result = DebtAllocation.allocate(500, TODAY, open, shs);
    assertEquals(List.of(alloc(DEVICE_INSTALLMENT, 500, "own-3")), result.allocations());
    assertEquals(TokenAmount.unlock(), result.tokenAmount());
  }

  @Test
  void inconsistentInputIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> DebtAllocation.allocate(0, TODAY, List.of(), METER));
    assertThrows(
        IllegalArgumentException.class,
        () -> DebtAllocation.allocate(
            10, TODAY, List.of(due("x", "a", 1, 5), due("x", "b", 2, 5)), METER));
    assertThrows(
        IllegalArgumentException.class,
        () -> DebtAllocation.allocate(10, TODAY, List.of(own("o", 1, 5)), METER));
    assertThrows(
        IllegalArgumentException.class, () -> new OpenInstallment("x", "a", TODAY, -1, false));
    assertThrows(IllegalArgumentException.class, () -> PaidDevice.meter("M", Tariff.of(10), -1, 0));
    assertThrows(IllegalArgumentException.class, () -> PaidDevice.meter("M", Tariff.of(10), 0, -1));
    assertThrows(
        IllegalArgumentException.class,
        () -> PaidDevice.appliance(DeviceType.METER, "S", Period.WEEKLY, 5));
    assertThrows(
        IllegalArgumentException.class,
        () -> PaidDevice.appliance(DeviceType.SHS, "S", Period.WEEKLY, 0));
    assertThrows(
        NullPointerException.class, () -> DebtAllocation.allocate(10, null, List.of(), METER));
    List<OpenInstallment> withNull = new ArrayList<>();
    withNull.add(null);
    assertThrows(
        NullPointerException.class, () -> DebtAllocation.allocate(10, TODAY, withNull, METER));
  }

  @Test
  void resultIsImmutable() {
    AllocationResult result =
        DebtAllocation.allocate(500, TODAY, List.of(due("tv-1", "tv", 1, 100)), METER);
    assertThrows(UnsupportedOperationException.class, () -> result.allocations().clear());
    assertThrows(
        UnsupportedOperationException.class, () -> result.installmentPayments().clear());
  }
}
