package io.payg.domain.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.allocation.AllocationResult;
import io.payg.domain.allocation.DebtAllocation;
import io.payg.domain.allocation.PaidDevice;
import io.payg.domain.payment.AllocationKind;
import io.payg.domain.tariff.Tariff;
import java.time.LocalDate;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** No money is lost to rounding, one payment or a long series of them. */
class EnergyOverPaymentsTest {

  private static final LocalDate TODAY = LocalDate.of(2026, 2, 1);

  @Test
  void buysWholeTenthsAndKeepsTheRest() {
    assertEquals(new EnergyPurchase(43, 9_890, 110), EnergyPurchase.buy(10_000, 2_300));
    assertEquals(new EnergyPurchase(43, 9_890, 220), EnergyPurchase.buy(10_110, 2_300));
    assertEquals(new EnergyPurchase(0, 0, 0), EnergyPurchase.buy(0, 2_300));
    // Price of a tenth not a whole minor unit (2.5): the fraction goes to the customer.
    assertEquals(new EnergyPurchase(3, 7, 1), EnergyPurchase.buy(8, 25));
  }

  @Property
  void onePurchaseSpendsPlusCreditIsTheMoney(
      @ForAll @LongRange(min = 0, max = 100_000_000) long money,
      @ForAll @LongRange(min = 1, max = 1_000_000) long price) {
    EnergyPurchase purchase = EnergyPurchase.buy(money, price);
    assertEquals(money, purchase.spent() + purchase.credit());
    assertTrue(purchase.spent() >= 0 && purchase.credit() >= 0);
    assertTrue(purchase.tenthsOfKwh() * price <= 10 * money);
    assertTrue((purchase.tenthsOfKwh() + 1) * price > 10 * money);
  }

  /**
   * Over any series of payments to one meter: what was paid == energy spent + credit left, the
   * ENERGY and METER_CREDIT allocations add up to the payments, and the credit ledger (METER_CREDIT
   * in, credit spent on energy out) ends at the meter's credit. With a price that is a multiple
   * of 10 the series buys exactly the energy of one payment of the total.
   */
  @Property(tries = 500)
  void energyAndCreditAreConservedOverPayments(
      @ForAll @Size(min = 1, max = 30) List<@LongRange(min = 1, max = 50_000) Long> payments,
      @ForAll @LongRange(min = 1, max = 30_000) long price) {
    Tariff tariff = Tariff.of(price);
    long credit = 0;
    long paid = 0;
    long spent = 0;
    long tenths = 0;
    long energyAllocations = 0;
    long creditAllocations = 0;
    long creditLedger = 0;
    for (long amount : payments) {
      AllocationResult result = DebtAllocation.allocate(
          amount, TODAY, List.of(), PaidDevice.meter("M", tariff, credit, 0));
      long energy = result.total(AllocationKind.ENERGY);
      long toCredit = result.total(AllocationKind.METER_CREDIT);
      assertEquals(amount, energy + toCredit);
      long spentNow = credit + amount - result.newMeterCredit();
      long tenthsNow = result.tokenAmount() == null ? 0 : result.tokenAmount().quantity();
      assertEquals(tenthsNow * price / 10, spentNow);
      // The credit spent on this purchase is what ENERGY did not book.
      creditLedger += toCredit - (spentNow - energy);
      assertEquals(result.newMeterCredit(), creditLedger);
      credit = result.newMeterCredit();
      paid += amount;
      spent += spentNow;
      tenths += tenthsNow;
      energyAllocations += energy;
      creditAllocations += toCredit;
    }
    assertEquals(paid, spent + credit);
    assertEquals(paid, energyAllocations + creditAllocations);
    long tenthsInOneGo = EnergyPurchase.buy(paid, price).tenthsOfKwh();
    if (price % 10 == 0) {
      assertEquals(tenthsInOneGo, tenths);
    } else {
      // Each purchase rounds the spend down in the customer's favour, never the energy.
      assertTrue(tenths >= tenthsInOneGo);
    }
  }
}
