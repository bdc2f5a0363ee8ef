package io.payg.gateway.device;

import io.payg.domain.Serial;
import io.payg.domain.port.TokenIssuer;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.company.ProtectedPages;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.IdempotencyKey;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.Paging;
import io.payg.gateway.http.Responses;
import io.payg.gateway.outbox.OutboxWorker;
import io.payg.gateway.plugin.PluginStore;
import io.payg.gateway.sms.MaintenanceSmsHandler;
import io.payg.gateway.token.ManufacturerCalls;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.Map;

/**
 * {@code POST /api/v1/devices/{serial}/reassign} {customerId, reason?}: a meter changes hands;
 * {@code GET /api/v1/devices?q=}, {@code GET /api/v1/devices/{serial}}; {@code POST
 * /api/v1/devices/{serial}/tokens}: a token without money ({@link MaintenanceTokens}).
 */
public final class DeviceRoutes {

  private final DeviceStore store;
  private final MaintenanceTokens maintenance;
  private final ProtectedPages protectedPages;

  public DeviceRoutes(
      Pool pool,
      PluginStore plugins,
      Map<String, TokenIssuer> issuers,
      ManufacturerCalls calls,
      ProtectedPages protectedPages) {
    this.store = new DeviceStore(pool);
    this.maintenance = new MaintenanceTokens(
        pool, plugins.secrets(), new ManufacturerUnlocks(pool, plugins, issuers, calls));
    this.protectedPages = protectedPages;
  }

  public void mount(Router router) {
    // a token without money opens a device: behind the protected-pages password, like reversals
    router
        .post("/api/v1/devices/:serial/tokens")
        .handler(protectedPages.guard(Role.ADMIN, Role.OPERATOR))
        .handler(ctx -> {
          Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
          String key = IdempotencyKey.required(ctx);
          String serial = serial(ctx);
          JsonInput in = JsonInput.of(ctx);
          MaintenanceTokens.Kind kind = in.enumValue("kind", MaintenanceTokens.Kind.class);
          Object sms = in.raw().getValue("sendSms", false);
          if (!(sms instanceof Boolean)) {
            throw ApiException.badRequest("'sendSms' must be true or false");
          }
          Responses.json(
              ctx,
              201,
              maintenance
                  .issue(
                      caller,
                      serial,
                      kind,
                      in.optionalInteger("value", 0, 999_999),
                      in.string("reason", 500),
                      key,
                      (Boolean) sms)
                  .onSuccess(t -> {
                    if ("QUEUED".equals(t.getString("sms"))) {
                      ctx.vertx()
                          .eventBus()
                          .send(OutboxWorker.wakeAddress(MaintenanceSmsHandler.KIND), null);
                    }
                  }));
        });
    router.get("/api/v1/devices").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      String q = ctx.queryParams().get("q");
      if (q != null && (q.isBlank() || q.length() > 64 || q.chars().anyMatch(c -> c < 0x20))) {
        throw ApiException.badRequest("'q' must be 1 to 64 printable characters");
      }
      Responses.json(
          ctx,
          200,
          store.search(
              caller.companyId(),
              q == null ? null : q.trim(),
              Paging.before(ctx),
              Paging.limit(ctx)));
    });
    router.get("/api/v1/devices/:serial").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      Responses.json(ctx, 200, store.get(caller.companyId(), serial(ctx)));
    });
    router.post("/api/v1/devices/:serial/reassign").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      String serial = serial(ctx);
      JsonInput in = JsonInput.of(ctx);
      Responses.json(
          ctx,
          200,
          store.reassign(caller, serial, in.uuid("customerId"), in.optionalString("reason", 500)));
    });
  }

  static String serial(RoutingContext ctx) {
    String serial = Serial.normalise(ctx.pathParam("serial"));
    // a NUL or other control character is no serial (and PostgreSQL text cannot hold a NUL)
    if (serial == null || serial.length() > 64 || serial.chars().anyMatch(c -> c < 0x20)) {
      throw ApiException.notFound("device");
    }
    return serial;
  }
}
