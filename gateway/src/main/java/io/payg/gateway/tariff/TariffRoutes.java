package io.payg.gateway.tariff;

import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.PathParams;
import io.payg.gateway.http.Responses;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** {@code POST /api/v1/tariffs}, {@code GET /api/v1/tariffs/{id}}. */
public final class TariffRoutes {

  private static final long MAX_MONEY = 1_000_000_000_000L;
  private final TariffStore store;

  public TariffRoutes(TariffStore store) {
    this.store = store;
  }

  public void mount(Router router) {
    router.post("/api/v1/tariffs").handler(this::create);
    router.get("/api/v1/tariffs/:id").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR, Role.AGENT);
      Responses.json(ctx, 200, store.get(caller.companyId(), PathParams.uuid(ctx, "id", "tariff")));
    });
  }

  private void create(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    JsonInput in = JsonInput.of(ctx);
    JsonInput access = in.optionalObject("accessRate");
    Long accessAmount = access == null ? null : access.integer("amount", 1, MAX_MONEY);
    Integer period = access == null ? null : (int) access.integer("periodDays", 1, 3650);
    TariffStore.NewTariff t = new TariffStore.NewTariff(
        in.string("name", 200),
        in.currency("currency"),
        in.integer("pricePerKwh", 1, MAX_MONEY),
        in.has("minimumPurchase") ? in.integer("minimumPurchase", 0, MAX_MONEY) : 0,
        accessAmount,
        period);
    Responses.json(ctx, 201, store.create(caller, t));
  }
}
