package io.payg.gateway.books;

import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.Responses;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** {@code GET /api/v1/books?from=&to=&provider=}: per provider and day, where the money received is now. */
public final class BooksRoutes {

  private final BooksStore store;

  public BooksRoutes(BooksStore store) {
    this.store = store;
  }

  public void mount(Router router) {
    router.get("/api/v1/books").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      LocalDate from = day(ctx, "from");
      LocalDate to = day(ctx, "to");
      if (from != null && to != null && to.isBefore(from)) {
        throw ApiException.badRequest("'to' must not be before 'from'");
      }
      Responses.json(
          ctx, 200, store.books(caller.companyId(), from, to, ctx.queryParams().get("provider")));
    });
  }

  private static LocalDate day(RoutingContext ctx, String param) {
    String v = ctx.queryParams().get(param);
    try {
      return v == null ? null : LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("'" + param + "' must be a day such as 2026-01-16 (UTC)");
    }
  }
}
