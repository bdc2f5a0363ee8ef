package io.payg.gateway.collection;

import io.payg.domain.Money;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.IdempotencyKey;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.PathParams;
import io.payg.gateway.http.Responses;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * {@code POST /api/v1/collections} (AGENT, OPERATOR, ADMIN) with an {@code Idempotency-Key}
 * header (the caller's own: two callers' keys never meet), answering 202 with the collection and
 * its status URL; an agent only for the devices of their own customers. {@code GET /api/v1/collections/{id}}.
 */
public final class CollectionRoutes {

  private static final Pattern MSISDN = Pattern.compile("[0-9]{8,15}");
  private final CollectionService collections;

  public CollectionRoutes(CollectionService collections) {
    this.collections = collections;
  }

  public void mount(Router router) {
    router.post("/api/v1/collections").handler(this::request);
    router.get("/api/v1/collections/:id").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR, Role.AGENT);
      Responses.json(
          ctx, 200, collections.get(caller.companyId(), PathParams.uuid(ctx, "id", "collection")));
    });
  }

  private void request(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN, Role.OPERATOR, Role.AGENT);
    String key = IdempotencyKey.required(ctx);
    JsonInput in = JsonInput.of(ctx);
    String msisdn = in.string("msisdn", 16).replace("+", "");
    if (!MSISDN.matcher(msisdn).matches()) {
      throw ApiException.badRequest(
          "'msisdn' must be a phone number with its country code, such as 256772123456");
    }
    Money amount = Money.of(in.integer("amount", 1, 10_000_000_000_000L), in.currency("currency"));
    CollectionService.NewCollection c = new CollectionService.NewCollection(
        in.string("provider", 32), key, caller.userId(), msisdn, in.string("serial", 64), amount);
    Responses.json(
        ctx,
        202,
        caller.role() == Role.AGENT
            ? collections.requestByAgent(caller.companyId(), c)
            : collections.request(caller.companyId(), c));
  }
}
