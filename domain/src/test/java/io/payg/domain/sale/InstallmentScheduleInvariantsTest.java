package io.payg.domain.sale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class InstallmentScheduleInvariantsTest {

  record Terms(
      long price,
      long downPayment,
      PaymentPlan plan,
      Period period,
      LocalDate saleDate,
      LocalDate firstDueDate) {
    InstallmentSchedule schedule() {
      return InstallmentSchedule.of(price, downPayment, plan, period, saleDate, firstDueDate);
    }

    long financed() {
      return price - downPayment;
    }
  }

  @Provide
  Arbitrary<Terms> terms() {
    Arbitrary<long[]> priceAndDown = Arbitraries.longs()
        .between(1, 1_000_000_000L)
        .flatMap(price -> Arbitraries.oneOf(
                Arbitraries.just(0L),
                Arbitraries.just(price),
                Arbitraries.longs().between(0, price))
            .map(down -> new long[] {price, down}));
    Arbitrary<LocalDate> saleDate = Arbitraries.integers()
        .between(0, 3_650)
        .map(d -> LocalDate.of(2024, 1, 1).plusDays(d));
    Arbitrary<Integer> firstDueOffset =
        Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(1, 60));
    return Combinators.combine(
            priceAndDown,
            Arbitraries.of(Period.class),
            saleDate,
            firstDueOffset,
            Arbitraries.integers().between(1, 1_000),
            Arbitraries.of(true, false))
        .as((pd, period, date, offset, n, byCount) -> {
          long financed = pd[0] - pd[1];
          PaymentPlan plan;
          if (byCount) {
            plan = PaymentPlan.count((int) Math.max(1, Math.min(n, financed)));
          } else {
            // Choose N within the limit and derive an amount that gives it.
            long a = Math.max(1, -Math.floorDiv(-Math.max(1, financed), (long) n));
            plan = PaymentPlan.amount(a);
          }
          return new Terms(
              pd[0], pd[1], plan, period, date, offset == 0 ? null : date.plusDays(offset));
        });
  }

  @Property
  void scheduleSumsExactlyToThePrice(@ForAll("terms") Terms terms) {
    InstallmentSchedule schedule = terms.schedule();
    assertEquals(terms.price(), schedule.total());
    assertEquals(
        terms.price(),
        schedule.entries().stream().mapToLong(ScheduledInstallment::amount).sum());
    assertTrue(schedule.entries().stream().allMatch(e -> e.amount() > 0));
  }

  @Property
  void downPaymentIsAnEntryOnTheSaleDateWhenPositive(@ForAll("terms") Terms terms) {
    InstallmentSchedule schedule = terms.schedule();
    List<ScheduledInstallment> entries = schedule.entries();
    if (terms.downPayment() > 0) {
      assertEquals(
          new ScheduledInstallment(0, terms.saleDate(), terms.downPayment()), entries.get(0));
    } else {
      assertTrue(entries.stream().noneMatch(ScheduledInstallment::isDownPayment));
    }
    assertEquals(terms.downPayment(), schedule.downPayment());
  }

  @Property
  void installmentsFallDuePeriodByPeriodAfterTheSale(@ForAll("terms") Terms terms) {
    List<ScheduledInstallment> installments = terms.schedule().installments();
    LocalDate anchor = terms.firstDueDate() != null ? terms.firstDueDate() : terms.saleDate();
    int offset = terms.firstDueDate() != null ? 0 : 1;
    for (int i = 0; i < installments.size(); i++) {
      ScheduledInstallment installment = installments.get(i);
      assertEquals(i + 1, installment.number());
      assertEquals(terms.period().after(anchor, i + offset), installment.dueDate());
      if (terms.period() == Period.MONTHLY) {
        // Same day of month as the anchor, clamped to the month's last day.
        assertEquals(
            Math.min(anchor.getDayOfMonth(), installment.dueDate().lengthOfMonth()),
            installment.dueDate().getDayOfMonth());
      }
      assertTrue(installment.dueDate().isAfter(terms.saleDate()));
      if (i > 0) {
        assertTrue(installment.dueDate().isAfter(installments.get(i - 1).dueDate()));
        if (terms.period() == Period.WEEKLY) {
          assertEquals(installments.get(i - 1).dueDate().plusDays(7), installment.dueDate());
        }
      }
    }
  }

  @Property
  void countPlanSplitsEvenlyWithTheExtraUnitsFirst(@ForAll("terms") Terms terms) {
    if (!(terms.plan() instanceof PaymentPlan.InstallmentCount count) || terms.financed() == 0) {
      return;
    }
    List<ScheduledInstallment> installments = terms.schedule().installments();
    long n = count.count();
    assertEquals(n, installments.size());
    long base = terms.financed() / n;
    for (int i = 0; i < n; i++) {
      assertEquals(
          base + (i < terms.financed() % n ? 1 : 0), installments.get(i).amount());
    }
    assertEquals(installments.get(0).amount(), terms.schedule().regularInstallmentAmount());
  }

  @Property
  void amountPlanIsAllTheAmountExceptTheLast(@ForAll("terms") Terms terms) {
    if (!(terms.plan() instanceof PaymentPlan.InstallmentAmount amount) || terms.financed() == 0) {
      return;
    }
    List<ScheduledInstallment> installments = terms.schedule().installments();
    long a = amount.amount();
    assertEquals(-Math.floorDiv(-terms.financed(), a), installments.size());
    for (int i = 0; i < installments.size() - 1; i++) {
      assertEquals(a, installments.get(i).amount());
    }
    long last = installments.get(installments.size() - 1).amount();
    assertTrue(last >= 1 && last <= a);
    assertTrue(installments.size() <= InstallmentSchedule.MAX_INSTALLMENTS);
    assertEquals(Math.min(a, terms.financed()), terms.schedule().regularInstallmentAmount());
  }

  @Property
  void regularInstallmentIsTheLargest(@ForAll("terms") Terms terms) {
    InstallmentSchedule schedule = terms.schedule();
    long largest = schedule.installments().stream()
        .mapToLong(ScheduledInstallment::amount)
        .max()
        .orElse(terms.price());
    assertEquals(largest, schedule.regularInstallmentAmount());
  }
}
