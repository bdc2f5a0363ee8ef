package io.payg.gateway.ticket;

import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.Paging;
import io.payg.gateway.http.PathParams;
import io.payg.gateway.http.Responses;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.UUID;

/**
 * Support tickets. Operators open, list, read, update and comment on any of the company's
 * tickets; an agent opens tickets about their own customers and lists the tickets they opened.
 */
public final class TicketRoutes {

  static final Set<String> STATUSES = Set.of("OPEN", "IN_PROGRESS", "RESOLVED", "CLOSED");
  private final TicketStore store;

  public TicketRoutes(TicketStore store) {
    this.store = store;
  }

  public void mount(Router router) {
    router.post("/api/v1/tickets").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      Responses.json(ctx, 201, store.create(caller, null, newTicket(JsonInput.of(ctx), false)));
    });
    router.get("/api/v1/tickets").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      String customer = ctx.queryParams().get("customerId");
      UUID customerId;
      try {
        customerId = customer == null ? null : UUID.fromString(customer);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("'customerId' must be an id");
      }
      Responses.json(
          ctx,
          200,
          store.search(
              new TicketSearch(
                  caller.companyId(), null, status(ctx.queryParams().get("status")), customerId),
              Paging.before(ctx),
              Paging.limit(ctx)));
    });
    router.get("/api/v1/tickets/:id").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      Responses.json(
          ctx, 200, store.get(caller.companyId(), null, PathParams.uuid(ctx, "id", "ticket")));
    });
    router.patch("/api/v1/tickets/:id").handler(this::update);
    router.post("/api/v1/tickets/:id/comments").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
      UUID id = PathParams.uuid(ctx, "id", "ticket");
      Responses.json(ctx, 201, store.comment(caller, id, JsonInput.of(ctx).string("body", 5000)));
    });
    router.post("/api/v1/agent/tickets").handler(ctx -> {
      Caller agent = Caller.require(ctx, Role.AGENT);
      Responses.json(
          ctx, 201, store.create(agent, agent.userId(), newTicket(JsonInput.of(ctx), true)));
    });
    router.get("/api/v1/agent/tickets").handler(ctx -> {
      Caller agent = Caller.require(ctx, Role.AGENT);
      Responses.json(
          ctx,
          200,
          store.search(
              new TicketSearch(
                  agent.companyId(), agent.userId(), status(ctx.queryParams().get("status")), null),
              Paging.before(ctx),
              Paging.limit(ctx)));
    });
  }

  /** An agent's ticket is always about one of their customers; an operator's may be general. */
  private static TicketStore.NewTicket newTicket(JsonInput in, boolean customerRequired) {
    UUID customerId = customerRequired ? in.uuid("customerId") : in.optionalUuid("customerId");
    return new TicketStore.NewTicket(
        customerId,
        in.string("title", 200),
        in.string("description", 5000),
        in.optionalString("category", 64));
  }

  private void update(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR);
    UUID id = PathParams.uuid(ctx, "id", "ticket");
    JsonInput in = JsonInput.of(ctx);
    String status = in.has("status") ? status(in.string("status", 16)) : null;
    // assigneeUserId: an id assigns, an explicit null unassigns, absent leaves it
    boolean clear =
        in.raw().containsKey("assigneeUserId") && in.raw().getValue("assigneeUserId") == null;
    UUID assignee = in.optionalUuid("assigneeUserId");
    if (status == null && assignee == null && !clear) {
      throw ApiException.badRequest("send 'status' and/or 'assigneeUserId'");
    }
    Responses.json(ctx, 200, store.update(caller, id, status, assignee, clear));
  }

  private static String status(String s) {
    if (s != null && !STATUSES.contains(s)) {
      throw ApiException.badRequest("'status' must be one of " + STATUSES);
    }
    return s;
  }
}
