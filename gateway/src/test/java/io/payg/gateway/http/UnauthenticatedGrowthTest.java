package io.payg.gateway.http;

import static io.payg.gateway.support.GatewayFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stranger on the internet (no account) sends what the telco URLs accept: random company ids
 * and operation names. Memory and metric series stay bounded, and the metrics themselves are
 * not on the API port.
 */
class UnauthenticatedGrowthTest {

  static final String METRICS_TOKEN = "scrape-" + UUID.randomUUID();
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(
        UnauthenticatedGrowthTest.class,
        Map.of("PLUGIN_CACHE_MAX_ENTRIES", "50", "METRICS_TOKEN", METRICS_TOKEN));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void randomCompanyIdsDoNotGrowThePluginCache() {
    List<Future<?>> sent = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      sent.add(gw.http
          .postAbs(gw.base + "/api/v1/telco/generic/" + UUID.randomUUID() + "/validate")
          .putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer("{}")));
      if (sent.size() == 50) {
        await(Future.all(sent));
        sent.clear();
      }
    }
    await(Future.all(sent));
    Matcher m = Pattern.compile("payg_plugin_cache_entries (\\d+)\\.0").matcher(scrape());
    assertTrue(m.find(), "plugin cache gauge");
    assertTrue(
        Integer.parseInt(m.group(1)) <= 50,
        "cache bounded by PLUGIN_CACHE_MAX_ENTRIES: " + m.group(1));
  }

  @Test
  void randomOperationNamesDoNotCreateMetricSeries() {
    GatewayFixture.Company c = gw.company("Series Energy");
    for (int i = 0; i < 30; i++) {
      StringBuilder op = new StringBuilder("zz");
      for (int k = 0; k < 8; k++) {
        op.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
      }
      await(gw.http
          .postAbs(gw.base + "/api/v1/telco/generic/" + c.id() + "/" + op)
          .putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer("{}")));
    }
    String metrics = scrape();
    assertFalse(
        metrics.contains("operation=\"zz"), "an operation name from the URL became a label");
    assertTrue(
        metrics.contains("payg_telco_requests_total{operation=\"other\""), "counted under 'other'");
  }

  @Test
  void metricsAreOnTheManagementListenerBehindItsToken() {
    assertEquals(404, gw.get("/metrics", null).statusCode(), "not on the API port");
    String management = "http://127.0.0.1:" + gw.app.metricsPort() + "/metrics";
    assertEquals(401, await(gw.http.getAbs(management).send()).statusCode());
    assertEquals(
        401,
        await(gw.http.getAbs(management).bearerTokenAuthentication("wrong").send())
            .statusCode());
    assertTrue(scrape().contains("payg_outbox_depth"));
  }

  private static String scrape() {
    var r = await(gw.http
        .getAbs("http://127.0.0.1:" + gw.app.metricsPort() + "/metrics")
        .bearerTokenAuthentication(METRICS_TOKEN)
        .send());
    assertEquals(200, r.statusCode());
    return r.bodyAsString();
  }
}
