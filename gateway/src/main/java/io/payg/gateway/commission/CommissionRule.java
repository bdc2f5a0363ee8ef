package io.payg.gateway.commission;

import io.payg.domain.payment.Allocation;
import io.payg.domain.payment.AllocationKind;
import java.util.List;

/**
 * What an agent earns. A cash payment earns {@code energyRateBps} of the money that went to
 * energy: its ENERGY and METER_CREDIT allocations (what it bought now or left on the meter for
 * energy). Debts it cleared (access rate, installments) earn nothing: an appliance is paid for
 * once, at its sale, which earns {@code applianceRateBps} of the sale price; paying its
 * installments later would count the same money twice. Integer arithmetic, rounded down to the
 * minor unit (the fraction stays with the company): {@code base × bps / 10000}.
 */
public final class CommissionRule {

  public static final int MAX_BPS = 10_000;

  /** The same rule in SQL, for the payment's record statement ($26 = the energy base, s = the settings). */
  public static final String SQL_ENERGY = "(($26::bigint * s.energy_rate_bps) / 10000)";

  private CommissionRule() {
  }

  public static long energyBase(List<Allocation> allocations) {
    return allocations.stream().filter(a -> a.kind() == AllocationKind.ENERGY || a.kind() == AllocationKind.METER_CREDIT)
        .mapToLong(Allocation::amount).sum();
  }

  /** {@code base × bps / 10000}, rounded down; money is at most 10^13 minor units, so it never overflows. */
  public static long commission(long base, int bps) {
    return Math.multiplyExact(base, (long) bps) / MAX_BPS;
  }
}
