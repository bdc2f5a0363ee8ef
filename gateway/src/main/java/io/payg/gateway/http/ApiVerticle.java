package io.payg.gateway.http;

import io.payg.gateway.config.EdgeSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One HTTP server instance. The gateway deploys one per event loop; Vert.x spreads the
 * connections of the shared port across them.
 */
public final class ApiVerticle extends VerticleBase {

  private final String host;
  private final int port;
  private final Function<Vertx, Router> routes;
  private final Duration shutdownGrace;
  private final boolean proxyProtocol;
  private final EdgeSettings edge;
  private final AtomicInteger openConnections;
  private HttpServer server;

  /**
   * @param shutdownGrace how long a stop lets requests in flight finish
   * @param proxyProtocol PROXY_PROTOCOL: every connection starts with a PROXY protocol header (HAProxy v1/v2)
   * @param edge          TLS, connection limit and idle timeout of the listener
   * @param openConnections the API connections open in this gateway instance, shared by all its verticles
   */
  public ApiVerticle(
      String host,
      int port,
      Function<Vertx, Router> routes,
      Duration shutdownGrace,
      boolean proxyProtocol,
      EdgeSettings edge,
      AtomicInteger openConnections) {
    this.host = host;
    this.port = port;
    this.routes = routes;
    this.shutdownGrace = shutdownGrace;
    this.proxyProtocol = proxyProtocol;
    this.edge = edge;
    this.openConnections = openConnections;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(host)
        .setPort(port)
        .setCompressionSupported(false)
        .setIdleTimeout((int) edge.idleTimeout().toSeconds())
        .setUseProxyProtocol(proxyProtocol);
    if (edge.tls()) {
      options
          .setSsl(true)
          .setKeyCertOptions(new PemKeyCertOptions()
              .addCertValue(Buffer.buffer(edge.tlsCertPem()))
              .addKeyValue(Buffer.buffer(edge.tlsKeyPem())));
    }
    return vertx
        .createHttpServer(options)
        .connectionHandler(this::admit)
        .requestHandler(routes.apply(vertx))
        .listen()
        .onSuccess(s -> server = s);
  }

  /**
   * One connection past HTTP_MAX_CONNECTIONS is closed at once: a flood of idle sockets cannot exhaust the instance.
   */
  private void admit(HttpConnection connection) {
    if (openConnections.incrementAndGet() > edge.maxConnections()) {
      openConnections.decrementAndGet();
      connection.close();
      return;
    }
    connection.closeHandler(v -> openConnections.decrementAndGet());
  }

  /** Stops accepting connections and lets requests in flight finish, for up to the grace period. */
  @Override
  public Future<?> stop() {
    return server == null
        ? Future.succeededFuture()
        : server.shutdown(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS);
  }

  public int actualPort() {
    return server.actualPort();
  }
}
