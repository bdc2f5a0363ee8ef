package io.payg.gateway.agent;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An agent registers a customer with a device in the field: once per Idempotency-Key, as the customer's agent. */
class AgentRegistrationTest {

  static GatewayFixture gw;
  static GatewayFixture.Company co;
  static GatewayFixture.Company other;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(AgentRegistrationTest.class);
    co = gw.company("Field Energy");
    other = gw.company("Other Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static HttpResponse<Buffer> register(String token, String key, JsonObject body) {
    var req = gw.http.postAbs(gw.base + "/api/v1/agent/customers").bearerTokenAuthentication(token);
    if (key != null) {
      req.putHeader("Idempotency-Key", key);
    }
    return await(req.sendJsonObject(body));
  }

  static JsonObject meterCustomer(GatewayFixture.Company c, String serial) {
    return new JsonObject()
        .put("name", "Neema " + serial)
        .put("phone", "+255 712 345 678")
        .put("villageId", c.villageId())
        .put(
            "device",
            new JsonObject()
                .put("serial", serial)
                .put("type", "METER")
                .put("manufacturer", "calin")
                .put("tariffId", c.tariffId()));
  }

  static String serial() {
    return "REG-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static long customersWithSerial(String serial) {
    return gw.db.count(
        "SELECT count(*) FROM customers c JOIN devices d ON d.customer_id = c.id WHERE d.serial = ?",
        serial);
  }

  @Test
  void anAgentRegistersACustomerWithAMeterOnceAndItIsTheirs() {
    var agent = gw.agent(co, 50_000);
    String serial = serial();
    String key = "reg-" + UUID.randomUUID();
    JsonObject body = meterCustomer(co, serial);
    HttpResponse<Buffer> first = register(agent.token(), key, body);
    assertEquals(201, first.statusCode(), first.bodyAsString());
    JsonObject created = first.bodyAsJsonObject();
    String id = created.getString("id");
    assertEquals(agent.id(), created.getString("agentId"));
    assertEquals("+255712345678", created.getString("phone"));
    assertEquals(serial, created.getJsonArray("devices").getJsonObject(0).getString("serial"));
    assertEquals(
        agent.id(), gw.db.text("SELECT agent_id::text FROM customers WHERE id = ?::uuid", id));
    assertEquals(
        co.tariffId(), gw.db.text("SELECT tariff_id::text FROM devices WHERE serial = ?", serial));
    // audited by the agent, in the registration's transaction
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM audit_log WHERE action = 'customer.created' AND entity_id = ? "
                + "AND actor_id = ?::uuid AND actor_role = 'AGENT' AND company_id = ?::uuid",
            id,
            agent.id(),
            co.id()));

    // a flaky phone retries: the same customer, nothing more stored
    HttpResponse<Buffer> retry = register(agent.token(), key, body);
    assertEquals(201, retry.statusCode(), retry.bodyAsString());
    assertEquals(created, retry.bodyAsJsonObject());
    assertEquals(1, customersWithSerial(serial));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM audit_log WHERE action = 'customer.created' AND entity_id = ?",
            id));

    // the key with another body: 409, nothing stored
    String otherSerial = serial();
    HttpResponse<Buffer> reused = register(agent.token(), key, meterCustomer(co, otherSerial));
    assertEquals(409, reused.statusCode(), reused.bodyAsString());
    assertEquals("IDEMPOTENCY_KEY_REUSED", reused.bodyAsJsonObject().getString("code"));
    assertEquals(0, customersWithSerial(otherSerial));

    // the customer is in the agent's list, not in another agent's
    JsonArray mine = ok(gw.get("/api/v1/agent/customers", agent.token())).getJsonArray("items");
    assertTrue(
        mine.stream().anyMatch(c -> id.equals(((JsonObject) c).getString("id"))), mine.encode());
    var colleague = gw.agent(co, 50_000);
    assertTrue(
        ok(gw.get("/api/v1/agent/customers", colleague.token())).getJsonArray("items").stream()
            .noneMatch(c -> id.equals(((JsonObject) c).getString("id"))));
    // the same key is the other agent's own: it registers their customer
    HttpResponse<Buffer> theirs = register(colleague.token(), key, meterCustomer(co, otherSerial));
    assertEquals(201, theirs.statusCode(), theirs.bodyAsString());
    assertEquals(colleague.id(), theirs.bodyAsJsonObject().getString("agentId"));
  }

  @Test
  void anAgentRegistersACustomerBuyingAnShsOnInstallments() {
    var agent = gw.agent(co, 50_000);
    String serial = serial();
    String appliance = ok(gw.post(
            "/api/v1/appliances",
            co.adminToken(),
            new JsonObject()
                .put("name", "SHS " + serial)
                .put("type", "SHS")
                .put("price", 12_000)
                .put("currency", "KES")))
        .getString("id");
    JsonObject body = new JsonObject()
        .put("name", "Juma " + serial)
        .put("phone", "+255712000111")
        .put("villageId", co.villageId())
        .put(
            "device",
            new JsonObject()
                .put("serial", serial)
                .put("type", "SHS")
                .put("manufacturer", "openpaygo")
                .put(
                    "sale",
                    new JsonObject()
                        .put("applianceId", appliance)
                        .put("downPayment", 2_000)
                        .put(
                            "plan",
                            new JsonObject().put("kind", "INSTALLMENT_AMOUNT").put("amount", 1_000))
                        .put("period", "MONTHLY"))
                .put(
                    "openPaygo",
                    new JsonObject()
                        .put("secretKey", "bc41ec9530f6dac86b1a29ab82edc5fb")
                        .put("startingCode", 123456789)));
    String key = "reg-" + UUID.randomUUID();
    HttpResponse<Buffer> r = register(agent.token(), key, body);
    assertEquals(201, r.statusCode(), r.bodyAsString());
    String id = r.bodyAsJsonObject().getString("id");
    // the retried body (numbers and nested objects read back from jsonb) is the same request: no
    // second sale
    assertEquals(id, ok(register(agent.token(), key, body)).getString("id"));
    assertEquals(
        1, gw.db.count("SELECT count(*) FROM appliance_sales WHERE customer_id = ?::uuid", id));
    // the down payment (not received yet) and ten installments of 1,000: the price, owed by the
    // customer
    assertEquals(
        11, gw.db.count("SELECT count(*) FROM installments WHERE customer_id = ?::uuid", id));
    assertEquals(
        12_000,
        gw.db.count("SELECT sum(amount) FROM installments WHERE customer_id = ?::uuid", id));
    assertEquals(
        12_000,
        r.bodyAsJsonObject().getJsonObject("debts").getLong("installmentsUpcoming")
            + r.bodyAsJsonObject().getJsonObject("debts").getLong("installmentsDue"));
    assertEquals(
        agent.id(), gw.db.text("SELECT agent_id::text FROM customers WHERE id = ?::uuid", id));
    assertTrue(
        !gw.db
            .text(
                "SELECT after::text FROM audit_log WHERE entity_id = ? AND action = 'customer.created'",
                id)
            .contains("bc41ec95"),
        "the device key is never audited");
  }

  @Test
  void refusalsStoreNothing() {
    var agent = gw.agent(co, 50_000);
    String serial = serial();
    String operatorEmail = "op-" + UUID.randomUUID() + "@example.com";
    ok(gw.post(
        "/api/v1/users",
        co.adminToken(),
        new JsonObject()
            .put("email", operatorEmail)
            .put("password", "operator password 1")
            .put("role", "OPERATOR")));
    String operator = gw.login(operatorEmail, "operator password 1");
    for (String staff : new String[] {co.adminToken(), operator}) {
      assertEquals(
          403,
          register(staff, "reg-" + UUID.randomUUID(), meterCustomer(co, serial)).statusCode());
    }
    // no key: a retry could not be recognised
    assertEquals(400, register(agent.token(), null, meterCustomer(co, serial)).statusCode());
    // the agent names no other agent: the customer is theirs
    assertEquals(
        400,
        register(
                agent.token(),
                "reg-" + UUID.randomUUID(),
                meterCustomer(co, serial).put("agentId", agent.id()))
            .statusCode());
    // a device is part of the registration
    HttpResponse<Buffer> noDevice = register(
        agent.token(),
        "reg-" + UUID.randomUUID(),
        new JsonObject()
            .put("name", "N")
            .put("phone", "+255712345678")
            .put("villageId", co.villageId()));
    assertEquals(400, noDevice.statusCode());
    assertTrue(noDevice.bodyAsJsonObject().getString("detail").contains("device"));
    assertEquals(0, customersWithSerial(serial));

    // another company's agent can use neither this company's village nor its tariff, nor see the
    // customer
    var stranger = gw.agent(other, 50_000);
    HttpResponse<Buffer> cross =
        register(stranger.token(), "reg-" + UUID.randomUUID(), meterCustomer(co, serial));
    assertEquals(422, cross.statusCode(), cross.bodyAsString());
    assertEquals(0, customersWithSerial(serial));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM customers WHERE company_id = ?::uuid AND agent_id = ?::uuid",
            co.id(),
            stranger.id()));
    String id = ok(register(agent.token(), "reg-" + UUID.randomUUID(), meterCustomer(co, serial)))
        .getString("id");
    assertEquals(404, gw.get("/api/v1/agent/customers/" + id, stranger.token()).statusCode());
    assertTrue(ok(gw.get("/api/v1/agent/customers", stranger.token()))
        .getJsonArray("items")
        .isEmpty());

    // the serial is taken: a clear 409 with a new key, nothing stored
    HttpResponse<Buffer> taken = register(
        agent.token(),
        "reg-" + UUID.randomUUID(),
        meterCustomer(co, serial).put("name", "Someone else"));
    assertEquals(409, taken.statusCode(), taken.bodyAsString());
    assertEquals("DUPLICATE_SERIAL", taken.bodyAsJsonObject().getString("code"));
    assertTrue(taken.bodyAsJsonObject().getString("detail").contains(serial));
    assertEquals(1, customersWithSerial(serial));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM customers WHERE name = 'Someone else' AND company_id = ?::uuid",
            co.id()));
  }
}
