package io.payg.gateway.sale;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** SQL of an agent's own sales: whose customer, which key, the down payment in the agent's cash. */
final class AgentSaleStore {

  /** A sale an agent made, as its Idempotency-Key recorded it. */
  record EarlierSale(UUID id, UUID customerId, UUID applianceId, long downPayment) {}

  private static final String OWN_CUSTOMER = """
      SELECT 1 FROM customers WHERE id = $1 AND company_id = $2 AND agent_id = $3""";

  /** The unique index appliance_sales_agent_key makes a second sale under one key fail. */
  private static final String MARK_AGENT_SALE = """
      UPDATE appliance_sales SET agent_id = $2, idempotency_key = $3 WHERE id = $1""";

  /** The down payment joins the agent's cash only within the risk limit: 0 rows when it would exceed it. */
  private static final String TAKE_CASH = """
      UPDATE users SET cash_balance = cash_balance + $3
       WHERE id = $1 AND company_id = $2 AND cash_balance + $3 <= risk_limit""";

  private static final String EARLIER_SALE = """
      SELECT id, customer_id, appliance_id, down_payment FROM appliance_sales
       WHERE agent_id = $1 AND idempotency_key = $2 AND company_id = $3""";

  private AgentSaleStore() {}

  static Future<Boolean> ownsCustomer(
      SqlConnection conn, UUID companyId, UUID agentId, UUID customerId) {
    return conn.preparedQuery(OWN_CUSTOMER)
        .execute(Tuple.of(customerId, companyId, agentId))
        .map(rows -> rows.size() == 1);
  }

  static Future<Void> markAgentSale(SqlConnection conn, UUID saleId, UUID agentId, String key) {
    return conn.preparedQuery(MARK_AGENT_SALE)
        .execute(Tuple.of(saleId, agentId, key))
        .mapEmpty();
  }

  /** Whether the agent's cash took the down payment (false: above the risk limit, nothing changed). */
  static Future<Boolean> takeCash(
      SqlConnection conn, UUID companyId, UUID agentId, long downPayment) {
    return conn.preparedQuery(TAKE_CASH)
        .execute(Tuple.of(agentId, companyId, downPayment))
        .map(rows -> rows.rowCount() == 1);
  }

  /** The sale this agent already made under {@code key}, or null. */
  static Future<EarlierSale> earlierSale(
      SqlClient client, UUID companyId, UUID agentId, String key) {
    return client
        .preparedQuery(EARLIER_SALE)
        .execute(Tuple.of(agentId, key, companyId))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row r = rows.iterator().next();
          return new EarlierSale(
              r.getUUID("id"),
              r.getUUID("customer_id"),
              r.getUUID("appliance_id"),
              r.getLong("down_payment"));
        });
  }
}
