package io.payg.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.function.Function;

/**
 * One HTTP server instance. The gateway deploys one per event loop; Vert.x spreads the
 * connections of the shared port across them.
 */
public final class ApiVerticle extends VerticleBase {

  private final String host;
  private final int port;
  private final Function<io.vertx.core.Vertx, Router> routes;
  private final java.time.Duration shutdownGrace;
  private final boolean proxyProtocol;
  private HttpServer server;

  /**
   * @param shutdownGrace how long a stop lets requests in flight finish
   * @param proxyProtocol PROXY_PROTOCOL: every connection starts with a PROXY protocol header (HAProxy v1/v2)
   */
  public ApiVerticle(String host, int port, Function<io.vertx.core.Vertx, Router> routes,
                     java.time.Duration shutdownGrace, boolean proxyProtocol) {
    this.host = host;
    this.port = port;
    this.routes = routes;
    this.shutdownGrace = shutdownGrace;
    this.proxyProtocol = proxyProtocol;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
            .setCompressionSupported(false).setIdleTimeout(60).setUseProxyProtocol(proxyProtocol))
        .requestHandler(routes.apply(vertx))
        .listen()
        .onSuccess(s -> server = s);
  }

  /** Stops accepting connections and lets requests in flight finish, for up to the grace period. */
  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture()
        : server.shutdown(shutdownGrace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  public int actualPort() {
    return server.actualPort();
  }
}
