package io.payg.gateway.company;

import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.LoginAttempts;
import io.payg.gateway.auth.PasswordHasher;
import io.payg.gateway.auth.Role;
import io.payg.gateway.auth.Sessions;
import io.payg.gateway.http.ApiException;
import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/** Company sign-up, login, and the company's protected-pages password. */
public final class CompanyRoutes {

  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");

  private final CompanyStore store;
  private final UserStore users;
  private final PasswordHasher hasher;
  private final Sessions sessions;
  private final LoginAttempts attempts;
  private final ProtectedPages protectedPages;
  private final int signUpsPerSource;

  /** @param signUpsPerSource SIGNUPS_PER_SOURCE_PER_HOUR */
  public CompanyRoutes(
      CompanyStore store,
      UserStore users,
      PasswordHasher hasher,
      Sessions sessions,
      LoginAttempts attempts,
      ProtectedPages protectedPages,
      int signUpsPerSource) {
    this.attempts = attempts;
    this.signUpsPerSource = signUpsPerSource;
    this.store = store;
    this.users = users;
    this.hasher = hasher;
    this.sessions = sessions;
    this.protectedPages = protectedPages;
  }

  /** Routes that need no access token. */
  public void mountPublic(Router router) {
    router.post("/api/v1/companies").handler(this::signUp);
    router.post("/api/v1/auth/login").handler(this::login);
  }

  /** Routes behind the access-token check. */
  public void mountProtected(Router router) {
    router.put("/api/v1/company/protected-pages-password").handler(this::setProtectedPagesPassword);
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
      if (!(p instanceof String s) || store.plugins().find(s).isEmpty()) {
        throw ApiException.badRequest(
            "unknown plugin " + p + "; known: " + store.plugins().names());
      }
      if (!plugins.contains(s)) {
        plugins.add(s);
      }
    }
    String adminName = admin.optionalString("name", 200);
    // counted per source before any bcrypt work, in PostgreSQL so it holds across instances
    Responses.json(
        ctx,
        201,
        attempts
            .reserveSignUp(source(ctx), signUpsPerSource)
            .compose(wait -> {
              if (wait > 0) {
                return Future.failedFuture(new ApiException(
                        429,
                        "TOO_MANY_SIGNUPS",
                        "Too many sign-ups from this address; try again in " + wait + " s")
                    .retryAfter(wait));
              }
              return hasher.forStranger(() -> hasher
                  .hash(password)
                  .compose(hash -> store.create(new CompanyStore.NewCompany(
                      name, country, currency, email, adminName, hash, plugins)))
                  .recover(CompanyRoutes::takenLooksCreated));
            })
            .map(id -> new JsonObject()
                .put("companyId", id.toString())
                .put("name", name)
                .put("currency", currency)
                .put("plugins", new JsonArray(plugins))));
  }

  /**
   * An email that already has a user: the same 201 as a fresh sign-up, after the same work (the
   * password hashed, the company inserted and rolled back), with an id that names nothing. So the
   * answer and its time do not tell a stranger which emails have accounts; the existing account
   * and its company are untouched. The cost: someone who signs up twice is not told; the login
   * with the new password fails and "forgot password" is the way back (docs/architecture.md).
   */
  private static Future<UUID> takenLooksCreated(Throwable t) {
    if (t instanceof ApiException e && "EMAIL_TAKEN".equals(e.code())) {
      return Future.succeededFuture(UUID.randomUUID());
    }
    return Future.failedFuture(t);
  }

  private static String source(RoutingContext ctx) {
    return ctx.request().remoteAddress() == null
        ? null
        : ctx.request().remoteAddress().hostAddress();
  }

  private void login(RoutingContext ctx) {
    JsonInput in = JsonInput.of(ctx);
    String email = in.string("email", 254);
    String password = in.string("password", 200);
    String source = source(ctx);
    // the attempt is counted before the password is checked: parallel guesses each see the others;
    // and the whole check is one of the few unauthenticated bcrypt jobs allowed at once
    Responses.json(
        ctx,
        200,
        hasher.forStranger(() -> attempts.reserve(email, source).compose(wait -> {
          if (wait > 0) {
            ctx.response().putHeader("Retry-After", String.valueOf(wait));
            return Future.failedFuture(new ApiException(
                429, "TOO_MANY_ATTEMPTS", "Too many wrong passwords; try again in " + wait + " s"));
          }
          return users
              .findLogin(email)
              .compose(login -> hasher
                  .verify(password, login == null ? null : login.passwordHash())
                  .compose(ok -> {
                    if (!ok) {
                      return Future.failedFuture(new ApiException(
                          401, "INVALID_CREDENTIALS", "Email or password is wrong"));
                    }
                    return attempts.succeeded(email, source).compose(v -> {
                      if (login.disabled()) {
                        return Future.failedFuture(Sessions.disabled());
                      }
                      return sessions.start(
                          new Caller(login.userId(), login.companyId(), login.role()));
                    });
                  }));
        })));
  }

  /**
   * Sets or changes the protected-pages password; changing it needs the current one (wrong
   * guesses are throttled like the header's).
   */
  private void setProtectedPagesPassword(RoutingContext ctx) {
    Caller caller = Caller.require(ctx, Role.ADMIN);
    JsonInput in = JsonInput.of(ctx);
    String password = in.string("password", 200);
    if (password.length() < 8) {
      throw ApiException.badRequest("'password' must be at least 8 characters");
    }
    String current = in.optionalString("currentPassword", 200);
    store
        .protectedPagesHash(caller.companyId())
        .compose(old -> old == null
            ? Future.succeededFuture()
            : protectedPages.check(ctx, caller.userId(), old, current))
        .compose(v -> hasher.hash(password))
        .compose(hash -> store.setProtectedPagesHash(caller, hash))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  static String email(JsonInput in) {
    String email = in.string("email", 254);
    if (!EMAIL.matcher(email).matches()) {
      throw ApiException.badRequest("'email' is not an email address");
    }
    return email;
  }

  static String password(JsonInput in) {
    String password = in.string("password", 200);
    if (password.length() < 10) {
      throw ApiException.badRequest("'password' must be at least 10 characters");
    }
    return password;
  }
}
