package io.payg.gateway.outbound;

import static io.payg.gateway.support.GatewayFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbound client over several pools (pools of 4 here, 256 in the gateway): requests fill the
 * first pool and spill over to the next only when it is full, every pool goes through the policy,
 * and a quiet peer is called through the first pool alone. A peer that holds its answers shows how many
 * calls were open at once, on how many connections.
 */
class SpilloverPoolsTest {

  static final int PER_POOL = 4;
  static final int MAX_OPEN = 10;

  static Vertx vertx;
  static HttpServer peer;
  static HttpServer inside;
  static final ConcurrentLinkedQueue<HttpServerResponse> held = new ConcurrentLinkedQueue<>();
  static final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
  static final AtomicInteger insideHits = new AtomicInteger();
  static SpilloverWebClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    peer = await(vertx
        .createHttpServer()
        .requestHandler(req -> {
          connections.add(req.connection());
          if (req.path().equals("/hold")) {
            held.add(req.response());
          } else {
            req.response().end("ok");
          }
        })
        .listen(0, "127.0.0.2"));
    inside = await(vertx
        .createHttpServer()
        .requestHandler(req -> {
          insideHits.incrementAndGet();
          req.response().end("inside");
        })
        .listen(0, "127.0.0.1"));
    OutboundSettings settings =
        OutboundSettings.parse("127.0.0.2/32", "127.0.0.2,127.0.0.1", 65536, 10_000, false);
    WebClient c = new OutboundPolicy(vertx, settings)
        .client(new WebClientOptions().setKeepAlive(true), MAX_OPEN, PER_POOL);
    client = assertInstanceOf(SpilloverWebClient.class, c);
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  @BeforeEach
  void releaseAll() {
    HttpServerResponse r;
    while ((r = held.poll()) != null) {
      r.end("released");
    }
  }

  String url(String path) {
    return "http://127.0.0.2:" + peer.actualPort() + path;
  }

  @Test
  void callsFillTheFirstPoolThenSpillOverAndAllAreOpenAtOnce() throws Exception {
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < MAX_OPEN; i++) {
      calls.add(client.getAbs(url("/hold")).send());
    }
    waitFor(() -> held.size() == MAX_OPEN);
    // every call reached the peer at once: no pool made one wait behind another
    assertEquals(List.of(4, 4, 2), List.of(client.open(0), client.open(1), client.open(2)));
    releaseAll();
    for (var call : calls) {
      var answer = await(call);
      assertEquals(200, answer.statusCode());
      assertEquals("released", answer.bodyAsString());
    }
    waitFor(() -> client.open(0) + client.open(1) + client.open(2) == 0);
  }

  @Test
  void aQuietPeerIsCalledThroughTheFirstPoolOnly() {
    long first = client.sent(0);
    long others = client.sent(1) + client.sent(2);
    connections.clear();
    for (int i = 0; i < 20; i++) {
      assertEquals("ok", await(client.getAbs(url("/one")).send()).bodyAsString());
    }
    assertEquals(first + 20, client.sent(0));
    assertEquals(others, client.sent(1) + client.sent(2));
    // kept alive: the calls reused the first pool's connections rather than opening one each
    assertTrue(connections.size() <= PER_POOL, connections.size() + " connections");
  }

  @Test
  void theCallThatSpillsOverIsCheckedByThePolicyToo() throws Exception {
    for (int i = 0; i < 2 * PER_POOL; i++) {
      client.getAbs(url("/hold")).send();
    }
    waitFor(() -> held.size() == 2 * PER_POOL);
    // the first two pools are full: this one goes to the third, and is refused there
    Exception e = assertThrows(
        Exception.class,
        () ->
            await(client.getAbs("http://127.0.0.1:" + inside.actualPort() + "/").send()));
    assertEquals(OutboundRefused.ADDRESS, OutboundRefused.in(e).code());
    assertEquals(0, insideHits.get());
    assertEquals(0, client.open(2), "a refused call is no longer counted open");
  }

  static void waitFor(BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < until, "not within 10 s");
      Thread.sleep(10);
    }
  }
}
