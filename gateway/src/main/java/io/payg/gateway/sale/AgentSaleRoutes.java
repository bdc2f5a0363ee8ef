package io.payg.gateway.sale;

import io.payg.domain.Serial;
import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.commission.CommissionStore;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.IdempotencyKey;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.LocalDate;
import java.util.UUID;

/**
 * {@code POST /api/v1/agent/appliance-sales} + {@code Idempotency-Key}: an agent sells an
 * appliance to one of their own customers, on the operator's terms, and takes the down payment
 * in cash there and then. One database transaction records the sale with its schedule (down
 * payment paid), raises the agent's cash balance within the risk limit, and writes the agent's
 * APPLIANCE_SALE commission; any refusal writes nothing. A replay of the key answers the same
 * sale; the key with other terms is a 409.
 */
public final class AgentSaleRoutes {

  private final Pool pool;
  private final SaleStore store;
  private final CommissionStore commissions;
  private final Clock clock;

  public AgentSaleRoutes(Pool pool, SaleStore store, CommissionStore commissions, Clock clock) {
    this.pool = pool;
    this.store = store;
    this.commissions = commissions;
    this.clock = clock;
  }

  public void mount(Router router) {
    router.post("/api/v1/agent/appliance-sales").handler(this::sell);
  }

  private void sell(RoutingContext ctx) {
    Caller agent = Caller.require(ctx, Role.AGENT);
    String key = IdempotencyKey.required(ctx);
    JsonInput in = JsonInput.of(ctx);
    UUID customerId = in.uuid("customerId");
    if (in.has("downPaymentReceived")
        && !Boolean.TRUE.equals(in.raw().getValue("downPaymentReceived"))) {
      throw ApiException.badRequest(
          "an agent's sale takes the down payment in cash: 'downPaymentReceived' is always true");
    }
    SaleTerms terms = SaleTerms.read(in, LocalDate.now(clock));
    String serial = Serial.normalise(in.optionalString("deviceSerial", 64));
    Responses.json(
        ctx,
        201,
        replay(agent, key, customerId, terms)
            .compose(earlier -> earlier != null
                ? Future.succeededFuture(earlier)
                : record(agent, key, customerId, terms, serial)
                    // a concurrent request with the same key won: answer its sale
                    .recover(err -> isSameKey(err)
                        ? replay(agent, key, customerId, terms)
                        : Future.failedFuture(err))));
  }

  private Future<JsonObject> record(
      Caller agent, String key, UUID customerId, SaleTerms terms, String serial) {
    UUID companyId = agent.companyId();
    return pool.withTransaction(conn -> ownCustomer(conn, agent, customerId)
        .compose(v -> store.appliance(conn, companyId, terms.applianceId()))
        .compose(appliance -> store
            .deviceFor(conn, companyId, customerId, serial, appliance.type())
            .compose(deviceId -> {
              var sale = terms.toSale(appliance.price());
              return store
                  .createSale(conn, companyId, customerId, appliance, deviceId, sale, true)
                  .compose(saleId -> AgentSaleStore.markAgentSale(conn, saleId, agent.userId(), key)
                      .compose(x -> takeCash(conn, agent, sale.downPayment()))
                      .compose(x -> commissions.earnOnSale(
                          conn,
                          companyId,
                          agent.userId(),
                          saleId,
                          sale.price(),
                          appliance.currency()))
                      .compose(x -> store.sale(conn, companyId, saleId))
                      .compose(sold -> AuditStore.record(
                              conn,
                              agent,
                              "sale.created",
                              "appliance_sale",
                              saleId.toString(),
                              null,
                              sold.copy().put("customerId", customerId.toString()))
                          .map(sold)));
            })));
  }

  /** The down payment joins the agent's cash, only within the risk limit (else the whole sale rolls back). */
  private static Future<Void> takeCash(SqlConnection conn, Caller agent, long downPayment) {
    if (downPayment == 0) {
      return Future.succeededFuture();
    }
    return AgentSaleStore.takeCash(conn, agent.companyId(), agent.userId(), downPayment)
        .compose(
            taken -> taken
                ? Future.<Void>succeededFuture()
                : Future.failedFuture(
                    ApiException.unprocessable(
                        "AGENT_RISK_LIMIT",
                        "This down payment would take your cash above your risk limit: hand in cash first")));
  }

  private static Future<Void> ownCustomer(SqlConnection conn, Caller agent, UUID customerId) {
    return AgentSaleStore.ownsCustomer(conn, agent.companyId(), agent.userId(), customerId)
        .compose(owns -> owns
            ? Future.<Void>succeededFuture()
            : Future.failedFuture(ApiException.notFound("customer")));
  }

  /** The sale this agent already made under {@code key}, or null; the key with other terms is a 409. */
  private Future<JsonObject> replay(Caller agent, String key, UUID customerId, SaleTerms terms) {
    return AgentSaleStore.earlierSale(pool, agent.companyId(), agent.userId(), key)
        .compose(earlier -> {
          if (earlier == null) {
            return Future.succeededFuture(null);
          }
          boolean same = earlier.customerId().equals(customerId)
              && earlier.applianceId().equals(terms.applianceId())
              && earlier.downPayment() == terms.downPayment();
          return same
              ? store.sale(pool, agent.companyId(), earlier.id())
              : Future.failedFuture(ApiException.conflict(
                  "DUPLICATE_TRANSACTION",
                  "Idempotency-Key " + key + " was already used for another sale"));
        });
  }

  private static boolean isSameKey(Throwable err) {
    return err instanceof PgException pg
        && "23505".equals(pg.getSqlState())
        && pg.getMessage() != null
        && pg.getMessage().contains("appliance_sales_agent_key");
  }
}
