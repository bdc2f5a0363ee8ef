package io.payg.gateway.auth;

import io.payg.gateway.http.ApiException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.UUID;

/**
 * Who is calling, taken from the verified access token only — never from the request body or
 * path. Every store method takes the caller's {@code companyId}: this is where tenancy is
 * enforced.
 */
public record Caller(UUID userId, UUID companyId, Role role) {

  static final String CLAIM_COMPANY = "cid";
  static final String CLAIM_ROLE = "role";

  public static Caller of(RoutingContext ctx) {
    User user = ctx.user();
    if (user == null) {
      throw new ApiException(401, "UNAUTHENTICATED", "A valid bearer token is required");
    }
    JsonObject p = user.principal();
    try {
      return new Caller(
          UUID.fromString(p.getString("sub")),
          UUID.fromString(p.getString(CLAIM_COMPANY)),
          Role.valueOf(p.getString(CLAIM_ROLE)));
    } catch (RuntimeException e) {
      throw new ApiException(
          401, "UNAUTHENTICATED", "The access token does not carry a user, company and role");
    }
  }

  /** The caller, if their role is one of {@code allowed}; else 403. */
  public static Caller require(RoutingContext ctx, Role... allowed) {
    Caller caller = of(ctx);
    if (Arrays.stream(allowed).noneMatch(r -> r == caller.role)) {
      throw ApiException.forbidden("This needs one of the roles " + Arrays.toString(allowed));
    }
    return caller;
  }

  JsonObject claims() {
    return new JsonObject()
        .put("sub", userId.toString())
        .put(CLAIM_COMPANY, companyId.toString())
        .put(CLAIM_ROLE, role.name());
  }
}
