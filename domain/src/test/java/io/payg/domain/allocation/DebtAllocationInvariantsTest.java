package io.payg.domain.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.DeviceType;
import io.payg.domain.TokenAmount;
import io.payg.domain.energy.EnergyPurchase;
import io.payg.domain.payment.Allocation;
import io.payg.domain.payment.AllocationKind;
import io.payg.domain.payment.Refusal;
import io.payg.domain.sale.Period;
import io.payg.domain.tariff.Tariff;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Invariants of {@link DebtAllocation} over random customers, devices and amounts. */
class DebtAllocationInvariantsTest {

  private static final LocalDate TODAY = LocalDate.of(2026, 3, 1);

  record Situation(long amount, List<OpenInstallment> open, PaidDevice device) {
    AllocationResult allocate() {
      return DebtAllocation.allocate(amount, TODAY, open, device);
    }

    long dueDebts() {
      long debts = open.stream()
          .filter(i -> i.isDue(TODAY))
          .mapToLong(OpenInstallment::outstanding)
          .sum();
      return debts + (device instanceof PaidDevice.Meter m ? m.accessRateArrears() : 0);
    }

    long ownOutstanding() {
      return open.stream()
          .filter(OpenInstallment::ownSale)
          .mapToLong(OpenInstallment::outstanding)
          .sum();
    }
  }

  private record RawInstallment(int sale, int dueInDays, long outstanding) {}

  @Provide
  Arbitrary<PaidDevice> devices() {
    Arbitrary<PaidDevice> meters = Combinators.combine(
            Arbitraries.longs().between(1, 20_000),
            Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(1, 20_000)),
            Arbitraries.longs().between(0, 3_000),
            Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(1, 50_000)))
        .as((price, minimum, credit, arrears) ->
            PaidDevice.meter("M", Tariff.of(price).withMinimumPurchase(minimum), credit, arrears));
    Arbitrary<PaidDevice> appliances = Combinators.combine(
            Arbitraries.of(DeviceType.SHS, DeviceType.EBIKE),
            Arbitraries.of(Period.class),
            Arbitraries.longs().between(1, 100_000))
        .as((type, period, installment) -> PaidDevice.appliance(type, "S", period, installment));
    return Arbitraries.oneOf(meters, appliances);
  }

  @Provide
  Arbitrary<Situation> situations() {
    Arbitrary<RawInstallment> raw = Combinators.combine(
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(-90, 90),
            Arbitraries.oneOf(Arbitraries.longs().between(1, 100_000), Arbitraries.just(0L)))
        .as(RawInstallment::new);
    Arbitrary<Long> amounts = Arbitraries.oneOf(
        Arbitraries.longs().between(1, 500), Arbitraries.longs().between(1, 1_000_000));
    return Combinators.combine(amounts, raw.list().ofMaxSize(15), devices())
        .as((amount, raws, device) -> {
          List<OpenInstallment> open = new ArrayList<>();
          for (int i = 0; i < raws.size(); i++) {
            RawInstallment r = raws.get(i);
            // Sale 0 is the paid SHS / e-bike's own sale; a meter has none.
            boolean own = r.sale() == 0 && !(device instanceof PaidDevice.Meter);
            open.add(new OpenInstallment(
                "i" + i, "sale" + r.sale(), TODAY.plusDays(r.dueInDays()), r.outstanding(), own));
          }
          return new Situation(amount, open, device);
        });
  }

  @Property(tries = 2_000)
  void allocationsPlusRemainderAreExactlyTheAmount(@ForAll("situations") Situation s) {
    AllocationResult result = s.allocate();
    assertEquals(s.amount(), result.allocated() + result.unallocated());
    assertTrue(result.allocations().stream().allMatch(a -> a.amount() > 0));
    assertTrue(
        result.unallocated() >= 0 && result.newMeterCredit() >= 0 && result.accessRatePaid() >= 0);
    assertEquals(result.accessRatePaid(), result.total(AllocationKind.ACCESS_RATE));
    long installmentTotal = result.installmentPayments().stream()
        .mapToLong(InstallmentPayment::amount)
        .sum();
    assertEquals(
        result.total(AllocationKind.INSTALLMENT) + result.total(AllocationKind.DEVICE_INSTALLMENT),
        installmentTotal);
    if (s.device() instanceof PaidDevice.Meter) {
      assertEquals(0, result.unallocated());
      assertEquals(0, result.total(AllocationKind.DEVICE_INSTALLMENT));
    } else {
      assertEquals(0, result.newMeterCredit());
      assertEquals(
          0,
          result.total(AllocationKind.ENERGY)
              + result.total(AllocationKind.METER_CREDIT)
              + result.accessRatePaid());
    }
  }

  @Property(tries = 2_000)
  void noInstallmentIsPaidMoreThanItsOutstandingAmount(@ForAll("situations") Situation s) {
    AllocationResult result = s.allocate();
    Map<String, OpenInstallment> byId = new HashMap<>();
    s.open().forEach(i -> byId.put(i.id(), i));
    Set<String> seen = new HashSet<>();
    for (InstallmentPayment payment : result.installmentPayments()) {
      assertTrue(seen.add(payment.installmentId()), "paid twice: " + payment.installmentId());
      OpenInstallment installment = byId.get(payment.installmentId());
      assertNotNull(installment);
      assertTrue(payment.amount() <= installment.outstanding());
      // Only due installments and the device's own ones are ever paid.
      assertTrue(installment.isDue(TODAY) || installment.ownSale());
    }
    CustomerDebts.afterPayment(s.open(), result); // throws on overpayment
    if (s.device() instanceof PaidDevice.Meter m) {
      assertTrue(result.accessRatePaid() <= m.accessRateArrears());
    }
  }

  @Property(tries = 2_000)
  void allocationOrderIsRespected(@ForAll("situations") Situation s) {
    AllocationResult result = s.allocate();
    // Kinds come in the order of the steps: INSTALLMENT, ACCESS_RATE, DEVICE_INSTALLMENT, ENERGY,
    // METER_CREDIT.
    List<Allocation> allocations = result.allocations();
    for (int i = 1; i < allocations.size(); i++) {
      assertTrue(
          allocations.get(i - 1).kind().ordinal() <= allocations.get(i).kind().ordinal(),
          allocations.toString());
    }
    Map<String, Long> left = new HashMap<>();
    s.open().forEach(i -> left.put(i.id(), i.outstanding()));
    result
        .installmentPayments()
        .forEach(p -> left.merge(p.installmentId(), -p.amount(), Long::sum));
    boolean allDueCleared =
        s.open().stream().filter(i -> i.isDue(TODAY)).allMatch(i -> left.get(i.id()) == 0);
    for (InstallmentPayment payment : result.installmentPayments()) {
      OpenInstallment paid = s.open().stream()
          .filter(i -> i.id().equals(payment.installmentId()))
          .findFirst()
          .orElseThrow();
      if (paid.isDue(TODAY)) {
        // No due installment is paid while an earlier-due one is still open.
        assertTrue(s.open().stream()
            .filter(i -> i.isDue(TODAY) && i.dueDate().isBefore(paid.dueDate()))
            .allMatch(i -> left.get(i.id()) == 0));
      } else {
        // A not-yet-due own installment only once every due one and every earlier own one is paid.
        assertTrue(allDueCleared);
        assertTrue(s.open().stream()
            .filter(i -> i.ownSale() && i.dueDate().isBefore(paid.dueDate()))
            .allMatch(i -> left.get(i.id()) == 0));
      }
    }
    if (result.accessRatePaid() > 0 || result.unallocated() > 0) {
      assertTrue(allDueCleared);
    }
    long energyAndCredit =
        result.total(AllocationKind.ENERGY) + result.total(AllocationKind.METER_CREDIT);
    if (energyAndCredit > 0) {
      PaidDevice.Meter meter = (PaidDevice.Meter) s.device();
      assertTrue(allDueCleared);
      assertEquals(meter.accessRateArrears(), result.accessRatePaid());
    }
    if (result.unallocated() > 0) {
      assertTrue(left.entrySet().stream()
          .noneMatch(e -> e.getValue() > 0
              && s.open().stream().anyMatch(i -> i.id().equals(e.getKey()) && i.ownSale())));
    }
  }

  @Property(tries = 2_000)
  void meterEnergyAndCreditAreConserved(@ForAll("situations") Situation s) {
    if (!(s.device() instanceof PaidDevice.Meter meter)) {
      return;
    }
    AllocationResult result = s.allocate();
    long rest = result.total(AllocationKind.ENERGY) + result.total(AllocationKind.METER_CREDIT);
    assertEquals(Math.max(0, s.amount() - s.dueDebts()), rest);
    if (rest == 0) {
      assertNull(result.tokenAmount());
      assertEquals(meter.carriedCredit(), result.newMeterCredit());
      return;
    }
    EnergyPurchase purchase =
        EnergyPurchase.buy(rest + meter.carriedCredit(), meter.tariff().pricePerKwh());
    assertEquals(meter.carriedCredit() + rest - purchase.spent(), result.newMeterCredit());
    assertEquals(
        Math.max(0, purchase.spent() - meter.carriedCredit()), result.total(AllocationKind.ENERGY));
    // The credit left never buys a whole tenth.
    assertTrue(10 * result.newMeterCredit() < meter.tariff().pricePerKwh() + 10);
    assertEquals(
        purchase.tenthsOfKwh() == 0 ? null : TokenAmount.kwhTenths(purchase.tenthsOfKwh()),
        result.tokenAmount());
  }

  @Property(tries = 2_000)
  void applianceTokenIsDaysForWhatWentToItsSaleOrAnUnlock(@ForAll("situations") Situation s) {
    if (!(s.device() instanceof PaidDevice.Appliance appliance)) {
      return;
    }
    AllocationResult result = s.allocate();
    Set<String> ownIds = new HashSet<>();
    s.open().stream().filter(OpenInstallment::ownSale).forEach(i -> ownIds.add(i.id()));
    long toOwnSale = result.installmentPayments().stream()
        .filter(p -> ownIds.contains(p.installmentId()))
        .mapToLong(InstallmentPayment::amount)
        .sum();
    if (toOwnSale == 0) {
      assertNull(result.tokenAmount());
    } else if (toOwnSale == s.ownOutstanding()) {
      assertEquals(TokenAmount.unlock(), result.tokenAmount());
    } else {
      long days = result.tokenAmount().quantity();
      assertEquals(TokenAmount.Unit.DAYS, result.tokenAmount().unit());
      long periodDays = appliance.period().periodDays();
      // days = ceil(toOwnSale x periodDays / installment)
      assertTrue(days * appliance.installmentAmount() >= toOwnSale * periodDays);
      assertTrue((days - 1) * appliance.installmentAmount() < toOwnSale * periodDays);
    }
  }

  @Property(tries = 2_000)
  void validationFollowsTheMinimumRules(@ForAll("situations") Situation s) {
    PaymentMinimum minimum = DebtAllocation.minimum(TODAY, s.open(), s.device());
    Refusal refusal = DebtAllocation.validate(s.amount(), TODAY, s.open(), s.device());
    long smallest = DebtAllocation.minimumAmount(TODAY, s.open(), s.device());
    assertNull(DebtAllocation.validate(smallest, TODAY, s.open(), s.device()));
    if (smallest > 1) {
      assertEquals(
          Refusal.AMOUNT_BELOW_MINIMUM,
          DebtAllocation.validate(smallest - 1, TODAY, s.open(), s.device()));
    }
    assertEquals(minimum.accepts(s.amount()) ? null : Refusal.AMOUNT_BELOW_MINIMUM, refusal);
    if (s.device() instanceof PaidDevice.Meter meter) {
      long leftForEnergy = s.amount() - s.dueDebts();
      boolean expected =
          leftForEnergy <= 0 || leftForEnergy >= Math.max(1, meter.tariff().minimumPurchase());
      assertEquals(expected, refusal == null);
      if (refusal == null) {
        AllocationResult result = s.allocate();
        long energyAndCredit =
            result.total(AllocationKind.ENERGY) + result.total(AllocationKind.METER_CREDIT);
        // Accepted: either a pure debt repayment, or at least the minimum purchase goes to energy.
        assertTrue(energyAndCredit == 0 || energyAndCredit >= meter.tariff().minimumPurchase());
      }
    } else {
      long next = s.open().stream()
          .filter(i -> i.ownSale() && i.outstanding() > 0)
          .min((a, b) -> a.dueDate().compareTo(b.dueDate()))
          .map(OpenInstallment::outstanding)
          .orElse(1L);
      assertEquals(s.amount() >= next, refusal == null);
    }
  }
}
