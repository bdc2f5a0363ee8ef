package io.payg.gateway.telco;

import static io.payg.gateway.support.GatewayFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.fuzz.FuzzTarget;
import io.payg.telco.fuzz.HostileBodies;
import io.payg.telco.simulator.AirtelSimulator;
import io.payg.telco.simulator.MtnMomoSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The telco adapters' hostile bodies ({@link HostileBodies}), a few hundred per provider, sent
 * through real HTTP to a running gateway on a real database, authenticated as the provider would
 * (signatures computed over each hostile body): never a 5xx, never a stored payment, transaction
 * or collection, and the gateway still answers its liveness probe and a genuine call afterwards.
 * No device exists, so even a body that survives decoding cannot move money.
 */
class TelcoHttpFuzzTest {

  static final int BODIES_PER_PROVIDER = 200;
  static GatewayFixture gw;
  static MtnMomoSimulator momo;
  static AirtelSimulator airtel;
  /** Provider name → (company id, the company's settings for that plugin). */
  static final Map<String, Map.Entry<String, Map<String, String>>> COMPANIES = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(TelcoHttpFuzzTest.class);
    momo = await(MtnMomoSimulator.start(gw.app.vertx(), 0));
    airtel = await(AirtelSimulator.start(gw.app.vertx(), 0));
    GatewayFixture.Company kes = gw.company("Fuzz Kenya");
    GatewayFixture.Company xof = gw.company("Fuzz Senegal", "XOF", 150, 500);
    GatewayFixture.Company ugx = gw.company("Fuzz Uganda", "UGX", 500, 1000);
    GatewayFixture.Company tzs = gw.company("Fuzz Tanzania", "TZS", 50_000, 100_000);
    COMPANIES.put("generic", Map.entry(kes.id(), Map.of("secret", kes.secret())));
    enable(kes, "safaricom", FuzzTarget.safaricom().settings());
    enable(xof, "wave", FuzzTarget.wave().settings());
    enable(ugx, "mtn-momo", momo.settings());
    enable(tzs, "airtel", airtel.settings());
    enable(tzs, "vodacom-tz", FuzzTarget.vodacomTz().settings());
  }

  private static void enable(
      GatewayFixture.Company c, String plugin, Map<String, String> settings) {
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/" + plugin,
        c.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(new HashMap<String, Object>(settings)))));
    COMPANIES.put(plugin, Map.entry(c.id(), settings));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  static Stream<FuzzTarget> targets() {
    return FuzzTarget.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void hostileBodiesNeverFailTheGatewayNorStoreAnything(FuzzTarget target) {
    long before = stored();
    String companyId = COMPANIES.get(target.provider()).getKey();
    Map<String, String> settings = COMPANIES.get(target.provider()).getValue();
    List<byte[]> bodies =
        target.bodies().sampleStream().limit(BODIES_PER_PROVIDER).toList();
    int i = 0;
    for (byte[] body : bodies) {
      String operation = target.operations().get(i % target.operations().size());
      HttpMethod method =
          target.provider().equals("mtn-momo") && i % 2 == 0 ? HttpMethod.PUT : HttpMethod.POST;
      HttpRequest<Buffer> request = gw.http.requestAbs(
          method,
          gw.base + "/api/v1/telco/" + target.provider() + "/" + companyId + "/" + operation);
      target.signer().headers(body, settings, Instant.now()).forEach(request::putHeader);
      HttpResponse<Buffer> response = await(request.sendBuffer(Buffer.buffer(body)));
      String answer = response.bodyAsString() == null ? "" : response.bodyAsString();
      assertTrue(
          response.statusCode() < 500,
          target.provider() + " answered " + response.statusCode() + " " + answer + " to "
              + preview(body));
      assertFalse(answer.contains(HostileBodies.SECRET_FILE_MARKER), "a local file was read");
      i++;
    }
    assertEquals(before, stored(), "a hostile body stored a payment, transaction or collection");
    assertEquals(200, await(gw.http.getAbs(gw.base + "/health/live").send()).statusCode());
    assertEquals(200, await(gw.http.getAbs(gw.base + "/health/ready").send()).statusCode());
  }

  /** Rows any decoded call could have written: money, its side effects, collections. */
  private static long stored() {
    return gw.db.count(
        "SELECT (SELECT count(*) FROM transactions) + (SELECT count(*) FROM allocations) "
            + "+ (SELECT count(*) FROM tokens) + (SELECT count(*) FROM outbox) + (SELECT count(*) FROM collections)");
  }

  private static String preview(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    return text.length() > 300 ? text.substring(0, 300) + "... (" + body.length + " bytes)" : text;
  }
}
