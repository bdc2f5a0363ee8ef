package io.payg.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Errors;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a caller gets while PostgreSQL is down or restarting (faults.sh's postgres scenario found
 * 500 INTERNAL_ERROR): a 503 DATABASE_UNAVAILABLE with Retry-After, so providers and agent apps
 * retry; any other failure stays a 500. The failures are the ones the pg client raises.
 */
class DatabaseUnavailableTest {

  static Vertx vertx;
  static HttpServer server;
  static WebClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router
        .get("/refused")
        .handler(ctx ->
            ctx.fail(new RuntimeException("pool", new ConnectException("Connection refused"))));
    router.get("/closed").handler(ctx -> ctx.fail(ClosedConnectionException.INSTANCE));
    router
        .get("/inactive")
        .handler(ctx ->
            ctx.fail(new VertxException("Connection is not active now, current status: CLOSED")));
    router
        .get("/shutdown")
        .handler(ctx -> ctx.fail(new PgException(
            "terminating connection due to administrator command", "FATAL", "57P01", null)));
    router
        .get("/starting")
        .handler(ctx -> ctx.fail(
            new PgException("the database system is starting up", "FATAL", "57P03", null)));
    router
        .get("/constraint")
        .handler(ctx -> ctx.fail(new PgException(
            "duplicate key value violates unique constraint", "ERROR", "23505", null)));
    // a connection reset under a request: NIO's SocketException, and what epoll raised in
    // faults.sh's
    // postgres scenario (one 500 before Problems knew it): recvAddress(..) failed with error(-104)
    router
        .get("/reset")
        .handler(
            ctx -> ctx.fail(new VertxException("read", new SocketException("Connection reset"))));
    router
        .get("/reset-native")
        .handler(ctx -> ctx.fail(Errors.newConnectionResetException("recvAddress(..)", -104)));
    router.get("/bug").handler(ctx -> ctx.fail(new IllegalStateException("a bug")));
    router.route().failureHandler(Problems::handleFailure);
    server = vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(0, "127.0.0.1")
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    client = WebClient.create(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aDatabaseThatCannotBeReachedIs503WithRetryAfter() throws Exception {
    for (String path :
        new String[] {"/refused", "/closed", "/inactive", "/shutdown", "/starting", "/reset"}) {
      HttpResponse<Buffer> r = get(path);
      assertEquals(503, r.statusCode(), path);
      assertEquals("DATABASE_UNAVAILABLE", r.bodyAsJsonObject().getString("code"), path);
      assertEquals("5", r.getHeader("Retry-After"), path);
      assertEquals(Problems.CONTENT_TYPE, r.getHeader("Content-Type"), path);
    }
  }

  @Test
  void aConnectionResetOnTheNativeTransportIs503() throws Exception {
    // the exception reads its message through epoll's native library
    assumeTrue(Epoll.isAvailable(), "epoll's native library is bundled for Linux x86-64");
    HttpResponse<Buffer> r = get("/reset-native");
    assertEquals(503, r.statusCode());
    assertEquals("DATABASE_UNAVAILABLE", r.bodyAsJsonObject().getString("code"));
    assertEquals("5", r.getHeader("Retry-After"));
  }

  @Test
  void otherFailuresStay500() throws Exception {
    for (String path : new String[] {"/constraint", "/bug"}) {
      HttpResponse<Buffer> r = get(path);
      assertEquals(500, r.statusCode(), path);
      assertEquals("INTERNAL_ERROR", r.bodyAsJsonObject().getString("code"), path);
    }
  }

  private static HttpResponse<Buffer> get(String path) throws Exception {
    return client
        .get(server.actualPort(), "127.0.0.1", path)
        .send()
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }
}
