package io.payg.gateway.device;

import io.payg.domain.Serial;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.Responses;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;

/** {@code POST /api/v1/devices/{serial}/reassign} {customerId, reason?}: a meter changes hands. */
public final class DeviceRoutes {

  private final DeviceStore store;

  public DeviceRoutes(Pool pool) {
    this.store = new DeviceStore(pool);
  }

  public void mount(Router router) {
    router.post("/api/v1/devices/:serial/reassign").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      String serial = Serial.normalise(ctx.pathParam("serial"));
      if (serial == null || serial.length() > 64) {
        throw ApiException.notFound("device");
      }
      JsonInput in = JsonInput.of(ctx);
      Responses.json(ctx, 200, store.reassign(caller.companyId(), serial, in.uuid("customerId"), caller.userId(),
          in.optionalString("reason", 500)));
    });
  }
}
