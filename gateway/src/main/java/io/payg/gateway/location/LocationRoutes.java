package io.payg.gateway.location;

import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.Responses;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** {@code /api/v1/clusters}, {@code /mini-grids} (in a cluster), {@code /villages} (in a mini-grid). */
public final class LocationRoutes {

  private final LocationStore store;

  public LocationRoutes(LocationStore store) {
    this.store = store;
  }

  public void mount(Router router) {
    mount(router, "/api/v1/clusters", LocationStore.Level.CLUSTER, null);
    mount(router, "/api/v1/mini-grids", LocationStore.Level.MINI_GRID, "clusterId");
    mount(router, "/api/v1/villages", LocationStore.Level.VILLAGE, "miniGridId");
  }

  private void mount(Router router, String path, LocationStore.Level level, String parentField) {
    router.post(path).handler(ctx -> create(ctx, level, parentField));
    router
        .get(path)
        .handler(ctx -> Responses.json(
            ctx,
            200,
            store.list(
                Caller.require(ctx, Role.ADMIN, Role.OPERATOR, Role.AGENT).companyId(), level)));
  }

  private void create(RoutingContext ctx, LocationStore.Level level, String parentField) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    JsonInput in = JsonInput.of(ctx);
    String name = in.string("name", 200);
    UUID parent = parentField == null ? null : in.uuid(parentField);
    Responses.json(ctx, 201, store.create(caller, level, parent, name));
  }
}
