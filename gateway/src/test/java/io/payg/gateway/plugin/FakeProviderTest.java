package io.payg.gateway.plugin;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.domain.payment.PaymentReceipt;
import io.payg.domain.payment.Refusal;
import io.payg.domain.payment.ValidationOutcome;
import io.payg.domain.plugin.PluginDescriptor;
import io.payg.domain.plugin.PluginKind;
import io.payg.domain.plugin.PluginParts;
import io.payg.domain.plugin.PluginSetting;
import io.payg.domain.port.TelcoAdapter;
import io.payg.domain.port.TelcoCall;
import io.payg.domain.port.TelcoRequest;
import io.payg.domain.port.TelcoResponse;
import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.generic.GenericTelcoAdapter;
import io.payg.telco.simulator.GenericProviderClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A provider added with one descriptor: the catalog lists it, a company enables it, its callbacks book payments. */
class FakeProviderTest {

  /** Speaks the generic protocol under its own name, counting the requests it decodes. */
  static final class FakeAdapter implements TelcoAdapter {
    final GenericTelcoAdapter protocol = new GenericTelcoAdapter();
    final AtomicInteger decoded = new AtomicInteger();

    @Override
    public String provider() {
      return "fake-pay";
    }

    @Override
    public TelcoCall decode(TelcoRequest request, String currency, Map<String, String> settings) {
      decoded.incrementAndGet();
      return protocol.decode(request, currency, settings);
    }

    @Override
    public TelcoResponse validationAnswer(ValidationOutcome outcome) {
      return protocol.validationAnswer(outcome);
    }

    @Override
    public TelcoResponse processAnswer(PaymentReceipt receipt) {
      return protocol.processAnswer(receipt);
    }

    @Override
    public TelcoResponse refusal(Refusal refusal, String detail, boolean processCall) {
      return protocol.refusal(refusal, detail, processCall);
    }
  }

  static final FakeAdapter ADAPTER = new FakeAdapter();

  /** The one thing a new provider needs, besides its adapter: this descriptor. */
  static final PluginDescriptor<WebClient, Vertx> FAKE = new PluginDescriptor<>(
      "fake-pay",
      PluginKind.TELCO,
      "Fake Pay (tests)",
      "`POST /api/v1/telco/fake-pay/{companyId}/process`, signed as generic",
      List.of("fp"),
      List.of(
          PluginSetting.sharedSecret("secret", "the HMAC key"),
          PluginSetting.withDefault("region", "north", "where the fake provider runs")),
      (http, clock) -> PluginParts.telco(ADAPTER),
      null);

  static GatewayFixture gw;
  static GatewayFixture.Company acme;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(FakeProviderTest.class, PluginCatalog.builtInAnd(FAKE));
    acme = gw.company("Acme");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void theCatalogListsTheFakeProviderWithItsSettings() {
    JsonObject fake =
        ok(gw.get("/api/v1/plugins", acme.adminToken())).getJsonArray("items").stream()
            .map(JsonObject.class::cast)
            .filter(p -> p.getString("name").equals("fake-pay"))
            .findFirst()
            .orElseThrow();
    assertEquals("TELCO", fake.getString("kind"));
    assertEquals("Fake Pay (tests)", fake.getString("title"));
    assertEquals(List.of("fp"), fake.getJsonArray("aliases").getList());
    assertEquals(
        new JsonObject()
            .put("name", "secret")
            .putNull("default")
            .put("description", "the HMAC key")
            .put("secret", true),
        fake.getJsonArray("settings").getJsonObject(0));
    assertEquals("north", fake.getJsonArray("settings").getJsonObject(1).getString("default"));
    assertTrue(
        PluginCatalog.builtIn().find("fake-pay").isEmpty(),
        "the fake is in this test's gateway only");
  }

  @Test
  void itsSecretIsWriteOnlyAndHeldToTheMinimumLength() {
    var shortOne = gw.put(
        "/api/v1/plugins/fake-pay",
        acme.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject().put("secret", "short")));
    assertEquals(400, shortOne.statusCode());
    assertEquals("SECRET_TOO_SHORT", shortOne.bodyAsJsonObject().getString("code"));
    JsonObject saved = ok(gw.put(
        "/api/v1/plugins/fake-pay",
        acme.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject().put("secret", "fake-secret-0123456789"))));
    assertEquals("TELCO", saved.getString("kind"));
    assertEquals(List.of("secret"), saved.getJsonArray("secretsSet").getList());
    assertTrue(saved.getJsonObject("settings").isEmpty());
  }

  @Test
  void itsCallbacksReachItsAdapterAndBookThePayment() {
    String secret = "fake-secret-abcdefghijkl";
    ok(gw.put(
        "/api/v1/plugins/fake-pay",
        acme.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject().put("secret", secret))));
    gw.meterCustomer(acme, "FAKE-001");
    int before = ADAPTER.decoded.get();
    // the alias path reaches the same adapter
    var provider =
        new GenericProviderClient(gw.http, gw.base + "/api/v1/telco/fp/" + acme.id(), secret);
    var answer =
        await(provider.process("fake-txn-1", "FAKE-001", 10_000, "KES", "+254700000001", null));
    assertEquals(200, answer.statusCode(), answer.bodyAsString());
    assertEquals(before + 1, ADAPTER.decoded.get());
    assertEquals(
        1,
        gw.db.count("SELECT count(*) FROM transactions WHERE provider = 'fake-pay' "
            + "AND provider_txn_id = 'fake-txn-1' AND amount = 10000"));
  }
}
