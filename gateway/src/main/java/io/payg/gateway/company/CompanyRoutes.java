package io.payg.gateway.company;

import io.payg.gateway.auth.AccessTokens;
import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.LoginThrottle;
import io.payg.gateway.auth.PasswordHasher;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.Responses;
import io.payg.gateway.plugin.PluginCatalog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Company sign-up, login, and user creation. */
public final class CompanyRoutes {

  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");

  private final CompanyStore store;
  private final PasswordHasher hasher;
  private final AccessTokens tokens;
  private final LoginThrottle throttle;

  public CompanyRoutes(CompanyStore store, PasswordHasher hasher, AccessTokens tokens, LoginThrottle throttle) {
    this.throttle = throttle;
    this.store = store;
    this.hasher = hasher;
    this.tokens = tokens;
  }

  /** Routes that need no access token. */
  public void mountPublic(Router router) {
    router.post("/api/v1/companies").handler(this::signUp);
    router.post("/api/v1/auth/login").handler(this::login);
  }

  /** Routes behind the access-token check. */
  public void mountProtected(Router router) {
    router.post("/api/v1/users").handler(this::createUser);
  }

  private void signUp(RoutingContext ctx) {
    JsonInput in = JsonInput.of(ctx);
    String name = in.string("name", 200);
    String country = in.string("country", 2).toUpperCase(Locale.ROOT);
    if (!COUNTRY.matcher(country).matches()) {
      throw ApiException.badRequest("'country' must be an ISO 3166 alpha-2 code such as KE");
    }
    String currency = in.currency("currency");
    JsonInput admin = in.object("admin");
    String email = email(admin);
    String password = password(admin);
    List<String> plugins = new ArrayList<>();
    JsonArray requested = in.raw().getValue("plugins") instanceof JsonArray a ? a : new JsonArray();
    for (Object p : requested) {
      if (!(p instanceof String s) || PluginCatalog.find(s).isEmpty()) {
        throw ApiException.badRequest("unknown plugin " + p + "; known: " + PluginCatalog.names());
      }
      if (!plugins.contains(s)) {
        plugins.add(s);
      }
    }
    String adminName = admin.optionalString("name", 200);
    Responses.json(ctx, 201, hasher.hash(password)
        .compose(hash -> store.create(new CompanyStore.NewCompany(name, country, currency, email, adminName, hash, plugins)))
        .map(id -> new JsonObject().put("companyId", id.toString()).put("name", name).put("currency", currency)
            .put("plugins", new JsonArray(plugins))));
  }

  private void login(RoutingContext ctx) {
    JsonInput in = JsonInput.of(ctx);
    String email = in.string("email", 254);
    String password = in.string("password", 200);
    long wait = throttle.retryAfterSeconds(email);
    if (wait > 0) {
      ctx.response().putHeader("Retry-After", String.valueOf(wait));
      throw new ApiException(429, "TOO_MANY_ATTEMPTS", "Too many wrong passwords for this email; try again in " + wait + " s");
    }
    Responses.json(ctx, 200, store.findLogin(email)
        .compose(login -> hasher.verify(password, login == null ? null : login.passwordHash())
            .compose(ok -> {
              if (!ok) {
                throttle.failed(email);
                return Future.failedFuture(new ApiException(401, "INVALID_CREDENTIALS", "Email or password is wrong"));
              }
              throttle.succeeded(email);
              return Future.succeededFuture(tokens.issue(new Caller(login.userId(), login.companyId(), login.role())));
            })));
  }

  private void createUser(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN);
    JsonInput in = JsonInput.of(ctx);
    String email = email(in);
    String password = password(in);
    Role role = in.enumValue("role", Role.class);
    String name = in.optionalString("name", 200);
    // an agent holds the company's cash up to this limit (minor units); 0 takes no cash
    long riskLimit = in.has("riskLimit") ? in.integer("riskLimit", 0, 1_000_000_000_000L) : 0;
    Responses.json(ctx, 201, hasher.hash(password)
        .compose(hash -> store.createUser(caller.companyId(), email, name, hash, role, riskLimit))
        .map(id -> new JsonObject().put("id", id.toString()).put("email", email).put("role", role.name())
            .put("riskLimit", riskLimit)));
  }

  private static String email(JsonInput in) {
    String email = in.string("email", 254);
    if (!EMAIL.matcher(email).matches()) {
      throw ApiException.badRequest("'email' is not an email address");
    }
    return email;
  }

  private static String password(JsonInput in) {
    String password = in.string("password", 200);
    if (password.length() < 10) {
      throw ApiException.badRequest("'password' must be at least 10 characters");
    }
    return password;
  }
}
