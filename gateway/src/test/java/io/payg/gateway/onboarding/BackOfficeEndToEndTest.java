package io.payg.gateway.onboarding;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.device.OpenPaygoReferenceDecoder;
import io.payg.gateway.support.BooksInvariant;
import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The back office issue's "done when", as one new operator runs it through HTTP: import 10,000
 * customers (dry run, for real, again without change), find one by phone, add a second SHS, sell
 * a TV on installments, reschedule it, pay it through a provider, issue an OpenPAYGO ADD_DAYS
 * maintenance token, receive the signed webhook, read every step back from the audit log; and
 * an XOF company's SMS shows "5000 XOF".
 */
class BackOfficeEndToEndTest {

  static final String HEADER =
      "customer_ref,name,phone,village,serial,device_type,manufacturer,tariff,opening_credit";
  static final String SHS_KEY = "bc41ec9530f6dac86b1a29ab82edc5fb";
  static final long STARTING_CODE = 516959010;

  static GatewayFixture gw;
  static HttpServer receiver;
  static final List<JsonObject> received = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(BackOfficeEndToEndTest.class);
    receiver = await(gw.app
        .vertx()
        .createHttpServer()
        .requestHandler(req -> req.body().onSuccess(body -> {
          received.add(new JsonObject()
              .put("signature", req.getHeader("Payg-Signature"))
              .put("body", body.toString(StandardCharsets.UTF_8)));
          req.response().setStatusCode(200).end();
        }))
        .listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static HttpResponse<Buffer> upload(String token, String query, String csv) {
    return await(gw.http
        .postAbs(gw.base + "/api/v1/imports" + query)
        .bearerTokenAuthentication(token)
        .putHeader("Content-Type", "text/csv")
        .sendBuffer(Buffer.buffer(csv)));
  }

  static HttpResponse<Buffer> postWithKey(String path, String token, JsonObject body) {
    return await(gw.http
        .postAbs(gw.base + path)
        .bearerTokenAuthentication(token)
        .putHeader("Idempotency-Key", "e2e-" + UUID.randomUUID())
        .sendJsonObject(body));
  }

  static String transactionOf(JsonObject delivery) {
    return new JsonObject(delivery.getString("body"))
        .getJsonObject("data")
        .getString("transactionId");
  }

  static String hmac(String secret, String text) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aNewCompanyRunsItsBackOfficeThroughHttpAndTheAuditLogListsEveryStep() throws Exception {
    GatewayFixture.Company co = gw.company("Back Office End To End");
    String admin = co.adminToken();
    String tag = UUID.randomUUID().toString().substring(0, 6).toUpperCase();

    // 10,000 customers with a meter each, brought over from another system
    StringBuilder csv = new StringBuilder(HEADER).append('\n');
    for (int i = 0; i < 10_000; i++) {
      csv.append(String.join(
              ",",
              "OLD-" + tag + "-" + i,
              "Imported Customer " + i,
              "+2547" + String.format("%08d", i),
              "Village",
              "E2E-" + tag + "-" + i,
              "METER",
              "calin",
              "Residential",
              ""))
          .append('\n');
    }
    String file = csv.toString();
    JsonObject dry = ok(upload(admin, "?dryRun=true", file));
    assertEquals(10_000L, dry.getJsonObject("counts").getLong("wouldCreate"));
    assertEquals(
        0L,
        ok(gw.get("/api/v1/customers?q=" + tag, admin)).getJsonArray("items").size(),
        "a dry run stores nothing");
    HttpResponse<Buffer> real = upload(admin, "", file);
    assertEquals(201, real.statusCode(), real.bodyAsString());
    assertEquals(10_000L, real.bodyAsJsonObject().getJsonObject("counts").getLong("created"));
    JsonObject again = ok(upload(admin, "", file));
    assertEquals(
        new JsonObject()
            .put("created", 0L)
            .put("unchanged", 10_000L)
            .put("conflicts", 0L)
            .put("errors", 0L),
        again.getJsonObject("counts"),
        "the same file again changes nothing");

    // one of them found by phone
    JsonArray found =
        ok(gw.get("/api/v1/customers?q=%2B254700004242", admin)).getJsonArray("items");
    assertEquals(1, found.size(), found.encode());
    JsonObject customer = found.getJsonObject(0);
    assertEquals("Imported Customer 4242", customer.getString("name"));
    String customerId = customer.getString("id");
    String meter = "E2E-" + tag + "-4242";

    // a second SHS for them, on OpenPAYGO
    String shs = "E2E-SHS-" + tag;
    String shsAppliance = ok(gw.post(
            "/api/v1/appliances",
            admin,
            new JsonObject()
                .put("name", "SHS 80W " + tag)
                .put("type", "SHS")
                .put("price", 240_000)
                .put("currency", "KES")))
        .getString("id");
    HttpResponse<Buffer> added = gw.post(
        "/api/v1/customers/" + customerId + "/devices",
        admin,
        new JsonObject()
            .put("serial", shs)
            .put("type", "SHS")
            .put("manufacturer", "openpaygo")
            .put(
                "openPaygo",
                new JsonObject().put("secretKey", SHS_KEY).put("startingCode", STARTING_CODE))
            .put(
                "sale",
                new JsonObject()
                    .put("applianceId", shsAppliance)
                    .put(
                        "plan",
                        new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 12))
                    .put("period", "MONTHLY")));
    assertEquals(201, added.statusCode(), added.bodyAsString());

    // a TV on 3 weekly installments, the first due today, then rescheduled over 4
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    String tv = ok(gw.post(
            "/api/v1/appliances",
            admin,
            new JsonObject()
                .put("name", "TV 32in " + tag)
                .put("type", "OTHER")
                .put("price", 30_000)
                .put("currency", "KES")))
        .getString("id");
    JsonObject sale = ok(gw.post(
        "/api/v1/customers/" + customerId + "/appliance-sales",
        admin,
        new JsonObject()
            .put("applianceId", tv)
            .put("saleDate", LocalDate.now(ZoneOffset.UTC).minusDays(7).toString())
            .put("firstDueDate", today)
            .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 3))
            .put("period", "WEEKLY")));
    String saleId = sale.getString("id");
    HttpResponse<Buffer> rescheduled = postWithKey(
        "/api/v1/appliance-sales/" + saleId + "/reschedule",
        admin,
        new JsonObject()
            .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 4))
            .put("firstDueDate", today)
            .put("reason", "smaller installments after the harvest"));
    assertEquals(200, rescheduled.statusCode(), rescheduled.bodyAsString());
    assertEquals(
        4,
        gw.db.count(
            "SELECT count(*) FROM installments WHERE sale_id = ?::uuid AND status = 'OPEN'",
            saleId),
        "four open installments after the reschedule");

    // the operator's own system subscribes to payments
    JsonObject hook = ok(gw.put(
        "/api/v1/webhooks",
        admin,
        new JsonObject()
            .put("url", "http://127.0.0.1:" + receiver.actualPort() + "/payg")
            .put("events", new JsonArray().add("payment.recorded"))));
    String secret = hook.getString("secret");

    // a provider payment to the customer's meter: the TV's due installment is cleared first
    String providerTxn = "E2E-" + UUID.randomUUID();
    JsonObject paid =
        ok(await(co.provider().process(providerTxn, meter, 7_500, "KES", "+254700004242", null)));
    String txn = paid.getString("transactionId");
    assertEquals(
        7_500,
        gw.db.count(
            "SELECT paid FROM installments WHERE sale_id = ?::uuid AND status = 'OPEN' "
                + "ORDER BY due_date, number LIMIT 1",
            saleId),
        "the first rescheduled installment is paid in full");
    JsonObject detail = ok(gw.get("/api/v1/transactions/" + txn, admin));
    assertEquals(7_500L, detail.getLong("amount"));

    // the signed webhook arrives on loopback
    eventually(
        Duration.ofSeconds(15),
        "payment.recorded delivered",
        () -> received.stream().anyMatch(r -> txn.equals(transactionOf(r))));
    JsonObject delivery =
        received.stream().filter(r -> txn.equals(transactionOf(r))).findFirst().orElseThrow();
    String header = delivery.getString("signature");
    assertNotNull(header);
    String t = header.replaceAll("^t=(\\d+),v1=[0-9a-f]{64}$", "$1");
    assertEquals(
        hmac(secret, t + "." + delivery.getString("body")),
        header.substring(header.indexOf("v1=") + 3),
        "the signature verifies with the secret shown once");
    assertEquals("payment.recorded", new JsonObject(delivery.getString("body")).getString("type"));

    // an operator (not the admin) issues an ADD_DAYS maintenance token that the reference decoder
    // accepts
    String email = "operator-" + UUID.randomUUID() + "@example.com";
    ok(gw.post(
        "/api/v1/users",
        admin,
        new JsonObject()
            .put("email", email)
            .put("password", "field operator pw 1")
            .put("role", "OPERATOR")));
    String operator = gw.login(email, "field operator pw 1");
    JsonObject token = ok(postWithKey(
        "/api/v1/devices/" + shs + "/tokens",
        operator,
        new JsonObject().put("kind", "ADD_DAYS").put("value", 7).put("reason", "panel replaced")));
    assertEquals(
        new OpenPaygoReferenceDecoder.Decoded(7, 2, "ADD_TIME"),
        OpenPaygoReferenceDecoder.decode(token.getString("token"), STARTING_CODE, SHS_KEY, 1));

    // the audit log lists every one of those steps
    JsonArray audit = ok(gw.get("/api/v1/audit?limit=100", admin)).getJsonArray("items");
    Set<String> actions = new TreeSet<>();
    audit.forEach(o -> actions.add(((JsonObject) o).getString("action")));
    assertTrue(
        actions.containsAll(Set.of(
            "import.completed",
            "device.added",
            "sale.created",
            "sale.rescheduled",
            "webhook.saved",
            "device.maintenance_token")),
        actions.toString());
    assertEquals(
        2,
        audit.stream()
            .filter(o -> ((JsonObject) o).getString("action").equals("import.completed"))
            .count(),
        "the import and its unchanged re-upload; the dry run changed nothing");
    assertEquals(
        1,
        ok(gw.get(
                "/api/v1/audit?limit=100&entity=device&entityId="
                    + gw.db.text("SELECT id::text FROM devices WHERE serial = ?", shs),
                admin))
            .getJsonArray("items")
            .stream()
            .filter(o -> ((JsonObject) o).getString("action").equals("device.maintenance_token"))
            .count());
    BooksInvariant.check(gw.db, co.id());
  }

  @Test
  void anXofPaymentsSmsShowsWholeFrancs() {
    GatewayFixture.Company xof = gw.company("Dakar Solaire E2E", "XOF", 100, 500);
    String serial = "XOF-E2E-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(xof, serial);
    String providerTxn = "W-E2E-" + UUID.randomUUID();
    assertEquals(
        200,
        await(xof.provider()
                .process(
                    providerTxn,
                    serial,
                    5000,
                    "XOF",
                    "+221770000000",
                    Instant.now().toString()))
            .statusCode());
    eventually(
        Duration.ofSeconds(15),
        "confirmation SMS",
        () -> gw.db.count(
                "SELECT count(*) FROM sms_messages m "
                    + "JOIN transactions t ON t.id = m.transaction_id WHERE t.provider_txn_id = ?",
                providerTxn)
            == 1);
    String body = gw.db.text(
        "SELECT m.body FROM sms_messages m JOIN transactions t ON t.id = m.transaction_id "
            + "WHERE t.provider_txn_id = ?",
        providerTxn);
    assertTrue(body.contains("5000 XOF") && !body.contains("50.00"), body);
  }
}
