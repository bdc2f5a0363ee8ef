package io.payg.gateway.commission;

import io.payg.domain.commission.CommissionRule;

/**
 * {@link CommissionRule#commission} as SQL, for statements that write a commission in the same
 * statement as its payment or sale (the rate is read there, from commission_settings). The caller
 * names its own parameters: nothing here knows a statement's numbering.
 */
public final class CommissionSql {

  private CommissionSql() {}

  /**
   * {@code base × bps / 10000} rounded down, as {@link CommissionRule#commission}: integer
   * division of non-negative bigints truncates, as Java's does.
   *
   * @param base an SQL expression of the base (e.g. the statement's {@code $n::bigint})
   * @param rateBps an SQL expression of the rate in basis points
   */
  public static String amount(String base, String rateBps) {
    return "((" + base + " * " + rateBps + ") / " + CommissionRule.MAX_BPS + ")";
  }
}
