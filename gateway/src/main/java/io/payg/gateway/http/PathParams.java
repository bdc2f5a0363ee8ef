package io.payg.gateway.http;

import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

public final class PathParams {

  private PathParams() {}

  /** A path id; one that is not a UUID cannot exist, so it is a 404 like any unknown id. */
  public static UUID uuid(RoutingContext ctx, String param, String what) {
    try {
      return UUID.fromString(ctx.pathParam(param));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw ApiException.notFound(what);
    }
  }
}
