package io.payg.domain.sale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;

/** Invariants of {@link PlanReschedule} over random sales, partly paid, and random new terms. */
class PlanRescheduleInvariantsTest {

  static final LocalDate TODAY = LocalDate.of(2026, 3, 1);

  record Case(List<PlanReschedule.Installment> installments, PlanReschedule.Terms terms) {
    long outstanding() {
      return installments.stream()
          .mapToLong(PlanReschedule.Installment::outstanding)
          .sum();
    }
  }

  @Provide
  static Arbitrary<PaymentPlan> plans() {
    return Arbitraries.oneOf(
        Arbitraries.integers().between(1, 60).map(PaymentPlan::count),
        Arbitraries.longs().between(1, 400_000).map(PaymentPlan::amount));
  }

  @Provide
  static Arbitrary<PlanReschedule.Terms> terms() {
    return Combinators.combine(
            plans(),
            Arbitraries.of(Period.class),
            Arbitraries.oneOf(Arbitraries.just(-1), Arbitraries.integers().between(0, 90)))
        .as((plan, period, firstIn) ->
            new PlanReschedule.Terms(plan, period, firstIn < 0 ? null : TODAY.plusDays(firstIn)));
  }

  /** A sale's schedule with the first installments paid, one of them possibly in part. */
  @Provide
  static Arbitrary<List<PlanReschedule.Installment>> sales() {
    return Combinators.combine(
            Arbitraries.longs().between(1, 2_000_000),
            Arbitraries.longs().between(0, 100),
            plans(),
            Arbitraries.of(Period.class),
            Arbitraries.doubles().between(0, 1))
        .as((price, downPct, plan, period, paidShare) -> {
          long down = price * downPct / 100;
          try {
            InstallmentSchedule schedule =
                InstallmentSchedule.of(price, down, plan, period, TODAY.minusDays(200), null);
            long toPay = (long) (price * paidShare);
            List<PlanReschedule.Installment> out = new ArrayList<>();
            for (ScheduledInstallment e : schedule.entries()) {
              long paid = Math.min(toPay, e.amount());
              toPay -= paid;
              out.add(new PlanReschedule.Installment(
                  "i" + e.number(), e.number(), e.dueDate(), e.amount(), paid));
            }
            return out;
          } catch (IllegalArgumentException e) {
            return List.<PlanReschedule.Installment>of();
          }
        })
        .filter(l -> !l.isEmpty() && l.stream().anyMatch(i -> i.outstanding() > 0));
  }

  @Provide
  Arbitrary<Case> cases() {
    return Combinators.combine(sales(), terms())
        .as(Case::new)
        .filter(c -> !(c.terms().plan() instanceof PaymentPlan.InstallmentCount n
            && n.count() > c.outstanding()))
        .filter(
            c -> InstallmentSchedule.installmentCount(c.outstanding(), c.terms().plan())
                <= InstallmentSchedule.MAX_INSTALLMENTS);
  }

  @Property(tries = 2_000)
  void theNewScheduleSumsToWhatWasOwedAndNothingPaidChanges(@ForAll("cases") Case c) {
    PlanReschedule.Result r = PlanReschedule.of(c.installments(), c.terms(), TODAY);
    assertEquals(c.outstanding(), r.outstanding());
    assertEquals(
        c.outstanding(),
        r.added().stream().mapToLong(ScheduledInstallment::amount).sum());
    assertEquals(
        c.outstanding(),
        r.closed().stream().mapToLong(PlanReschedule.Closed::moved).sum());
    Map<String, PlanReschedule.Installment> byId = new HashMap<>();
    c.installments().forEach(i -> byId.put(i.id(), i));
    for (PlanReschedule.Closed closed : r.closed()) {
      PlanReschedule.Installment before = byId.get(closed.id());
      assertTrue(before.outstanding() > 0, "a paid installment is untouched");
      assertEquals(before.paid(), closed.amount(), "closed at exactly what was paid on it");
      assertEquals(before.amount(), closed.amount() + closed.moved());
    }
    // after: the sale's amounts still sum to what they summed to (the price), paid money is where
    // it was
    long amountsBefore =
        c.installments().stream().mapToLong(PlanReschedule.Installment::amount).sum();
    long amountsAfter = c.installments().stream()
            .mapToLong(i -> i.outstanding() > 0 ? i.paid() : i.amount())
            .sum()
        + r.added().stream().mapToLong(ScheduledInstallment::amount).sum();
    assertEquals(amountsBefore, amountsAfter);
  }

  @Property(tries = 2_000)
  void theNewInstallmentsArePositiveNumberedAfterAndDueFromTheFirstDate(@ForAll("cases") Case c) {
    PlanReschedule.Result r = PlanReschedule.of(c.installments(), c.terms(), TODAY);
    int last = c.installments().stream()
        .mapToInt(PlanReschedule.Installment::number)
        .max()
        .orElseThrow();
    Set<Integer> numbers = new HashSet<>();
    LocalDate previous = null;
    for (int k = 0; k < r.added().size(); k++) {
      ScheduledInstallment e = r.added().get(k);
      assertTrue(e.amount() > 0);
      assertEquals(last + 1 + k, e.number());
      assertTrue(numbers.add(e.number()));
      assertFalse(e.dueDate().isBefore(TODAY));
      if (previous != null) {
        assertTrue(e.dueDate().isAfter(previous), "due dates strictly increase");
      }
      previous = e.dueDate();
    }
    LocalDate first = c.terms().firstDueDate() != null
        ? c.terms().firstDueDate()
        : c.terms().period().after(TODAY, 1);
    assertEquals(first, r.added().get(0).dueDate());
    if (c.terms().plan() instanceof PaymentPlan.InstallmentCount n) {
      assertEquals(n.count(), r.added().size());
      long max =
          r.added().stream().mapToLong(ScheduledInstallment::amount).max().orElseThrow();
      long min =
          r.added().stream().mapToLong(ScheduledInstallment::amount).min().orElseThrow();
      assertTrue(max - min <= 1, "a count splits evenly, to one minor unit");
    } else {
      long a = ((PaymentPlan.InstallmentAmount) c.terms().plan()).amount();
      for (int k = 0; k < r.added().size() - 1; k++) {
        assertEquals(a, r.added().get(k).amount());
      }
      long lastAmount = r.added().get(r.added().size() - 1).amount();
      assertTrue(lastAmount > 0 && lastAmount <= a, "the last installment takes the remainder");
    }
    assertEquals(r.added().get(0).amount(), r.regularInstallmentAmount());
  }

  @Test
  void aPaidOffSaleHasNothingToReschedule() {
    var paid = List.of(new PlanReschedule.Installment("a", 1, TODAY, 500, 500));
    assertThrows(
        IllegalArgumentException.class,
        () -> PlanReschedule.of(
            paid, new PlanReschedule.Terms(PaymentPlan.count(2), Period.WEEKLY, null), TODAY));
  }

  @Test
  void aFirstDueDateInThePastAndTooManyInstallmentsAreRefused() {
    var open = List.of(new PlanReschedule.Installment("a", 1, TODAY, 5_000, 1_000));
    assertThrows(
        IllegalArgumentException.class,
        () -> PlanReschedule.of(
            open,
            new PlanReschedule.Terms(PaymentPlan.count(2), Period.DAILY, TODAY.minusDays(1)),
            TODAY));
    assertThrows(
        IllegalArgumentException.class,
        () -> PlanReschedule.of(
            open, new PlanReschedule.Terms(PaymentPlan.count(4_001), Period.DAILY, null), TODAY));
    assertThrows(
        IllegalArgumentException.class,
        () -> PlanReschedule.of(
            open, new PlanReschedule.Terms(PaymentPlan.amount(3), Period.DAILY, null), TODAY));
  }

  @Test
  void aPartlyPaidInstallmentIsClosedAtItsPaidPartAndTheRestIsSplit() {
    var sale = List.of(
        new PlanReschedule.Installment("d", 0, TODAY.minusDays(30), 1_000, 1_000),
        new PlanReschedule.Installment("a", 1, TODAY.minusDays(7), 3_000, 1_000),
        new PlanReschedule.Installment("b", 2, TODAY, 3_000, 0));
    PlanReschedule.Result r = PlanReschedule.of(
        sale, new PlanReschedule.Terms(PaymentPlan.count(3), Period.DAILY, null), TODAY);
    assertEquals(
        List.of(
            new PlanReschedule.Closed("a", 1_000, 2_000), new PlanReschedule.Closed("b", 0, 3_000)),
        r.closed());
    assertEquals(
        List.of(
            new ScheduledInstallment(3, TODAY.plusDays(1), 1_667),
            new ScheduledInstallment(4, TODAY.plusDays(2), 1_667),
            new ScheduledInstallment(5, TODAY.plusDays(3), 1_666)),
        r.added());
  }
}
