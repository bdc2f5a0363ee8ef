package io.payg.gateway.onboarding;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 7's end-to-end story, through HTTP only: a company signs up, enables its plugins, creates
 * its locations, a tariff, an appliance and an agent, registers a meter customer and an SHS
 * customer with an installment sale; the agent takes cash for each and gets the token at the
 * counter (Calin's from the simulator, OpenPAYGO's generated here); another company can see none
 * of it. The database is only read, to check what HTTP says.
 */
class CompanyOnboardingEndToEndTest {

  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(CompanyOnboardingEndToEndTest.class);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void aCompanyOnboardsSellsAndItsAgentHandsOutTokensWhichNoOtherCompanySees() {
    // sign-up and plugins
    String adminEmail = "founder-" + UUID.randomUUID() + "@sunrise.example";
    HttpResponse<Buffer> signUp = gw.post(
        "/api/v1/companies",
        null,
        new JsonObject()
            .put("name", "Sunrise Power")
            .put("country", "TZ")
            .put("currency", "TZS")
            .put(
                "admin",
                new JsonObject().put("email", adminEmail).put("password", "founder password 1"))
            .put("plugins", new JsonArray().add("calin").add("openpaygo").add("africastalking")));
    assertEquals(201, signUp.statusCode(), signUp.bodyAsString());
    String companyId = signUp.bodyAsJsonObject().getString("companyId");
    String admin = gw.login(adminEmail, "founder password 1");
    ok(gw.put(
        "/api/v1/plugins/calin",
        admin,
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(Map.copyOf(gw.calin.settings())))));
    ok(gw.put(
        "/api/v1/plugins/africastalking",
        admin,
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(Map.copyOf(gw.sms.settings())))));

    // the field agent, the locations, the tariff and the appliance
    String agentEmail = "agent-" + UUID.randomUUID() + "@sunrise.example";
    String agentId = ok(gw.post(
            "/api/v1/users",
            admin,
            new JsonObject()
                .put("email", agentEmail)
                .put("password", "agent password 1")
                .put("role", "AGENT")
                .put("riskLimit", 50_000_000)))
        .getString("id");
    String agent = gw.login(agentEmail, "agent password 1");
    String cluster = ok(gw.post("/api/v1/clusters", admin, new JsonObject().put("name", "Kagera")))
        .getString("id");
    String grid = ok(gw.post(
            "/api/v1/mini-grids",
            admin,
            new JsonObject().put("name", "Bukoba").put("clusterId", cluster)))
        .getString("id");
    String village = ok(gw.post(
            "/api/v1/villages",
            admin,
            new JsonObject().put("name", "Kashozi").put("miniGridId", grid)))
        .getString("id");
    String tariff = ok(gw.post(
            "/api/v1/tariffs",
            admin,
            new JsonObject()
                .put("name", "Residential")
                .put("currency", "TZS")
                .put("pricePerKwh", 50_000)
                .put("minimumPurchase", 100_000)))
        .getString("id");
    String shs = ok(gw.post(
            "/api/v1/appliances",
            admin,
            new JsonObject()
                .put("name", "SHS 50W")
                .put("type", "SHS")
                .put("price", 70_000_000)
                .put("currency", "TZS")))
        .getString("id");

    // a meter customer and an SHS customer with its sale, both the agent's
    String meterSerial = "SR-M-" + UUID.randomUUID().toString().substring(0, 8);
    String meterCustomer = ok(gw.post(
            "/api/v1/customers",
            admin,
            new JsonObject()
                .put("name", "Neema Mushi")
                .put("phone", "+255712000001")
                .put("villageId", village)
                .put("agentId", agentId)
                .put(
                    "device",
                    new JsonObject()
                        .put("serial", meterSerial)
                        .put("type", "METER")
                        .put("manufacturer", "calin")
                        .put("tariffId", tariff))))
        .getString("id");
    String shsSerial = "SR-S-" + UUID.randomUUID().toString().substring(0, 8);
    JsonObject shsCreated = ok(gw.post(
        "/api/v1/customers",
        admin,
        new JsonObject()
            .put("name", "Juma Kato")
            .put("phone", "+255712000002")
            .put("villageId", village)
            .put("agentId", agentId)
            .put(
                "device",
                new JsonObject()
                    .put("serial", shsSerial)
                    .put("type", "SHS")
                    .put("manufacturer", "openpaygo")
                    .put(
                        "openPaygo",
                        new JsonObject()
                            .put("secretKey", "a29ab82edc5fbbc41ec9530f6dac86b1")
                            .put("startingCode", 123456789))
                    .put(
                        "sale",
                        new JsonObject()
                            .put("applianceId", shs)
                            .put("downPayment", 10_000_000)
                            .put("downPaymentReceived", true)
                            .put(
                                "plan",
                                new JsonObject()
                                    .put("kind", "INSTALLMENT_AMOUNT")
                                    .put("amount", 5_000_000))
                            .put("period", "WEEKLY")))));
    String shsCustomer = shsCreated.getString("id");
    assertEquals(
        2, ok(gw.get("/api/v1/agent/customers", agent)).getJsonArray("items").size());

    // the agent takes cash for each and hands out the token
    JsonObject meterPaid = pay(agent, meterSerial, 1_000_000);
    assertEquals("cash", meterPaid.getString("provider"));
    assertEquals("KWH_TENTHS", meterPaid.getJsonObject("token").getString("unit"));
    assertEquals(
        200L,
        meterPaid.getJsonObject("token").getLong("quantity"),
        "10,000.00 TZS at 500.00/kWh = 20.0 kWh");
    assertNotNull(
        meterPaid.getJsonObject("token").getString("value"), "Calin's token, at the counter");
    JsonObject shsPaid = pay(agent, shsSerial, 5_000_000);
    assertEquals("DAYS", shsPaid.getJsonObject("token").getString("unit"));
    assertEquals(
        7L, shsPaid.getJsonObject("token").getLong("quantity"), "one weekly installment = 7 days");
    String shsToken = shsPaid.getJsonObject("token").getString("value");
    assertNotNull(shsToken);
    assertTrue(shsToken.matches("[0-9]{9,}"), "an OpenPAYGO token is digits: " + shsToken);
    // the device's OpenPAYGO key is sealed at rest like a plugin secret, and still generated the
    // token
    String storedKey =
        gw.db.text("SELECT openpaygo_secret_key FROM devices WHERE serial = ?", shsSerial);
    assertTrue(
        storedKey.startsWith("enc:v2:") && !storedKey.contains("a29ab82edc5fbbc41ec9530f6dac86b1"),
        storedKey);
    // what the company sees: both payments, the SHS's debt reduced, the agent holding the cash
    assertEquals(
        2, ok(gw.get("/api/v1/transactions", admin)).getJsonArray("items").size());
    assertEquals(6_000_000L, ok(gw.get("/api/v1/agents/" + agentId, admin)).getLong("cashBalance"));
    JsonObject shsCustomerNow = ok(gw.get("/api/v1/customers/" + shsCustomer, admin));
    assertFalse(
        shsCustomerNow.encode().contains("\"" + meterSerial + "\""),
        "each customer shows only their device");
    GatewayFixture.eventually(
        Duration.ofSeconds(10),
        "both customers got their SMS",
        () -> gw.db.count(
                "SELECT count(*) FROM sms_messages s JOIN transactions t ON t.id = s.transaction_id "
                    + "WHERE t.company_id = ?::uuid",
                companyId)
            == 2);

    // another company sees none of it, whatever it asks
    GatewayFixture.Company other = gw.company("Other Power");
    String otherAdmin = other.adminToken();
    assertEquals(
        0, ok(gw.get("/api/v1/transactions", otherAdmin)).getJsonArray("items").size());
    for (String path : new String[] {
      "/api/v1/customers/" + meterCustomer,
      "/api/v1/customers/" + shsCustomer,
      "/api/v1/transactions/" + meterPaid.getString("id"),
      "/api/v1/transactions/" + shsPaid.getString("id"),
      "/api/v1/agents/" + agentId
    }) {
      assertEquals(404, gw.get(path, otherAdmin).statusCode(), path);
    }
    HttpResponse<Buffer> export = gw.get("/api/v1/transactions/export.csv", otherAdmin);
    assertEquals(200, export.statusCode());
    assertFalse(
        export.bodyAsString().contains(meterSerial) || export.bodyAsString().contains(shsSerial));
    // nor can its agents pay for our devices
    String otherAgentEmail = "agent-" + UUID.randomUUID() + "@other.example";
    ok(gw.post(
        "/api/v1/users",
        otherAdmin,
        new JsonObject()
            .put("email", otherAgentEmail)
            .put("password", "agent password 1")
            .put("role", "AGENT")
            .put("riskLimit", 5_000_000)));
    String otherAgent = gw.login(otherAgentEmail, "agent password 1");
    assertEquals(
        0,
        ok(gw.get("/api/v1/agent/customers", otherAgent)).getJsonArray("items").size());
    assertEquals(
        404,
        payResponse(otherAgent, meterSerial, 1_000_000, "KES").statusCode(),
        "in its own currency: unknown device");
    assertEquals(
        2, gw.db.count("SELECT count(*) FROM transactions WHERE company_id = ?::uuid", companyId));
  }

  private static JsonObject pay(String agentToken, String serial, long amount) {
    HttpResponse<Buffer> r = payResponse(agentToken, serial, amount, "TZS");
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> payResponse(
      String agentToken, String serial, long amount, String currency) {
    return await(gw.http
        .postAbs(gw.base + "/api/v1/agent/payments")
        .bearerTokenAuthentication(agentToken)
        .putHeader("Idempotency-Key", "cash-" + UUID.randomUUID())
        .sendJsonObject(new JsonObject()
            .put("serial", serial)
            .put("amount", amount)
            .put("currency", currency)));
  }
}
