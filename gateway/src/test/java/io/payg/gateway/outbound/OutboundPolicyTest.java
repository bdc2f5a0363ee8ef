package io.payg.gateway.outbound;

import static io.payg.gateway.support.GatewayFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The policy on its own, with a resolver the test controls (names that no DNS knows). */
class OutboundPolicyTest {

  static Vertx vertx;
  static HttpServer allowed;
  static HttpServer forbidden;
  static final AtomicInteger forbiddenHits = new AtomicInteger();
  static final AtomicReference<String> hostSeen = new AtomicReference<>();
  static WebClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    allowed = await(vertx
        .createHttpServer()
        .requestHandler(req -> {
          hostSeen.set(req.getHeader("Host"));
          if (req.path().equals("/drip")) {
            // one byte every 200 ms for 10 s: never idle long enough for an idle timeout
            req.response().setChunked(true);
            long timer = vertx.setPeriodic(200, id -> req.response().write("x"));
            vertx.setTimer(10_000, id -> {
              vertx.cancelTimer(timer);
              req.response().end();
            });
            req.connection().closeHandler(v -> vertx.cancelTimer(timer));
          } else {
            req.response().end("ok");
          }
        })
        .listen(0, "127.0.0.2"));
    forbidden = await(vertx
        .createHttpServer()
        .requestHandler(req -> {
          forbiddenHits.incrementAndGet();
          req.response().end("inside");
        })
        .listen(0, "127.0.0.1"));
    Map<String, List<InetAddress>> dns = Map.of(
        "peer.test", List.of(InetAddress.getByName("127.0.0.2")),
        "mixed.test",
            List.of(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.1")));
    OutboundSettings settings = OutboundSettings.parse(
        "127.0.0.2/32", "peer.test,mixed.test,127.0.0.2", 65536, 1_000, false);
    client = new OutboundPolicy(vertx, settings, host -> {
          List<InetAddress> a = dns.get(host);
          if (a == null) {
            throw new UnknownHostException(host);
          }
          return a;
        })
        .client(new WebClientOptions(), new PoolOptions());
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  @Test
  void theConnectionGoesToTheCheckedAddressWithTheNameAsHost() {
    // the system resolver does not know peer.test: only the checked address can have been used
    var answer = await(
        client.getAbs("http://peer.test:" + allowed.actualPort() + "/hello").send());
    assertEquals("ok", answer.bodyAsString());
    assertEquals("peer.test:" + allowed.actualPort(), hostSeen.get());
  }

  @Test
  void aNameWithOneForbiddenAddressIsRefusedWhole() {
    Exception e = assertThrows(
        Exception.class,
        () -> await(
            client.getAbs("http://mixed.test:" + forbidden.actualPort() + "/").send()));
    assertEquals(OutboundRefused.ADDRESS, OutboundRefused.in(e).code());
    assertEquals(0, forbiddenHits.get());
  }

  @Test
  void anUnknownNameIsRefused() {
    Exception e = assertThrows(
        Exception.class, () -> await(client.getAbs("https://nowhere.test/").send()));
    assertEquals(OutboundRefused.UNRESOLVED, OutboundRefused.in(e).code());
  }

  @Test
  void aPeerThatDripsItsAnswerIsCutAtTheWholeRequestDeadline() {
    long start = System.nanoTime();
    Exception e = assertThrows(
        Exception.class,
        () -> await(client
            .getAbs("http://127.0.0.2:" + allowed.actualPort() + "/drip")
            .timeout(5_000)
            .send()));
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals(OutboundRefused.TIMEOUT, OutboundRefused.in(e).code(), e.toString());
    assertTrue(
        tookMs < 3_000,
        "cut at OUTBOUND_TIMEOUT_MAX_MS (1 s), not the request's own 5 s: " + tookMs + " ms");
  }

  @Test
  void addressRulesRefuseEverythingThatIsNotThePublicInternet() throws Exception {
    AddressRules rules = new AddressRules(List.of());
    for (String inside : List.of(
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "::",
        "fe80::1",
        "fd00::1",
        "fd00:ec2::254",
        "::ffff:127.0.0.1",
        "::127.0.0.1",
        "224.0.0.1")) {
      assertTrue(rules.refusal(InetAddress.getByName(inside)) != null, inside);
    }
    assertEquals(null, rules.refusal(InetAddress.getByName("8.8.8.8")));
    assertEquals(null, rules.refusal(InetAddress.getByName("2001:4860:4860::8888")));
    // the operator may allow a range, never the metadata service
    AddressRules lab =
        new AddressRules(List.of(Network.parse("169.254.0.0/16"), Network.parse("10.0.0.0/8")));
    assertEquals(null, lab.refusal(InetAddress.getByName("10.1.2.3")));
    assertTrue(lab.refusal(InetAddress.getByName("169.254.169.254")) != null);
  }
}
