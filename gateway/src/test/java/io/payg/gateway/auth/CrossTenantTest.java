package io.payg.gateway.auth;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.SafaricomSimulator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of the API, tried by another company's admin (and agent) against company A's
 * ids: never a 2xx that reads or changes A's data, and no answer that shows A's ids or
 * serials. The table must cover every documented operation, so a new endpoint cannot skip it.
 */
class CrossTenantTest {

  static GatewayFixture gw;
  static GatewayFixture.Company a;
  static GatewayFixture.Company b;
  static String bAgentToken;
  static final List<String> A_SECRETS =
      new ArrayList<>(); // ids and serials of A's that B must never see
  static String customer;
  static String txn;
  static String sale;
  static String agent;
  static String conflict;
  static String collection;
  static String appliance;
  static String serial;
  static String ticket;
  static String unmatched;
  static String reconciliation;
  static String bulkImport;
  static String webhookPath;
  static String apiKey;
  static String heldCash;

  record Attempt(
      HttpMethod method, String documentedPath, String url, JsonObject body, boolean asAgent) {}

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(CrossTenantTest.class);
    a = gw.company("Tenant A");
    b = gw.company("Tenant B");
    serial = "TEN-A-" + UUID.randomUUID().toString().substring(0, 6);
    String agentEmail = "a-agent-" + UUID.randomUUID() + "@example.com";
    agent = ok(gw.post(
            "/api/v1/users",
            a.adminToken(),
            new JsonObject()
                .put("email", agentEmail)
                .put("password", "agent password 1")
                .put("role", "AGENT")
                .put("riskLimit", 1_000_000)))
        .getString("id");
    customer = ok(gw.post(
            "/api/v1/customers",
            a.adminToken(),
            new JsonObject()
                .put("name", "A's customer")
                .put("phone", "+254700000001")
                .put("villageId", a.villageId())
                .put("agentId", agent)
                .put(
                    "device",
                    new JsonObject()
                        .put("serial", serial)
                        .put("type", "METER")
                        .put("manufacturer", "calin")
                        .put("tariffId", a.tariffId()))))
        .getString("id");
    // A's own systems hear of its payments; the hook's path and its events are A's alone
    webhookPath = "/a-hook-" + UUID.randomUUID();
    ok(gw.put(
        "/api/v1/webhooks",
        a.adminToken(),
        new JsonObject()
            .put("url", "http://127.0.0.1:9" + webhookPath)
            .put("events", new JsonArray().add("payment.recorded"))));
    txn = ok(await(a.provider().process("A-1", serial, 10_000, "KES", "+254700000001", null)))
        .getString("transactionId");
    await(a.provider().process("A-1", serial, 20_000, "KES", "+254700000001", null)); // a conflict
    conflict = ok(gw.get("/api/v1/conflicts", a.adminToken()))
        .getJsonArray("items")
        .getJsonObject(0)
        .getString("id");
    appliance = ok(gw.post(
            "/api/v1/appliances",
            a.adminToken(),
            new JsonObject()
                .put("name", "TV")
                .put("type", "OTHER")
                .put("price", 30_000)
                .put("currency", "KES")))
        .getString("id");
    sale = ok(gw.post(
            "/api/v1/customers/" + customer + "/appliance-sales",
            a.adminToken(),
            new JsonObject()
                .put("applianceId", appliance)
                .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 3))
                .put("period", "WEEKLY")))
        .getString("id");
    collection = UUID.randomUUID().toString(); // A has none: B must not be able to tell either way
    String bAgentEmail = "b-agent-" + UUID.randomUUID() + "@example.com";
    ok(gw.post(
        "/api/v1/users",
        b.adminToken(),
        new JsonObject()
            .put("email", bAgentEmail)
            .put("password", "agent password 1")
            .put("role", "AGENT")
            .put("riskLimit", 1_000_000)));
    bAgentToken = gw.login(bAgentEmail, "agent password 1");
    A_SECRETS.addAll(List.of(
        customer, txn, sale, agent, conflict, appliance, serial, a.tariffId(), a.villageId()));
    ticket = ok(gw.post(
            "/api/v1/tickets",
            a.adminToken(),
            new JsonObject()
                .put("customerId", customer)
                .put("title", "A's ticket")
                .put("description", "private")))
        .getString("id");
    A_SECRETS.add(ticket);
    // a Daraja confirmation A cannot book: kept in A's unmatched register
    ok(gw.put(
        "/api/v1/plugins/safaricom",
        a.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put(
                "settings",
                new JsonObject()
                    .put("shortCode", "600979")
                    .put("allowedSources", "127.0.0.1/32"))));
    var daraja = new SafaricomSimulator(gw.http, gw.base + "/api/v1/telco/ke-c2b/" + a.id());
    String mpesaId = "QT" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    await(daraja.confirmation(SafaricomSimulator.C2bPayment.payBill(
        mpesaId,
        "600979",
        "A-TYPO-" + UUID.randomUUID().toString().substring(0, 4),
        "120.00",
        "254708374149",
        Instant.now())));
    unmatched = ok(gw.get("/api/v1/unmatched-payments", a.adminToken()))
        .getJsonArray("items")
        .getJsonObject(0)
        .getString("id");
    A_SECRETS.addAll(List.of(unmatched, mpesaId));
    reconciliation = ok(await(gw.http
            .postAbs(gw.base + "/api/v1/reconciliations?format=generic&provider=generic")
            .bearerTokenAuthentication(a.adminToken())
            .putHeader("Content-Type", "text/csv")
            .sendBuffer(Buffer.buffer("providerTxnId,paidAt,amount,currency,accountReference\nA-1,"
                + Instant.now() + ",10000,KES," + serial + "\n"))))
        .getString("id");
    A_SECRETS.add(reconciliation);
    bulkImport = ok(await(gw.http
            .postAbs(gw.base + "/api/v1/imports")
            .bearerTokenAuthentication(a.adminToken())
            .putHeader("Content-Type", "text/csv")
            .sendBuffer(Buffer.buffer("customer_ref,name,phone,village\n"
                + "A-IMPORTED-1,A's imported customer,+254700000099,Village\n"))))
        .getString("id");
    A_SECRETS.addAll(List.of(bulkImport, "A-IMPORTED-1"));
    A_SECRETS.add(webhookPath);
    apiKey = ok(gw.post(
            "/api/v1/api-keys",
            a.adminToken(),
            new JsonObject().put("name", "A's ERP").put("role", "ADMIN")))
        .getString("id");
    A_SECRETS.add(apiKey);
    // office cash A holds for a second approver
    ok(gw.put(
        "/api/v1/payments/cash/approval",
        a.adminToken(),
        new JsonObject().put("threshold", 50_000)));
    heldCash = ok(await(gw.http
            .postAbs(gw.base + "/api/v1/payments/cash")
            .bearerTokenAuthentication(a.adminToken())
            .putHeader("Idempotency-Key", "held-" + UUID.randomUUID())
            .sendJsonObject(new JsonObject()
                .put("serial", serial)
                .put("amount", 90_000)
                .put("currency", "KES"))))
        .getString("id");
    A_SECRETS.add(heldCash);
    A_SECRETS.add(
        gw.db.text("SELECT id::text FROM webhook_deliveries WHERE company_id = ?::uuid", a.id()));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static List<Attempt> attempts() {
    JsonObject sell = new JsonObject()
        .put("applianceId", appliance)
        .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 2))
        .put("period", "WEEKLY");
    return List.of(
        new Attempt(HttpMethod.POST, "/api/v1/users", "/api/v1/users", null, true),
        new Attempt(HttpMethod.GET, "/api/v1/users", "/api/v1/users", null, true),
        new Attempt(
            HttpMethod.PATCH,
            "/api/v1/users/{id}",
            "/api/v1/users/" + agent,
            new JsonObject().put("disabled", true).put("role", "OPERATOR"),
            true),
        new Attempt(HttpMethod.GET, "/api/v1/plugins", "/api/v1/plugins", null, true),
        new Attempt(
            HttpMethod.GET, "/api/v1/plugins/{name}", "/api/v1/plugins/generic", null, true),
        new Attempt(
            HttpMethod.PUT,
            "/api/v1/plugins/{name}",
            "/api/v1/plugins/generic",
            new JsonObject().put("enabled", false),
            true),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/clusters",
            "/api/v1/clusters",
            new JsonObject().put("name", "x"),
            true),
        new Attempt(HttpMethod.GET, "/api/v1/clusters", "/api/v1/clusters", null, false),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/mini-grids",
            "/api/v1/mini-grids",
            new JsonObject().put("name", "x").put("clusterId", UUID.randomUUID().toString()),
            false),
        new Attempt(HttpMethod.GET, "/api/v1/mini-grids", "/api/v1/mini-grids", null, false),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/villages",
            "/api/v1/villages",
            new JsonObject()
                .put("name", "x")
                .put("miniGridId", UUID.randomUUID().toString()),
            false),
        new Attempt(HttpMethod.GET, "/api/v1/villages", "/api/v1/villages", null, false),
        new Attempt(HttpMethod.POST, "/api/v1/tariffs", "/api/v1/tariffs", null, true),
        new Attempt(
            HttpMethod.GET, "/api/v1/tariffs/{id}", "/api/v1/tariffs/" + a.tariffId(), null, false),
        new Attempt(HttpMethod.POST, "/api/v1/appliances", "/api/v1/appliances", null, true),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/customers",
            "/api/v1/customers",
            new JsonObject()
                .put("name", "x")
                .put("phone", "+254700000009")
                .put("villageId", a.villageId()),
            false),
        new Attempt(
            HttpMethod.GET, "/api/v1/customers/{id}", "/api/v1/customers/" + customer, null, false),
        // B searching for part of A's serial or name finds nothing of A's
        new Attempt(HttpMethod.GET, "/api/v1/customers", "/api/v1/customers?q=TEN-A", null, false),
        new Attempt(
            HttpMethod.GET,
            "/api/v1/customers",
            "/api/v1/customers?q=customer&villageId=" + a.villageId(),
            null,
            false),
        new Attempt(
            HttpMethod.PATCH,
            "/api/v1/customers/{id}",
            "/api/v1/customers/" + customer,
            new JsonObject().put("name", "B was here"),
            false),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/customers/{id}/devices",
            "/api/v1/customers/" + customer + "/devices",
            new JsonObject()
                .put("serial", "B-DEV-1")
                .put("type", "METER")
                .put("manufacturer", "calin")
                .put("tariffId", a.tariffId()),
            false),
        new Attempt(
            HttpMethod.GET,
            "/api/v1/customers/{id}/transactions",
            "/api/v1/customers/" + customer + "/transactions",
            null,
            false),
        new Attempt(HttpMethod.GET, "/api/v1/devices", "/api/v1/devices?q=TEN-A", null, false),
        new Attempt(
            HttpMethod.GET,
            "/api/v1/devices/{serial}",
            "/api/v1/devices/" + serial.toLowerCase(),
            null,
            false),
        // B's audit log never shows A's changes (A's ids are checked on every answer)
        new Attempt(HttpMethod.GET, "/api/v1/audit", "/api/v1/audit?limit=500", null, true),
        new Attempt(HttpMethod.GET, "/api/v1/audit", "/api/v1/audit?entity=customer", null, true),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/devices/{serial}/tokens",
            "/api/v1/devices/" + serial + "/tokens",
            new JsonObject()
                .put("kind", "ADD_DAYS")
                .put("value", 30)
                .put("reason", "B's technician"),
            false),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/customers/{id}/appliance-sales",
            "/api/v1/customers/" + customer + "/appliance-sales",
            sell,
            false),
        new Attempt(
            HttpMethod.GET,
            "/api/v1/appliance-sales/{id}",
            "/api/v1/appliance-sales/" + sale,
            null,
            false),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/appliance-sales/{id}/reschedule",
            "/api/v1/appliance-sales/" + sale + "/reschedule",
            new JsonObject().put("period", "DAILY"),
            true),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/appliance-sales/{id}/write-off",
            "/api/v1/appliance-sales/" + sale + "/write-off",
            new JsonObject().put("reason", "B's write-off"),
            true),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/devices/{serial}/repossess",
            "/api/v1/devices/" + serial + "/repossess",
            new JsonObject().put("reason", "B's repossession"),
            true),
        new Attempt(HttpMethod.GET, "/api/v1/transactions", "/api/v1/transactions", null, false),
        new Attempt(
            HttpMethod.GET,
            "/api/v1/transactions/{id}",
            "/api/v1/transactions/" + txn,
            null,
            false),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/transactions/{id}/token/retry",
            "/api/v1/transactions/" + txn + "/token/retry",
            new JsonObject(),
            false),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/transactions/{id}/sms/resend",
            "/api/v1/transactions/" + txn + "/sms/resend",
            new JsonObject(),
            false),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/transactions/{id}/reversal",
            "/api/v1/transactions/" + txn + "/reversal",
            new JsonObject().put("reason", "not yours"),
            false),
        new Attempt(HttpMethod.GET, "/api/v1/conflicts", "/api/v1/conflicts", null, false),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/conflicts/{id}/resolve",
            "/api/v1/conflicts/" + conflict + "/resolve",
            new JsonObject().put("resolution", "mine now"),
            false),
        new Attempt(HttpMethod.GET, "/api/v1/sms-templates", "/api/v1/sms-templates", null, true),
        new Attempt(
            HttpMethod.PUT,
            "/api/v1/sms-templates",
            "/api/v1/sms-templates",
            new JsonObject().put("token", "{token}"),
            true),
        new Attempt(HttpMethod.GET, "/api/v1/sms/reminders", "/api/v1/sms/reminders", null, true),
        new Attempt(
            HttpMethod.PUT,
            "/api/v1/sms/reminders",
            "/api/v1/sms/reminders",
            new JsonObject().put("enabled", true).put("daysBefore", new JsonArray().add(1)),
            true),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/collections",
            "/api/v1/collections",
            new JsonObject()
                .put("provider", "mtn-momo")
                .put("msisdn", "256772123456")
                .put("serial", serial)
                .put("amount", 10_000)
                .put("currency", "KES"),
            false),
        new Attempt(
            HttpMethod.GET,
            "/api/v1/collections/{id}",
            "/api/v1/collections/" + collection,
            null,
            false),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/agent/payments",
            "/api/v1/agent/payments",
            new JsonObject().put("serial", serial).put("amount", 10_000).put("currency", "KES"),
            true),
        new Attempt(
            HttpMethod.GET, "/api/v1/agent/customers", "/api/v1/agent/customers", null, true),
        // B's agent registering into A's village with A's tariff and A's taken serial: refused,
        // nothing of A's named
        new Attempt(
            HttpMethod.POST,
            "/api/v1/agent/customers",
            "/api/v1/agent/customers",
            new JsonObject()
                .put("name", "x")
                .put("phone", "+254700000009")
                .put("villageId", a.villageId())
                .put(
                    "device",
                    new JsonObject()
                        .put("serial", serial)
                        .put("type", "METER")
                        .put("manufacturer", "calin")
                        .put("tariffId", a.tariffId())),
            true),
        new Attempt(
            HttpMethod.GET, "/api/v1/agent/transactions", "/api/v1/agent/transactions", null, true),
        new Attempt(
            HttpMethod.GET,
            "/api/v1/agent/transactions/{id}",
            "/api/v1/agent/transactions/" + txn,
            null,
            true),
        new Attempt(HttpMethod.GET, "/api/v1/agents/{id}", "/api/v1/agents/" + agent, null, false),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/agents/{id}/cash-handovers",
            "/api/v1/agents/" + agent + "/cash-handovers",
            new JsonObject().put("amount", 1),
            false),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/tickets",
            "/api/v1/tickets",
            new JsonObject().put("customerId", customer).put("title", "x").put("description", "x"),
            true),
        new Attempt(HttpMethod.GET, "/api/v1/tickets", "/api/v1/tickets", null, true),
        new Attempt(
            HttpMethod.GET, "/api/v1/tickets/{id}", "/api/v1/tickets/" + ticket, null, true),
        new Attempt(
            HttpMethod.PATCH,
            "/api/v1/tickets/{id}",
            "/api/v1/tickets/" + ticket,
            new JsonObject().put("status", "CLOSED"),
            true),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/tickets/{id}/comments",
            "/api/v1/tickets/" + ticket + "/comments",
            new JsonObject().put("body", "x"),
            true),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/agent/tickets",
            "/api/v1/agent/tickets",
            new JsonObject().put("customerId", customer).put("title", "x").put("description", "x"),
            true),
        new Attempt(HttpMethod.GET, "/api/v1/agent/tickets", "/api/v1/agent/tickets", null, true),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/agent/appliance-sales",
            "/api/v1/agent/appliance-sales",
            sell.copy().put("customerId", customer),
            true),
        new Attempt(
            HttpMethod.GET,
            "/api/v1/commissions/settings",
            "/api/v1/commissions/settings",
            null,
            true),
        new Attempt(
            HttpMethod.PUT,
            "/api/v1/commissions/settings",
            "/api/v1/commissions/settings",
            new JsonObject().put("energyRateBps", 10_000).put("applianceRateBps", 10_000),
            true),
        new Attempt(
            HttpMethod.GET,
            "/api/v1/agents/{id}/commissions",
            "/api/v1/agents/" + agent + "/commissions",
            null,
            true),
        new Attempt(
            HttpMethod.GET, "/api/v1/agent/commissions", "/api/v1/agent/commissions", null, true),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/agents/{id}/commission-payouts",
            "/api/v1/agents/" + agent + "/commission-payouts",
            new JsonObject().put("amount", 1).put("currency", "KES"),
            true),
        new Attempt(
            HttpMethod.GET,
            "/api/v1/unmatched-payments",
            "/api/v1/unmatched-payments",
            null,
            false),
        new Attempt(
            HttpMethod.GET,
            "/api/v1/unmatched-payments/{id}",
            "/api/v1/unmatched-payments/" + unmatched,
            null,
            false),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/unmatched-payments/{id}/assign",
            "/api/v1/unmatched-payments/" + unmatched + "/assign",
            new JsonObject().put("serial", serial),
            false),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/unmatched-payments/{id}/dismiss",
            "/api/v1/unmatched-payments/" + unmatched + "/dismiss",
            new JsonObject().put("reason", "not ours"),
            false),
        new Attempt(HttpMethod.GET, "/api/v1/books", "/api/v1/books", null, false),
        new Attempt(
            HttpMethod.GET,
            "/api/v1/transactions/export.csv",
            "/api/v1/transactions/export.csv",
            null,
            true),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/reconciliations",
            "/api/v1/reconciliations?format=generic&provider=generic",
            new JsonObject(),
            true),
        new Attempt(
            HttpMethod.GET,
            "/api/v1/reconciliations/{id}",
            "/api/v1/reconciliations/" + reconciliation,
            null,
            true),
        new Attempt(
            HttpMethod.GET,
            "/api/v1/reconciliations/{id}",
            "/api/v1/reconciliations/" + reconciliation + ".csv",
            null,
            true),
        // a file is CSV: a JSON body is refused before anything is read (BulkImportTest uploads B's
        // CSV with A's serials)
        new Attempt(HttpMethod.POST, "/api/v1/imports", "/api/v1/imports", new JsonObject(), true),
        new Attempt(
            HttpMethod.GET, "/api/v1/imports/{id}", "/api/v1/imports/" + bulkImport, null, true),
        new Attempt(
            HttpMethod.GET,
            "/api/v1/imports/{id}/rows",
            "/api/v1/imports/" + bulkImport + "/rows",
            null,
            true),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/devices/{serial}/reassign",
            "/api/v1/devices/" + serial + "/reassign",
            new JsonObject().put("customerId", customer),
            true),
        new Attempt(HttpMethod.GET, "/api/v1/webhooks", "/api/v1/webhooks", null, true),
        new Attempt(
            HttpMethod.PUT,
            "/api/v1/webhooks",
            "/api/v1/webhooks",
            new JsonObject()
                .put("url", "https://b.example.com/hook")
                .put("events", new JsonArray().add("payment.recorded")),
            true),
        new Attempt(
            HttpMethod.GET,
            "/api/v1/webhooks/deliveries",
            "/api/v1/webhooks/deliveries",
            null,
            true),
        new Attempt(
            HttpMethod.GET,
            "/api/v1/agent/customers/{id}",
            "/api/v1/agent/customers/" + customer,
            null,
            true),
        new Attempt(HttpMethod.GET, "/api/v1/agent/balance", "/api/v1/agent/balance", null, true),
        new Attempt(
            HttpMethod.PUT,
            "/api/v1/agents/{id}/risk-limit",
            "/api/v1/agents/" + agent + "/risk-limit",
            new JsonObject().put("riskLimit", 1),
            false),
        new Attempt(
            HttpMethod.GET,
            "/api/v1/payments/cash/approval",
            "/api/v1/payments/cash/approval",
            null,
            true),
        new Attempt(
            HttpMethod.PUT,
            "/api/v1/payments/cash/approval",
            "/api/v1/payments/cash/approval",
            new JsonObject().put("threshold", 1),
            true),
        new Attempt(
            HttpMethod.GET,
            "/api/v1/payments/cash/pending",
            "/api/v1/payments/cash/pending",
            null,
            true),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/payments/cash/{id}/approve",
            "/api/v1/payments/cash/" + heldCash + "/approve",
            new JsonObject(),
            true),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/payments/cash/{id}/reject",
            "/api/v1/payments/cash/" + heldCash + "/reject",
            new JsonObject().put("reason", "not yours"),
            true),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/payments/cash",
            "/api/v1/payments/cash",
            new JsonObject().put("serial", serial).put("amount", 10_000).put("currency", "KES"),
            false),
        new Attempt(
            HttpMethod.POST,
            "/api/v1/api-keys",
            "/api/v1/api-keys",
            new JsonObject().put("name", "B's").put("role", "OPERATOR"),
            true),
        new Attempt(HttpMethod.GET, "/api/v1/api-keys", "/api/v1/api-keys", null, true),
        new Attempt(
            HttpMethod.DELETE, "/api/v1/api-keys/{id}", "/api/v1/api-keys/" + apiKey, null, true),
        // last: it sets B's own protected-pages password, which B's later reads would then need
        new Attempt(
            HttpMethod.PUT,
            "/api/v1/company/protected-pages-password",
            "/api/v1/company/protected-pages-password",
            new JsonObject().put("password", "b's own pages"),
            true));
  }

  /** Operations anyone may call (sign-up, login, provider callbacks, health): tenancy comes from elsewhere there. */
  static final Set<String> PUBLIC = Set.of(
      "POST /api/v1/companies",
      "POST /api/v1/auth/login",
      "POST /api/v1/auth/refresh",
      "POST /api/v1/auth/logout",
      "POST /api/v1/telco/{provider}/{companyId}/{operation}",
      "PUT /api/v1/telco/{provider}/{companyId}/{operation}",
      "GET /health/live",
      "GET /health/ready",
      "GET /openapi.json",
      "GET /docs");

  @Test
  void theTableCoversEveryDocumentedOperation() {
    Set<String> documented = new TreeSet<>();
    ok(gw.get("/openapi.json", null))
        .getJsonObject("paths")
        .forEach(p -> ((JsonObject) p.getValue())
            .fieldNames()
            .forEach(m -> documented.add(m.toUpperCase() + " " + p.getKey())));
    documented.removeAll(PUBLIC);
    Set<String> tried = new TreeSet<>();
    attempts().forEach(t -> tried.add(t.method().name() + " " + t.documentedPath()));
    assertEquals(documented, tried);
  }

  @Test
  void anotherCompanyNeverReadsNorChangesCompanyAsData() {
    for (Attempt t : attempts()) {
      for (String token :
          t.asAgent() ? List.of(b.adminToken(), bAgentToken) : List.of(b.adminToken())) {
        var req = gw.http
            .requestAbs(t.method(), gw.base + t.url())
            .bearerTokenAuthentication(token)
            .putHeader("Idempotency-Key", "tenancy-" + UUID.randomUUID());
        HttpResponse<Buffer> r =
            await(t.body() == null ? req.send() : req.sendJsonObject(t.body()));
        String answer = r.bodyAsString() == null ? "" : r.bodyAsString();
        String sent = t.url() + (t.body() == null ? "" : t.body().encode());
        for (String secret : A_SECRETS) {
          // what the caller sent may be echoed (problem "instance"); anything else of A's is a leak
          if (!sent.contains(secret)) {
            assertFalse(answer.contains(secret), t + " showed A's " + secret + ": " + answer);
          }
        }
        boolean touchesA = t.url().contains(heldCash)
            || t.url().toLowerCase().contains(serial.toLowerCase())
            || t.url().contains(customer)
            || t.url().contains(txn)
            || t.url().contains(sale)
            || t.url().contains(agent)
            || t.url().contains(conflict)
            || t.url().contains(a.tariffId())
            || t.url().contains(ticket)
            || t.url().contains(serial)
            || t.url().contains(unmatched)
            || t.url().contains(reconciliation)
            || t.url().contains(bulkImport)
            || t.url().contains(apiKey)
            || (t.body() != null
                && (t.body().encode().contains(a.villageId())
                    || t.body().encode().contains(serial)
                    || t.body().encode().contains(appliance)));
        if (touchesA) {
          assertTrue(
              r.statusCode() >= 400 && r.statusCode() < 500,
              t + " -> " + r.statusCode() + " " + answer);
        }
      }
    }
    // and A's data is as it was
    assertEquals(
        "PENDING_APPROVAL",
        gw.db.text("SELECT status FROM office_cash_pending WHERE id = ?::uuid", heldCash));
    assertEquals(
        50_000L, ok(gw.get("/api/v1/payments/cash/approval", a.adminToken())).getLong("threshold"));
    JsonObject conflictNow =
        ok(gw.get("/api/v1/conflicts", a.adminToken())).getJsonArray("items").getJsonObject(0);
    assertEquals(null, conflictNow.getString("resolution"));
    assertEquals(0L, ok(gw.get("/api/v1/agents/" + agent, a.adminToken())).getLong("cashBalance"));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM customers WHERE company_id = ?::uuid AND phone = '+254700000009'",
            a.id()),
        "B's agent registered no customer into A");
    assertEquals(
        1,
        ok(gw.get("/api/v1/appliance-sales/" + sale, a.adminToken()))
                .getString("id")
                .equals(sale)
            ? 1
            : 0);
    assertEquals(
        1,
        gw.db.count("SELECT count(*) FROM appliance_sales WHERE customer_id = ?::uuid", customer));
    assertEquals(
        0, gw.db.count("SELECT count(*) FROM sale_plan_changes"), "B changed no plan of A's");
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM installments WHERE sale_id = ?::uuid AND status <> 'OPEN'",
            sale));
    assertEquals(
        0,
        gw.db.count("SELECT count(*) FROM devices WHERE repossessed_at IS NOT NULL"),
        "B repossessed nothing");
    assertEquals(
        false,
        ok(gw.get("/api/v1/sms/reminders", a.adminToken())).getBoolean("enabled"),
        "B's reminder setting is B's only");
    JsonObject ticketNow = ok(gw.get("/api/v1/tickets/" + ticket, a.adminToken()));
    assertEquals("OPEN", ticketNow.getString("status"));
    assertEquals(0, ticketNow.getJsonArray("comments").size());
    assertEquals(1, gw.db.count("SELECT count(*) FROM tickets WHERE company_id = ?::uuid", a.id()));
    assertEquals(
        customer, gw.db.text("SELECT customer_id::text FROM devices WHERE serial = ?", serial));
    assertEquals(
        "A's customer", gw.db.text("SELECT name FROM customers WHERE id = ?::uuid", customer));
    assertEquals(
        1, gw.db.count("SELECT count(*) FROM devices WHERE customer_id = ?::uuid", customer));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM audit_log WHERE company_id = ?::uuid AND (action = 'customer.updated' "
                + "OR actor_id NOT IN (SELECT id FROM users WHERE company_id = ?::uuid))",
            a.id(),
            a.id()),
        "no change of B's was audited as A's");
    assertEquals(
        0,
        gw.db.count("SELECT count(*) FROM maintenance_tokens"),
        "B issued no token for A's device");
    assertEquals(
        0, ok(gw.get("/api/v1/commissions/settings", a.adminToken())).getInteger("energyRateBps"));
    assertEquals(0, gw.db.count("SELECT count(*) FROM commission_entries"));
    assertEquals(
        0, gw.db.count("SELECT count(*) FROM reversals"), "B reversed none of A's payments");
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM users WHERE id = ?::uuid AND role = 'AGENT' AND disabled_at IS NULL",
            agent));
    assertEquals(
        "OPEN", gw.db.text("SELECT status FROM unmatched_payments WHERE id = ?::uuid", unmatched));
    assertEquals(
        0,
        ok(gw.get("/api/v1/books", b.adminToken())).getJsonArray("totals").size(),
        "B has no money of A's");
    assertEquals(
        1, gw.db.count("SELECT count(*) FROM reconciliations WHERE company_id = ?::uuid", a.id()));
    assertEquals(1, gw.db.count("SELECT count(*) FROM imports WHERE company_id = ?::uuid", a.id()));
    assertEquals(
        0,
        gw.db.count("SELECT count(*) FROM imports WHERE company_id = ?::uuid", b.id()),
        "B's JSON upload stored nothing");
    assertEquals(
        "http://127.0.0.1:9" + webhookPath,
        ok(gw.get("/api/v1/webhooks", a.adminToken())).getString("url"),
        "B's PUT set B's endpoint, not A's");
    assertEquals(
        1_000_000L,
        gw.db.count("SELECT risk_limit FROM users WHERE id = ?::uuid", agent),
        "B moved no limit of A's");
    assertEquals(
        0,
        gw.db.count("SELECT count(*) FROM transactions WHERE provider = 'cash'"),
        "B paid no device of A's");
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM api_keys WHERE id = ?::uuid AND revoked_at IS NULL", apiKey),
        "B revoked none of A's keys");
    assertEquals(
        1,
        ok(gw.get("/api/v1/webhooks/deliveries", a.adminToken()))
            .getJsonArray("items")
            .size());
  }
}
