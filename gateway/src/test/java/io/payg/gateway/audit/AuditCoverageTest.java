package io.payg.gateway.audit;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.MtnMomoSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every operation of the contract that changes state is called once, successfully, and must
 * leave exactly one new audit row of its company, by its caller. The table must name every
 * documented POST/PUT/PATCH/DELETE (read from the served openapi.json), so a new change route
 * without a scenario here fails, and one with a scenario but no audit row fails too.
 */
class AuditCoverageTest {

  /** Not made by a user of a company: sign-up, sessions, and providers' own callbacks (signed by the provider). */
  static final Set<String> NOT_A_USER = Set.of(
      "POST /api/v1/companies",
      "POST /api/v1/auth/login",
      "POST /api/v1/auth/refresh",
      "POST /api/v1/auth/logout",
      "POST /api/v1/telco/{provider}/{companyId}/{operation}",
      "PUT /api/v1/telco/{provider}/{companyId}/{operation}");

  static GatewayFixture gw;
  static GatewayFixture.Company co;
  static GatewayFixture.Agent agent;
  static String adminId;
  static MtnMomoSimulator momo;
  static final String PAGES_PASSWORD = "the audited pages";

  /** One call: as whom, what it sends; {@code csv} is sent as text/csv instead of JSON. */
  record Call(
      HttpMethod method, String url, String token, String actorId, JsonObject body, String csv) {}

  /** The documented operation, and how to make one successful call of it (setting up what it needs first). */
  record Change(String operation, Supplier<Call> prepare) {}

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(AuditCoverageTest.class);
    co = gw.company("Every Change Audited");
    adminId = gw.db.text(
        "SELECT id::text FROM users WHERE company_id = ?::uuid AND role = 'ADMIN'", co.id());
    agent = gw.agent(co, 10_000_000);
    momo = await(MtnMomoSimulator.start(gw.app.vertx(), 0));
    ok(gw.put(
        "/api/v1/plugins/mtn-momo",
        co.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put("settings", new JsonObject(Map.copyOf(momo.settings())))));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static String serial(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
  }

  static Call admin(HttpMethod m, String url, JsonObject body) {
    return new Call(m, url, co.adminToken(), adminId, body, null);
  }

  static Call asAgent(HttpMethod m, String url, JsonObject body) {
    return new Call(m, url, agent.token(), agent.id(), body, null);
  }

  /** A meter customer of the agent's, whose serial the agent may be paid for. */
  static String agentsMeter() {
    String s = serial("AGM");
    ok(gw.post(
        "/api/v1/customers",
        co.adminToken(),
        new JsonObject()
            .put("name", "Agent's " + s)
            .put("phone", "+254700000321")
            .put("villageId", co.villageId())
            .put("agentId", agent.id())
            .put(
                "device",
                new JsonObject()
                    .put("serial", s)
                    .put("type", "METER")
                    .put("manufacturer", "calin")
                    .put("tariffId", co.tariffId()))));
    return s;
  }

  static String customer() {
    return gw.meterCustomer(co, serial("AUC")).getString("id");
  }

  static String paid(String serial) {
    return ok(await(co.provider()
            .process("AUD-" + UUID.randomUUID(), serial, 10_000, "KES", "+254700000001", null)))
        .getString("transactionId");
  }

  static String appliance(String type) {
    return ok(gw.post(
            "/api/v1/appliances",
            co.adminToken(),
            new JsonObject()
                .put("name", type + " " + UUID.randomUUID())
                .put("type", type)
                .put("price", 30_000)
                .put("currency", "KES")))
        .getString("id");
  }

  static JsonObject sellTerms(String appliance) {
    return new JsonObject()
        .put("applianceId", appliance)
        .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 3))
        .put("period", "WEEKLY");
  }

  /** A statement line the gateway never heard of: kept as an unmatched payment by the upload. */
  static String statementOnlyUnmatched() {
    String id = "AUD-SO-" + UUID.randomUUID();
    HttpResponse<Buffer> r = await(gw.http
        .postAbs(gw.base + "/api/v1/reconciliations?format=generic&provider=generic")
        .bearerTokenAuthentication(co.adminToken())
        .putHeader("Content-Type", "text/csv")
        .sendBuffer(Buffer.buffer("providerTxnId,paidAt,amount,currency,accountReference\n" + id
            + "," + Instant.now() + ",10000,KES,NO-SUCH-METER\n")));
    assertEquals(201, r.statusCode(), r.bodyAsString());
    return gw.db.text("SELECT id::text FROM unmatched_payments WHERE provider_txn_id = ?", id);
  }

  /** Office cash above the threshold, recorded by another admin than the one who decides it (held: audited too). */
  static String heldBySecondAdmin() {
    String email = "admin-2-" + UUID.randomUUID() + "@example.com";
    ok(gw.post(
        "/api/v1/users",
        co.adminToken(),
        new JsonObject()
            .put("email", email)
            .put("password", "second admin pw 1")
            .put("role", "ADMIN")));
    String second = gw.login(email, "second admin pw 1");
    String s = serial("HLD");
    gw.meterCustomer(co, s);
    HttpResponse<Buffer> held = await(gw.http
        .postAbs(gw.base + "/api/v1/payments/cash")
        .bearerTokenAuthentication(second)
        .putHeader("Idempotency-Key", "held-" + UUID.randomUUID())
        .sendJsonObject(
            new JsonObject().put("serial", s).put("amount", 90_000).put("currency", "KES")));
    assertEquals(202, held.statusCode(), held.bodyAsString());
    return held.bodyAsJsonObject().getString("id");
  }

  /** A TV sold on three weekly installments to a new meter customer: its sale id. */
  static String tvSale() {
    return ok(gw.post(
            "/api/v1/customers/" + customer() + "/appliance-sales",
            co.adminToken(),
            sellTerms(appliance("OTHER"))))
        .getString("id");
  }

  static String ticket() {
    return ok(gw.post(
            "/api/v1/tickets",
            co.adminToken(),
            new JsonObject()
                .put("title", "Meter dark")
                .put("description", "no light since Monday")))
        .getString("id");
  }

  static List<Change> changes() {
    List<Change> c = new ArrayList<>();
    c.add(new Change(
        "POST /api/v1/users",
        () -> admin(
            HttpMethod.POST,
            "/api/v1/users",
            new JsonObject()
                .put("email", "op-" + UUID.randomUUID() + "@example.com")
                .put("password", "operator password 1")
                .put("role", "OPERATOR"))));
    c.add(new Change("PATCH /api/v1/users/{id}", () -> {
      String user = gw.agent(co, 1000).id();
      return admin(
          HttpMethod.PATCH, "/api/v1/users/" + user, new JsonObject().put("role", "OPERATOR"));
    }));
    c.add(new Change(
        "PUT /api/v1/plugins/{name}",
        () -> admin(
            HttpMethod.PUT, "/api/v1/plugins/generic", new JsonObject().put("enabled", true))));
    c.add(new Change(
        "POST /api/v1/clusters",
        () -> admin(
            HttpMethod.POST,
            "/api/v1/clusters",
            new JsonObject().put("name", "C " + UUID.randomUUID()))));
    c.add(new Change("POST /api/v1/mini-grids", () -> {
      String cluster = ok(gw.post(
              "/api/v1/clusters",
              co.adminToken(),
              new JsonObject().put("name", "C " + UUID.randomUUID())))
          .getString("id");
      return admin(
          HttpMethod.POST,
          "/api/v1/mini-grids",
          new JsonObject().put("name", "G " + UUID.randomUUID()).put("clusterId", cluster));
    }));
    c.add(new Change("POST /api/v1/villages", () -> {
      String cluster = ok(gw.post(
              "/api/v1/clusters",
              co.adminToken(),
              new JsonObject().put("name", "C " + UUID.randomUUID())))
          .getString("id");
      String grid = ok(gw.post(
              "/api/v1/mini-grids",
              co.adminToken(),
              new JsonObject().put("name", "G " + UUID.randomUUID()).put("clusterId", cluster)))
          .getString("id");
      return admin(
          HttpMethod.POST,
          "/api/v1/villages",
          new JsonObject().put("name", "V " + UUID.randomUUID()).put("miniGridId", grid));
    }));
    c.add(new Change(
        "POST /api/v1/tariffs",
        () -> admin(
            HttpMethod.POST,
            "/api/v1/tariffs",
            new JsonObject()
                .put("name", "T " + UUID.randomUUID())
                .put("currency", "KES")
                .put("pricePerKwh", 2000)
                .put("minimumPurchase", 1000))));
    c.add(new Change(
        "POST /api/v1/appliances",
        () -> admin(
            HttpMethod.POST,
            "/api/v1/appliances",
            new JsonObject()
                .put("name", "Fan " + UUID.randomUUID())
                .put("type", "OTHER")
                .put("price", 5000)
                .put("currency", "KES"))));
    c.add(new Change(
        "POST /api/v1/customers",
        () -> admin(
            HttpMethod.POST,
            "/api/v1/customers",
            new JsonObject()
                .put("name", "New")
                .put("phone", "+254700000002")
                .put("villageId", co.villageId()))));
    c.add(new Change(
        "PATCH /api/v1/customers/{id}",
        () -> admin(
            HttpMethod.PATCH,
            "/api/v1/customers/" + customer(),
            new JsonObject().put("name", "Renamed"))));
    c.add(new Change(
        "POST /api/v1/customers/{id}/devices",
        () -> admin(
            HttpMethod.POST,
            "/api/v1/customers/" + customer() + "/devices",
            new JsonObject()
                .put("serial", serial("ADD"))
                .put("type", "METER")
                .put("manufacturer", "calin")
                .put("tariffId", co.tariffId()))));
    c.add(new Change("POST /api/v1/customers/{id}/appliance-sales", () -> {
      String tv = appliance("OTHER");
      return admin(
          HttpMethod.POST, "/api/v1/customers/" + customer() + "/appliance-sales", sellTerms(tv));
    }));
    c.add(new Change(
        "POST /api/v1/appliance-sales/{id}/reschedule",
        () -> admin(
            HttpMethod.POST,
            "/api/v1/appliance-sales/" + tvSale() + "/reschedule",
            new JsonObject()
                .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 6))
                .put("reason", "harvest failed"))));
    c.add(new Change(
        "POST /api/v1/appliance-sales/{id}/write-off",
        () -> admin(
            HttpMethod.POST,
            "/api/v1/appliance-sales/" + tvSale() + "/write-off",
            new JsonObject().put("reason", "moved away"))));
    c.add(new Change("POST /api/v1/devices/{serial}/repossess", () -> {
      String s = serial("REP");
      ok(gw.post(
          "/api/v1/customers",
          co.adminToken(),
          new JsonObject()
              .put("name", "Solar " + s)
              .put("phone", "+254700000778")
              .put("villageId", co.villageId())
              .put(
                  "device",
                  new JsonObject()
                      .put("serial", s)
                      .put("type", "SHS")
                      .put("manufacturer", "openpaygo")
                      .put(
                          "openPaygo",
                          new JsonObject()
                              .put("secretKey", "bc41ec9530f6dac86b1a29ab82edc5fb")
                              .put("startingCode", 516959010))
                      .put("sale", sellTerms(appliance("SHS"))))));
      return admin(
          HttpMethod.POST,
          "/api/v1/devices/" + s + "/repossess",
          new JsonObject().put("reason", "missed"));
    }));
    c.add(new Change("POST /api/v1/transactions/{id}/token/retry", () -> {
      String s = serial("REJ");
      gw.meterCustomer(co, s);
      gw.calin.rejectSerial(s);
      String txn = paid(s);
      eventually(
          Duration.ofSeconds(15),
          "token FAILED",
          () -> "TOKEN_FAILED"
              .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", txn)));
      return admin(
          HttpMethod.POST, "/api/v1/transactions/" + txn + "/token/retry", new JsonObject());
    }));
    c.add(new Change("POST /api/v1/transactions/{id}/sms/resend", () -> {
      String s = serial("SMS");
      gw.meterCustomer(co, s);
      String txn = paid(s);
      eventually(
          Duration.ofSeconds(15),
          "SMS sent",
          () -> gw.db.count(
                  "SELECT count(*) FROM outbox "
                      + "WHERE transaction_id = ?::uuid AND kind = 'SMS' AND status = 'DONE'",
                  txn)
              == 1);
      return admin(
          HttpMethod.POST, "/api/v1/transactions/" + txn + "/sms/resend", new JsonObject());
    }));
    c.add(new Change("POST /api/v1/transactions/{id}/reversal", () -> {
      String s = serial("REV");
      gw.meterCustomer(co, s);
      String txn = paid(s);
      eventually(
          Duration.ofSeconds(15),
          "token delivered",
          () -> "COMPLETED"
              .equals(gw.db.text("SELECT status FROM transactions WHERE id = ?::uuid", txn)));
      return admin(
          HttpMethod.POST,
          "/api/v1/transactions/" + txn + "/reversal",
          new JsonObject().put("reason", "twice"));
    }));
    c.add(new Change("POST /api/v1/conflicts/{id}/resolve", () -> {
      String s = serial("CON");
      gw.meterCustomer(co, s);
      String id = "AUD-C-" + UUID.randomUUID();
      await(co.provider().process(id, s, 10_000, "KES", "+254700000001", null));
      await(co.provider().process(id, s, 20_000, "KES", "+254700000001", null));
      String conflict = gw.db.text("SELECT id::text FROM conflicts WHERE provider_txn_id = ?", id);
      return admin(
          HttpMethod.POST,
          "/api/v1/conflicts/" + conflict + "/resolve",
          new JsonObject().put("resolution", "ok"));
    }));
    c.add(new Change(
        "PUT /api/v1/sms-templates",
        () -> admin(
            HttpMethod.PUT,
            "/api/v1/sms-templates",
            new JsonObject().put("token", "Token {token} for {serial}"))));
    c.add(new Change(
        "PUT /api/v1/sms/reminders",
        () -> admin(
            HttpMethod.PUT,
            "/api/v1/sms/reminders",
            new JsonObject().put("enabled", true).put("daysBefore", new JsonArray().add(1)))));
    c.add(new Change("POST /api/v1/collections", () -> {
      String s = serial("COL");
      gw.meterCustomer(co, s);
      return admin(
          HttpMethod.POST,
          "/api/v1/collections",
          new JsonObject()
              .put("provider", "mtn-momo")
              .put("msisdn", "256772123456")
              .put("serial", s)
              .put("amount", 10_000)
              .put("currency", "KES"));
    }));
    c.add(new Change(
        "PUT /api/v1/commissions/settings",
        () -> admin(
            HttpMethod.PUT,
            "/api/v1/commissions/settings",
            new JsonObject().put("energyRateBps", 500).put("applianceRateBps", 300))));
    c.add(new Change(
        "POST /api/v1/agent/payments",
        () -> asAgent(
            HttpMethod.POST,
            "/api/v1/agent/payments",
            new JsonObject()
                .put("serial", agentsMeter())
                .put("amount", 10_000)
                .put("currency", "KES"))));
    c.add(new Change(
        "POST /api/v1/agents/{id}/cash-handovers",
        () -> admin(
            HttpMethod.POST,
            "/api/v1/agents/" + agent.id() + "/cash-handovers",
            new JsonObject().put("amount", 1).put("note", "counted"))));
    c.add(new Change(
        "POST /api/v1/agents/{id}/commission-payouts",
        () -> admin(
            HttpMethod.POST,
            "/api/v1/agents/" + agent.id() + "/commission-payouts",
            new JsonObject().put("amount", 1).put("currency", "KES"))));
    c.add(new Change(
        "PUT /api/v1/agents/{id}/risk-limit",
        () -> admin(
            HttpMethod.PUT,
            "/api/v1/agents/" + agent.id() + "/risk-limit",
            new JsonObject().put("riskLimit", 20_000_000))));
    c.add(new Change(
        "POST /api/v1/tickets",
        () -> admin(
            HttpMethod.POST,
            "/api/v1/tickets",
            new JsonObject().put("title", "t").put("description", "d"))));
    c.add(new Change(
        "PATCH /api/v1/tickets/{id}",
        () -> admin(
            HttpMethod.PATCH,
            "/api/v1/tickets/" + ticket(),
            new JsonObject().put("status", "CLOSED"))));
    c.add(new Change(
        "POST /api/v1/tickets/{id}/comments",
        () -> admin(
            HttpMethod.POST,
            "/api/v1/tickets/" + ticket() + "/comments",
            new JsonObject().put("body", "called the customer"))));
    c.add(new Change("POST /api/v1/agent/tickets", () -> {
      String s = agentsMeter();
      String customer = gw.db.text("SELECT customer_id::text FROM devices WHERE serial = ?", s);
      return asAgent(
          HttpMethod.POST,
          "/api/v1/agent/tickets",
          new JsonObject().put("customerId", customer).put("title", "t").put("description", "d"));
    }));
    c.add(new Change(
        "POST /api/v1/agent/customers",
        () -> asAgent(
            HttpMethod.POST,
            "/api/v1/agent/customers",
            new JsonObject()
                .put("name", "Registered in the field")
                .put("phone", "+254700000003")
                .put("villageId", co.villageId())
                .put(
                    "device",
                    new JsonObject()
                        .put("serial", serial("REG"))
                        .put("type", "METER")
                        .put("manufacturer", "calin")
                        .put("tariffId", co.tariffId())))));
    c.add(new Change("POST /api/v1/agent/appliance-sales", () -> {
      String s = agentsMeter();
      String customer = gw.db.text("SELECT customer_id::text FROM devices WHERE serial = ?", s);
      return asAgent(
          HttpMethod.POST,
          "/api/v1/agent/appliance-sales",
          sellTerms(appliance("OTHER")).put("customerId", customer));
    }));
    c.add(new Change("POST /api/v1/devices/{serial}/reassign", () -> {
      String s = serial("MOV");
      gw.meterCustomer(co, s);
      return admin(
          HttpMethod.POST,
          "/api/v1/devices/" + s + "/reassign",
          new JsonObject().put("customerId", customer()).put("reason", "sold on"));
    }));
    c.add(new Change("POST /api/v1/devices/{serial}/tokens", () -> {
      String s = serial("OPG");
      ok(gw.post(
          "/api/v1/customers",
          co.adminToken(),
          new JsonObject()
              .put("name", "Solar")
              .put("phone", "+254700000777")
              .put("villageId", co.villageId())
              .put(
                  "device",
                  new JsonObject()
                      .put("serial", s)
                      .put("type", "SHS")
                      .put("manufacturer", "openpaygo")
                      .put(
                          "openPaygo",
                          new JsonObject()
                              .put("secretKey", "bc41ec9530f6dac86b1a29ab82edc5fb")
                              .put("startingCode", 516959010))
                      .put("sale", sellTerms(appliance("SHS"))))));
      return admin(
          HttpMethod.POST,
          "/api/v1/devices/" + s + "/tokens",
          new JsonObject()
              .put("kind", "ADD_DAYS")
              .put("value", 7)
              .put("reason", "technician visit"));
    }));
    c.add(new Change("POST /api/v1/unmatched-payments/{id}/assign", () -> {
      String kept = statementOnlyUnmatched();
      String s = serial("ASG");
      gw.meterCustomer(co, s);
      return admin(
          HttpMethod.POST,
          "/api/v1/unmatched-payments/" + kept + "/assign",
          new JsonObject().put("serial", s));
    }));
    c.add(new Change(
        "POST /api/v1/unmatched-payments/{id}/dismiss",
        () -> admin(
            HttpMethod.POST,
            "/api/v1/unmatched-payments/" + statementOnlyUnmatched() + "/dismiss",
            new JsonObject().put("reason", "refunded"))));
    c.add(new Change(
        "POST /api/v1/reconciliations",
        () -> new Call(
            HttpMethod.POST,
            "/api/v1/reconciliations?format=generic&provider=generic",
            co.adminToken(),
            adminId,
            null,
            "providerTxnId,paidAt,amount,currency,accountReference\nAUD-R-" + UUID.randomUUID()
                + "," + Instant.now() + ",10000,KES,NOTHING\n")));
    c.add(new Change(
        "POST /api/v1/imports",
        () -> new Call(
            HttpMethod.POST,
            "/api/v1/imports",
            co.adminToken(),
            adminId,
            null,
            "customer_ref,name,phone,village\nAUD-IMP-" + UUID.randomUUID()
                + ",Imported Customer,+254700000456,Village\n")));
    c.add(new Change("POST /api/v1/payments/cash", () -> {
      String s = serial("OFC");
      gw.meterCustomer(co, s);
      return admin(
          HttpMethod.POST,
          "/api/v1/payments/cash",
          new JsonObject().put("serial", s).put("amount", 10_000).put("currency", "KES"));
    }));
    c.add(new Change(
        "PUT /api/v1/payments/cash/approval",
        () -> admin(
            HttpMethod.PUT,
            "/api/v1/payments/cash/approval",
            new JsonObject().put("threshold", 50_000))));
    c.add(new Change(
        "POST /api/v1/payments/cash/{id}/approve",
        () -> admin(
            HttpMethod.POST,
            "/api/v1/payments/cash/" + heldBySecondAdmin() + "/approve",
            new JsonObject())));
    c.add(new Change(
        "POST /api/v1/payments/cash/{id}/reject",
        () -> admin(
            HttpMethod.POST,
            "/api/v1/payments/cash/" + heldBySecondAdmin() + "/reject",
            new JsonObject().put("reason", "counted twice"))));
    c.add(new Change(
        "PUT /api/v1/webhooks",
        () -> admin(
            HttpMethod.PUT,
            "/api/v1/webhooks",
            new JsonObject()
                .put("url", "https://erp.example.com/hook")
                .put("events", new JsonArray().add("payment.recorded")))));
    c.add(new Change(
        "POST /api/v1/api-keys",
        () -> admin(
            HttpMethod.POST,
            "/api/v1/api-keys",
            new JsonObject().put("name", "ERP " + UUID.randomUUID()).put("role", "OPERATOR"))));
    c.add(new Change("DELETE /api/v1/api-keys/{id}", () -> {
      String key = ok(gw.post(
              "/api/v1/api-keys",
              co.adminToken(),
              new JsonObject().put("name", "Old " + UUID.randomUUID()).put("role", "OPERATOR")))
          .getString("id");
      return admin(HttpMethod.DELETE, "/api/v1/api-keys/" + key, null);
    }));
    // last: once set, the protected pages above would need it
    c.add(new Change(
        "PUT /api/v1/company/protected-pages-password",
        () -> admin(
            HttpMethod.PUT,
            "/api/v1/company/protected-pages-password",
            new JsonObject().put("password", PAGES_PASSWORD))));
    return c;
  }

  @Test
  void everyDocumentedChangeHasAScenario() {
    Set<String> documented = new TreeSet<>();
    ok(gw.get("/openapi.json", null))
        .getJsonObject("paths")
        .forEach(p -> ((JsonObject) p.getValue())
            .fieldNames().stream()
                .filter(m -> Set.of("post", "put", "patch", "delete").contains(m))
                .forEach(m -> documented.add(m.toUpperCase() + " " + p.getKey())));
    documented.removeAll(NOT_A_USER);
    Set<String> covered = new TreeSet<>();
    changes().forEach(c -> covered.add(c.operation()));
    assertEquals(
        documented, covered, "every change route needs a scenario here, and its audit row");
  }

  @Test
  void everySuccessfulChangeWritesExactlyOneAuditRowByItsCaller() {
    List<String> missing = new ArrayList<>();
    for (Change change : changes()) {
      Call call = change.prepare().get();
      long before =
          gw.db.count("SELECT count(*) FROM audit_log WHERE company_id = ?::uuid", co.id());
      String last = gw.db.text(
          "SELECT coalesce(max(created_at)::text, '-infinity') FROM audit_log WHERE company_id = ?::uuid",
          co.id());
      var req = gw.http
          .requestAbs(call.method(), gw.base + call.url())
          .bearerTokenAuthentication(call.token())
          .putHeader("Idempotency-Key", "audit-" + UUID.randomUUID());
      HttpResponse<Buffer> r = await(
          call.csv() != null
              ? req.putHeader("Content-Type", "text/csv").sendBuffer(Buffer.buffer(call.csv()))
              : call.body() == null ? req.send() : req.sendJsonObject(call.body()));
      assertTrue(
          r.statusCode() >= 200 && r.statusCode() < 300,
          change.operation() + " -> " + r.statusCode() + " " + r.bodyAsString());
      long after =
          gw.db.count("SELECT count(*) FROM audit_log WHERE company_id = ?::uuid", co.id());
      if (after != before + 1) {
        missing.add(change.operation() + " wrote " + (after - before) + " audit rows");
        continue;
      }
      String actor = gw.db.text(
          "SELECT actor_id::text FROM audit_log WHERE company_id = ?::uuid "
              + "AND created_at > ?::timestamptz",
          co.id(),
          last);
      assertEquals(call.actorId(), actor, change.operation() + ": the row names its caller");
    }
    assertEquals(List.of(), missing);

    // the log pages newest first and filters by entity, actor and time
    JsonObject page = ok(gw.get("/api/v1/audit?limit=5", co.adminToken()));
    assertEquals(5, page.getJsonArray("items").size());
    assertNotNull(page.getString("nextBefore"));
    JsonObject next =
        ok(gw.get("/api/v1/audit?limit=5&before=" + page.getString("nextBefore"), co.adminToken()));
    assertFalse(next.getJsonArray("items").isEmpty());
    assertFalse(page.getJsonArray("items")
        .encode()
        .contains(next.getJsonArray("items").getJsonObject(0).getString("id")));
    JsonArray byAgent = ok(gw.get("/api/v1/audit?limit=500&actor=" + agent.id(), co.adminToken()))
        .getJsonArray("items");
    assertEquals(
        Set.of("payment.agent_cash", "ticket.created", "sale.created", "customer.created"),
        new TreeSet<>(
            byAgent.stream().map(o -> ((JsonObject) o).getString("action")).toList()));
    JsonArray keys =
        ok(gw.get("/api/v1/audit?limit=500&entity=api_key", co.adminToken())).getJsonArray("items");
    assertEquals(
        List.of("api_key.revoked", "api_key.created", "api_key.created"),
        keys.stream().map(o -> ((JsonObject) o).getString("action")).toList());

    // never a secret: no API key (its 10-character display prefix is no secret), webhook secret,
    // password or hash
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM audit_log WHERE company_id = ?::uuid AND (after::text ~ 'pgk_[A-Za-z0-9_-]{7,}' "
                + "OR after::text LIKE '%whsec_%' OR after::text LIKE ? OR after::text LIKE '%$2a$%' OR after::text "
                + "LIKE '%$2b$%' "
                + "OR after::text LIKE '%operator password%')",
            co.id(), "%" + PAGES_PASSWORD + "%"));
  }
}
