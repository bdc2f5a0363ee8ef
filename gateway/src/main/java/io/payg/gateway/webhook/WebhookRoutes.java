package io.payg.gateway.webhook;

import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.company.ProtectedPages;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.Paging;
import io.payg.gateway.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * {@code GET|PUT /api/v1/webhooks} (ADMIN; PUT behind the protected-pages password) and
 * {@code GET /api/v1/webhooks/deliveries} (ADMIN). The signing secret is shown in the PUT that
 * creates the endpoint, or that sends {@code rotateSecret: true}, and never again.
 */
public final class WebhookRoutes {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final WebhookStore store;
  private final ProtectedPages protectedPages;

  public WebhookRoutes(WebhookStore store, ProtectedPages protectedPages) {
    this.store = store;
    this.protectedPages = protectedPages;
  }

  public void mount(Router router) {
    router.get("/api/v1/webhooks").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN);
      Responses.json(
          ctx,
          200,
          store
              .get(caller.companyId())
              .compose(e -> e == null
                  ? Future.failedFuture(ApiException.notFound("No webhook endpoint is set"))
                  : Future.succeededFuture(e)));
    });
    router.put("/api/v1/webhooks").handler(protectedPages.guard(Role.ADMIN)).handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN);
      JsonInput in = JsonInput.of(ctx);
      String url = url(in.string("url", 2000));
      List<String> events = events(in.raw().getValue("events"));
      Object enabled = in.raw().getValue("enabled", true);
      Object rotate = in.raw().getValue("rotateSecret", false);
      if (!(enabled instanceof Boolean) || !(rotate instanceof Boolean)) {
        throw ApiException.badRequest("'enabled' and 'rotateSecret' must be true or false");
      }
      Responses.json(
          ctx, 200, store.put(caller, url, events, (Boolean) enabled, newSecret(), (Boolean)
              rotate));
    });
    router.get("/api/v1/webhooks/deliveries").handler(ctx -> {
      Caller caller = Caller.require(ctx, Role.ADMIN);
      Responses.json(
          ctx,
          200,
          store
              .deliveries(caller.companyId(), Paging.before(ctx), Paging.limit(ctx))
              .map(items -> new JsonObject().put("items", items)));
    });
  }

  /** http(s) with a host; which addresses may be called is the outbound policy's decision, at each delivery. */
  private static String url(String raw) {
    try {
      URI u = new URI(raw);
      if (("https".equals(u.getScheme()) || "http".equals(u.getScheme()))
          && u.getHost() != null
          && u.getUserInfo() == null) {
        return raw;
      }
    } catch (URISyntaxException e) {
      // answered below
    }
    throw ApiException.badRequest("'url' must be an http(s) URL with a host and no credentials");
  }

  private static List<String> events(Object raw) {
    if (!(raw instanceof JsonArray arr) || arr.isEmpty()) {
      throw ApiException.badRequest("'events' must be a non-empty array of " + WebhookEvents.TYPES);
    }
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (Object o : arr) {
      if (!(o instanceof String s) || !WebhookEvents.TYPES.contains(s)) {
        throw ApiException.badRequest("'events' may only hold " + WebhookEvents.TYPES);
      }
      out.add(s);
    }
    return new ArrayList<>(out);
  }

  /** 256 random bits; the prefix tells an operator which secret this is. */
  private static String newSecret() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
