package io.payg.domain.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.DeviceType;
import io.payg.domain.sale.InstallmentSchedule;
import io.payg.domain.sale.PaymentPlan;
import io.payg.domain.sale.Period;
import io.payg.domain.sale.PlanReschedule;
import io.payg.domain.sale.ScheduledInstallment;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Payments racing reschedules of the same sale, under the gateway's rule: a payment is computed
 * on a snapshot (the customer's debt version and open installments) and applied only if the
 * version is still the snapshot's, else computed again; a reschedule reads the latest state and
 * moves the version. Over random interleavings: no installment is ever paid past its amount
 * (a closed one keeps exactly what was paid on it), every allocated minor unit is on exactly
 * one installment, and the sale's installments always sum to its price.
 */
class PaymentRacingRescheduleTest {

  static final LocalDate TODAY = LocalDate.of(2026, 3, 1);

  /** The sale as the database holds it, with the customer's debt version. */
  static final class Ledger {
    final Map<String, long[]> rows =
        new LinkedHashMap<>(); // id -> {number, dueEpochDay, amount, paid}
    long version;
    long allocatedToInstallments;
    long regularInstallment;
    Period period;

    Ledger(InstallmentSchedule schedule, Period period) {
      for (ScheduledInstallment e : schedule.entries()) {
        rows.put(
            "i" + e.number(), new long[] {e.number(), e.dueDate().toEpochDay(), e.amount(), 0});
      }
      this.period = period;
      this.regularInstallment = schedule.regularInstallmentAmount();
    }

    List<OpenInstallment> open() {
      List<OpenInstallment> open = new ArrayList<>();
      rows.forEach((id, r) -> {
        if (r[3] < r[2]) {
          open.add(new OpenInstallment(id, "sale", LocalDate.ofEpochDay(r[1]), r[2] - r[3], true));
        }
      });
      return open;
    }

    PaidDevice device() {
      return PaidDevice.appliance(DeviceType.SHS, "S", period, regularInstallment);
    }

    long amounts() {
      return rows.values().stream().mapToLong(r -> r[2]).sum();
    }

    /** Like the record statement's installment update, with the table's CHECK (paid <= amount). */
    void apply(AllocationResult result) {
      for (InstallmentPayment p : result.installmentPayments()) {
        long[] r = rows.get(p.installmentId());
        if (r[3] + p.amount() > r[2]) {
          throw new AssertionError("installment " + p.installmentId() + " paid past its amount");
        }
        r[3] += p.amount();
        allocatedToInstallments += p.amount();
      }
      version++;
    }

    void reschedule(PlanReschedule.Terms terms) {
      List<PlanReschedule.Installment> now = new ArrayList<>();
      rows.forEach((id, r) -> now.add(
          new PlanReschedule.Installment(id, (int) r[0], LocalDate.ofEpochDay(r[1]), r[2], r[3])));
      PlanReschedule.Result result = PlanReschedule.of(now, terms, TODAY);
      for (PlanReschedule.Closed c : result.closed()) {
        rows.get(c.id())[2] = c.amount();
      }
      for (ScheduledInstallment e : result.added()) {
        rows.put(
            "i" + e.number(), new long[] {e.number(), e.dueDate().toEpochDay(), e.amount(), 0});
      }
      period = terms.period();
      regularInstallment = result.regularInstallmentAmount();
      version++;
    }
  }

  /** A payment in flight: the snapshot it was computed on. */
  record Pending(long amount, long version, AllocationResult result) {}

  /** 0 = a payment takes its snapshot, 1 = the oldest payment in flight commits, 2 = a reschedule. */
  record Step(int kind, long amount, PlanReschedule.Terms terms) {}

  @Provide
  Arbitrary<List<Step>> histories() {
    Arbitrary<PlanReschedule.Terms> terms = Combinators.combine(
            Arbitraries.oneOf(
                Arbitraries.integers().between(1, 12).map(PaymentPlan::count),
                Arbitraries.longs().between(500, 20_000).map(PaymentPlan::amount)),
            Arbitraries.of(Period.class))
        .as((plan, period) -> new PlanReschedule.Terms(plan, period, null));
    Arbitrary<Step> step = Combinators.combine(
            Arbitraries.integers().between(0, 2), Arbitraries.longs().between(1, 30_000), terms)
        .as(Step::new);
    return step.list().ofMinSize(1).ofMaxSize(30);
  }

  @Property(tries = 1_000)
  void aPaymentRacingARescheduleNeverPaysAnInstallmentTwice(
      @ForAll("histories") List<Step> history) {
    long price = 60_000;
    Ledger ledger = new Ledger(
        InstallmentSchedule.of(
            price, 0, PaymentPlan.count(6), Period.WEEKLY, TODAY.minusDays(21), null),
        Period.WEEKLY);
    List<Pending> inFlight = new ArrayList<>();
    long paidIn = 0;
    for (Step s : history) {
      switch (s.kind()) {
        case 0 ->
          inFlight.add(new Pending(
              s.amount(),
              ledger.version,
              DebtAllocation.allocate(s.amount(), TODAY, ledger.open(), ledger.device())));
        case 1 -> {
          if (!inFlight.isEmpty()) {
            paidIn += commit(ledger, inFlight.remove(0));
          }
        }
        default -> {
          long versionBefore = ledger.version;
          try {
            ledger.reschedule(s.terms());
          } catch (IllegalArgumentException refused) {
            // nothing owed, or more installments than minor units: refused before anything changed
            assertEquals(versionBefore, ledger.version);
          }
        }
      }
      assertEquals(price, ledger.amounts(), "the sale's installments always sum to its price");
    }
    for (Pending p : inFlight) {
      paidIn += commit(ledger, p);
    }
    long paidOnRows = ledger.rows.values().stream().mapToLong(r -> r[3]).sum();
    assertEquals(
        ledger.allocatedToInstallments,
        paidOnRows,
        "every allocated minor unit is on one installment");
    assertEquals(paidIn, paidOnRows);
    assertTrue(ledger.rows.values().stream().allMatch(r -> r[3] <= r[2] && r[2] >= 0));
  }

  /** The guard: applied only on the snapshot's version; otherwise computed again on the latest state. */
  private static long commit(Ledger ledger, Pending p) {
    AllocationResult result = p.version() == ledger.version
        ? p.result()
        : DebtAllocation.allocate(p.amount(), TODAY, ledger.open(), ledger.device());
    ledger.apply(result);
    return result.installmentPayments().stream()
        .mapToLong(InstallmentPayment::amount)
        .sum();
  }

  @Test
  void withoutTheGuardAStalePaymentWouldPayAClosedInstallment() {
    Ledger ledger = new Ledger(
        InstallmentSchedule.of(
            60_000, 0, PaymentPlan.count(6), Period.WEEKLY, TODAY.minusDays(21), null),
        Period.WEEKLY);
    AllocationResult stale = DebtAllocation.allocate(20_000, TODAY, ledger.open(), ledger.device());
    ledger.reschedule(new PlanReschedule.Terms(PaymentPlan.count(10), Period.DAILY, null));
    AssertionError caught = null;
    try {
      ledger.apply(stale);
    } catch (AssertionError e) {
      caught = e;
    }
    assertTrue(caught != null, "the stale allocation names installments the reschedule closed");
  }
}
