package io.payg.gateway.transaction;

import io.payg.domain.Serial;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.company.ProtectedPages;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.PathParams;
import io.payg.gateway.http.Responses;
import io.payg.gateway.outbox.OutboxWorker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.UUID;

/** {@code GET /api/v1/transactions} (filtered, paged) and {@code GET /api/v1/transactions/{id}}. */
public final class TransactionRoutes {

  private static final Set<String> STATUSES =
      Set.of("PROCESSED", "TOKEN_PENDING", "COMPLETED", "TOKEN_FAILED", "REVERSED");
  private final TransactionStore store;
  private final Vertx vertx;

  private final TransactionExport export;
  private final ProtectedPages protectedPages;

  public TransactionRoutes(TransactionStore store, Vertx vertx, ProtectedPages protectedPages) {
    this.store = store;
    this.vertx = vertx;
    this.export = new TransactionExport(store);
    this.protectedPages = protectedPages;
  }

  public void mount(Router router) {
    router.get("/api/v1/transactions").handler(this::search);
    // a bulk export of the company's payments (phone numbers, tokens) is sensitive: behind the
    // protected-pages password once the company set one
    router
        .get("/api/v1/transactions/export.csv")
        .handler(protectedPages.guard(Role.ADMIN, Role.OPERATOR))
        .handler(this::export); // before /:id, which would take "export.csv"
    router.get("/api/v1/transactions/:id").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      Responses.json(
          ctx, 200, store.get(caller.companyId(), PathParams.uuid(ctx, "id", "transaction")));
    });
    router.post("/api/v1/transactions/:id/token/retry").handler(ctx -> requeue(ctx, "TOKEN"));
    router.post("/api/v1/transactions/:id/sms/resend").handler(ctx -> requeue(ctx, "SMS"));
  }

  private void requeue(RoutingContext ctx, String kind) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    UUID id = PathParams.uuid(ctx, "id", "transaction");
    Future<Void> done =
        kind.equals("TOKEN") ? store.retryToken(caller, id) : store.resendSms(caller, id);
    Responses.json(
        ctx,
        202,
        done.onSuccess(v -> vertx.eventBus().send(OutboxWorker.wakeAddress(kind), null))
            .compose(v -> store.get(caller.companyId(), id)));
  }

  /** {@code GET /api/v1/transactions/export.csv}: the same filters as the list, every matching row, streamed. */
  private void export(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    String status = status(ctx);
    export.stream(
            ctx.response(),
            TransactionSearch.of(caller.companyId())
                .filtered(
                    Serial.normalise(ctx.queryParams().get("serial")),
                    status,
                    ctx.queryParams().get("provider"),
                    time(ctx, "from"),
                    time(ctx, "to")))
        .onFailure(err -> {
          if (!ctx.response().headWritten()) {
            ctx.fail(err);
          }
        });
  }

  private static String status(RoutingContext ctx) {
    String status = ctx.queryParams().get("status");
    if (status != null && !STATUSES.contains(status)) {
      throw ApiException.badRequest("'status' must be one of " + STATUSES);
    }
    return status;
  }

  private void search(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    String status = status(ctx);
    int limit = 50;
    String l = ctx.queryParams().get("limit");
    if (l != null) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > 500) {
        throw ApiException.badRequest("'limit' must be between 1 and 500");
      }
    }
    TransactionSearch criteria = TransactionSearch.of(caller.companyId())
        .filtered(
            Serial.normalise(ctx.queryParams().get("serial")),
            status,
            ctx.queryParams().get("provider"),
            time(ctx, "from"),
            time(ctx, "to"));
    Responses.json(ctx, 200, store.search(criteria, time(ctx, "before"), limit));
  }

  private static OffsetDateTime time(RoutingContext ctx, String param) {
    String v = ctx.queryParams().get(param);
    if (v == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(v);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(
          "'" + param + "' must be an ISO 8601 time such as 2026-01-16T00:00:00Z");
    }
  }
}
