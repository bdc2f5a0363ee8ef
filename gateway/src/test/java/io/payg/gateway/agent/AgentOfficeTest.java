package io.payg.gateway.agent;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An agent's own customer and balances, the risk limit operators set, and cash recorded at the office. */
class AgentOfficeTest {

  static GatewayFixture gw;
  static GatewayFixture.Company co;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(AgentOfficeTest.class);
    co = gw.company("Field Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static String customer(String serial, String agentId) {
    JsonObject body = new JsonObject()
        .put("name", "Customer " + serial)
        .put("phone", "+254712345678")
        .put("villageId", co.villageId())
        .put(
            "device",
            new JsonObject()
                .put("serial", serial)
                .put("type", "METER")
                .put("manufacturer", "calin")
                .put("tariffId", co.tariffId()));
    if (agentId != null) {
      body.put("agentId", agentId);
    }
    return ok(gw.post("/api/v1/customers", co.adminToken(), body)).getString("id");
  }

  static HttpResponse<Buffer> post(String path, String token, String key, JsonObject body) {
    var req = gw.http.postAbs(gw.base + path).bearerTokenAuthentication(token);
    if (key != null) {
      req.putHeader("Idempotency-Key", key);
    }
    return await(req.sendJsonObject(body));
  }

  static String sub(String token) {
    return new JsonObject(new String(
            Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8))
        .getString("sub");
  }

  @Test
  void anAgentSeesTheirOwnCustomerAndBalancesAndOperatorsMoveTheirLimit() {
    var agent = gw.agent(co, 50_000);
    var other = gw.agent(co, 50_000);
    String serial = "AG-" + UUID.randomUUID().toString().substring(0, 8);
    String mine = customer(serial, agent.id());
    String notMine = customer("AG-" + UUID.randomUUID().toString().substring(0, 8), null);
    ok(gw.put(
        "/api/v1/commissions/settings",
        co.adminToken(),
        new JsonObject().put("energyRateBps", 500).put("applianceRateBps", 0)));

    JsonObject seen = ok(gw.get("/api/v1/agent/customers/" + mine, agent.token()));
    assertEquals(mine, seen.getString("id"));
    assertEquals(serial, seen.getJsonArray("devices").getJsonObject(0).getString("serial"));
    assertEquals(
        ok(gw.get("/api/v1/customers/" + mine, co.adminToken())).getJsonObject("debts"),
        seen.getJsonObject("debts"));
    assertEquals(404, gw.get("/api/v1/agent/customers/" + mine, other.token()).statusCode());
    assertEquals(
        404, gw.get("/api/v1/agent/customers/" + notMine, agent.token()).statusCode());
    assertEquals(403, gw.get("/api/v1/agent/customers/" + mine, co.adminToken()).statusCode());

    var paid = post(
        "/api/v1/agent/payments",
        agent.token(),
        "agent-pay-" + UUID.randomUUID(),
        new JsonObject().put("serial", serial).put("amount", 10_000).put("currency", "KES"));
    assertEquals(true, paid.statusCode() == 200 || paid.statusCode() == 202, paid.bodyAsString());
    JsonObject balance = ok(gw.get("/api/v1/agent/balance", agent.token()));
    assertEquals(10_000L, balance.getLong("cashBalance"));
    assertEquals(50_000L, balance.getLong("riskLimit"));
    assertEquals(40_000L, balance.getLong("cashRoom"));
    assertEquals("KES", balance.getString("currency"));
    long ledger = gw.db.count(
        "SELECT coalesce(sum(amount), 0) FROM commission_entries WHERE agent_id = ?::uuid",
        agent.id());
    assertEquals(500L, ledger, "5% of the energy money");
    assertEquals(ledger, balance.getLong("commissionBalance"));
    assertEquals(0L, ok(gw.get("/api/v1/agent/balance", other.token())).getLong("cashBalance"));
    assertEquals(403, gw.get("/api/v1/agent/balance", co.adminToken()).statusCode());

    // operators move the limit, never below the cash the agent holds
    HttpResponse<Buffer> below = gw.put(
        "/api/v1/agents/" + agent.id() + "/risk-limit",
        co.adminToken(),
        new JsonObject().put("riskLimit", 5_000));
    assertEquals(422, below.statusCode());
    assertEquals("RISK_LIMIT_BELOW_CASH", below.bodyAsJsonObject().getString("code"));
    assertEquals(
        50_000L, gw.db.count("SELECT risk_limit FROM users WHERE id = ?::uuid", agent.id()));
    JsonObject raised = ok(gw.put(
        "/api/v1/agents/" + agent.id() + "/risk-limit",
        co.adminToken(),
        new JsonObject().put("riskLimit", 100_000)));
    assertEquals(100_000L, raised.getLong("riskLimit"));
    assertEquals(
        100_000L, gw.db.count("SELECT risk_limit FROM users WHERE id = ?::uuid", agent.id()));
    assertEquals(90_000L, ok(gw.get("/api/v1/agent/balance", agent.token())).getLong("cashRoom"));
    assertEquals(
        403,
        gw.put(
                "/api/v1/agents/" + agent.id() + "/risk-limit",
                agent.token(),
                new JsonObject().put("riskLimit", 1_000_000))
            .statusCode());
    assertEquals(
        404,
        gw.put(
                "/api/v1/agents/" + UUID.randomUUID() + "/risk-limit",
                co.adminToken(),
                new JsonObject().put("riskLimit", 1))
            .statusCode());
    assertEquals(
        404,
        gw.put(
                "/api/v1/agents/" + sub(co.adminToken()) + "/risk-limit",
                co.adminToken(),
                new JsonObject().put("riskLimit", 1))
            .statusCode(),
        "only agents have a risk limit");
    assertEquals(
        400,
        gw.put(
                "/api/v1/agents/" + agent.id() + "/risk-limit",
                co.adminToken(),
                new JsonObject().put("riskLimit", -1))
            .statusCode());
  }

  @Test
  void officeStaffRecordCashOnceAttributedToThem() {
    String serial = "OF-" + UUID.randomUUID().toString().substring(0, 8);
    String customerId = customer(serial, null);
    String key = "office-" + UUID.randomUUID();
    String admin = sub(co.adminToken());
    JsonObject body =
        new JsonObject().put("serial", serial).put("amount", 10_000).put("currency", "KES");
    HttpResponse<Buffer> first = post("/api/v1/payments/cash", co.adminToken(), key, body);
    assertEquals(201, first.statusCode(), first.bodyAsString());
    JsonObject txn = first.bodyAsJsonObject();
    assertEquals(admin, txn.getString("recordedBy"));
    String id = txn.getString("id");
    assertEquals("cash", gw.db.text("SELECT provider FROM transactions WHERE id = ?::uuid", id));
    assertEquals(
        "office:" + admin + ":" + key,
        gw.db.text("SELECT provider_txn_id FROM transactions WHERE id = ?::uuid", id));
    assertNull(
        gw.db.text("SELECT agent_id::text FROM transactions WHERE id = ?::uuid", id),
        "no agent's float");
    assertEquals(
        customerId,
        gw.db.text("SELECT customer_id::text FROM transactions WHERE id = ?::uuid", id));
    assertEquals(
        10_000L,
        gw.db.count(
            "SELECT coalesce(sum(amount), 0) FROM allocations WHERE transaction_id = ?::uuid", id));

    // the same key: the same transaction; with another amount: refused; no key: refused
    assertEquals(
        id,
        post("/api/v1/payments/cash", co.adminToken(), key, body)
            .bodyAsJsonObject()
            .getString("id"));
    assertEquals(
        409,
        post("/api/v1/payments/cash", co.adminToken(), key, body.copy().put("amount", 20_000))
            .statusCode());
    assertEquals(400, post("/api/v1/payments/cash", co.adminToken(), null, body).statusCode());
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM transactions WHERE provider = 'cash' AND serial = ?", serial));
    assertEquals(
        404,
        post(
                "/api/v1/payments/cash",
                co.adminToken(),
                "office-" + UUID.randomUUID(),
                body.copy().put("serial", "NO-SUCH"))
            .statusCode());
    var agent = gw.agent(co, 50_000);
    assertEquals(
        403,
        post("/api/v1/payments/cash", agent.token(), "office-" + UUID.randomUUID(), body)
            .statusCode());
    assertEquals(
        0,
        gw.db.count(
            "SELECT coalesce(sum(cash_balance), 0) FROM users WHERE company_id = ?::uuid "
                + "AND role = 'AGENT' AND id = ?::uuid",
            co.id(),
            agent.id()));
  }
}
