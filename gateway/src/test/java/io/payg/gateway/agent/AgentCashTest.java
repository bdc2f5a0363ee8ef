package io.payg.gateway.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.payg.gateway.support.BooksInvariant;
import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An agent takes cash for their own customers, through the same pipeline, within their risk limit. */
class AgentCashTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static String agentId;
  static String agentToken;
  static String ownSerial;
  static String otherSerial;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(AgentCashTest.class);
    company = gw.company("Agent Energy");
    GatewayFixture.Agent agent = gw.agent(company, 30_000);
    agentId = agent.id();
    agentToken = agent.token();
    ownSerial = "AG-" + UUID.randomUUID().toString().substring(0, 8);
    GatewayFixture.ok(gw.post(
        "/api/v1/customers",
        company.adminToken(),
        new JsonObject()
            .put("name", "Own Customer")
            .put("phone", "+254711111111")
            .put("villageId", company.villageId())
            .put("agentId", agentId)
            .put(
                "device",
                new JsonObject()
                    .put("serial", ownSerial)
                    .put("type", "METER")
                    .put("manufacturer", "calin")
                    .put("tariffId", company.tariffId()))));
    otherSerial = "OT-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, otherSerial);
  }

  @AfterEach
  void booksBalance() {
    BooksInvariant.check(gw.db, company.id());
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  private HttpResponse<Buffer> pay(String token, String key, String serial, long amount) {
    return GatewayFixture.await(gw.http
        .postAbs(gw.base + "/api/v1/agent/payments")
        .bearerTokenAuthentication(token)
        .putHeader("Idempotency-Key", key)
        .sendJsonObject(
            new JsonObject().put("serial", serial).put("amount", amount).put("currency", "KES")));
  }

  private long balance() {
    return GatewayFixture.ok(gw.get("/api/v1/agents/" + agentId, company.adminToken()))
        .getLong("cashBalance");
  }

  @Test
  void cashPaymentsAreIdempotentTokenedAndWithinTheRiskLimit() {
    assertEquals(
        1,
        GatewayFixture.ok(gw.get("/api/v1/agent/customers", agentToken))
            .getJsonArray("items")
            .size());

    String key = "cash-" + UUID.randomUUID();
    HttpResponse<Buffer> first = pay(agentToken, key, ownSerial, 10_000);
    assertEquals(200, first.statusCode(), first.bodyAsString());
    JsonObject t = first.bodyAsJsonObject();
    assertEquals("cash", t.getString("provider"));
    assertNotNull(
        t.getJsonObject("token").getString("value"), "the agent gets the token at the counter");
    assertEquals(10_000L, balance());

    HttpResponse<Buffer> again = pay(agentToken, key, ownSerial, 10_000);
    assertEquals(200, again.statusCode());
    assertEquals(t.getString("id"), again.bodyAsJsonObject().getString("id"));
    assertEquals(10_000L, balance(), "a replay takes no more cash");
    assertEquals(409, pay(agentToken, key, ownSerial, 20_000).statusCode());

    long before = gw.db.moneyRows();
    assertEquals(
        404,
        pay(agentToken, "cash-" + UUID.randomUUID(), otherSerial, 10_000).statusCode(),
        "another agent's (or nobody's) customer is unknown to this agent");
    HttpResponse<Buffer> over = pay(agentToken, "cash-" + UUID.randomUUID(), ownSerial, 25_000);
    assertEquals(422, over.statusCode());
    assertEquals("AGENT_RISK_LIMIT", over.bodyAsJsonObject().getString("code"));
    assertEquals(before, gw.db.moneyRows());
    assertEquals(10_000L, balance());

    // the agent hands in the cash; then the same payment fits
    // recorded with an Idempotency-Key: five concurrent retries record one hand-in
    String handoverKey = "handover-" + UUID.randomUUID();
    List<Future<HttpResponse<Buffer>>> handovers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      handovers.add(gw.http
          .postAbs(gw.base + "/api/v1/agents/" + agentId + "/cash-handovers")
          .bearerTokenAuthentication(company.adminToken())
          .putHeader("Idempotency-Key", handoverKey)
          .sendJsonObject(new JsonObject().put("amount", 10_000).put("note", "Friday banking")));
    }
    for (var h : handovers) {
      assertEquals(201, GatewayFixture.await(h).statusCode());
    }
    assertEquals(0L, balance());
    assertEquals(
        1,
        gw.db.count("SELECT count(*) FROM agent_cash_movements WHERE agent_id = ?::uuid", agentId));
    assertEquals(
        409,
        GatewayFixture.await(gw.http
                .postAbs(gw.base + "/api/v1/agents/" + agentId + "/cash-handovers")
                .bearerTokenAuthentication(company.adminToken())
                .putHeader("Idempotency-Key", handoverKey)
                .sendJsonObject(new JsonObject().put("amount", 5_000)))
            .statusCode());
    assertEquals(
        200, pay(agentToken, "cash-" + UUID.randomUUID(), ownSerial, 25_000).statusCode());
    assertEquals(25_000L, balance());
    assertEquals(
        2,
        GatewayFixture.ok(gw.get("/api/v1/agent/transactions", agentToken))
            .getJsonArray("items")
            .size());
    assertEquals(
        403,
        pay(company.adminToken(), "cash-" + UUID.randomUUID(), ownSerial, 10_000)
            .statusCode());
  }
}
