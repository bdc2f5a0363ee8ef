package io.payg.gateway.telco;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.MtnMomoSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Request-to-pay between callers of one company: an Idempotency-Key is its caller's own, and an
 * agent asks only their own customers to pay.
 */
class CollectionScopeTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static MtnMomoSimulator momo;
  static GatewayFixture.Agent alice;
  static GatewayFixture.Agent bob;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(CollectionScopeTest.class);
    company = gw.company("Scope Energy");
    momo = await(MtnMomoSimulator.start(gw.app.vertx(), 0));
    ok(gw.put(
        "/api/v1/plugins/mtn-momo",
        company.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(Map.copyOf(momo.settings())))));
    alice = gw.agent(company, 1_000_000);
    bob = gw.agent(company, 1_000_000);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static HttpResponse<Buffer> collect(String token, String key, String serial, long amount) {
    return await(gw.http
        .postAbs(gw.base + "/api/v1/collections")
        .bearerTokenAuthentication(token)
        .putHeader("Idempotency-Key", key)
        .sendJsonObject(new JsonObject()
            .put("provider", "mtn-momo")
            .put("msisdn", "256772123456")
            .put("serial", serial)
            .put("amount", amount)
            .put("currency", "KES")));
  }

  static String meterOf(GatewayFixture.Agent agent) {
    String serial = "SCOPE-" + UUID.randomUUID().toString().substring(0, 8);
    ok(gw.post(
        "/api/v1/customers",
        company.adminToken(),
        new JsonObject()
            .put("name", "Customer " + serial)
            .put("phone", "+254712345678")
            .put("villageId", company.villageId())
            .put("agentId", agent == null ? null : agent.id())
            .put(
                "device",
                new JsonObject()
                    .put("serial", serial)
                    .put("type", "METER")
                    .put("manufacturer", "calin")
                    .put("tariffId", company.tariffId()))));
    return serial;
  }

  @Test
  void twoAgentsWithTheSameKeyEachGetTheirOwnCollection() {
    String key = "shared-key-" + UUID.randomUUID();
    String aliceMeter = meterOf(alice);
    String bobMeter = meterOf(bob);
    HttpResponse<Buffer> a = collect(alice.token(), key, aliceMeter, 10_000);
    HttpResponse<Buffer> b = collect(bob.token(), key, bobMeter, 20_000);
    assertEquals(202, a.statusCode(), a.bodyAsString());
    assertEquals(
        202, b.statusCode(), b.bodyAsString()); // before: 409 DUPLICATE_TRANSACTION (alice's key)
    assertNotEquals(a.bodyAsJsonObject().getString("id"), b.bodyAsJsonObject().getString("id"));
    // each replay finds its caller's own collection
    assertEquals(
        a.bodyAsJsonObject().getString("id"),
        collect(alice.token(), key, aliceMeter, 10_000).bodyAsJsonObject().getString("id"));
    assertEquals(
        b.bodyAsJsonObject().getString("id"),
        collect(bob.token(), key, bobMeter, 20_000).bodyAsJsonObject().getString("id"));
    assertEquals(2, gw.db.count("SELECT count(*) FROM collections WHERE idempotency_key = ?", key));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM collections c JOIN users u ON u.id = c.requested_by"
                + " WHERE c.idempotency_key = ? AND c.serial = ? AND c.amount = 20000 AND u.id = ?::uuid",
            key,
            bobMeter,
            bob.id()));
  }

  @Test
  void anAgentCannotAskAnotherAgentsOrAnUnassignedCustomerToPay() {
    int before = momo.requests().size();
    for (String serial : new String[] {meterOf(bob), meterOf(null)}) {
      HttpResponse<Buffer> r = collect(alice.token(), "k-" + UUID.randomUUID(), serial, 10_000);
      assertEquals(404, r.statusCode(), r.bodyAsString());
      assertEquals(0, gw.db.count("SELECT count(*) FROM collections WHERE serial = ?", serial));
    }
    assertEquals(before, momo.requests().size(), "no push reached any payer");
    // an operator may ask any customer of the company
    assertEquals(
        202,
        collect(company.adminToken(), "k-" + UUID.randomUUID(), meterOf(null), 10_000)
            .statusCode());
  }
}
