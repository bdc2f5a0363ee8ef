package io.payg.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /docs is an API reference that works offline: every asset it loads is served by the gateway. */
class ApiReferenceTest {

  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(ApiReferenceTest.class);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void theReferenceLoadsOnlyLocalAssetsAndTheyAreServed() {
    HttpResponse<Buffer> page = gw.get("/docs", null);
    assertEquals(200, page.statusCode());
    assertTrue(page.getHeader("Content-Type").startsWith("text/html"));
    assertTrue(page.getHeader("Content-Security-Policy").startsWith("default-src 'self'"));
    String html = page.bodyAsString();
    List<String> assets = new ArrayList<>();
    Matcher m = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(html);
    while (m.find()) {
      assets.add(m.group(1));
    }
    assertFalse(assets.isEmpty());
    assertTrue(
        assets.stream().anyMatch(a -> a.endsWith("swagger-ui-bundle.js")), assets.toString());
    for (String asset : assets) {
      assertTrue(asset.startsWith("/docs/"), "loaded from the gateway, not a CDN: " + asset);
      HttpResponse<Buffer> r = gw.get(asset, null);
      assertEquals(200, r.statusCode(), asset);
      assertTrue(r.body().length() > 0, asset);
    }
    String script = gw.get("/docs/page/reference.js", null).bodyAsString();
    assertTrue(script.contains("url: \"/openapi.json\""), script);
    assertFalse(script.contains("http"), "no outside address in the page's script");
  }

  @Test
  void theDocumentCarriesTheProblemCodesTheIdempotencyRulesAndExamples() {
    var doc = GatewayFixture.ok(gw.get("/openapi.json", null));
    String description = doc.getJsonObject("info").getString("description");
    assertTrue(description.contains("`UNKNOWN_PARAMETER`")
        && description.contains("`IDEMPOTENCY_KEY_REUSED`"));
    assertTrue(description.contains("Idempotency-Key"));
    assertEquals(
        50000L,
        doc.getJsonObject("paths")
            .getJsonObject("/api/v1/agent/payments")
            .getJsonObject("post")
            .getJsonObject("requestBody")
            .getJsonObject("content")
            .getJsonObject("application/json")
            .getJsonObject("example")
            .getLong("amount"));
  }
}
