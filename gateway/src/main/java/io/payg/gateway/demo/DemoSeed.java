package io.payg.gateway.demo;

import io.payg.telco.simulator.GenericProviderClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;

/**
 * Seeds a demo company through the public HTTP API only, exactly as an operator would: sign
 * up, configure plugins, build the location tree, a tariff, customers with meters.
 */
final class DemoSeed {

  record Seeded(
      String companyId,
      String email,
      String password,
      String accessToken,
      String genericSecret,
      String serial,
      String currency,
      String agentEmail,
      String agentToken) {}

  private final WebClient client;
  private final String base;

  DemoSeed(WebClient client, String base) {
    this.client = client;
    this.base = base;
  }

  Future<Seeded> seed(Map<String, String> calinSettings, Map<String, String> smsSettings) {
    String run = Long.toString(System.currentTimeMillis(), 36);
    String email = "admin+" + run + "@demo.payg.dev";
    String password = "demo-password-" + run;
    String secret = random();
    String agentEmail = "agent+" + run + "@demo.payg.dev";
    JsonObject signUp = new JsonObject()
        .put("name", "Demo Energy " + run)
        .put("country", "KE")
        .put("currency", "KES")
        .put(
            "admin",
            new JsonObject()
                .put("email", email)
                .put("password", password)
                .put("name", "Demo Admin"))
        .put(
            "plugins",
            new JsonArray().add("generic").add("calin").add("openpaygo").add("africastalking"));
    return post("/api/v1/companies", null, signUp).compose(company -> {
      String companyId = company.getString("companyId");
      return post(
              "/api/v1/auth/login",
              null,
              new JsonObject().put("email", email).put("password", password))
          .compose(login -> {
            String token = login.getString("accessToken");
            return put(
                    "/api/v1/plugins/generic",
                    token,
                    new JsonObject()
                        .put("enabled", true)
                        .put("settings", new JsonObject().put("secret", secret)))
                .compose(x -> put(
                    "/api/v1/plugins/calin",
                    token,
                    new JsonObject()
                        .put("enabled", true)
                        .put("settings", new JsonObject(Map.copyOf(calinSettings)))))
                .compose(x -> put(
                    "/api/v1/plugins/africastalking",
                    token,
                    new JsonObject()
                        .put("enabled", true)
                        .put("settings", new JsonObject(Map.copyOf(smsSettings)))))
                .compose(x -> post(
                    "/api/v1/users",
                    token,
                    new JsonObject()
                        .put("email", agentEmail)
                        .put("password", password)
                        .put("role", "AGENT")
                        .put("name", "Demo Agent")
                        .put("riskLimit", 10_000_000)))
                .compose(agent -> post(
                        "/api/v1/clusters", token, new JsonObject().put("name", "Lake Zone"))
                    .map(c -> c.put("agentId", agent.getString("id"))))
                .compose(c -> post(
                        "/api/v1/mini-grids",
                        token,
                        new JsonObject()
                            .put("name", "Bukoba Mini-Grid")
                            .put("clusterId", c.getString("id")))
                    .map(m -> m.put("agentId", c.getString("agentId"))))
                .compose(m -> post(
                        "/api/v1/villages",
                        token,
                        new JsonObject()
                            .put("name", "Kashozi")
                            .put("miniGridId", m.getString("id")))
                    .map(v -> v.put("agentId", m.getString("agentId"))))
                .compose(village -> post(
                        "/api/v1/tariffs",
                        token,
                        new JsonObject()
                            .put("name", "Residential")
                            .put("currency", "KES")
                            .put("pricePerKwh", 2300)
                            .put("minimumPurchase", 5000))
                    .compose(tariff -> post(
                            "/api/v1/tariffs",
                            token,
                            new JsonObject()
                                .put("name", "Business + access rate")
                                .put("currency", "KES")
                                .put("pricePerKwh", 2500)
                                .put(
                                    "accessRate",
                                    new JsonObject().put("amount", 10000).put("periodDays", 7)))
                        .compose(business -> customer(
                                token,
                                village,
                                tariff,
                                "Amina Njoroge",
                                "+254712000001",
                                "DEMO-METER-1")
                            .compose(x -> customer(
                                token,
                                village,
                                tariff,
                                "Baraka Otieno",
                                "+254712000002",
                                "DEMO-METER-2"))
                            .compose(x -> customer(
                                token,
                                village,
                                business,
                                "Chiku Wanjiru",
                                "+254712000003",
                                "DEMO-METER-3"))
                            .compose(x -> solarCustomer(token, village)))))
                .compose(x -> post(
                    "/api/v1/auth/login",
                    null,
                    new JsonObject().put("email", agentEmail).put("password", password)))
                .map(agentLogin -> new Seeded(
                    companyId,
                    email,
                    password,
                    token,
                    secret,
                    "DEMO-METER-1",
                    "KES",
                    agentEmail,
                    agentLogin.getString("accessToken")));
          });
    });
  }

  private Future<JsonObject> customer(
      String token,
      JsonObject village,
      JsonObject tariff,
      String name,
      String phone,
      String serial) {
    // the demo agent serves the first two meters
    String agentId =
        serial.endsWith("-1") || serial.endsWith("-2") ? village.getString("agentId") : null;
    return post(
        "/api/v1/customers",
        token,
        new JsonObject()
            .put("name", name)
            .put("phone", phone)
            .put("villageId", village.getString("id"))
            .put("agentId", agentId)
            .put(
                "device",
                new JsonObject()
                    .put("serial", serial)
                    .put("type", "METER")
                    .put("manufacturer", "calin")
                    .put("tariffId", tariff.getString("id"))));
  }

  /** An SHS sold at 7,000.00 (1,000.00 down, taken at sale), 500.00 a week, tokens by OpenPAYGO. */
  private Future<JsonObject> solarCustomer(String token, JsonObject village) {
    return post(
            "/api/v1/appliances",
            token,
            new JsonObject()
                .put("name", "Solar Home System 50W")
                .put("type", "SHS")
                .put("price", 700000)
                .put("currency", "KES"))
        .compose(shs -> post(
            "/api/v1/customers",
            token,
            new JsonObject()
                .put("name", "Daudi Mwangi")
                .put("phone", "+254712000004")
                .put("villageId", village.getString("id"))
                .put(
                    "device",
                    new JsonObject()
                        .put("serial", "DEMO-SHS-1")
                        .put("type", "SHS")
                        .put("manufacturer", "openpaygo")
                        .put(
                            "openPaygo",
                            new JsonObject()
                                .put("secretKey", random())
                                .put("startingCode", 123456789))
                        .put(
                            "sale",
                            new JsonObject()
                                .put("applianceId", shs.getString("id"))
                                .put("downPayment", 100000)
                                .put("downPaymentReceived", true)
                                .put(
                                    "plan",
                                    new JsonObject()
                                        .put("kind", "INSTALLMENT_AMOUNT")
                                        .put("amount", 50000))
                                .put("period", "WEEKLY")))));
  }

  private Future<JsonObject> post(String path, String token, JsonObject body) {
    var req = client.postAbs(base + path);
    if (token != null) {
      req.bearerTokenAuthentication(token);
    }
    return req.sendJsonObject(body).compose(DemoSeed::expectOk);
  }

  private Future<JsonObject> put(String path, String token, JsonObject body) {
    return client
        .putAbs(base + path)
        .bearerTokenAuthentication(token)
        .sendJsonObject(body)
        .compose(DemoSeed::expectOk);
  }

  private static Future<JsonObject> expectOk(HttpResponse<Buffer> r) {
    if (r.statusCode() / 100 != 2) {
      return Future.failedFuture("demo seeding failed: " + r.statusCode() + " " + r.bodyAsString());
    }
    return Future.succeededFuture(r.bodyAsJsonObject());
  }

  private static String random() {
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** The curl lines printed at the end of the demo start, signed for their exact bodies. */
  static String instructions(String base, Seeded s) {
    String telco = base + "/api/v1/telco/generic/" + s.companyId();
    String validate = new JsonObject()
        .put("serial", s.serial())
        .put("amount", 10000)
        .put("currency", s.currency())
        .put("msisdn", "+254712000001")
        .encode();
    String paidAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    String process = GenericProviderClient.processBody(
            "DEMO-TXN-0001", s.serial(), 10000, s.currency(), "+254712000001", paidAt)
        .toString();
    String sigV = GenericProviderClient.signature(s.genericSecret(), Buffer.buffer(validate));
    String sigP = GenericProviderClient.signature(s.genericSecret(), Buffer.buffer(process));
    return String.join(
        "\n",
        "",
        "================ payg-gateway demo is running ================",
        "Gateway:   " + base + "   (health: " + base
            + "/health/ready; metrics on the management port, METRICS_PORT)",
        "Company:   " + s.companyId() + "  admin " + s.email() + " / " + s.password(),
        "Generic telco secret: " + s.genericSecret(),
        "Agent:     " + s.agentEmail() + " / " + s.password()
            + " (cash up to 100,000.00 KES; customers of DEMO-METER-1 and -2)",
        "Meters:    DEMO-METER-1, DEMO-METER-2 (23.00 KES/kWh, minimum 50.00), DEMO-METER-3 (25.00 KES/kWh + 100.00 "
            + "access rate weekly)",
        "SHS:       DEMO-SHS-1 (OpenPAYGO, 500.00 a week: a payment of 1000.00 buys 14 days)",
        "",
        "# 1. A provider validates a payment of 100.00 KES for DEMO-METER-1:",
        "curl -s -X POST '" + telco
            + "/validate' -H 'Content-Type: application/json' -H 'X-Signature: " + sigV
            + "' --data-raw '" + validate + "'; echo",
        "",
        "# 2. The money arrived: process it (run it twice: the replay returns the same transaction):",
        "curl -s -X POST '" + telco
            + "/process' -H 'Content-Type: application/json' -H 'X-Signature: " + sigP
            + "' --data-raw '" + process + "'; echo",
        "",
        "# 3. The transactions of DEMO-METER-1 with their token (from the Calin simulator, a moment after step 2):",
        "curl -s '" + base + "/api/v1/transactions?serial=" + s.serial()
            + "' -H 'Authorization: Bearer " + s.accessToken() + "'; echo",
        "# ... and one transaction in full: GET " + base
            + "/api/v1/transactions/<transactionId from step 2>",
        "",
        "# 4. An unknown serial is refused at validation:",
        unknownSerial(telco, s),
        "",
        "# 5. The demo agent takes 200.00 KES cash for DEMO-METER-2 and hands out the token (idempotent on the key):",
        "curl -s -X POST '" + base + "/api/v1/agent/payments' -H 'Authorization: Bearer "
            + s.agentToken()
            + "' -H 'Idempotency-Key: demo-cash-0001' -H 'Content-Type: application/json' "
            + "--data-raw '{\"serial\":\"DEMO-METER-2\",\"amount\":20000,\"currency\":\"KES\"}'; echo",
        "",
        "Ctrl+C stops the demo.",
        "==============================================================");
  }

  private static String unknownSerial(String telco, Seeded s) {
    String body = new JsonObject()
        .put("serial", "NO-SUCH-METER")
        .put("amount", 10000)
        .put("currency", s.currency())
        .put("msisdn", "+254712000001")
        .encode();
    return "curl -s -X POST '" + telco
        + "/validate' -H 'Content-Type: application/json' -H 'X-Signature: "
        + GenericProviderClient.signature(s.genericSecret(), Buffer.buffer(body)) + "' --data-raw '"
        + body + "'; echo";
  }
}
