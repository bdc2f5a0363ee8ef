package io.payg.gateway.sale;

import io.payg.domain.Serial;
import io.payg.domain.sale.PaymentPlan;
import io.payg.domain.sale.Period;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.company.ProtectedPages;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.IdempotencyKey;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.PathParams;
import io.payg.gateway.http.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Locale;
import java.util.UUID;

/**
 * A sale's plan changes, ADMIN or OPERATOR, behind the protected-pages password (like a
 * reversal: they change what a customer owes), each with a required {@code Idempotency-Key}:
 * <ul>
 *   <li>{@code POST /api/v1/appliance-sales/{id}/reschedule} {@code {plan?, period?, firstDueDate?, reason?}}</li>
 *   <li>{@code POST /api/v1/appliance-sales/{id}/write-off} {@code {reason}}</li>
 * <li>{@code POST /api/v1/devices/{serial}/repossess} {@code {reason, openPaygo?: {secretKey, startingCode,
 * tokenCount?}}}</li>
 * </ul>
 * Each answers 200 with the sale after the change and a {@code change} object; the same key with
 * the same request answers the same again, with another request 409 IDEMPOTENCY_KEY_REUSED.
 */
public final class SalePlanRoutes {

  private final SalePlanStore store;
  private final ProtectedPages protectedPages;
  private final Clock clock;

  public SalePlanRoutes(SalePlanStore store, ProtectedPages protectedPages, Clock clock) {
    this.store = store;
    this.protectedPages = protectedPages;
    this.clock = clock;
  }

  public void mount(Router router) {
    router
        .post("/api/v1/appliance-sales/:id/reschedule")
        .handler(protectedPages.guard(Role.ADMIN, Role.OPERATOR))
        .handler(this::reschedule);
    router
        .post("/api/v1/appliance-sales/:id/write-off")
        .handler(protectedPages.guard(Role.ADMIN, Role.OPERATOR))
        .handler(this::writeOff);
    router
        .post("/api/v1/devices/:serial/repossess")
        .handler(protectedPages.guard(Role.ADMIN, Role.OPERATOR))
        .handler(this::repossess);
  }

  private void reschedule(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    UUID saleId = PathParams.uuid(ctx, "id", "appliance sale");
    String key = IdempotencyKey.required(ctx);
    JsonInput in = JsonInput.of(ctx);
    PaymentPlan plan = in.has("plan") ? SaleTerms.plan(in.object("plan")) : null;
    Period period = in.has("period") ? in.enumValue("period", Period.class) : null;
    LocalDate firstDueDate = SaleTerms.optionalDate(in, "firstDueDate");
    in.optionalString("reason", 500);
    if (plan == null && period == null && firstDueDate == null) {
      throw ApiException.badRequest("a reschedule needs a new 'plan', 'period' or 'firstDueDate'");
    }
    Responses.json(
        ctx,
        200,
        store.reschedule(
            caller, saleId, key, in.raw(), plan, period, firstDueDate, LocalDate.now(clock)));
  }

  private void writeOff(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    UUID saleId = PathParams.uuid(ctx, "id", "appliance sale");
    String key = IdempotencyKey.required(ctx);
    JsonInput in = JsonInput.of(ctx);
    String reason = in.string("reason", 500);
    Responses.json(ctx, 200, store.writeOff(caller, saleId, key, in.raw(), reason));
  }

  private void repossess(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    String serial = Serial.normalise(ctx.pathParam("serial"));
    String key = IdempotencyKey.required(ctx);
    JsonInput in = JsonInput.of(ctx);
    String reason = in.string("reason", 500);
    SalePlanStore.NewOpenPaygoKey newKey = null;
    JsonInput o = in.optionalObject("openPaygo");
    if (o != null) {
      String hex = o.string("secretKey", 32).toLowerCase(Locale.ROOT);
      if (!hex.matches("[0-9a-f]{32}")) {
        throw ApiException.badRequest(
            "'openPaygo.secretKey' must be 32 hexadecimal characters (16 bytes)");
      }
      newKey = new SalePlanStore.NewOpenPaygoKey(
          hex,
          o.integer("startingCode", 0, 999_999_999L),
          o.has("tokenCount") ? (int) o.integer("tokenCount", 0, 1_000_000) : 1);
    }
    // the key is a secret: the stored request (compared on replay) holds only that a new key was
    // given
    JsonObject request = in.raw().copy();
    if (request.getValue("openPaygo") instanceof JsonObject op) {
      request.put(
          "openPaygo",
          new JsonObject()
              .put("startingCode", op.getValue("startingCode"))
              .put("tokenCount", op.getValue("tokenCount"))
              .put("secretKey", "****"));
    }
    Responses.json(
        ctx,
        200,
        store.repossess(caller, serial, key, request.put("serial", serial), reason, newKey));
  }
}
