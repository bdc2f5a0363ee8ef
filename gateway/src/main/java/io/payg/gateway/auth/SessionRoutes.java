package io.payg.gateway.auth;

import io.payg.gateway.http.JsonInput;
import io.payg.gateway.http.Responses;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /api/v1/auth/refresh} and {@code /logout}: public routes, the refresh token in the
 * body is the credential (an expired access token must not stop a refresh).
 */
public final class SessionRoutes {

  private final Sessions sessions;

  public SessionRoutes(Sessions sessions) {
    this.sessions = sessions;
  }

  public void mount(Router router) {
    router.post("/api/v1/auth/refresh").handler(this::refresh);
    router.post("/api/v1/auth/logout").handler(this::logout);
  }

  private void refresh(RoutingContext ctx) {
    Responses.json(ctx, 200, sessions.refresh(refreshToken(ctx)));
  }

  private void logout(RoutingContext ctx) {
    // 204 whether or not the token was known: logout is no oracle for valid tokens
    sessions
        .logout(refreshToken(ctx))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private static String refreshToken(RoutingContext ctx) {
    return JsonInput.of(ctx).string("refreshToken", 200);
  }
}
