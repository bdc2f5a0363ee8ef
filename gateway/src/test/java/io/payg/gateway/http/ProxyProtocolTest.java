package io.payg.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.config.EdgeSettings;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PROXY_PROTOCOL=true: the API server reads the PROXY protocol v1 line a layer-4 proxy sends first
 * (https://www.haproxy.org/download/2.8/doc/proxy-protocol.txt, section 2.1), and the source it
 * names is the request's remote address — what TelcoRoutes hands to the allow-lists. Also proves
 * Netty's HAProxy codec is on the classpath (Vert.x needs it for setUseProxyProtocol).
 */
class ProxyProtocolTest {

  static Vertx vertx;
  static ApiVerticle api;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    api = new ApiVerticle(
        "127.0.0.1",
        0,
        v -> {
          Router router = Router.router(v);
          router
              .get("/peer")
              .handler(ctx -> ctx.response().end(ctx.request().remoteAddress().hostAddress()));
          return router;
        },
        Duration.ofSeconds(1),
        true,
        EdgeSettings.fromEnv(Map.of()),
        new AtomicInteger());
    vertx.deployVerticle(api).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static String get(String proxyLine) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", api.actualPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write((proxyLine + "GET /peer HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      socket.getInputStream().transferTo(answer);
      return answer.toString(StandardCharsets.US_ASCII);
    }
  }

  @Test
  void theProxyLinesSourceIsTheRemoteAddress() throws Exception {
    String answer = get("PROXY TCP4 196.201.214.200 127.0.0.1 40000 8080\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
    assertEquals("196.201.214.200", answer.substring(answer.indexOf("\r\n\r\n") + 4));
  }

  @Test
  void aConnectionWithoutTheProxyLineIsNotServed() throws Exception {
    // nothing reaches the routes without a PROXY header: a client cannot skip the proxy's word
    String answer = get("");
    assertTrue(!answer.contains("127.0.0.1") || !answer.startsWith("HTTP/1.1 200"), answer);
  }
}
