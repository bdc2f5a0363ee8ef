package io.payg.gateway.commission;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Agents earn a commission on the energy money of their cash payments (not on the debts they
 * clear), once per transaction whatever the replays; operators pay it out, never above it.
 */
class CommissionTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static String agentId;
  static String agentToken;
  static String serial;
  static String customerId;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(CommissionTest.class);
    company = gw.company("Commission Energy");
    GatewayFixture.Agent agent = gw.agent(company, 1_000_000);
    agentId = agent.id();
    agentToken = agent.token();
    serial = "CM-" + UUID.randomUUID().toString().substring(0, 8);
    customerId = ok(gw.post(
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
                        .put("serial", serial)
                        .put("type", "METER")
                        .put("manufacturer", "calin")
                        .put("tariffId", company.tariffId()))))
        .getString("id");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static Future<HttpResponse<Buffer>> pay(String key, long amount) {
    return gw.http
        .postAbs(gw.base + "/api/v1/agent/payments")
        .bearerTokenAuthentication(agentToken)
        .putHeader("Idempotency-Key", key)
        .sendJsonObject(
            new JsonObject().put("serial", serial).put("amount", amount).put("currency", "KES"));
  }

  static JsonObject ledger() {
    return ok(gw.get("/api/v1/agents/" + agentId + "/commissions", company.adminToken()));
  }

  static HttpResponse<Buffer> payout(long amount, String currency) {
    return gw.post(
        "/api/v1/agents/" + agentId + "/commission-payouts",
        company.adminToken(),
        new JsonObject().put("amount", amount).put("currency", currency));
  }

  @Test
  void energyMoneyEarnsOncePerPaymentAndPayoutsNeverExceedTheBalance() {
    String admin = company.adminToken();
    assertEquals(0, ok(gw.get("/api/v1/commissions/settings", admin)).getInteger("energyRateBps"));
    assertEquals(
        400,
        gw.put(
                "/api/v1/commissions/settings",
                admin,
                new JsonObject().put("energyRateBps", 10_001).put("applianceRateBps", 0))
            .statusCode());
    assertEquals(
        400,
        gw.put(
                "/api/v1/commissions/settings",
                admin,
                new JsonObject().put("energyRateBps", 2.5).put("applianceRateBps", 0))
            .statusCode());
    assertEquals(
        403,
        gw.put(
                "/api/v1/commissions/settings",
                agentToken,
                new JsonObject().put("energyRateBps", 10_000).put("applianceRateBps", 10_000))
            .statusCode());
    // before any rate is set, a cash payment earns nothing
    assertEquals(200, await(pay("cash-" + UUID.randomUUID(), 10_000)).statusCode());
    assertEquals(0, ledger().getJsonArray("items").size());

    JsonObject settings = ok(gw.put(
        "/api/v1/commissions/settings",
        admin,
        new JsonObject().put("energyRateBps", 333).put("applianceRateBps", 500)));
    assertEquals(333, settings.getInteger("energyRateBps"));
    assertEquals(
        500, ok(gw.get("/api/v1/commissions/settings", admin)).getInteger("applianceRateBps"));

    // a debt first: a TV's down payment of 100.00 due today
    String tv = ok(gw.post(
            "/api/v1/appliances",
            admin,
            new JsonObject()
                .put("name", "TV")
                .put("type", "OTHER")
                .put("price", 30_000)
                .put("currency", "KES")))
        .getString("id");
    ok(gw.post(
        "/api/v1/customers/" + customerId + "/appliance-sales",
        admin,
        new JsonObject()
            .put("applianceId", tv)
            .put("downPayment", 10_000)
            .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 2))
            .put("period", "WEEKLY")));

    // 250.00: 100.00 clears the installment, 150.00 buys energy (149.50) and leaves 0.50 on the
    // meter
    String key = "cash-" + UUID.randomUUID();
    HttpResponse<Buffer> paid = await(pay(key, 25_000));
    assertEquals(200, paid.statusCode(), paid.bodyAsString());
    JsonArray items = ledger().getJsonArray("items");
    assertEquals(1, items.size());
    JsonObject entry = items.getJsonObject(0);
    assertEquals("ENERGY", entry.getString("kind"));
    assertEquals(
        15_000L, entry.getLong("base"), "only the money that went to energy counts, not the debt");
    assertEquals(499L, entry.getLong("amount"), "15000 × 333 / 10000 = 499.5, rounded down");
    assertEquals(paid.bodyAsJsonObject().getString("id"), entry.getString("transactionId"));

    // replays and concurrent duplicates of one payment earn once
    List<Future<HttpResponse<Buffer>>> dupes = new ArrayList<>();
    String key2 = "cash-" + UUID.randomUUID();
    for (int i = 0; i < 6; i++) {
      dupes.add(pay(i % 2 == 0 ? key : key2, i % 2 == 0 ? 25_000 : 10_000));
    }
    dupes.forEach(f -> assertEquals(200, await(f).statusCode()));
    JsonObject after = ledger();
    assertEquals(2, after.getJsonArray("items").size());
    assertEquals(499L + 333L, after.getLong("balance"), "10000 × 333 / 10000 = 333");
    assertEquals(2, gw.db.count("SELECT count(*) FROM commission_entries WHERE kind = 'ENERGY'"));

    // the agent sees the same ledger
    assertEquals(832L, ok(gw.get("/api/v1/agent/commissions", agentToken)).getLong("balance"));
    assertEquals(403, gw.get("/api/v1/agent/commissions", admin).statusCode());

    // payouts
    HttpResponse<Buffer> tooMuch = payout(833, "KES");
    assertEquals(422, tooMuch.statusCode());
    assertEquals("ABOVE_COMMISSION_BALANCE", tooMuch.bodyAsJsonObject().getString("code"));
    assertEquals(422, payout(100, "TZS").statusCode());
    assertEquals(400, payout(0, "KES").statusCode());
    assertEquals(
        404,
        gw.post(
                "/api/v1/agents/" + UUID.randomUUID() + "/commission-payouts",
                admin,
                new JsonObject().put("amount", 1).put("currency", "KES"))
            .statusCode());
    // a payout retried with its Idempotency-Key (five at once) is paid once; another amount on it
    // is a conflict
    String payoutKey = "payout-" + UUID.randomUUID();
    List<Future<HttpResponse<Buffer>>> retries = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      retries.add(gw.http
          .postAbs(gw.base + "/api/v1/agents/" + agentId + "/commission-payouts")
          .bearerTokenAuthentication(admin)
          .putHeader("Idempotency-Key", payoutKey)
          .sendJsonObject(new JsonObject().put("amount", 532).put("currency", "KES")));
    }
    Set<String> ids = new HashSet<>();
    for (Future<HttpResponse<Buffer>> r : retries) {
      ids.add(ok(GatewayFixture.await(r)).getString("id"));
    }
    assertEquals(1, ids.size(), "one payout for one key");
    assertEquals(300L, ledger().getLong("balance"));
    assertEquals(
        409,
        GatewayFixture.await(gw.http
                .postAbs(gw.base + "/api/v1/agents/" + agentId + "/commission-payouts")
                .bearerTokenAuthentication(admin)
                .putHeader("Idempotency-Key", payoutKey)
                .sendJsonObject(new JsonObject().put("amount", 100).put("currency", "KES")))
            .statusCode());
    assertEquals(300L, ledger().getLong("balance"));

    // five concurrent payouts of 100.00 against a balance of 300.00: exactly three go through
    List<Future<HttpResponse<Buffer>>> payouts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      payouts.add(gw.http
          .postAbs(gw.base + "/api/v1/agents/" + agentId + "/commission-payouts")
          .bearerTokenAuthentication(admin)
          .sendJsonObject(new JsonObject().put("amount", 100).put("currency", "KES")));
    }
    long accepted = payouts.stream()
        .map(GatewayFixture::await)
        .filter(r -> r.statusCode() == 201)
        .count();
    assertEquals(3, accepted);
    assertEquals(0L, ledger().getLong("balance"));
    assertEquals(0L, gw.db.count("SELECT sum(amount) FROM commission_entries"));
  }
}
