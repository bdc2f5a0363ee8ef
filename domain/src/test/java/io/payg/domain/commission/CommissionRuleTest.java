package io.payg.domain.commission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.payg.domain.payment.Allocation;
import io.payg.domain.payment.AllocationKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommissionRuleTest {

  @Test
  void onlyTheMoneyThatWentToEnergyEarns() {
    List<Allocation> paid = List.of(
        new Allocation(AllocationKind.ACCESS_RATE, 3_000, null),
        new Allocation(AllocationKind.INSTALLMENT, 2_000, "i-1"),
        new Allocation(AllocationKind.ENERGY, 4_600, null),
        new Allocation(AllocationKind.METER_CREDIT, 400, null));
    assertEquals(5_000, CommissionRule.energyBase(paid));
  }

  @Test
  void theCommissionIsRoundedDownToTheMinorUnit() {
    assertEquals(250, CommissionRule.commission(5_000, 500)); // 5 %
    assertEquals(0, CommissionRule.commission(19, 500)); // 0.95 stays with the company
    assertEquals(1, CommissionRule.commission(20, 500));
    assertEquals(
        10_000_000_000_000L,
        CommissionRule.commission(10_000_000_000_000L, CommissionRule.MAX_BPS));
  }

  @Test
  void aRateOutsideZeroToTenThousandBasisPointsIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> CommissionRule.commission(100, 10_001));
    assertThrows(IllegalArgumentException.class, () -> CommissionRule.commission(100, -1));
  }
}
