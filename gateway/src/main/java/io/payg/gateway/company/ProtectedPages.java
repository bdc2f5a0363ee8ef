package io.payg.gateway.company;

import io.payg.gateway.auth.Caller;
import io.payg.gateway.auth.LoginThrottle;
import io.payg.gateway.auth.PasswordHasher;
import io.payg.gateway.auth.Role;
import io.payg.gateway.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * The protected-pages password (as in MicroPowerManager): once a company's admin sets one,
 * sensitive reads need it in the {@code X-Protected-Password} header besides the caller's role,
 * so an unattended logged-in screen does not open them. Wrong passwords are throttled per user
 * like logins.
 */
public final class ProtectedPages {

  public static final String HEADER = "X-Protected-Password";

  private final CompanyStore companies;
  private final PasswordHasher hasher;
  private final LoginThrottle throttle;

  public ProtectedPages(CompanyStore companies, PasswordHasher hasher, LoginThrottle throttle) {
    this.companies = companies;
    this.hasher = hasher;
    this.throttle = throttle;
  }

  /**
   * A route handler placed before a sensitive read: the caller must have one of {@code roles}
   * and, when the company has a protected-pages password, send it. Then the next handler runs.
   */
  public Handler<RoutingContext> guard(Role... roles) {
    return ctx -> {
      Caller caller = Caller.require(ctx, roles);
      companies
          .protectedPagesHash(caller.companyId())
          .compose(hash -> hash == null
              ? Future.succeededFuture()
              : check(ctx, caller.userId(), hash, ctx.request().getHeader(HEADER)))
          .onSuccess(v -> ctx.next())
          .onFailure(ctx::fail);
    };
  }

  /** Succeeds when {@code presented} is the password of {@code hash}; a 403 or 429 problem otherwise. */
  Future<Void> check(RoutingContext ctx, UUID userId, String hash, String presented) {
    if (presented == null || presented.isEmpty()) {
      return Future.failedFuture(new ApiException(
          403,
          "PROTECTED_PASSWORD_REQUIRED",
          "This page is protected: send the company's protected-pages password in " + HEADER));
    }
    String key = "protected-pages:" + userId;
    long wait = throttle.retryAfterSeconds(key);
    if (wait > 0) {
      ctx.response().putHeader("Retry-After", String.valueOf(wait));
      return Future.failedFuture(new ApiException(
          429,
          "TOO_MANY_ATTEMPTS",
          "Too many wrong protected-pages passwords; try again in " + wait + " s"));
    }
    return hasher.verify(presented, hash).compose(ok -> {
      if (!ok) {
        throttle.failed(key);
        return Future.failedFuture(new ApiException(
            403, "PROTECTED_PASSWORD_WRONG", "The protected-pages password is wrong"));
      }
      throttle.succeeded(key);
      return Future.succeededFuture();
    });
  }
}
