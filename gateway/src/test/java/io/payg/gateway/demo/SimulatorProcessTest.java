package io.payg.gateway.demo;

import static io.payg.gateway.support.GatewayFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.manufacturer.simulator.CalinSimulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simulator process's admin API (load-tests/faults.sh flips the Calin knobs with it). */
class SimulatorProcessTest {

  static Vertx vertx;
  static WebClient http;
  static String admin;
  static CalinSimulator calin;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
    calin = await(CalinSimulator.start(vertx, 0));
    admin = "http://127.0.0.1:" + await(new SimulatorProcess(calin).admin(vertx, 0));
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  @Test
  void flipsTheKnobsAndShowsThem() {
    JsonObject state = await(http.getAbs(admin + "/calin").send()).bodyAsJsonObject();
    assertEquals(calin.baseUrl(), state.getString("baseUrl"));
    assertEquals(false, state.getBoolean("down"));

    JsonObject down =
        await(http.postAbs(admin + "/calin?down=true&latencyMs=250").send()).bodyAsJsonObject();
    assertEquals(true, down.getBoolean("down"));
    assertEquals(250, down.getLong("latencyMs"));
    // down: the simulator drops the connection without an answer
    boolean noAnswer = await(http.postAbs(calin.baseUrl() + "/tokennew")
        .sendJsonObject(new JsonObject())
        .transform(ar -> Future.succeededFuture(ar.failed())));
    assertTrue(noAnswer, "no answer while down");

    JsonObject up =
        await(http.postAbs(admin + "/calin?down=false&latencyMs=0").send()).bodyAsJsonObject();
    assertEquals(false, up.getBoolean("down"));
    // up again: the simulator answers (a Calin error document for this empty request, over HTTP
    // 200)
    assertEquals(
        200,
        await(http.postAbs(calin.baseUrl() + "/tokennew").sendJsonObject(new JsonObject()))
            .statusCode());
  }

  @Test
  void countsTheMostRequestsOpenAtOnceAgainFromAReset() {
    await(http.postAbs(admin + "/calin?latencyMs=300").send());
    await(Future.all(List.of(
        http.postAbs(calin.baseUrl() + "/tokennew").sendJsonObject(new JsonObject()),
        http.postAbs(calin.baseUrl() + "/tokennew").sendJsonObject(new JsonObject()),
        http.postAbs(calin.baseUrl() + "/tokennew").sendJsonObject(new JsonObject()))));
    JsonObject after = await(http.getAbs(admin + "/calin").send()).bodyAsJsonObject();
    assertTrue(after.getInteger("maxInFlight") >= 3, after.encode());

    JsonObject reset =
        await(http.postAbs(admin + "/calin?latencyMs=0&resetMax=true").send()).bodyAsJsonObject();
    assertEquals(0, reset.getInteger("maxInFlight"), reset.encode());
  }

  @Test
  void refusesALatencyThatIsNotANumberOfMilliseconds() {
    assertEquals(
        400, await(http.postAbs(admin + "/calin?latencyMs=soon").send()).statusCode());
    assertEquals(400, await(http.postAbs(admin + "/calin?latencyMs=-1").send()).statusCode());
    assertEquals(
        0, await(http.getAbs(admin + "/calin").send()).bodyAsJsonObject().getLong("latencyMs"));
  }
}
