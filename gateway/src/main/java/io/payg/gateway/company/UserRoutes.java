package io.payg.gateway.company;

import io.payg.gateway.auth.AccessRevocations;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.PasswordHasher;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/** {@code POST|GET /api/v1/users}, {@code PATCH /api/v1/users/{id}}: ADMIN, within the caller's company. */
public final class UserRoutes {

  private final UserStore store;
  private final PasswordHasher hasher;
  private final ProtectedPages protectedPages;
  private final Clock clock;
  private final AccessRevocations revocations;

  public UserRoutes(
      UserStore store,
      PasswordHasher hasher,
      ProtectedPages protectedPages,
      Clock clock,
      AccessRevocations revocations) {
    this.revocations = revocations;
    this.store = store;
    this.hasher = hasher;
    this.protectedPages = protectedPages;
    this.clock = clock;
  }

  public void mount(Router router) {
    // who can do what is guarded like the sensitive reads: an unattended session cannot add an
    // admin
    router.post("/api/v1/users").handler(protectedPages.guard(Role.ADMIN)).handler(this::create);
    router.get("/api/v1/users").handler(protectedPages.guard(Role.ADMIN)).handler(this::list);
    router
        .patch("/api/v1/users/:id")
        .handler(protectedPages.guard(Role.ADMIN))
        .handler(this::update);
  }

  private void create(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN);
    JsonInput in = JsonInput.of(ctx);
    String email = CompanyRoutes.email(in);
    String password = CompanyRoutes.password(in);
    Role role = in.enumValue("role", Role.class);
    String name = in.optionalString("name", 200);
    // an agent holds the company's cash up to this limit (minor units); 0 takes no cash
    long riskLimit = in.has("riskLimit") ? in.integer("riskLimit", 0, 1_000_000_000_000L) : 0;
    Responses.json(
        ctx,
        201,
        hasher
            .hash(password)
            .compose(hash -> store.createUser(caller, email, name, hash, role, riskLimit))
            .map(id -> new JsonObject()
                .put("id", id.toString())
                .put("email", email)
                .put("role", role.name())
                .put("riskLimit", riskLimit)));
  }

  private void list(RoutingContext ctx) {
    Caller caller = Caller.of(ctx); // role and protected password checked by the guard
    Responses.json(
        ctx,
        200,
        store.list(caller.companyId()).map(items -> new JsonObject().put("items", items)));
  }

  private void update(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN);
    UUID id = pathId(ctx);
    JsonInput in = JsonInput.of(ctx);
    Role role = in.has("role") ? in.enumValue("role", Role.class) : null;
    Object disabledValue = in.raw().getValue("disabled");
    if (disabledValue != null && !(disabledValue instanceof Boolean)) {
      throw ApiException.badRequest("'disabled' must be true or false");
    }
    Boolean disabled = (Boolean) disabledValue;
    String password = in.has("password") ? CompanyRoutes.password(in) : null;
    if (role == null && disabled == null && password == null) {
      throw ApiException.badRequest("send at least one of 'role', 'disabled', 'password'");
    }
    // an admin cannot lock themselves (and maybe the whole company) out
    if (id.equals(caller.userId())
        && (Boolean.TRUE.equals(disabled) || (role != null && role != Role.ADMIN))) {
      throw ApiException.unprocessable(
          "CANNOT_CHANGE_OWN_ACCESS", "You cannot disable yourself or drop your own ADMIN role");
    }
    Future<String> hash = password == null ? Future.succeededFuture() : hasher.hash(password);
    Instant at = clock.instant();
    Responses.json(
        ctx,
        200,
        hash.compose(h -> store.update(caller, id, new UserStore.Change(role, disabled, h), at))
            // this instance refuses the user's older access tokens at once; the others at their
            // next reload
            .onSuccess(v -> revocations.revokeNow(id, Instant.now())));
  }

  private static UUID pathId(RoutingContext ctx) {
    try {
      return UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound("user");
    }
  }
}
