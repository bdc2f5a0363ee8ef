package io.payg.gateway.commission;

import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.Paging;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * SQL of the commission ledger: the company's rates, the agents' entries and balances, payouts.
 * (The ENERGY earning is written by the payment's own record statement, see PaymentStore.)
 */
public final class CommissionStore {

  private final Pool pool;

  public CommissionStore(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonObject> settings(UUID companyId) {
    return pool.preparedQuery("""
        SELECT energy_rate_bps, appliance_rate_bps, updated_at FROM commission_settings WHERE company_id = $1
        """).execute(Tuple.of(companyId)).map(rows -> {
      if (rows.size() == 0) {
        return new JsonObject()
            .put("energyRateBps", 0)
            .put("applianceRateBps", 0); // no commission until set
      }
      Row r = rows.iterator().next();
      return new JsonObject()
          .put("energyRateBps", r.getInteger(0))
          .put("applianceRateBps", r.getInteger(1))
          .put("updatedAt", r.getOffsetDateTime(2).toString());
    });
  }

  public Future<JsonObject> saveSettings(Caller who, int energyBps, int applianceBps) {
    UUID companyId = who.companyId();
    JsonObject after =
        new JsonObject().put("energyRateBps", energyBps).put("applianceRateBps", applianceBps);
    return AuditStore.inTransaction(
            pool,
            who,
            conn -> conn.preparedQuery("""
        SELECT energy_rate_bps, appliance_rate_bps
        FROM commission_settings WHERE company_id = $1 FOR UPDATE""")
                .execute(Tuple.of(companyId))
                .compose(old -> conn.preparedQuery("""
            INSERT INTO commission_settings (company_id, energy_rate_bps,
            appliance_rate_bps, updated_by) VALUES ($1, $2, $3, $4) ON CONFLICT (company_id) DO UPDATE SET
            energy_rate_bps = $2, appliance_rate_bps = $3, updated_by = $4, updated_at = now()""")
                    .execute(Tuple.of(companyId, energyBps, applianceBps, who.userId()))
                    .map(v -> old.size() == 0
                        ? new JsonObject()
                        : new JsonObject()
                            .put("energyRateBps", old.iterator().next().getInteger(0))
                            .put("applianceRateBps", old.iterator().next().getInteger(1)))),
            before -> new AuditStore.Entry(
                "commission_settings.saved", "company", companyId.toString(), before, after))
        .compose(v -> settings(companyId));
  }

  /** The sale price ($5) earns the company's appliance rate; a commission of 0 writes nothing. */
  private static final String EARN_ON_SALE =
      """
      INSERT INTO commission_entries (id, company_id, agent_id, kind, sale_id, base, rate_bps, amount, currency)
      SELECT $1, s.company_id, $3, 'APPLIANCE_SALE', $4, $5, s.appliance_rate_bps, %1$s, $6
        FROM commission_settings s
       WHERE s.company_id = $2 AND %1$s > 0
      """.formatted(CommissionSql.amount("$5::bigint", "s.appliance_rate_bps"));

  /** The APPLIANCE_SALE earning of an agent's sale, inside the sale's own database transaction. */
  public Future<Void> earnOnSale(
      SqlClient conn, UUID companyId, UUID agentId, UUID saleId, long price, String currency) {
    return conn.preparedQuery(EARN_ON_SALE)
        .execute(Tuple.of(UUID.randomUUID(), companyId, agentId, saleId, price, currency))
        .mapEmpty();
  }

  /** An agent's balance and entries, newest first, keyset-paged on createdAt ({@code before}). */
  public Future<JsonObject> ledger(UUID companyId, UUID agentId, OffsetDateTime before, int limit) {
    return pool.preparedQuery("""
        SELECT u.id, (SELECT coalesce(sum(e.amount), 0) FROM commission_entries e WHERE e.agent_id = u.id)
        AS balance, c.currency, (SELECT json_agg(x ORDER BY x.\"createdAt\" DESC) FROM (SELECT e.id, e.kind, e.amount,
        e.base, e.rate_bps AS \"rateBps\", e.transaction_id AS \"transactionId\", e.sale_id AS \"saleId\",
        e.created_at AS \"createdAt\" FROM commission_entries e WHERE e.agent_id = u.id
        AND ($3::timestamptz IS NULL OR e.created_at < $3) ORDER BY e.created_at DESC LIMIT $4) x) AS items
        FROM users u JOIN companies c ON c.id = u.company_id WHERE u.id = $1 AND u.company_id = $2 AND u.role = 'AGENT'
        """)
        .execute(Tuple.of(agentId, companyId, before, limit))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiException.notFound("agent");
          }
          Row r = rows.iterator().next();
          JsonArray items = r.getValue("items") instanceof JsonArray a ? a : new JsonArray();
          return Paging.page(items, limit, "createdAt")
              .put("agentId", agentId.toString())
              .put("balance", r.getLong("balance"))
              .put("currency", r.getString("currency"));
        });
  }

  /**
   * Pays an agent part of their balance. The agent's row is locked first, so two payouts queue
   * and the second sees the first in the balance it checks: the balance never goes below zero.
   */
  public Future<JsonObject> payout(
      Caller who, UUID agentId, long amount, String currency, String idempotencyKey) {
    UUID companyId = who.companyId();
    UUID operatorId = who.userId();
    return pool.withTransaction(conn -> conn.preparedQuery("""
        SELECT u.id, c.currency FROM users u JOIN companies c
        ON c.id = u.company_id WHERE u.id = $1 AND u.company_id = $2 AND u.role = 'AGENT' FOR UPDATE OF u""")
            .execute(Tuple.of(agentId, companyId))
            .compose(rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(ApiException.notFound("agent"));
              }
              if (!rows.iterator().next().getString("currency").equals(currency)) {
                return Future.failedFuture(ApiException.unprocessable(
                    "WRONG_CURRENCY", "Commissions are in the company's currency"));
              }
              return conn.preparedQuery("""
                  SELECT coalesce(sum(amount), 0) FROM commission_entries WHERE agent_id = $1""")
                  .execute(Tuple.of(agentId))
                  .map(b -> b.iterator().next().getLong(0));
            })
            .compose(balance -> idempotencyKey == null
                ? Future.succeededFuture(balance)
                // a retried payout (same key) is answered from the first one; the agent's row lock
                // makes a concurrent duplicate wait for it
                : conn.preparedQuery("""
                SELECT id, amount, currency FROM commission_entries WHERE agent_id = $1
                AND idempotency_key = $2""")
                    .execute(Tuple.of(agentId, idempotencyKey))
                    .compose(prior -> {
                      if (prior.size() == 0) {
                        return Future.succeededFuture(balance);
                      }
                      var first = prior.iterator().next();
                      if (first.getLong("amount") != -amount
                          || !first.getString("currency").equals(currency)) {
                        return Future.failedFuture(ApiException.conflict(
                            "DUPLICATE_TRANSACTION",
                            "This Idempotency-Key was used for another payout"));
                      }
                      return Future.failedFuture(new Replayed(new JsonObject()
                          .put("id", first.getUUID("id").toString())
                          .put("agentId", agentId.toString())
                          .put("paidOut", amount)
                          .put("currency", currency)
                          .put("balance", balance)
                          .put("replayed", true)));
                    }))
            .compose(balance -> {
              if (amount > balance) {
                return Future.failedFuture(ApiException.unprocessable(
                    "ABOVE_COMMISSION_BALANCE",
                    "The payout is more than the agent's commission balance of " + balance));
              }
              UUID id = UUID.randomUUID();
              return conn.preparedQuery("""
              INSERT INTO commission_entries (id, company_id, agent_id, kind, amount, currency,
              recorded_by, idempotency_key) VALUES ($1, $2, $3, 'PAYOUT', $4, $5, $6, $7)""")
                  .execute(Tuple.from(new Object[] {
                    id, companyId, agentId, -amount, currency, operatorId, idempotencyKey
                  }))
                  .map(v -> new JsonObject()
                      .put("id", id.toString())
                      .put("agentId", agentId.toString())
                      .put("paidOut", amount)
                      .put("currency", currency)
                      .put("balance", balance - amount))
                  .compose(out -> AuditStore.record(
                          conn,
                          who,
                          "commission.paid_out",
                          "agent",
                          agentId.toString(),
                          new JsonObject().put("balance", balance),
                          out.copy())
                      .map(out));
            }))
        .recover(err -> err instanceof Replayed r
            ? Future.succeededFuture(r.answer)
            : Future.failedFuture(err));
  }

  /** The first payout's answer, carried out of the (read-only, rolled back) transaction. */
  private static final class Replayed extends RuntimeException {
    final JsonObject answer;

    Replayed(JsonObject answer) {
      super(null, null, false, false);
      this.answer = answer;
    }
  }
}
