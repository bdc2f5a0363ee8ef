package io.payg.gateway.reversal;

import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.company.ProtectedPages;
import io.payg.gateway.http.IdempotencyKey;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.PathParams;
import io.payg.gateway.http.Responses;
import io.vertx.ext.web.Router;
import java.util.UUID;

/**
 * {@code POST /api/v1/transactions/{id}/reversal} {@code {reason}} with a required
 * {@code Idempotency-Key}: ADMIN only, behind the protected-pages password. 201 with the
 * reversal; the same key again: 201 with the same reversal; another key: 409 ALREADY_REVERSED.
 */
public final class ReversalRoutes {

  private final ReversalService reversals;
  private final ProtectedPages protectedPages;

  public ReversalRoutes(ReversalService reversals, ProtectedPages protectedPages) {
    this.reversals = reversals;
    this.protectedPages = protectedPages;
  }

  public void mount(Router router) {
    router
        .post("/api/v1/transactions/:id/reversal")
        .handler(protectedPages.guard(Role.ADMIN))
        .handler(ctx -> {
          Caller caller = Caller.require(ctx, Role.ADMIN);
          UUID id = PathParams.uuid(ctx, "id", "transaction");
          String key = IdempotencyKey.required(ctx);
          String reason = JsonInput.of(ctx).string("reason", 500);
          Responses.json(
              ctx,
              201,
              reversals
                  .reverse(caller.companyId(), id, reason, key, caller.userId())
                  .map(ReversalService.Outcome::reversal));
        });
  }
}
