package io.payg.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Ends a request with the outcome of a Future: JSON on success, a problem on failure. */
public final class Responses {

  private Responses() {}

  public static void json(RoutingContext ctx, int status, Future<?> result) {
    result.onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      Object value = ar.result();
      String body = value instanceof JsonObject o
          ? o.encode()
          : value instanceof JsonArray a ? a.encode() : String.valueOf(value);
      ctx.response()
          .setStatusCode(status)
          .putHeader("Content-Type", "application/json")
          .end(body);
    });
  }
}
