package io.payg.manufacturer.calin;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.atomic.AtomicReference;

/** A loopback peer that answers every request with one fixed answer and keeps what it received. */
record ReplayServer(
    HttpServer server,
    AtomicReference<String> path,
    AtomicReference<String> body,
    AtomicReference<MultiMap> headers) {

  static Future<ReplayServer> start(Vertx vertx, int status, String answer) {
    AtomicReference<String> path = new AtomicReference<>();
    AtomicReference<String> body = new AtomicReference<>();
    AtomicReference<MultiMap> headers = new AtomicReference<>();
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create());
    router.route().handler(ctx -> {
      path.set(ctx.request().path());
      body.set(ctx.body().asString());
      headers.set(ctx.request().headers());
      ctx.response()
          .setStatusCode(status)
          .putHeader("Content-Type", "application/json")
          .end(answer);
    });
    return vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(0, "127.0.0.1")
        .map(server -> new ReplayServer(server, path, body, headers));
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  Future<Void> stop() {
    return server.close();
  }
}
