package io.payg.gateway.sale;

import io.payg.domain.Serial;
import io.payg.gateway.audit.AuditStore;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.PathParams;
import io.payg.gateway.http.Responses;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /api/v1/appliances}, {@code POST /api/v1/customers/{id}/appliance-sales} (answers
 * the full schedule) and {@code GET /api/v1/appliance-sales/{id}}.
 */
public final class SaleRoutes {

  private static final Set<String> TYPES = Set.of("SHS", "EBIKE", "OTHER");
  private final Pool pool;
  private final SaleStore store;
  private final Clock clock;

  public SaleRoutes(Pool pool, SaleStore store, Clock clock) {
    this.pool = pool;
    this.store = store;
    this.clock = clock;
  }

  public void mount(Router router) {
    router.post("/api/v1/appliances").handler(this::createAppliance);
    router.post("/api/v1/customers/:id/appliance-sales").handler(this::sell);
    router.get("/api/v1/appliance-sales/:id").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      Responses.json(
          ctx,
          200,
          store.sale(pool, caller.companyId(), PathParams.uuid(ctx, "id", "appliance sale")));
    });
  }

  private void createAppliance(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    JsonInput in = JsonInput.of(ctx);
    String type = in.string("type", 8);
    if (!TYPES.contains(type)) {
      throw ApiException.badRequest("'type' must be one of " + TYPES);
    }
    Responses.json(
        ctx,
        201,
        store.createAppliance(
            caller,
            in.string("name", 200),
            type,
            in.integer("price", 1, 1_000_000_000_000L),
            in.currency("currency")));
  }

  private void sell(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    UUID customerId = PathParams.uuid(ctx, "id", "customer");
    JsonInput in = JsonInput.of(ctx);
    SaleTerms terms = SaleTerms.read(in, LocalDate.now(clock));
    String serial = Serial.normalise(in.optionalString("deviceSerial", 64));
    UUID companyId = caller.companyId();
    Responses.json(
        ctx,
        201,
        pool.withTransaction(conn -> store
            .appliance(conn, companyId, terms.applianceId())
            .compose(appliance -> store
                .deviceFor(conn, companyId, customerId, serial, appliance.type())
                .compose(deviceId -> store.createSale(
                    conn,
                    companyId,
                    customerId,
                    appliance,
                    deviceId,
                    terms.toSale(appliance.price()),
                    terms.downPaymentReceived())))
            .compose(saleId -> store.sale(conn, companyId, saleId))
            .compose(sale -> AuditStore.record(
                    conn,
                    caller,
                    "sale.created",
                    "appliance_sale",
                    sale.getString("id"),
                    null,
                    sale.copy().put("customerId", customerId.toString()))
                .map(sale))));
  }
}
