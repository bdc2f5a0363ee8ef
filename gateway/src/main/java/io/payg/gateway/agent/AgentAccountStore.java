package io.payg.gateway.agent;

import io.payg.gateway.auth.Caller;
import io.payg.gateway.audit.AuditLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** SQL of an agent's own balances and of the risk limit operators set. */
final class AgentAccountStore {

  /** Cash held (within the risk limit) and the commission ledger's balance (sum of its entries). */
  private static final String BALANCE = """
      SELECT u.cash_balance, u.risk_limit, c.currency,
             (SELECT coalesce(sum(e.amount), 0) FROM commission_entries e WHERE e.agent_id = u.id) AS commission
        FROM users u JOIN companies c ON c.id = u.company_id
       WHERE u.id = $1 AND u.company_id = $2 AND u.role = 'AGENT'
      """;

  /**
   * A new limit applies only when the agent holds no more cash than it (the V5 CHECK would refuse
   * it anyway): the answer tells which of "no such agent" or "below the cash held" it was.
   */
  private static final String SET_RISK_LIMIT = """
      WITH a AS (SELECT id, cash_balance, risk_limit FROM users WHERE id = $1 AND company_id = $2 AND role = 'AGENT' FOR UPDATE),
      u AS (UPDATE users SET risk_limit = $3 FROM a WHERE users.id = a.id AND a.cash_balance <= $3
            RETURNING users.risk_limit)
      SELECT (SELECT cash_balance FROM a) AS cash_balance, (SELECT risk_limit FROM u) AS risk_limit,
             (SELECT risk_limit FROM a) AS old_limit
      """;

  /** Whether the customer is one of this agent's. */
  private static final String OWNS = "SELECT 1 FROM customers WHERE id = $1 AND company_id = $2 AND agent_id = $3";

  private final Pool pool;

  AgentAccountStore(Pool pool) {
    this.pool = pool;
  }

  /** The agent's balances, or null when the caller is not an agent of the company. */
  Future<JsonObject> balance(UUID companyId, UUID agentId) {
    return pool.preparedQuery(BALANCE).execute(Tuple.of(agentId, companyId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      return new JsonObject().put("agentId", agentId.toString()).put("currency", r.getString("currency"))
          .put("cashBalance", r.getLong("cash_balance")).put("riskLimit", r.getLong("risk_limit"))
          .put("cashRoom", r.getLong("risk_limit") - r.getLong("cash_balance"))
          .put("commissionBalance", r.getLong("commission"));
    });
  }

  /** Outcome of a risk-limit change: {@code cashBalance} null = no such agent; {@code riskLimit} null = below the cash held. */
  record LimitChange(Long cashBalance, Long riskLimit) {
  }

  /** The change and its audit row, in one transaction; no row when nothing changed. */
  Future<LimitChange> setRiskLimit(Caller who, UUID agentId, long riskLimit) {
    Long[] old = new Long[1];
    return AuditLog.inTransaction(pool, who, conn -> conn.preparedQuery(SET_RISK_LIMIT)
        .execute(Tuple.of(agentId, who.companyId(), riskLimit)).map(rows -> {
          Row r = rows.iterator().next();
          old[0] = r.getLong("old_limit");
          return new LimitChange(r.getLong("cash_balance"), r.getLong("risk_limit"));
        }), c -> c.riskLimit() == null ? null : new AuditLog.Entry("agent.risk_limit_set", "agent", agentId.toString(),
            new JsonObject().put("riskLimit", old[0]), new JsonObject().put("riskLimit", c.riskLimit())
                .put("cashBalance", c.cashBalance())));
  }

  Future<Boolean> owns(UUID companyId, UUID agentId, UUID customerId) {
    return pool.preparedQuery(OWNS).execute(Tuple.of(customerId, companyId, agentId)).map(rows -> rows.size() > 0);
  }
}
