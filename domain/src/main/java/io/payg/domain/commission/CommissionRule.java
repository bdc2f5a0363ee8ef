package io.payg.domain.commission;

import io.payg.domain.payment.Allocation;
import io.payg.domain.payment.AllocationKind;
import java.util.List;

/**
 * What an agent earns. A cash payment earns {@code energyRateBps} of the money that went to
 * energy: its ENERGY and METER_CREDIT allocations (what it bought now or left on the meter for
 * energy). Debts it cleared (access rate, installments) earn nothing: an appliance is paid for
 * once, at its sale, which earns {@code applianceRateBps} of the sale price; paying its
 * installments later would count the same money twice. Integer arithmetic, rounded down to the
 * minor unit (the fraction stays with the company): {@code base × bps / 10000}. An amount of 0
 * is no commission (nothing is written).
 */
public final class CommissionRule {

  /** Basis points in one whole: a rate is 0 … 10000 bps of its base. */
  public static final int MAX_BPS = 10_000;

  private CommissionRule() {}

  /** The money of a payment that earns the energy commission. */
  public static long energyBase(List<Allocation> allocations) {
    return allocations.stream()
        .filter(a -> a.kind() == AllocationKind.ENERGY || a.kind() == AllocationKind.METER_CREDIT)
        .mapToLong(Allocation::amount)
        .sum();
  }

  /** {@code base × bps / 10000}, rounded down; money is at most 10^13 minor units, so it never overflows. */
  public static long commission(long base, int bps) {
    if (base < 0 || bps < 0 || bps > MAX_BPS) {
      throw new IllegalArgumentException("commission of " + base + " at " + bps + " bps");
    }
    return Math.multiplyExact(base, (long) bps) / MAX_BPS;
  }
}
