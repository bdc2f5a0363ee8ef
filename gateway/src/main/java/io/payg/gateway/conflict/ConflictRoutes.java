package io.payg.gateway.conflict;

import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.PathParams;
import io.payg.gateway.http.Responses;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/v1/conflicts?resolved=false|true} and
 * {@code POST /api/v1/conflicts/{id}/resolve {resolution}}: replays of a provider transaction
 * id with another amount, currency or serial, kept for an operator. Resolving records what the
 * operator decided; it never changes the first payment.
 */
public final class ConflictRoutes {

  private final ConflictStore store;

  public ConflictRoutes(ConflictStore store) {
    this.store = store;
  }

  public void mount(Router router) {
    router.get("/api/v1/conflicts").handler(this::list);
    router.post("/api/v1/conflicts/:id/resolve").handler(this::resolve);
  }

  private void list(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    boolean resolved = "true".equals(ctx.queryParams().get("resolved"));
    Responses.json(ctx, 200, store.list(caller.companyId(), resolved));
  }

  private void resolve(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    String resolution = JsonInput.of(ctx).string("resolution", 1000);
    Responses.json(
        ctx, 200, store.resolve(caller, PathParams.uuid(ctx, "id", "conflict"), resolution));
  }
}
