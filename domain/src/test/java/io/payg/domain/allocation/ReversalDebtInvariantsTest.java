package io.payg.domain.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.DeviceType;
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
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Invariants of reversal debts in {@link DebtAllocation} and of {@link PaymentReversal}: the
 * allocations still sum to the payment, reversal debts are cleared before anything else, oldest
 * first, no debt is ever paid twice, and reversing a payment gives back exactly what it paid.
 */
class ReversalDebtInvariantsTest {

  private static final LocalDate TODAY = LocalDate.of(2026, 3, 1);

  record Situation(
      long amount, List<ReversalDebt> debts, List<OpenInstallment> open, PaidDevice device) {
    AllocationResult allocate() {
      return DebtAllocation.allocate(amount, TODAY, debts, open, device);
    }

    long totalDebt() {
      return debts.stream().mapToLong(ReversalDebt::outstanding).sum();
    }

    Set<String> ownIds() {
      return open.stream()
          .filter(OpenInstallment::ownSale)
          .map(OpenInstallment::id)
          .collect(Collectors.toSet());
    }
  }

  private record RawInstallment(int sale, int dueInDays, long outstanding) {}

  @Provide
  Arbitrary<PaidDevice> devices() {
    Arbitrary<PaidDevice> meters = Combinators.combine(
            Arbitraries.longs().between(1, 20_000),
            Arbitraries.longs().between(0, 3_000),
            Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(1, 50_000)))
        .as((price, credit, arrears) -> PaidDevice.meter("M", Tariff.of(price), credit, arrears));
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
    Arbitrary<List<Long>> debts = Arbitraries.oneOf(
            Arbitraries.longs().between(1, 60_000), Arbitraries.just(0L))
        .list()
        .ofMaxSize(4);
    Arbitrary<Long> amounts = Arbitraries.oneOf(
        Arbitraries.longs().between(1, 500), Arbitraries.longs().between(1, 1_000_000));
    return Combinators.combine(amounts, debts, raw.list().ofMaxSize(12), devices())
        .as((amount, debtAmounts, raws, device) -> {
          List<ReversalDebt> open = new ArrayList<>();
          for (int i = 0; i < debtAmounts.size(); i++) {
            open.add(new ReversalDebt("r" + i, debtAmounts.get(i)));
          }
          List<OpenInstallment> installments = new ArrayList<>();
          for (int i = 0; i < raws.size(); i++) {
            RawInstallment r = raws.get(i);
            boolean own = r.sale() == 0 && !(device instanceof PaidDevice.Meter);
            installments.add(new OpenInstallment(
                "i" + i, "sale" + r.sale(), TODAY.plusDays(r.dueInDays()), r.outstanding(), own));
          }
          return new Situation(amount, open, installments, device);
        });
  }

  @Property(tries = 2_000)
  void allocationsStillSumToThePayment(@ForAll("situations") Situation s) {
    AllocationResult result = s.allocate();
    assertEquals(s.amount(), result.allocated() + result.unallocated());
    long debtPaid = result.reversalDebtPayments().stream()
        .mapToLong(ReversalDebtPayment::amount)
        .sum();
    assertEquals(result.total(AllocationKind.REVERSAL_DEBT), debtPaid);
    List<Allocation> allocations = result.allocations();
    for (int i = 1; i < allocations.size(); i++) {
      assertTrue(
          allocations.get(i - 1).kind().ordinal() <= allocations.get(i).kind().ordinal(),
          allocations.toString());
    }
  }

  @Property(tries = 2_000)
  void reversalDebtIsClearedFirstOldestFirst(@ForAll("situations") Situation s) {
    AllocationResult result = s.allocate();
    long debtPaid = result.total(AllocationKind.REVERSAL_DEBT);
    assertEquals(Math.min(s.amount(), s.totalDebt()), debtPaid);
    boolean anythingElse = result.allocated() - debtPaid > 0 || result.unallocated() > 0;
    if (anythingElse) {
      assertEquals(
          s.totalDebt(), debtPaid, "something else was paid while a reversal debt was open");
    }
    Map<String, Long> paid = new HashMap<>();
    result.reversalDebtPayments().forEach(p -> paid.put(p.debtId(), p.amount()));
    boolean earlierOpen = false;
    for (ReversalDebt debt : s.debts()) {
      long p = paid.getOrDefault(debt.id(), 0L);
      if (p > 0) {
        assertTrue(
            !earlierOpen, "a later reversal debt was paid while an older one was still open");
      }
      if (p < debt.outstanding()) {
        earlierOpen = true;
      }
    }
  }

  @Property(tries = 1_000)
  void aReversalDebtIsNeverPaidTwice(
      @ForAll("situations") Situation s, @ForAll("amounts") List<Long> more) {
    Map<String, Long> owed = new HashMap<>();
    s.debts().forEach(d -> owed.put(d.id(), d.outstanding()));
    Map<String, Long> paidTotal = new HashMap<>();
    List<ReversalDebt> debts = s.debts();
    List<Long> payments = new ArrayList<>(more);
    payments.add(0, s.amount());
    for (long amount : payments) {
      AllocationResult r = DebtAllocation.allocate(
          amount,
          TODAY,
          debts,
          List.of(),
          s.device() instanceof PaidDevice.Meter m
              ? m
              : PaidDevice.meter("M", Tariff.of(100), 0, 0));
      Set<String> seen = new HashSet<>();
      for (ReversalDebtPayment p : r.reversalDebtPayments()) {
        assertTrue(seen.add(p.debtId()), "paid twice in one payment: " + p.debtId());
        paidTotal.merge(p.debtId(), p.amount(), Long::sum);
      }
      List<ReversalDebt> after = new ArrayList<>();
      for (ReversalDebt d : debts) {
        long left = d.outstanding()
            - r.reversalDebtPayments().stream()
                .filter(p -> p.debtId().equals(d.id()))
                .mapToLong(ReversalDebtPayment::amount)
                .sum();
        assertTrue(left >= 0);
        if (left > 0) {
          after.add(new ReversalDebt(d.id(), left));
        }
      }
      debts = after;
    }
    paidTotal.forEach(
        (id, total) -> assertTrue(total <= owed.get(id), "debt " + id + " paid more than it was"));
  }

  @Provide
  Arbitrary<List<Long>> amounts() {
    return Arbitraries.longs().between(1, 80_000).list().ofMaxSize(5);
  }

  @Property(tries = 2_000)
  void validationTreatsReversalDebtAsADebt(@ForAll("situations") Situation s) {
    Refusal refusal = DebtAllocation.validate(s.amount(), TODAY, s.debts(), s.open(), s.device());
    if (s.amount() <= s.totalDebt()) {
      assertNull(refusal, "a pure reversal-debt repayment is always accepted");
    }
    long smallest = DebtAllocation.minimumAmount(TODAY, s.debts(), s.open(), s.device());
    assertNull(DebtAllocation.validate(smallest, TODAY, s.debts(), s.open(), s.device()));
  }

  @Property(tries = 2_000)
  void aTokenThatFailedIsOwedByNobody(@ForAll("situations") Situation s) {
    AllocationResult result = s.allocate();
    PaymentReversal.Compensation c = PaymentReversal.of(
        result.allocations(), s.ownIds(), result.requestsToken(), false, result.newMeterCredit());
    assertEquals(result.allocated(), c.compensated());
    assertEquals(0, c.debt());
    assertEquals(result.total(AllocationKind.ENERGY), c.undelivered());
  }

  @Property(tries = 2_000)
  void reversingAPaymentGivesBackExactlyWhatItPaid(@ForAll("situations") Situation s) {
    AllocationResult result = s.allocate();
    PaymentReversal.Compensation c = PaymentReversal.of(
        result.allocations(), s.ownIds(), result.requestsToken(), true, result.newMeterCredit());
    assertEquals(result.allocated(), c.compensated());
    // every installment gets back what this payment paid on it, and only that
    Map<String, Long> paid = new HashMap<>();
    result.installmentPayments().forEach(p -> paid.put(p.installmentId(), p.amount()));
    Map<String, Long> back = new HashMap<>();
    c.reopened().forEach(p -> back.merge(p.installmentId(), p.amount(), Long::sum));
    assertEquals(paid, back);
    assertEquals(result.accessRatePaid(), c.accessRateRestored());
    Map<String, Long> debtsPaid = new HashMap<>();
    result.reversalDebtPayments().forEach(p -> debtsPaid.put(p.debtId(), p.amount()));
    Map<String, Long> debtsBack = new HashMap<>();
    c.debtsReopened().forEach(p -> debtsBack.put(p.debtId(), p.amount()));
    assertEquals(debtsPaid, debtsBack);
    if (s.device() instanceof PaidDevice.Meter) {
      // right after the payment its credit is all still on the meter: nothing of it was delivered
      assertEquals(result.total(AllocationKind.METER_CREDIT), c.meterCreditRemoved());
      assertEquals(result.total(AllocationKind.ENERGY), c.energyDebt());
      assertEquals(0, c.daysDebt());
      assertTrue(result.newMeterCredit() - c.meterCreditRemoved() >= 0);
    } else {
      long toOwnSale = result.installmentPayments().stream()
          .filter(p -> s.ownIds().contains(p.installmentId()))
          .mapToLong(InstallmentPayment::amount)
          .sum();
      assertEquals(result.requestsToken() ? toOwnSale : 0, c.daysDebt());
      assertEquals(0, c.energyDebt());
    }
  }

  @Property(tries = 1_000)
  void aReversalAfterLaterPurchasesStillBalances(
      @ForAll("situations") Situation s, @ForAll("amounts") List<Long> later) {
    if (!(s.device() instanceof PaidDevice.Meter meter)) {
      return;
    }
    AllocationResult first = s.allocate();
    long credit = first.newMeterCredit();
    List<OpenInstallment> open = CustomerDebts.afterPayment(s.open(), first);
    for (long amount : later) {
      // later payments spend the credit the first one left
      AllocationResult r = DebtAllocation.allocate(
          amount, TODAY, List.of(), open, PaidDevice.meter("M", meter.tariff(), credit, 0));
      credit = r.newMeterCredit();
      open = CustomerDebts.afterPayment(open, r);
    }
    PaymentReversal.Compensation c =
        PaymentReversal.of(first.allocations(), Set.of(), first.requestsToken(), true, credit);
    assertEquals(first.allocated(), c.compensated());
    assertTrue(c.meterCreditRemoved() <= credit, "more credit removed than the meter has");
    assertEquals(
        first.total(AllocationKind.ENERGY) + first.total(AllocationKind.METER_CREDIT),
        c.meterCreditRemoved() + c.energyDebt());
  }
}
