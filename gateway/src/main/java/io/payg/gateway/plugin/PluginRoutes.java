package io.payg.gateway.plugin;

import io.payg.domain.plugin.PluginDescriptor;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.Role;
import io.payg.gateway.company.ProtectedPages;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.TreeSet;

/** {@code GET|PUT /api/v1/plugins/{name}}: ADMIN only; secrets are write-only. */
public final class PluginRoutes {

  private final PluginStore store;
  private final ProtectedPages protectedPages;
  private final int secretMinLength;
  private final PluginCatalog catalog;

  /** @param secretMinLength PLUGIN_SECRET_MIN_LENGTH, for {@link PluginCatalog#sharedSecretKeys} */
  public PluginRoutes(
      PluginStore store,
      ProtectedPages protectedPages,
      int secretMinLength,
      PluginCatalog catalog) {
    this.store = store;
    this.catalog = catalog;
    this.protectedPages = protectedPages;
    this.secretMinLength = secretMinLength;
  }

  public void mount(Router router) {
    // the catalog: what each plugin is and which settings it takes; no company's data in it
    router.get("/api/v1/plugins").handler(this::catalog);
    // settings name endpoints and accounts: a sensitive read behind the protected-pages password
    router
        .get("/api/v1/plugins/:name")
        .handler(protectedPages.guard(Role.ADMIN))
        .handler(this::get);
    // where money and secrets go: plugin settings are written behind the protected-pages password
    // too
    router
        .put("/api/v1/plugins/:name")
        .handler(protectedPages.guard(Role.ADMIN))
        .handler(this::put);
  }

  private void catalog(RoutingContext ctx) {
    Caller.require(ctx, Role.ADMIN);
    JsonArray items = new JsonArray();
    catalog.all().forEach(p -> {
      JsonArray settings = new JsonArray();
      p.settings()
          .forEach(s -> settings.add(new JsonObject()
              .put("name", s.name())
              .put("default", s.defaultValue())
              .put("description", s.description())
              .put("secret", s.secret())));
      items.add(new JsonObject()
          .put("name", p.name())
          .put("kind", p.kind().name())
          .put("title", p.title())
          .put("aliases", new JsonArray(p.aliases()))
          .put("settings", settings));
    });
    Responses.json(ctx, 200, Future.succeededFuture(new JsonObject().put("items", items)));
  }

  private void get(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN);
    PluginDescriptor<?, ?> plugin = plugin(ctx);
    Responses.json(
        ctx, 200, store.settings(caller.companyId(), plugin.name()).map(s -> view(plugin, s)));
  }

  private static final int MAX_SETTING = 16 * 1024;

  private void put(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN);
    PluginDescriptor<?, ?> plugin = plugin(ctx);
    JsonInput in = JsonInput.of(ctx);
    Object enabled = in.raw().getValue("enabled");
    if (!(enabled instanceof Boolean)) {
      throw ApiException.badRequest("'enabled' must be true or false");
    }
    JsonObject settings =
        in.raw().getValue("settings") instanceof JsonObject o ? o : new JsonObject();
    for (var e : settings) {
      // 16 KiB: room for a PEM certificate chain or private key (vodacom-tz clientCertificate,
      // clientKey)
      if (!(e.getValue() instanceof String) || ((String) e.getValue()).length() > MAX_SETTING) {
        throw ApiException.badRequest("setting '" + e.getKey() + "' must be a string of at most "
            + MAX_SETTING + " characters");
      }
      if (plugin.sharedSecretKeys().contains(e.getKey())
          && ((String) e.getValue()).length() < secretMinLength) {
        throw new ApiException(
            400,
            "SECRET_TOO_SHORT",
            "setting '" + e.getKey() + "' must be at least " + secretMinLength
                + " characters (it keys a signature; use a random one: openssl rand -base64 32)");
      }
    }
    Responses.json(
        ctx,
        200,
        store.save(caller, plugin, (Boolean) enabled, settings).map(s -> view(plugin, s)));
  }

  private PluginDescriptor<?, ?> plugin(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    return catalog.find(name).orElseThrow(() -> ApiException.notFound("plugin " + name));
  }

  /** Non-secret settings as they are; secrets only named, never returned. */
  private static JsonObject view(PluginDescriptor<?, ?> plugin, PluginSettings s) {
    JsonObject settings = new JsonObject();
    JsonArray secretsSet = new JsonArray();
    new TreeSet<>(s.settings().keySet()).forEach(k -> {
      if (plugin.secretKeys().contains(k)) {
        secretsSet.add(k);
      } else {
        settings.put(k, s.settings().get(k));
      }
    });
    return new JsonObject()
        .put("name", plugin.name())
        .put("kind", plugin.kind().name())
        .put("enabled", s.enabled())
        .put("settings", settings)
        .put("secretsSet", secretsSet);
  }
}
