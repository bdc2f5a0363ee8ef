package io.payg.gateway.commission;

import io.payg.domain.commission.CommissionRule;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.IdempotencyKey;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.Paging;
import io.payg.gateway.http.PathParams;
import io.payg.gateway.http.Responses;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * Commission rates ({@code /api/v1/commissions/settings}), an agent's ledger (operators:
 * {@code /api/v1/agents/{id}/commissions}; the agent: {@code /api/v1/agent/commissions}) and
 * payouts ({@code POST /api/v1/agents/{id}/commission-payouts}).
 */
public final class CommissionRoutes {

  private final CommissionStore store;

  public CommissionRoutes(CommissionStore store) {
    this.store = store;
  }

  public void mount(Router router) {
    router.get("/api/v1/commissions/settings").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      Responses.json(ctx, 200, store.settings(caller.companyId()));
    });
    router.put("/api/v1/commissions/settings").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN);
      JsonInput in = JsonInput.of(ctx);
      int energy = (int) in.integer("energyRateBps", 0, CommissionRule.MAX_BPS);
      int appliance = (int) in.integer("applianceRateBps", 0, CommissionRule.MAX_BPS);
      Responses.json(ctx, 200, store.saveSettings(caller, energy, appliance));
    });
    router.get("/api/v1/agents/:id/commissions").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      ledger(ctx, caller, PathParams.uuid(ctx, "id", "agent"));
    });
    router.get("/api/v1/agent/commissions").handler(ctx -> {
      Caller agent = Caller.require(ctx, Role.AGENT);
      ledger(ctx, agent, agent.userId());
    });
    router.post("/api/v1/agents/:id/commission-payouts").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      UUID agentId = PathParams.uuid(ctx, "id", "agent");
      String key = IdempotencyKey.optional(ctx);
      JsonInput in = JsonInput.of(ctx);
      long amount = in.integer("amount", 1, 10_000_000_000_000L);
      Responses.json(ctx, 201, store.payout(caller, agentId, amount, in.currency("currency"), key));
    });
  }

  private void ledger(RoutingContext ctx, Caller caller, UUID agentId) {
    Responses.json(
        ctx, 200, store.ledger(caller.companyId(), agentId, Paging.before(ctx), Paging.limit(ctx)));
  }
}
