package io.payg.gateway.audit;

import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.Paging;
import io.payg.gateway.http.Responses;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import java.util.regex.Pattern;

/** {@code GET /api/v1/audit?entity=&entityId=&actor=&from=&to=} (ADMIN): who changed what, newest first. */
public final class AuditRoutes {

  private static final Pattern WORD = Pattern.compile("[a-z_]{1,40}");
  private static final Pattern ENTITY_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  private final AuditStore log;

  public AuditRoutes(AuditStore log) {
    this.log = log;
  }

  public void mount(Router router) {
    router.get("/api/v1/audit").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN);
      String entity = matching(ctx, "entity", WORD);
      String entityId = matching(ctx, "entityId", ENTITY_ID);
      String actor = ctx.queryParams().get("actor");
      UUID actorId;
      try {
        actorId = actor == null ? null : UUID.fromString(actor);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("'actor' must be a user id");
      }
      Responses.json(
          ctx,
          200,
          log.search(
              new AuditSearch(
                  caller.companyId(),
                  entity,
                  entityId,
                  actorId,
                  time(ctx, "from"),
                  time(ctx, "to")),
              Paging.before(ctx),
              Paging.limit(ctx)));
    });
  }

  private static String matching(RoutingContext ctx, String name, Pattern p) {
    String v = ctx.queryParams().get(name);
    if (v != null && !p.matcher(v).matches()) {
      throw ApiException.badRequest("'" + name + "' must match " + p.pattern());
    }
    return v;
  }

  private static OffsetDateTime time(RoutingContext ctx, String name) {
    String v = ctx.queryParams().get(name);
    try {
      return v == null ? null : OffsetDateTime.parse(v);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest(
          "'" + name + "' must be an ISO 8601 time such as 2026-01-16T00:00:00Z");
    }
  }
}
