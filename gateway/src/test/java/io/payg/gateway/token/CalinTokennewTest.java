package io.payg.gateway.token;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A paid Calin meter gets its token from a server that speaks {@code /tokennew} exactly as the
 * conformance kit (manufacturer-adapters/src/test/resources/conformance/calin, its README names
 * the MicroPowerManager sources) says, not from our simulator: the server checks the request
 * bytes against the kit and answers the kit's success with {@code result_code} as a string.
 */
class CalinTokennewTest {

  private static final Path KIT =
      Path.of("..", "manufacturer-adapters", "src", "test", "resources", "conformance", "calin");

  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static HttpServer calin;
  static final List<String> received = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(CalinTokennewTest.class);
    company = gw.company("Tokennew Energy");
    String expected = kit("tokennew-request.json");
    String success = kit("tokennew-answer-ok-string.json");
    calin = await(gw.app
        .vertx()
        .createHttpServer()
        .requestHandler(req -> req.body().onSuccess(body -> {
          String sent = body.toString(StandardCharsets.UTF_8);
          received.add(
              req.method() + " " + req.path() + " " + req.getHeader("Content-Type") + " " + sent);
          boolean asPublished = req.path().equals("/api/tokennew") && sent.equals(expected);
          req.response()
              .setStatusCode(200)
              .putHeader("Content-Type", "application/json")
              .end(asPublished ? success : kit("tokennew-answer-error-number.json"));
        }))
        .listen(0, "127.0.0.1"));
    // api_url is the API root, MPM's default ends in /api (create_calin_tables.php:17)
    ok(gw.put(
        "/api/v1/plugins/calin",
        company.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put(
                "settings",
                new JsonObject()
                    .put("baseUrl", "http://127.0.0.1:" + calin.actualPort() + "/api")
                    .put("userId", "payg-sim")
                    .put("apiKey", "calin-sim-key"))));
  }

  @AfterAll
  static void stop() {
    await(calin.close());
    gw.close();
  }

  @Test
  void aPaidMeterGetsItsTokenFromTokennew() {
    gw.meterCustomer(company, "47000124512");

    // 100.00 at 23.00/kWh buys 4.3 kWh: the kit's request
    String id = ok(await(company
            .provider()
            .process("TOKENNEW-1", "47000124512", 10_000, "KES", "+254712345678", null)))
        .getString("transactionId");

    eventually(
        Duration.ofSeconds(15),
        "transaction completed",
        () -> "COMPLETED"
            .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", id)));
    assertEquals(
        "48725997619297311927",
        gw.db.text("SELECT value FROM tokens WHERE transaction_id = ?::uuid", id));
    assertEquals(
        List.of(
            "POST /api/tokennew application/json;charset=utf-8 " + kit("tokennew-request.json")),
        received,
        "one vend, exactly the published request");
  }

  private static String kit(String file) {
    try {
      return Files.readString(KIT.resolve(file), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IllegalStateException("conformance kit file " + file, e);
    }
  }
}
