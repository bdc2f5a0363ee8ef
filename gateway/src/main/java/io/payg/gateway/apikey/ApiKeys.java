package io.payg.gateway.apikey;

import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.company.ProtectedPages;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.PathParams;
import io.payg.gateway.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.UserContextInternal;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

/**
 * Machine-to-machine keys for integrators: {@code Authorization: Bearer pgk_<43 base64url chars>}
 * (256 random bits), one role (ADMIN or OPERATOR) and optionally the scope {@code read} (GET only).
 * {@link #authenticate} runs before the JWT handler: a request with a key is decided here and
 * never reaches the JWT verifier; any other bearer goes on to it. The key is shown once by
 * {@code POST /api/v1/api-keys}; only its SHA-256 is stored, and a revoked key is refused at its
 * next request (each request looks its hash up). A key stands for the admin who created it (its
 * calls are attributed to them) and dies with that admin's access.
 */
public final class ApiKeys {

  public static final String PREFIX = "pgk_";
  /** The routing-context key set when the caller came with an API key (then JWT handlers step aside). */
  public static final String CONTEXT_KEY = "payg.apiKey";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int KEY_CHARS = PREFIX.length() + 43;

  private final ApiKeyStore store;
  private final ProtectedPages protectedPages;

  public ApiKeys(Pool pool, ProtectedPages protectedPages) {
    this.store = new ApiKeyStore(pool);
    this.protectedPages = protectedPages;
  }

  /** Whether this request was authenticated by an API key. */
  public static boolean authenticated(RoutingContext ctx) {
    return ctx.get(CONTEXT_KEY) != null;
  }

  /** A handler that runs {@code next} only for requests that did not come with an API key. */
  public static Handler<RoutingContext> unlessApiKey(Handler<RoutingContext> next) {
    return ctx -> {
      if (authenticated(ctx)) {
        ctx.next();
      } else {
        next.handle(ctx);
      }
    };
  }

  public void authenticate(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null
        || !header.regionMatches(true, 0, "Bearer ", 0, 7)
        || !header.substring(7).trim().startsWith(PREFIX)) {
      ctx.next();
      return;
    }
    String key = header.substring(7).trim();
    if (key.length() != KEY_CHARS) {
      ctx.fail(new ApiException(401, "UNAUTHENTICATED", "Not a valid API key"));
      return;
    }
    store.authenticate(sha256(key)).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      ApiKeyStore.Holder h = ar.result();
      if (h == null) {
        ctx.fail(new ApiException(401, "UNAUTHENTICATED", "This API key is unknown or revoked"));
        return;
      }
      if ("read".equals(h.scope()) && ctx.request().method() != HttpMethod.GET) {
        ctx.fail(ApiException.forbidden("This API key may only read (scope 'read')"));
        return;
      }
      // the principal Caller reads, as an access token's claims are
      JsonObject principal = new JsonObject()
          .put("sub", h.createdBy().toString())
          .put("cid", h.companyId().toString())
          .put("role", h.role())
          .put("apiKey", h.keyId().toString());
      // what an AuthenticationHandler does when it succeeds (vert.x-web keeps this setter internal)
      ((UserContextInternal) ctx.userContext()).setUser(User.create(principal));
      ctx.put(CONTEXT_KEY, h.keyId());
      ctx.next();
    });
  }

  public void mount(Router router) {
    router.post("/api/v1/api-keys").handler(protectedPages.guard(Role.ADMIN)).handler(ctx -> {
      Caller caller = human(ctx);
      JsonInput in = JsonInput.of(ctx);
      String name = in.string("name", 200);
      Role role = in.enumValue("role", Role.class);
      if (role == Role.AGENT) {
        throw ApiException.badRequest(
            "'role' must be ADMIN or OPERATOR (agents are people, with their own login)");
      }
      String scope = in.optionalString("scope", 20);
      if (scope != null && !scope.equals("read")) {
        throw ApiException.badRequest("'scope' must be 'read' or absent");
      }
      String key = newKey();
      Responses.json(
          ctx,
          201,
          store
              .create(
                  caller,
                  name,
                  role.name(),
                  scope,
                  sha256(key),
                  key.substring(0, PREFIX.length() + 6))
              .map(k -> k.put("key", key))); // shown this once
    });
    router.get("/api/v1/api-keys").handler(protectedPages.guard(Role.ADMIN)).handler(ctx -> {
      Caller caller = human(ctx);
      Responses.json(
          ctx,
          200,
          store.list(caller.companyId()).map(items -> new JsonObject().put("items", items)));
    });
    router
        .delete("/api/v1/api-keys/:id")
        .handler(protectedPages.guard(Role.ADMIN))
        .handler(ctx -> {
          Caller caller = human(ctx);
          UUID id = PathParams.uuid(ctx, "id", "API key");
          Responses.json(
              ctx,
              200,
              store
                  .revoke(caller, id)
                  .compose(k -> k == null
                      ? Future.failedFuture(ApiException.notFound("API key"))
                      : Future.succeededFuture(k)));
        });
  }

  /** Keys are managed by people: a key cannot mint, list or revoke keys. */
  private static Caller human(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN);
    if (authenticated(ctx)) {
      throw ApiException.forbidden(
          "API keys are managed by a signed-in admin, not with an API key");
    }
    return caller;
  }

  private static String newKey() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
