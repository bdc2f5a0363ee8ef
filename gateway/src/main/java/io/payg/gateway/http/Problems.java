package io.payg.gateway.http;

import io.netty.channel.unix.Errors;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.SocketException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 9457 problem documents: every error the REST API answers has {@code type, title, status,
 * detail} and a stable machine {@code code}. Bad input is a 4xx with what was wrong; a 500
 * says nothing of the internals and is logged with its cause.
 */
public final class Problems {

  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  public static final String CONTENT_TYPE = "application/problem+json";

  private Problems() {}

  public static void send(RoutingContext ctx, int status, String code, String detail) {
    send(ctx, status, code, detail, null);
  }

  /** With extension members (RFC 9457 section 3.2), e.g. {@code errors} with each field's JSON pointer. */
  public static void send(
      RoutingContext ctx, int status, String code, String detail, JsonObject extensions) {
    if (ctx.response().headWritten()) {
      return;
    }
    JsonObject body = new JsonObject()
        .put("type", "https://payg-gateway.dev/problems/" + code.toLowerCase().replace('_', '-'))
        .put("title", title(status))
        .put("status", status)
        .put("detail", detail)
        .put("code", code)
        .put("instance", ctx.request().path());
    if (extensions != null) {
      extensions.forEach(e -> body.put(e.getKey(), e.getValue()));
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE).end(body.encode());
  }

  /** The router's failure handler: turns whatever failed into a problem document. */
  public static void handleFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof ApiException e) {
      if (e.retryAfterSeconds() >= 0) {
        ctx.response().putHeader("Retry-After", String.valueOf(e.retryAfterSeconds()));
      }
      send(ctx, e.status(), e.code(), e.getMessage());
    } else if (failure instanceof DecodeException) {
      send(ctx, 400, "MALFORMED_JSON", "The body is not valid JSON");
    } else if (failure instanceof HttpException e) {
      sendStatus(ctx, e.getStatusCode(), e.getPayload());
    } else if (failure == null) {
      sendStatus(ctx, ctx.statusCode(), null);
    } else if (databaseBusy(failure)) {
      // every connection in use and the wait queue full, or the wait over DB_POOL_WAIT_MS: shed,
      // retry soon
      LOG.warn(
          "database pool busy on {} {}: {}",
          ctx.request().method(),
          ctx.request().path(),
          failure.getMessage());
      ctx.response().putHeader("Retry-After", "1");
      send(
          ctx,
          503,
          "DATABASE_BUSY",
          "The gateway is too busy to take this now; nothing was recorded, retry shortly");
    } else if (databaseUnavailable(failure)) {
      // PostgreSQL down or restarting: nothing was recorded; a client may retry (providers do)
      LOG.warn(
          "database unavailable on {} {}: {}",
          ctx.request().method(),
          ctx.request().path(),
          failure.toString());
      ctx.response().putHeader("Retry-After", "5");
      send(
          ctx,
          503,
          "DATABASE_UNAVAILABLE",
          "The gateway cannot reach its database; nothing was recorded, retry later");
    } else {
      LOG.error(
          "unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
      send(ctx, 500, "INTERNAL_ERROR", "The gateway could not complete the request");
    }
  }

  /**
   * Whether a failure means the database could not be reached (refused or lost connection, the
   * server shutting down or starting up): a 503 to retry, not a 500 to investigate.
   */
  static boolean databaseUnavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException || t instanceof ClosedConnectionException) {
        return true;
      }
      // a connection reset under a request: on the native transport the read fails with Netty's
      // NativeIoException ("Connection reset by peer") where NIO reported a closed connection
      // (faults.sh postgres scenario, one 500 before this)
      if (t instanceof Errors.NativeIoException || t instanceof SocketException) {
        return true;
      }
      // the pg client's way of saying a pooled connection died under a request (no type of its own)
      if (t instanceof VertxException
          && String.valueOf(t.getMessage()).startsWith("Connection is not active now")) {
        return true;
      }
      if (t instanceof PgException pg
          && pg.getSqlState() != null
          && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P"))) {
        return true; // connection exceptions; admin shutdown, crash shutdown, cannot connect now
      }
    }
    return false;
  }

  /** Whether a request gave up waiting for a pooled connection (queue full or wait timed out). */
  static boolean databaseBusy(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectionPoolTooBusyException) {
        return true;
      }
      // the pool's wait timeout (PoolOptions.connectionTimeout) has no type of its own
      if (t instanceof VertxException && "Timeout waiting for connection".equals(t.getMessage())) {
        return true;
      }
    }
    return false;
  }

  private static void sendStatus(RoutingContext ctx, int status, String payload) {
    switch (status) {
      case 400 ->
        send(ctx, 400, "VALIDATION_FAILED", payload != null ? payload : "The request is not valid");
      case 401 -> send(ctx, 401, "UNAUTHENTICATED", "A valid bearer token is required");
      case 403 -> send(ctx, 403, "FORBIDDEN", "Your role may not do this");
      case 404 -> send(ctx, 404, "NOT_FOUND", "No such resource");
      case 405 -> send(ctx, 405, "METHOD_NOT_ALLOWED", "Method not allowed on this resource");
      case 413 -> send(ctx, 413, "BODY_TOO_LARGE", "The body is larger than the gateway accepts");
      case 415 -> send(ctx, 415, "UNSUPPORTED_MEDIA_TYPE", "The content type is not accepted here");
      case 503 ->
        send(ctx, 503, "SERVICE_UNAVAILABLE", "The gateway cannot serve this now; retry later");
      default -> {
        if (status >= 500) {
          LOG.error(
              "status {} on {} {}",
              status,
              ctx.request().method(),
              ctx.request().path());
          send(ctx, 500, "INTERNAL_ERROR", "The gateway could not complete the request");
        } else {
          send(ctx, status, "HTTP_" + status, "The request could not be completed");
        }
      }
    }
  }

  private static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Content";
      case 429 -> "Too Many Requests";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
  }
}
