package io.payg.gateway.device;

import io.payg.domain.Serial;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.Responses;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

/**
 * {@code POST /api/v1/devices/{serial}/reassign} {customerId, reason?}: a meter changes hands;
 * {@code GET /api/v1/devices?q=}, {@code GET /api/v1/devices/{serial}}.
 */
public final class DeviceRoutes {

  private final DeviceStore store;

  public DeviceRoutes(Pool pool) {
    this.store = new DeviceStore(pool);
  }

  public void mount(Router router) {
    router.get("/api/v1/devices").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      String q = ctx.queryParams().get("q");
      if (q != null && (q.isBlank() || q.length() > 64 || q.chars().anyMatch(c -> c < 0x20))) {
        throw ApiException.badRequest("'q' must be 1 to 64 printable characters");
      }
      Responses.json(ctx, 200, store.search(caller.companyId(), q == null ? null : q.trim(),
          io.payg.gateway.http.Paging.before(ctx), io.payg.gateway.http.Paging.limit(ctx)));
    });
    router.get("/api/v1/devices/:serial").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      Responses.json(ctx, 200, store.get(caller.companyId(), serial(ctx)));
    });
    router.post("/api/v1/devices/:serial/reassign").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      String serial = serial(ctx);
      JsonInput in = JsonInput.of(ctx);
      Responses.json(ctx, 200, store.reassign(caller.companyId(), serial, in.uuid("customerId"), caller.userId(),
          in.optionalString("reason", 500)));
    });
  }

  static String serial(io.vertx.ext.web.RoutingContext ctx) {
    String serial = Serial.normalise(ctx.pathParam("serial"));
    // a NUL or other control character is no serial (and PostgreSQL text cannot hold a NUL)
    if (serial == null || serial.length() > 64 || serial.chars().anyMatch(c -> c < 0x20)) {
      throw ApiException.notFound("device");
    }
    return serial;
  }
}
