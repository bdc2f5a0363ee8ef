package io.payg.gateway.customer;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The back office's customers and devices: list and search, edit, a second device, payment history, a TV sale. */
class CustomerBackOfficeTest {

  static final String KEY = "bc41ec9530f6dac86b1a29ab82edc5fb";

  static GatewayFixture gw;
  static GatewayFixture.Company co;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(CustomerBackOfficeTest.class);
    co = gw.company("Back Office Energy");
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static String serial(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
  }

  static JsonArray items(String path) {
    return ok(gw.get(path, co.adminToken())).getJsonArray("items");
  }

  static Set<String> ids(JsonArray items) {
    return items.stream().map(o -> ((JsonObject) o).getString("id")).collect(Collectors.toSet());
  }

  static String applianceId(String type, long price) {
    return ok(gw.post(
            "/api/v1/appliances",
            co.adminToken(),
            new JsonObject()
                .put("name", type + " " + UUID.randomUUID())
                .put("type", type)
                .put("price", price)
                .put("currency", "KES")))
        .getString("id");
  }

  @Test
  void customersAreFoundByNamePhoneOrSerialAndFiltered() {
    String tag = UUID.randomUUID().toString().substring(0, 6);
    String meter = serial("SRCH");
    String withMeter = ok(gw.post(
            "/api/v1/customers",
            co.adminToken(),
            new JsonObject()
                .put("name", "Amina Wanjiru " + tag)
                .put("phone", "+254799" + (100_000 + new Random().nextInt(900_000)))
                .put("villageId", co.villageId())
                .put(
                    "device",
                    new JsonObject()
                        .put("serial", meter)
                        .put("type", "METER")
                        .put("manufacturer", "calin")
                        .put("tariffId", co.tariffId()))))
        .getString("id");
    String phone = ok(gw.get("/api/v1/customers/" + withMeter, co.adminToken())).getString("phone");
    String plain = ok(gw.post(
            "/api/v1/customers",
            co.adminToken(),
            new JsonObject()
                .put("name", "Baraka " + tag)
                .put("phone", "+254711000222")
                .put("villageId", co.villageId())))
        .getString("id");

    assertEquals(
        Set.of(withMeter),
        ids(items("/api/v1/customers?q=amina%20WANJIRU%20" + tag)),
        "name, any case");
    assertEquals(
        Set.of(withMeter),
        ids(items("/api/v1/customers?q=" + meter.toLowerCase())),
        "serial, any case");
    assertTrue(
        ids(items("/api/v1/customers?q=" + phone.substring(4).replace("+", "%2B") + "&limit=500"))
            .contains(withMeter),
        "part of the phone");
    JsonObject found = items("/api/v1/customers?q=" + meter).getJsonObject(0);
    assertEquals(meter, found.getJsonArray("devices").getJsonObject(0).getString("serial"));
    assertEquals(false, found.getBoolean("hasDebt"));
    // a LIKE wildcard in q is a character, not "anything"
    assertEquals(0, items("/api/v1/customers?q=%25").size());

    Set<String> meters = ids(items("/api/v1/customers?deviceType=METER&limit=500"));
    assertTrue(meters.contains(withMeter));
    assertFalse(meters.contains(plain));
    assertTrue(ids(items("/api/v1/customers?villageId=" + co.villageId() + "&limit=500"))
        .containsAll(List.of(withMeter, plain)));
    assertEquals(Set.of(), ids(items("/api/v1/customers?villageId=" + UUID.randomUUID())));

    // a TV on installments: the customer now has a debt
    ok(gw.post(
        "/api/v1/customers/" + plain + "/appliance-sales",
        co.adminToken(),
        new JsonObject()
            .put("applianceId", applianceId("OTHER", 30_000))
            .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 3))
            .put("period", "WEEKLY")));
    Set<String> debtors = ids(items("/api/v1/customers?hasDebt=true&limit=500"));
    assertTrue(debtors.contains(plain));
    assertFalse(debtors.contains(withMeter));
    assertTrue(ids(items("/api/v1/customers?hasDebt=false&limit=500")).contains(withMeter));

    assertEquals(400, gw.get("/api/v1/customers?deviceType=TV", co.adminToken()).statusCode());
    assertEquals(400, gw.get("/api/v1/customers?hasDebt=maybe", co.adminToken()).statusCode());
    assertEquals(
        400, gw.get("/api/v1/customers?villageId=nope", co.adminToken()).statusCode());
  }

  @Test
  void theCustomerListPagesWithoutGapsOrRepeats() {
    String tag = "Pager" + UUID.randomUUID().toString().substring(0, 6);
    Set<String> created = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      created.add(ok(gw.post(
              "/api/v1/customers",
              co.adminToken(),
              new JsonObject()
                  .put("name", tag + " " + i)
                  .put("phone", "+25470000010" + i)
                  .put("villageId", co.villageId())))
          .getString("id"));
    }
    Set<String> seen = new HashSet<>();
    String url = "/api/v1/customers?q=" + tag + "&limit=2";
    int pages = 0;
    while (url != null) {
      JsonObject page = ok(gw.get(url, co.adminToken()));
      for (Object o : page.getJsonArray("items")) {
        assertTrue(seen.add(((JsonObject) o).getString("id")), "no repeats");
      }
      String next = page.getString("nextBefore");
      url = next == null
          ? null
          : "/api/v1/customers?q=" + tag + "&limit=2&before=" + next.replace("+", "%2B");
      pages++;
    }
    assertEquals(created, seen);
    assertEquals(3, pages);
  }

  @Test
  void aCustomerIsEditedWithAnAuditRowAndForeignReferencesAreRefused() {
    String agent = gw.agent(co, 100_000).id();
    String id = ok(gw.post(
            "/api/v1/customers",
            co.adminToken(),
            new JsonObject()
                .put("name", "Old Name")
                .put("phone", "+254700000301")
                .put("villageId", co.villageId())
                .put("agentId", agent)))
        .getString("id");

    JsonObject changed = ok(gw.patch(
        "/api/v1/customers/" + id,
        co.adminToken(),
        new JsonObject()
            .put("name", "New Name")
            .put("phone", "+254 700 000 302")
            .putNull("agentId")));
    assertEquals("New Name", changed.getString("name"));
    assertEquals("+254700000302", changed.getString("phone"));
    assertNull(changed.getString("agentId"));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM customers WHERE id = ?::uuid AND name = 'New Name' "
                + "AND phone = '+254700000302' AND agent_id IS NULL AND village_id = ?::uuid",
            id,
            co.villageId()));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM audit_log WHERE entity = 'customer' AND entity_id = ? "
                + "AND action = 'customer.updated' AND before->>'name' = 'Old Name' AND after->>'name' = 'New Name' "
                + "AND before->>'agentId' = ? AND after->>'agentId' IS NULL AND actor_id IS NOT NULL AND company_id = "
                + "?::uuid",
            id,
            agent,
            co.id()));

    // another company's village: refused, nothing changed, no audit row
    GatewayFixture.Company other = gw.company("Other Energy");
    HttpResponse<Buffer> foreign = gw.patch(
        "/api/v1/customers/" + id,
        co.adminToken(),
        new JsonObject().put("villageId", other.villageId()));
    assertEquals(422, foreign.statusCode(), foreign.bodyAsString());
    assertEquals(
        co.villageId(),
        gw.db.text("SELECT village_id::text FROM customers WHERE id = ?::uuid", id));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM audit_log WHERE entity_id = ? AND action = 'customer.updated'",
            id));
    assertEquals(
        400,
        gw.patch("/api/v1/customers/" + id, co.adminToken(), new JsonObject()).statusCode());
    assertEquals(
        400,
        gw.patch("/api/v1/customers/" + id, co.adminToken(), new JsonObject().put("phone", "abc"))
            .statusCode());
    assertEquals(
        404,
        gw.patch(
                "/api/v1/customers/" + UUID.randomUUID(),
                co.adminToken(),
                new JsonObject().put("name", "x"))
            .statusCode());
  }

  @Test
  void aSecondMeterAndAnShsAreAddedToAnExistingCustomerAndTheirPaymentsFormOneHistory() {
    String first = serial("ONE");
    String customer = gw.meterCustomer(co, first).getString("id");
    String second = serial("TWO");
    HttpResponse<Buffer> added = gw.post(
        "/api/v1/customers/" + customer + "/devices",
        co.adminToken(),
        new JsonObject()
            .put("serial", second)
            .put("type", "METER")
            .put("manufacturer", "calin")
            .put("tariffId", co.tariffId()));
    assertEquals(201, added.statusCode(), added.bodyAsString());
    assertEquals(2, added.bodyAsJsonObject().getJsonArray("devices").size());
    assertEquals(
        customer, gw.db.text("SELECT customer_id::text FROM devices WHERE serial = ?", second));

    // the same serial in another case is the same device
    HttpResponse<Buffer> dup = gw.post(
        "/api/v1/customers/" + customer + "/devices",
        co.adminToken(),
        new JsonObject()
            .put("serial", second.toLowerCase())
            .put("type", "METER")
            .put("manufacturer", "calin")
            .put("tariffId", co.tariffId()));
    assertEquals(409, dup.statusCode(), dup.bodyAsString());
    assertEquals(
        422,
        gw.post(
                "/api/v1/customers/" + customer + "/devices",
                co.adminToken(),
                new JsonObject()
                    .put("serial", serial("X"))
                    .put("type", "METER")
                    .put("manufacturer", "calin")
                    .put("tariffId", UUID.randomUUID().toString()))
            .statusCode(),
        "a tariff not of the company's");
    assertEquals(
        400,
        gw.post(
                "/api/v1/customers/" + customer + "/devices",
                co.adminToken(),
                new JsonObject()
                    .put("serial", serial("X"))
                    .put("type", "SHS")
                    .put("manufacturer", "calin")
                    .put("tariffId", co.tariffId()))
            .statusCode(),
        "an SHS has a sale, not a tariff");
    assertEquals(
        404,
        gw.post(
                "/api/v1/customers/" + UUID.randomUUID() + "/devices",
                co.adminToken(),
                new JsonObject()
                    .put("serial", serial("X"))
                    .put("type", "METER")
                    .put("manufacturer", "calin")
                    .put("tariffId", co.tariffId()))
            .statusCode());

    // an SHS on OpenPAYGO with its own sale: installments, and the key sealed at rest
    String shs = serial("SHS");
    JsonObject withShs = ok(gw.post(
        "/api/v1/customers/" + customer + "/devices",
        co.adminToken(),
        new JsonObject()
            .put("serial", shs)
            .put("type", "SHS")
            .put("manufacturer", "openpaygo")
            .put("openPaygo", new JsonObject().put("secretKey", KEY).put("startingCode", 516959010))
            .put(
                "sale",
                new JsonObject()
                    .put("applianceId", applianceId("SHS", 300_000))
                    .put(
                        "plan",
                        new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 6))
                    .put("period", "WEEKLY"))));
    assertEquals(3, withShs.getJsonArray("devices").size());
    assertEquals(6, withShs.getJsonObject("debts").getJsonArray("installments").size());
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM appliance_sales s JOIN devices d ON d.id = s.device_id "
                + "WHERE d.serial = ? AND s.customer_id = ?::uuid",
            shs,
            customer));
    assertFalse(gw.db
        .text("SELECT openpaygo_secret_key FROM devices WHERE serial = ?", shs)
        .contains(KEY));
    assertEquals(
        2,
        gw.db.count(
            "SELECT count(*) FROM audit_log WHERE action = 'device.added' "
                + "AND after->>'customerId' = ?",
            customer),
        "the two devices added, audited");
    assertEquals(
        0,
        gw.db.count("SELECT count(*) FROM audit_log WHERE after::text LIKE ?", "%" + KEY + "%"),
        "the key is never audited");

    // the devices list and one device by serial, any case; never the key
    JsonObject device = ok(gw.get("/api/v1/devices/" + shs.toLowerCase(), co.adminToken()));
    assertEquals(shs, device.getString("serial"));
    assertEquals(customer, device.getString("customerId"));
    assertEquals(1, device.getInteger("openPaygoTokenCount"));
    assertFalse(device.encode().contains(KEY));
    assertEquals(
        404,
        gw.get("/api/v1/devices/NO-SUCH-" + UUID.randomUUID(), co.adminToken()).statusCode());
    JsonArray devices = items("/api/v1/devices?q=" + second.substring(4).toLowerCase());
    assertEquals(
        List.of(second),
        devices.stream().map(o -> ((JsonObject) o).getString("serial")).toList());

    // payments on both meters are one history; another customer's are not in it
    ok(await(co.provider().process("h1-" + first, first, 10_000, "KES", "+254700000001", null)));
    ok(await(co.provider().process("h2-" + second, second, 12_000, "KES", "+254700000001", null)));
    String stranger = serial("STR");
    gw.meterCustomer(co, stranger);
    ok(await(
        co.provider().process("h3-" + stranger, stranger, 10_000, "KES", "+254700000001", null)));
    JsonArray history = items("/api/v1/customers/" + customer + "/transactions");
    assertEquals(
        List.of(second, first),
        history.stream().map(o -> ((JsonObject) o).getString("serial")).toList(),
        "newest first");
    JsonObject firstPage =
        ok(gw.get("/api/v1/customers/" + customer + "/transactions?limit=1", co.adminToken()));
    assertEquals(1, firstPage.getJsonArray("items").size());
    JsonArray rest = items("/api/v1/customers/" + customer + "/transactions?limit=1&before="
        + firstPage.getString("nextBefore").replace("+", "%2B"));
    assertEquals(first, rest.getJsonObject(0).getString("serial"));
    assertEquals(
        404,
        gw.get("/api/v1/customers/" + UUID.randomUUID() + "/transactions", co.adminToken())
            .statusCode());
  }

  @Test
  void aTvSoldToAnExistingCustomerIsPaidByPaymentsToTheirMeterSerial() {
    String meter = serial("TV");
    String customer = gw.meterCustomer(co, meter).getString("id");
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    JsonObject sale = ok(gw.post(
        "/api/v1/customers/" + customer + "/appliance-sales",
        co.adminToken(),
        new JsonObject()
            .put("applianceId", applianceId("OTHER", 30_000))
            .put("saleDate", LocalDate.now(ZoneOffset.UTC).minusDays(7).toString())
            .put("firstDueDate", today)
            .put("plan", new JsonObject().put("kind", "INSTALLMENT_COUNT").put("count", 3))
            .put("period", "WEEKLY")));
    assertNull(sale.getValue("deviceId"), "a TV has no device");
    // the account reference is the customer's meter serial: the due installment is cleared first
    ok(await(co.provider().process("tv-" + meter, meter, 20_000, "KES", "+254700000001", null)));
    assertEquals(
        10_000,
        gw.db.count(
            "SELECT paid FROM installments WHERE sale_id = ?::uuid AND number = 1",
            sale.getString("id")));
    assertEquals(1, items("/api/v1/customers/" + customer + "/transactions").size());
  }
}
