package io.payg.gateway.agent;

import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** SQL of an agent's own balances and customers, the risk limit operators set, and the cash handed in. */
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
      WITH a AS (SELECT id, cash_balance, risk_limit FROM users WHERE id = $1 AND company_id = $2
        AND role = 'AGENT' FOR UPDATE),
      u AS (UPDATE users SET risk_limit = $3 FROM a WHERE users.id = a.id AND a.cash_balance <= $3
            RETURNING users.risk_limit)
      SELECT (SELECT cash_balance FROM a) AS cash_balance, (SELECT risk_limit FROM u) AS risk_limit,
             (SELECT risk_limit FROM a) AS old_limit
      """;

  /** Whether the customer is one of this agent's. */
  private static final String OWNS = """
      SELECT 1 FROM customers WHERE id = $1 AND company_id = $2 AND agent_id = $3""";

  /** The agent's customers with their devices, by name. */
  private static final String CUSTOMERS = """
      SELECT c.id, c.name, c.phone, c.village_id,
             (SELECT json_agg(json_build_object('serial', d.serial, 'type', d.type))
                FROM devices d WHERE d.customer_id = c.id) AS devices
        FROM customers c
       WHERE c.company_id = $1 AND c.agent_id = $2
       ORDER BY c.name LIMIT 1000
      """;

  private static final String AGENT = """
      SELECT id, email, name, cash_balance, risk_limit FROM users
       WHERE id = $1 AND company_id = $2 AND role = 'AGENT'
      """;

  /** The agent's row locked: a duplicate hand-over waits and then sees the first movement. */
  private static final String LOCK_CASH = """
      SELECT cash_balance FROM users WHERE id = $1 AND company_id = $2 AND role = 'AGENT' FOR UPDATE
      """;

  private static final String PRIOR_MOVEMENT = """
      SELECT amount FROM agent_cash_movements WHERE agent_id = $1 AND idempotency_key = $2
      """;

  /** Cash handed in: the balance falls and the movement is booked (negative), in one statement. */
  private static final String HAND_OVER = """
      WITH u AS (UPDATE users SET cash_balance = cash_balance - $3 WHERE id = $1 RETURNING cash_balance)
      INSERT INTO agent_cash_movements (id, company_id, agent_id, amount, recorded_by, note, idempotency_key)
      SELECT $4, $2, $1, -$3, $5, $6, $7 FROM u
      RETURNING (SELECT cash_balance FROM u)
      """;

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
      return new JsonObject()
          .put("agentId", agentId.toString())
          .put("currency", r.getString("currency"))
          .put("cashBalance", r.getLong("cash_balance"))
          .put("riskLimit", r.getLong("risk_limit"))
          .put("cashRoom", r.getLong("risk_limit") - r.getLong("cash_balance"))
          .put("commissionBalance", r.getLong("commission"));
    });
  }

  /**
   * Outcome of a risk-limit change: {@code cashBalance} null = no such agent; {@code riskLimit} null = below the cash
   * held.
   */
  record LimitChange(Long cashBalance, Long riskLimit) {}

  /** The change and its audit row, in one transaction; no row when nothing changed. */
  Future<LimitChange> setRiskLimit(Caller who, UUID agentId, long riskLimit) {
    Long[] old = new Long[1];
    return AuditStore.inTransaction(
        pool,
        who,
        conn -> conn.preparedQuery(SET_RISK_LIMIT)
            .execute(Tuple.of(agentId, who.companyId(), riskLimit))
            .map(rows -> {
              Row r = rows.iterator().next();
              old[0] = r.getLong("old_limit");
              return new LimitChange(r.getLong("cash_balance"), r.getLong("risk_limit"));
            }),
        c -> c.riskLimit() == null
            ? null
            : new AuditStore.Entry(
                "agent.risk_limit_set",
                "agent",
                agentId.toString(),
                new JsonObject().put("riskLimit", old[0]),
                new JsonObject()
                    .put("riskLimit", c.riskLimit())
                    .put("cashBalance", c.cashBalance())));
  }

  Future<Boolean> owns(UUID companyId, UUID agentId, UUID customerId) {
    return pool.preparedQuery(OWNS)
        .execute(Tuple.of(customerId, companyId, agentId))
        .map(rows -> rows.size() > 0);
  }

  Future<JsonObject> customers(UUID companyId, UUID agentId) {
    return pool.preparedQuery(CUSTOMERS).execute(Tuple.of(companyId, agentId)).map(rows -> {
      JsonArray items = new JsonArray();
      rows.forEach(r -> items.add(new JsonObject()
          .put("id", r.getUUID("id").toString())
          .put("name", r.getString("name"))
          .put("phone", r.getString("phone"))
          .put("villageId", r.getUUID("village_id").toString())
          .put("devices", r.getValue("devices") instanceof JsonArray a ? a : new JsonArray())));
      return new JsonObject().put("items", items);
    });
  }

  /** An agent of the company as operators see it; 404 otherwise. */
  Future<JsonObject> agent(UUID companyId, UUID agentId) {
    return pool.preparedQuery(AGENT).execute(Tuple.of(agentId, companyId)).map(rows -> {
      if (rows.size() == 0) {
        throw ApiException.notFound("agent");
      }
      Row r = rows.iterator().next();
      return new JsonObject()
          .put("id", r.getUUID("id").toString())
          .put("email", r.getString("email"))
          .put("name", r.getString("name"))
          .put("cashBalance", r.getLong("cash_balance"))
          .put("riskLimit", r.getLong("risk_limit"));
    });
  }

  private static final String HANDOVER_REFUSED =
      "No such agent, or more than the agent's cash balance";

  /** Cash an operator took from an agent; {@code key} (may be null) makes a retry record it once. */
  record Handover(
      UUID companyId, UUID agentId, long amount, String note, String key, UUID recordedBy) {}

  /**
   * Records a hand-over: the agent's row is locked first, so a duplicate with the same key sees
   * the first movement (the unique index on the key is the backstop). Refused (422) for no such
   * agent or more than the cash held; 409 when the key was used for another amount.
   */
  Future<JsonObject> handOver(Caller caller, Handover h) {
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK_CASH)
        .execute(Tuple.of(h.agentId(), h.companyId()))
        .compose(agentRow -> {
          if (agentRow.size() == 0) {
            throw ApiException.unprocessable("HANDOVER_REFUSED", HANDOVER_REFUSED);
          }
          long balance = agentRow.iterator().next().getLong(0);
          Future<RowSet<Row>> prior = h.key() == null
              ? Future.succeededFuture(null)
              : conn.preparedQuery(PRIOR_MOVEMENT).execute(Tuple.of(h.agentId(), h.key()));
          return prior.compose(p -> {
            if (p != null && p.size() > 0) {
              if (p.iterator().next().getLong(0) != -h.amount()) {
                throw ApiException.conflict(
                    "DUPLICATE_TRANSACTION", "This Idempotency-Key was used for another amount");
              }
              return Future.succeededFuture(new JsonObject()
                  .put("agentId", h.agentId().toString())
                  .put("handedIn", h.amount())
                  .put("cashBalance", balance)
                  .put("replayed", true));
            }
            if (balance < h.amount()) {
              throw ApiException.unprocessable("HANDOVER_REFUSED", HANDOVER_REFUSED);
            }
            return conn.preparedQuery(HAND_OVER)
                .execute(Tuple.from(new Object[] {
                  h.agentId(),
                  h.companyId(),
                  h.amount(),
                  UUID.randomUUID(),
                  h.recordedBy(),
                  h.note(),
                  h.key()
                }))
                .map(rows -> new JsonObject()
                    .put("agentId", h.agentId().toString())
                    .put("handedIn", h.amount())
                    .put("cashBalance", rows.iterator().next().getLong(0)))
                .compose(out -> AuditStore.record(
                        conn,
                        caller,
                        "agent.cash_handed_in",
                        "agent",
                        h.agentId().toString(),
                        new JsonObject().put("cashBalance", balance),
                        new JsonObject()
                            .put("cashBalance", out.getLong("cashBalance"))
                            .put("handedIn", h.amount())
                            .put("note", h.note()))
                    .map(out));
          });
        }));
  }
}
