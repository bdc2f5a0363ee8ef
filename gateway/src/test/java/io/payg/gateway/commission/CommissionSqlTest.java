package io.payg.gateway.commission;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.payg.domain.commission.CommissionRule;
import io.payg.gateway.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The commission PostgreSQL computes inside the payment's statement is the domain rule's, to the minor unit. */
class CommissionSqlTest {

  static TestDatabase db;

  @BeforeAll
  static void start() {
    db = TestDatabase.fresh(CommissionSqlTest.class);
  }

  @AfterAll
  static void stop() {
    db.close();
  }

  @Test
  void postgresAndTheDomainRuleAgree() {
    long[] bases = {0, 1, 19, 20, 199, 4_600, 123_456_789, 10_000_000_000_000L};
    int[] rates = {0, 1, 333, 500, 9_999, CommissionRule.MAX_BPS};
    for (long base : bases) {
      for (int bps : rates) {
        assertEquals(
            CommissionRule.commission(base, bps),
            db.count("SELECT " + CommissionSql.amount("?::bigint", "?::int"), base, bps),
            base + " at " + bps + " bps");
      }
    }
  }
}
