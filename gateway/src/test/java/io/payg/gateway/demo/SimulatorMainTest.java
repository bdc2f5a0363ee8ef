package io.payg.gateway.demo;

import static io.payg.gateway.support.GatewayFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two sandboxes started as the README says, each its own java process on a free port, called on
 * their published endpoints with the settings they print, their knobs turned over the admin API.
 */
class SimulatorMainTest {

  static Vertx vertx;
  static WebClient http;
  static final List<Process> processes = new ArrayList<>();
  static final Map<String, Map<String, String>> printed = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
    for (String name : List.of("calin", "mtn")) {
      printed.put(name, launch(name));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (Process p : processes) {
      p.destroy();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    await(vertx.close());
  }

  @Test
  void calinVendsWithThePrintedSettingsAndGoesDownWhenTold() {
    Map<String, String> calin = printed.get("calin");
    JsonObject settings = new JsonObject(calin.get("settings"));
    JsonObject vend = new JsonObject()
        .put("user_id", settings.getString("userId"))
        .put("password", settings.getString("apiKey"))
        .put("meter_id", "47000111222")
        .put("token_type", "CreditToken")
        .put("amount", 4.3);
    JsonObject answer = await(http.postAbs(calin.get("calin") + "/tokennew").sendJsonObject(vend))
        .bodyAsJsonObject();
    assertEquals("0", String.valueOf(answer.getValue("result_code")), answer.encode());
    assertNotNull(answer.getString("result"), "the token");

    String admin = calin.get("admin");
    JsonObject knobs = await(http.postAbs(admin + "/knobs?down=true").send()).bodyAsJsonObject();
    assertEquals("true", knobs.getJsonObject("knobs").getJsonObject("down").getString("value"));
    boolean noAnswer = await(http.postAbs(calin.get("calin") + "/tokennew")
        .sendJsonObject(vend)
        .transform(ar -> Future.succeededFuture(ar.failed())));
    assertTrue(noAnswer, "no answer while down");
    await(http.postAbs(admin + "/knobs?down=false").send());
    assertEquals(
        200,
        await(http.postAbs(calin.get("calin") + "/tokennew").sendJsonObject(vend))
            .statusCode());
  }

  @Test
  void mtnIssuesATokenAndFailsTheNextCallWhenTold() {
    Map<String, String> mtn = printed.get("mtn");
    JsonObject settings = new JsonObject(mtn.get("settings"));
    assertEquals(mtn.get("mtn"), settings.getString("baseUrl"));
    String basic = "Basic "
        + Base64.getEncoder()
            .encodeToString((settings.getString("apiUser") + ":" + settings.getString("apiKey"))
                .getBytes(StandardCharsets.UTF_8));
    HttpResponse<Buffer> token = await(http.postAbs(mtn.get("mtn") + "/collection/token/")
        .putHeader("Authorization", basic)
        .putHeader("Ocp-Apim-Subscription-Key", settings.getString("subscriptionKey"))
        .send());
    assertEquals(200, token.statusCode(), token.bodyAsString());
    assertNotNull(token.bodyAsJsonObject().getString("access_token"));

    await(http.postAbs(mtn.get("admin") + "/knobs?failNext=1").send());
    assertEquals(
        500,
        await(http.postAbs(mtn.get("mtn") + "/collection/token/")
                .putHeader("Authorization", basic)
                .putHeader("Ocp-Apim-Subscription-Key", settings.getString("subscriptionKey"))
                .send())
            .statusCode());
    assertEquals(
        200,
        await(http.postAbs(mtn.get("mtn") + "/collection/token/")
                .putHeader("Authorization", basic)
                .putHeader("Ocp-Apim-Subscription-Key", settings.getString("subscriptionKey"))
                .send())
            .statusCode());
  }

  @Test
  void theAdminApiRefusesAnUnknownKnobAndABadValue() {
    String admin = printed.get("mtn").get("admin");
    assertEquals(400, await(http.postAbs(admin + "/knobs?colour=red").send()).statusCode());
    assertEquals(
        400, await(http.postAbs(admin + "/knobs?latencyMs=soon").send()).statusCode());
    assertEquals(400, await(http.postAbs(admin + "/knobs?down=maybe").send()).statusCode());
    JsonObject knobs =
        await(http.getAbs(admin + "/knobs").send()).bodyAsJsonObject().getJsonObject("knobs");
    assertEquals("0", knobs.getJsonObject("latencyMs").getString("value"));
    assertTrue(knobs.containsKey("approveAll"), knobs.encode());
  }

  @Test
  void everySandboxStartsInProcessAndShowsItsKnobs() {
    for (String name : SimulatorMain.SIMULATORS.keySet()) {
      SimulatorMain.Sandbox sandbox = await(SimulatorMain.SIMULATORS.get(name).apply(vertx, 0));
      int admin = await(SimulatorMain.admin(vertx, name, sandbox, 0));
      JsonObject state =
          await(http.getAbs("http://127.0.0.1:" + admin + "/knobs").send()).bodyAsJsonObject();
      assertEquals(sandbox.baseUrl(), state.getString("baseUrl"), name);
      assertTrue(!state.getJsonObject("knobs").isEmpty(), name);
    }
  }

  /** {@code java -cp <the gateway's classpath> io.payg.gateway.demo.SimulatorMain <name> 0 0}: its printed lines. */
  private static Map<String, String> launch(String name) throws Exception {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process p = new ProcessBuilder(
            System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
            "-Xmx128m",
            "-cp",
            classpath,
            SimulatorMain.class.getName(),
            name,
            "0",
            "0")
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    processes.add(p);
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    Map<String, String> lines = new HashMap<>();
    for (int i = 0; i < 3; i++) {
      String line = out.readLine();
      assertNotNull(line, name + " printed its three lines");
      int space = line.indexOf(' ');
      lines.put(line.substring(0, space), line.substring(space + 1));
    }
    return lines;
  }
}
