package io.payg.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /openapi.json documents exactly the routes the gateway serves: none missing, none invented. */
class OpenApiContractTest {

  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(OpenApiContractTest.class);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedRouteExists() {
    JsonObject doc = GatewayFixture.ok(gw.get("/openapi.json", null));
    assertEquals("3.0.3", doc.getString("openapi"));
    Set<String> documented = new TreeSet<>();
    doc.getJsonObject("paths")
        .forEach(p -> ((JsonObject) p.getValue())
            .fieldNames()
            .forEach(method -> documented.add(method.toUpperCase() + " " + p.getKey())));
    Set<String> served = gw.app.endpoints();
    assertFalse(served.isEmpty());
    Set<String> missing = new TreeSet<>(served);
    missing.removeAll(documented);
    Set<String> invented = new TreeSet<>(documented);
    invented.removeAll(served);
    assertEquals(Set.of(), missing, "served but not documented");
    assertEquals(Set.of(), invented, "documented but not served");
  }

  @Test
  void everyOperationHasAUniqueIdAndASummary() {
    JsonObject doc = GatewayFixture.ok(gw.get("/openapi.json", null));
    Set<String> ids = new TreeSet<>();
    int[] count = {0};
    doc.getJsonObject("paths")
        .forEach(p -> ((JsonObject) p.getValue()).forEach(m -> {
          JsonObject op = (JsonObject) m.getValue();
          count[0]++;
          ids.add(op.getString("operationId"));
          assertFalse(op.getString("summary", "").isBlank(), p.getKey() + " " + m.getKey());
        }));
    assertEquals(count[0], ids.size(), "operationIds are unique");
  }
}
