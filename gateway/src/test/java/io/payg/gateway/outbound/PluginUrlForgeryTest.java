package io.payg.gateway.outbound;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.MtnMomoSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hostile tenant (sign-up is public) points its manufacturer plugin at addresses inside the
 * gateway's network and tries to read the answers back through the transaction's lastError.
 * The gateway here allows only 127.0.0.2 (the "public" peer of this test) and plain http only to
 * that peer's port: 127.0.0.1 stands for the gateway's own host, its database and everything
 * private.
 */
class PluginUrlForgeryTest {

  static final String INSIDE_SECRET = "INSIDE-SECRET-" + UUID.randomUUID();
  static final String PEER_SECRET = "PEER-SECRET-" + UUID.randomUUID();

  static Vertx servers;
  /** Something on the gateway's own host that must never be reached. */
  static HttpServer inside;

  static final AtomicInteger insideHits = new AtomicInteger();
  /** A peer the operator allows: it answers with bodies a tenant must never read back. */
  static HttpServer peer;
  /** The same address on a port not allowed for plain http. */
  static HttpServer otherPort;

  static final AtomicInteger otherPortHits = new AtomicInteger();
  static GatewayFixture gw;
  static GatewayFixture.Company tenant;

  @BeforeAll
  static void start() throws Exception {
    servers = Vertx.vertx();
    inside = await(servers
        .createHttpServer()
        .requestHandler(req -> {
          insideHits.incrementAndGet();
          req.response()
              .putHeader("Content-Type", "application/json")
              .end("{\"result_code\":1,\"reason\":\"" + INSIDE_SECRET + "\"}");
        })
        .listen(0, "127.0.0.1"));
    peer = await(servers
        .createHttpServer()
        .requestHandler(req -> {
          String path = req.path();
          if (path.startsWith("/echo")) {
            req.response().setStatusCode(404).end("<html>" + PEER_SECRET + "</html>");
          } else if (path.startsWith("/refuse")) {
            req.response()
                .putHeader("Content-Type", "application/json")
                .end("{\"result_code\":7,\"reason\":\"" + PEER_SECRET + "\"}");
          } else if (path.startsWith("/ok")) {
            // a vend the Calin adapter accepts (result_code 0 and a token), so the SMS job runs
            // next
            req.response()
                .putHeader("Content-Type", "application/json")
                .end("{\"result_code\":0,\"reason\":\"OK\",\"result\":\"12345678901234567890\"}");
          } else if (path.startsWith("/redirect")) {
            req.response()
                .setStatusCode(302)
                .putHeader("Location", "http://127.0.0.1:" + inside.actualPort() + "/token/")
                .end();
          } else {
            // a 1 MB answer, chunked: no Content-Length to refuse it by
            req.response().setChunked(true);
            for (int i = 0; i < 256; i++) {
              req.response().write("x".repeat(4096));
            }
            req.response().end();
          }
        })
        .listen(0, "127.0.0.2"));
    otherPort = await(servers
        .createHttpServer()
        .requestHandler(req -> {
          otherPortHits.incrementAndGet();
          req.response().end(INSIDE_SECRET);
        })
        .listen(0, "127.0.0.2"));
    gw = new GatewayFixture(
        PluginUrlForgeryTest.class,
        Map.of(
            "OUTBOUND_ALLOWED_NETWORKS", "127.0.0.2/32",
            "OUTBOUND_PLAIN_HTTP_HOSTS", "127.0.0.1,localhost,127.0.0.2:" + peer.actualPort(),
            "OUTBOUND_MAX_RESPONSE_BYTES", "4096",
            // each test's failures are its own: the breaker is not what is tested here
            "MANUFACTURER_BREAKER_FAILURES", "1000"));
    tenant = gw.company("Hostile Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
    await(servers.close());
  }

  @Test
  void aPluginUrlOnLoopbackIsNeverCalled() {
    JsonObject token = vendThrough("http://127.0.0.1:" + inside.actualPort());
    assertTrue(token.getString("lastError").startsWith("OUTBOUND_ADDRESS_REFUSED"), token.encode());
    assertEquals(0, insideHits.get(), "no request reached the gateway's own host");
  }

  @Test
  void aHostNameThatResolvesToLoopbackIsNeverCalled() {
    JsonObject token = vendThrough("http://localhost:" + inside.actualPort());
    assertTrue(token.getString("lastError").startsWith("OUTBOUND_ADDRESS_REFUSED"), token.encode());
    assertEquals(0, insideHits.get(), "no request reached the gateway's own host");
  }

  @Test
  void theCloudMetadataAddressIsRefusedBeforeAnyConnection() {
    // refused by the address check itself: no connection is attempted (nothing listens there in
    // tests)
    JsonObject token = vendThrough("https://169.254.169.254/latest/meta-data");
    assertTrue(token.getString("lastError").startsWith("OUTBOUND_ADDRESS_REFUSED"), token.encode());
    assertEquals(
        1, token.getInteger("attempts"), "a refused address is not retried: " + token.encode());
  }

  @Test
  void aPeersErrorPageIsNeverShownToTheTenant() {
    JsonObject token = vendThrough("http://127.0.0.2:" + peer.actualPort() + "/echo");
    assertTrue(token.getString("lastError").startsWith("PEER_REFUSED"), token.encode());
    assertTrue(token.getString("lastError").contains("HTTP 404"), token.encode());
  }

  @Test
  void aPeersRefusalReasonIsNeverShownToTheTenant() {
    JsonObject token = vendThrough("http://127.0.0.2:" + peer.actualPort() + "/refuse");
    assertTrue(token.getString("lastError").startsWith("PEER_REFUSED"), token.encode());
  }

  @Test
  void aRedirectIsNotFollowed() {
    JsonObject token = vendThrough("http://127.0.0.2:" + peer.actualPort() + "/redirect");
    assertTrue(token.getString("lastError").startsWith("PEER_REFUSED"), token.encode());
    assertEquals(0, insideHits.get(), "the redirect to the gateway's own host was not followed");
    assertFalse(token.encode().contains("127.0.0.1"), token.encode());
  }

  @Test
  void anAnswerOverTheCapIsCutOff() {
    JsonObject token = vendThrough("http://127.0.0.2:" + peer.actualPort() + "/huge");
    assertTrue(
        token.getString("lastError").startsWith("OUTBOUND_RESPONSE_TOO_LARGE"), token.encode());
  }

  @Test
  void plainHttpToAHostNotOnTheListIsRefused() {
    JsonObject token = vendThrough("http://127.0.0.2:" + otherPort.actualPort());
    assertTrue(
        token.getString("lastError").startsWith("OUTBOUND_PLAIN_HTTP_REFUSED"), token.encode());
    assertEquals(0, otherPortHits.get());
  }

  @Test
  void anSmsPluginUrlOnLoopbackIsNeverCalled() {
    ok(gw.put(
        "/api/v1/plugins/africastalking",
        tenant.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put(
                "settings",
                new JsonObject(new HashMap<String, Object>(gw.sms.settings()))
                    .put("baseUrl", "http://127.0.0.1:" + inside.actualPort()))));
    ok(gw.put(
        "/api/v1/plugins/calin",
        tenant.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put(
                "settings",
                new JsonObject(new HashMap<String, Object>(gw.calin.settings()))
                    .put("baseUrl", "http://127.0.0.2:" + peer.actualPort() + "/ok"))));
    String serial = "SMS-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(tenant, serial);
    String id = ok(await(
            tenant.provider().process("M-" + serial, serial, 10_000, "KES", "+254700000000", null)))
        .getString("transactionId");
    eventually(
        Duration.ofSeconds(20),
        "SMS job ended",
        () -> "FAILED"
            .equals(gw.db.text(
                "SELECT status FROM outbox WHERE transaction_id = ?::uuid AND kind = 'SMS'", id)));
    assertTrue(gw.db
        .text("SELECT last_error FROM outbox WHERE transaction_id = ?::uuid AND kind = 'SMS'", id)
        .startsWith("OUTBOUND_ADDRESS_REFUSED"));
    assertEquals(0, insideHits.get(), "no SMS request reached the gateway's own host");
    String answer = gw.get("/api/v1/transactions/" + id, tenant.adminToken()).bodyAsString();
    assertFalse(answer.contains(INSIDE_SECRET), answer);
  }

  @Test
  void aRequestToPayBaseUrlOnLoopbackIsNeverCalled() throws Exception {
    MtnMomoSimulator momo = await(MtnMomoSimulator.start(gw.app.vertx(), 0));
    ok(gw.put(
        "/api/v1/plugins/mtn-momo",
        tenant.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put(
                "settings",
                new JsonObject(new HashMap<String, Object>(momo.settings()))
                    .put("baseUrl", "http://127.0.0.1:" + inside.actualPort()))));
    String serial = "RTP-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(tenant, serial);
    var r = await(gw.http
        .postAbs(gw.base + "/api/v1/collections")
        .bearerTokenAuthentication(tenant.adminToken())
        .putHeader("Idempotency-Key", "rtp-" + UUID.randomUUID())
        .sendJsonObject(new JsonObject()
            .put("provider", "mtn-momo")
            .put("msisdn", "256772123456")
            .put("serial", serial)
            .put("amount", 10_000)
            .put("currency", "KES")));
    assertEquals(202, r.statusCode(), r.bodyAsString());
    Thread.sleep(1_000);
    assertEquals(0, insideHits.get(), "no request-to-pay call reached the gateway's own host");
    String collection = gw.get(
            "/api/v1/collections/" + r.bodyAsJsonObject().getString("id"), tenant.adminToken())
        .bodyAsString();
    assertFalse(collection.contains(INSIDE_SECRET), collection);
    assertEquals(0, momo.requests().size());
  }

  /**
   * Points the tenant's Calin plugin at {@code baseUrl}, pays a meter, and answers the token part of the transaction.
   */
  private static JsonObject vendThrough(String baseUrl) {
    // a new address needs the secrets again (SECRETS_REQUIRED otherwise): the tenant sends its own
    ok(gw.put(
        "/api/v1/plugins/calin",
        tenant.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put(
                "settings",
                new JsonObject(new HashMap<String, Object>(gw.calin.settings()))
                    .put("baseUrl", baseUrl))));
    String serial = "SSRF-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(tenant, serial);
    String id = ok(await(
            tenant.provider().process("S-" + serial, serial, 10_000, "KES", "+254700000000", null)))
        .getString("transactionId");
    eventually(
        Duration.ofSeconds(20),
        "TOKEN_FAILED",
        () -> "TOKEN_FAILED"
            .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", id)));
    String answer = gw.get("/api/v1/transactions/" + id, tenant.adminToken()).bodyAsString();
    assertFalse(answer.contains(INSIDE_SECRET), answer);
    assertFalse(answer.contains(PEER_SECRET), answer);
    assertFalse(answer.contains("xxxx"), answer);
    String list =
        gw.get("/api/v1/transactions?serial=" + serial, tenant.adminToken()).bodyAsString();
    assertFalse(list.contains(INSIDE_SECRET) || list.contains(PEER_SECRET), list);
    return new JsonObject(answer).getJsonObject("token");
  }
}
