package io.payg.gateway.sale;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An agent sells an appliance to their own customer, takes the down payment in cash (within the
 * risk limit) and earns the appliance commission, once per Idempotency-Key.
 */
class AgentApplianceSaleTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static String agentId;
  static String agentToken;
  static String ownCustomer;
  static String otherCustomer;
  static String tv;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(AgentApplianceSaleTest.class);
    company = gw.company("Agent Sales");
    GatewayFixture.Agent agent = gw.agent(company, 20_000);
    agentId = agent.id();
    agentToken = agent.token();
    ownCustomer = ok(gw.post(
            "/api/v1/customers",
            company.adminToken(),
            new JsonObject()
                .put("name", "Own")
                .put("phone", "+254711111111")
                .put("villageId", company.villageId())
                .put("agentId", agentId)))
        .getString("id");
    otherCustomer = ok(gw.post(
            "/api/v1/customers",
            company.adminToken(),
            new JsonObject()
                .put("name", "Other")
                .put("phone", "+254711111112")
                .put("villageId", company.villageId())))
        .getString("id");
    tv = ok(gw.post(
            "/api/v1/appliances",
            company.adminToken(),
            new JsonObject()
                .put("name", "TV")
                .put("type", "OTHER")
                .put("price", 30_005)
                .put("currency", "KES")))
        .getString("id");
    ok(gw.put(
        "/api/v1/commissions/settings",
        company.adminToken(),
        new JsonObject().put("energyRateBps", 0).put("applianceRateBps", 1_000)));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static JsonObject terms(String customerId, long downPayment) {
    return new JsonObject()
        .put("customerId", customerId)
        .put("applianceId", tv)
        .put("downPayment", downPayment)
        .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 2))
        .put("period", "WEEKLY");
  }

  static Future<HttpResponse<Buffer>> sell(String key, JsonObject body) {
    return gw.http
        .postAbs(gw.base + "/api/v1/agent/appliance-sales")
        .bearerTokenAuthentication(agentToken)
        .putHeader("Idempotency-Key", key)
        .sendJsonObject(body);
  }

  static long cash() {
    return ok(gw.get("/api/v1/agents/" + agentId, company.adminToken())).getLong("cashBalance");
  }

  static long saleRows() {
    return gw.db.count(
        "SELECT (SELECT count(*) FROM appliance_sales) + (SELECT count(*) FROM installments) "
            + "+ (SELECT count(*) FROM commission_entries)");
  }

  @Test
  void aSaleTakesTheDownPaymentInCashAndEarnsOnce() {
    String key = "sale-" + UUID.randomUUID();
    HttpResponse<Buffer> sold = await(sell(key, terms(ownCustomer, 10_000)));
    assertEquals(201, sold.statusCode(), sold.bodyAsString());
    JsonObject sale = sold.bodyAsJsonObject();
    assertEquals(
        10_000L,
        sale.getJsonArray("schedule").getJsonObject(0).getLong("paid"),
        "the down payment was taken");
    assertEquals(10_000L, cash());
    JsonObject ledger = ok(gw.get("/api/v1/agent/commissions", agentToken));
    assertEquals(3_000L, ledger.getLong("balance"), "30005 × 1000 / 10000 = 3000.5, rounded down");
    assertEquals("APPLIANCE_SALE", ledger.getJsonArray("items").getJsonObject(0).getString("kind"));
    assertEquals(
        sale.getString("id"), ledger.getJsonArray("items").getJsonObject(0).getString("saleId"));

    // replays, also concurrent ones, answer the same sale and take nothing more
    long rows = saleRows();
    List<Future<HttpResponse<Buffer>>> replays = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      replays.add(sell(key, terms(ownCustomer, 10_000)));
    }
    replays.forEach(f -> {
      HttpResponse<Buffer> r = await(f);
      assertEquals(201, r.statusCode(), r.bodyAsString());
      assertEquals(sale.getString("id"), r.bodyAsJsonObject().getString("id"));
    });
    assertEquals(rows, saleRows());
    assertEquals(10_000L, cash());
    HttpResponse<Buffer> otherTerms = await(sell(key, terms(ownCustomer, 5_000)));
    assertEquals(409, otherTerms.statusCode());
    assertEquals("DUPLICATE_TRANSACTION", otherTerms.bodyAsJsonObject().getString("code"));

    // refusals store nothing
    HttpResponse<Buffer> over =
        await(sell("sale-" + UUID.randomUUID(), terms(ownCustomer, 15_000)));
    assertEquals(422, over.statusCode());
    assertEquals("AGENT_RISK_LIMIT", over.bodyAsJsonObject().getString("code"));
    assertEquals(
        404,
        await(sell("sale-" + UUID.randomUUID(), terms(otherCustomer, 1_000))).statusCode(),
        "another agent's (or nobody's) customer is unknown to this agent");
    assertEquals(400, await(sell("short", terms(ownCustomer, 1_000))).statusCode());
    assertEquals(
        400,
        await(sell(
                "sale-" + UUID.randomUUID(),
                terms(ownCustomer, 1_000).put("downPaymentReceived", false)))
            .statusCode());
    assertEquals(rows, saleRows());
    assertEquals(10_000L, cash());
    assertEquals(3_000L, ok(gw.get("/api/v1/agent/commissions", agentToken)).getLong("balance"));

    // the operator's endpoint is not the agent's
    assertEquals(
        403,
        gw.post("/api/v1/agent/appliance-sales", company.adminToken(), terms(ownCustomer, 0))
            .statusCode());
    // a sale without a down payment takes no cash but still earns
    assertEquals(
        201, await(sell("sale-" + UUID.randomUUID(), terms(ownCustomer, 0))).statusCode());
    assertEquals(10_000L, cash());
    assertEquals(6_000L, ok(gw.get("/api/v1/agent/commissions", agentToken)).getLong("balance"));
  }
}
