package io.payg.gateway.bulkimport;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.eventually;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.device.OpenPaygoReferenceDecoder;
import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bulk import over HTTP: dry run, import, re-upload, refused rows, conflicts, tenancy, and paying an imported sale. */
class BulkImportTest {

  static final String HEADER =
      "customer_ref,name,phone,village,serial,device_type,manufacturer,tariff,opening_credit,"
          + "appliance,installments,period,sale_date,paid_to_date,openpaygo_secret_key,openpaygo_starting_code,"
          + "openpaygo_token_count";
  static final String SALE_DATE = LocalDate.now(ZoneOffset.UTC).minusDays(45).toString();

  static GatewayFixture gw;
  static GatewayFixture.Company co;
  static String appliance;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(BulkImportTest.class);
    co = gw.company("Import Energy");
    appliance = "SHS 50W " + UUID.randomUUID().toString().substring(0, 6);
    applianceOf(co, appliance);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static void applianceOf(GatewayFixture.Company c, String name) {
    ok(gw.post(
        "/api/v1/appliances",
        c.adminToken(),
        new JsonObject()
            .put("name", name)
            .put("type", "SHS")
            .put("price", 120_000)
            .put("currency", "KES")));
  }

  static HttpResponse<Buffer> upload(GatewayFixture.Company c, String query, String csv) {
    return upload(c.adminToken(), query, csv, "text/csv");
  }

  static HttpResponse<Buffer> upload(String token, String query, String csv, String type) {
    return await(gw.http
        .postAbs(gw.base + "/api/v1/imports" + query)
        .bearerTokenAuthentication(token)
        .putHeader("Content-Type", type)
        .sendBuffer(Buffer.buffer(csv)));
  }

  static String key(int i) {
    return String.format("%032x", 0x5eed0000L + i);
  }

  /** One account row: a meter (with opening credit), an OpenPAYGO SHS on a 12-month sale, or a customer alone. */
  static String meterRow(String ref, String name, String phone, String serial, String credit) {
    return String.join(
        ",",
        ref,
        name,
        phone,
        "Village",
        serial,
        "METER",
        "calin",
        "Residential",
        credit,
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "");
  }

  static String shsRow(String ref, String name, String phone, String serial, String paid, int i) {
    return String.join(
        ",",
        ref,
        name,
        phone,
        "Village",
        serial,
        "SHS",
        "openpaygo",
        "",
        "",
        appliance,
        "12",
        "MONTHLY",
        SALE_DATE,
        paid,
        key(i),
        String.valueOf(100_000 + i),
        "1");
  }

  static String customerRow(String ref, String name, String phone) {
    return String.join(
        ",", ref, name, phone, "Village", "", "", "", "", "", "", "", "", "", "", "", "", "");
  }

  static long count(String sql, Object... params) {
    return gw.db.count(sql, params);
  }

  @Test
  void tenThousandRowsAreDryRunImportedReuploadedUnchangedAndThenPaid() {
    String tag = UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    StringBuilder csv = new StringBuilder(HEADER).append('\n');
    List<Integer> shs = new ArrayList<>();
    int meters = 0;
    int credited = 0;
    for (int i = 0; i < 10_000; i++) {
      String ref = "MPM-" + tag + "-" + i;
      String phone = "+2547" + String.format("%08d", i);
      int kind = i % 10;
      if (kind < 4) {
        boolean credit = kind == 0;
        csv.append(meterRow(
            ref, "Meter Customer " + i, phone, "SM-" + tag + "-" + i, credit ? "12.50" : ""));
        meters++;
        credited += credit ? 1 : 0;
      } else if (kind < 8) {
        csv.append(shsRow(ref, "Solar Customer " + i, phone, "OP-" + tag + "-" + i, "100.00", i));
        shs.add(i);
      } else if (kind == 8) {
        csv.append(customerRow(ref, "Plain Customer " + i, phone));
      } else {
        // the customer of the row before gets a meter: one customer, two rows
        int j = i - 1;
        csv.append(meterRow(
            "MPM-" + tag + "-" + j,
            "Plain Customer " + j,
            "+2547" + String.format("%08d", j),
            "SM-" + tag + "-" + i,
            ""));
        meters++;
      }
      csv.append('\n');
    }
    String file = csv.toString();
    long customersBefore =
        count("SELECT count(*) FROM customers WHERE company_id = ?::uuid", co.id());
    long moneyBefore = gw.db.moneyRows();

    long t0 = System.nanoTime();
    HttpResponse<Buffer> dry = upload(co, "?dryRun=true", file);
    long dryMs = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(200, dry.statusCode(), dry.bodyAsString());
    JsonObject dryReport = dry.bodyAsJsonObject();
    assertEquals(true, dryReport.getBoolean("dryRun"));
    assertEquals(10_000L, dryReport.getLong("rows"));
    assertEquals(
        new JsonObject()
            .put("wouldCreate", 10_000L)
            .put("unchanged", 0L)
            .put("conflicts", 0L)
            .put("errors", 0L),
        dryReport.getJsonObject("counts"));
    assertEquals(
        customersBefore,
        count("SELECT count(*) FROM customers WHERE company_id = ?::uuid", co.id()),
        "a dry run stores no customer");
    assertEquals(0, count("SELECT count(*) FROM devices WHERE serial LIKE ?", "%-" + tag + "-%"));
    assertEquals(
        0,
        count("SELECT count(*) FROM import_keys WHERE key LIKE ?", "%" + tag.toLowerCase() + "%"));
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM audit_log WHERE entity = 'import' AND entity_id = ?",
            dryReport.getString("id")),
        "a dry run changes nothing: no audit row");

    t0 = System.nanoTime();
    HttpResponse<Buffer> real = upload(co, "", file);
    long realMs = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(201, real.statusCode(), real.bodyAsString());
    JsonObject report = real.bodyAsJsonObject();
    assertEquals(
        new JsonObject()
            .put("created", 10_000L)
            .put("unchanged", 0L)
            .put("conflicts", 0L)
            .put("errors", 0L),
        report.getJsonObject("counts"));
    assertEquals("/api/v1/imports/" + report.getString("id"), real.getHeader("Location"));
    assertEquals(
        customersBefore + 9_000,
        count("SELECT count(*) FROM customers WHERE company_id = ?::uuid", co.id()));
    assertEquals(
        meters,
        count(
            "SELECT count(*) FROM devices WHERE serial LIKE ? AND type = 'METER'",
            "SM-" + tag + "-%"));
    assertEquals(
        shs.size(),
        count(
            "SELECT count(*) FROM devices d JOIN appliance_sales s ON s.device_id = d.id "
                + "WHERE d.serial LIKE ? AND s.price = 120000 AND s.plan_value = 12",
            "OP-" + tag + "-%"));
    assertEquals(
        shs.size() * 12L,
        count(
            "SELECT count(*) FROM installments i JOIN devices d ON d.customer_id = i.customer_id "
                + "WHERE d.serial LIKE ?",
            "OP-" + tag + "-%"));
    assertEquals(
        shs.size() * 10_000L,
        count(
            "SELECT sum(i.paid) FROM installments i JOIN appliance_sales s ON s.id = i.sale_id "
                + "JOIN devices d ON d.id = s.device_id WHERE d.serial LIKE ?",
            "OP-" + tag + "-%"),
        "100.00 paid to date each");
    assertEquals(
        shs.size(),
        count(
            "SELECT count(*) FROM installments i JOIN appliance_sales s ON s.id = i.sale_id "
                + "JOIN devices d ON d.id = s.device_id WHERE d.serial LIKE ? AND i.number = 1 AND i.paid = i.amount",
            "OP-" + tag + "-%"),
        "what was paid before clears the first installment");
    assertEquals(
        credited * 1_250L,
        count("SELECT sum(credit) FROM devices WHERE serial LIKE ?", "SM-" + tag + "-%"));
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM customers WHERE name = ? AND company_id = ?::uuid",
            "Plain Customer 8",
            co.id()),
        "two rows with one customer_ref are one customer");
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM devices d JOIN customers c ON c.id = d.customer_id "
                + "WHERE c.name = ? AND c.company_id = ?::uuid AND d.serial = ?",
            "Plain Customer 8",
            co.id(),
            "SM-" + tag + "-9"),
        "the second row's meter is that customer's");
    int probe = shs.get(0);
    String stored = gw.db.text(
        "SELECT openpaygo_secret_key FROM devices WHERE serial = ?", "OP-" + tag + "-" + probe);
    assertFalse(stored.contains(key(probe)), "the OpenPAYGO key is sealed at rest");
    assertEquals(0, moneyBefore - gw.db.moneyRows(), "an import moves no money through the books");
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM audit_log WHERE entity = 'import' AND entity_id = ? "
                + "AND action = 'import.completed' AND (after->>'created')::int = 10000 AND after->>'fileSha256' = ? "
                + "AND actor_id IS NOT NULL",
            report.getString("id"),
            report.getString("fileSha256")));

    t0 = System.nanoTime();
    HttpResponse<Buffer> again = upload(co, "", file);
    long againMs = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(201, again.statusCode(), again.bodyAsString());
    assertEquals(
        new JsonObject()
            .put("created", 0L)
            .put("unchanged", 10_000L)
            .put("conflicts", 0L)
            .put("errors", 0L),
        again.bodyAsJsonObject().getJsonObject("counts"));
    assertEquals(report.getString("fileSha256"), again.bodyAsJsonObject().getString("fileSha256"));
    assertEquals(
        customersBefore + 9_000,
        count("SELECT count(*) FROM customers WHERE company_id = ?::uuid", co.id()));
    assertEquals(
        shs.size() * 10_000L,
        count(
            "SELECT sum(i.paid) FROM installments i JOIN appliance_sales s ON s.id = i.sale_id "
                + "JOIN devices d ON d.id = s.device_id WHERE d.serial LIKE ?",
            "OP-" + tag + "-%"));
    System.out.printf(
        "bulk import of 10,000 rows: dry run %d ms (%d rows/s), import %d ms (%d rows/s), "
            + "re-upload %d ms (%d rows/s)%n",
        dryMs,
        10_000_000 / Math.max(1, dryMs),
        realMs,
        10_000_000 / Math.max(1, realMs),
        againMs,
        10_000_000 / Math.max(1, againMs));

    // payments through the provider route clear an imported sale's next installment and buy an
    // OpenPAYGO token
    for (int i : shs.subList(0, 3)) {
      String serial = "OP-" + tag + "-" + i;
      JsonObject paid = ok(await(
          co.provider().process("imp-" + serial, serial, 10_000, "KES", "+254700000001", null)));
      String txn = paid.getString("transactionId");
      assertEquals(
          10_000,
          count(
              "SELECT i.paid FROM installments i JOIN appliance_sales s ON s.id = i.sale_id "
                  + "JOIN devices d ON d.id = s.device_id WHERE d.serial = ? AND i.number = 2",
              serial),
          "installment 2 cleared");
      eventually(
          Duration.ofSeconds(15),
          "token for " + serial,
          () -> count("SELECT count(*) FROM tokens WHERE transaction_id = ?::uuid", txn) == 1);
      String token = gw.db.text("SELECT value FROM tokens WHERE transaction_id = ?::uuid", txn);
      OpenPaygoReferenceDecoder.Decoded decoded =
          OpenPaygoReferenceDecoder.decode(token, 100_000 + i, key(i), 1);
      assertNotNull(decoded, "the token opens with the imported key, starting code and count");
      assertEquals("ADD_TIME", decoded.type());
      assertEquals(paid.getJsonObject("token").getLong("quantity").intValue(), decoded.value());
    }
  }

  @Test
  void badRowsAreRefusedOneByOneWithLineAndReasonAndGoodRowsImported() {
    String tag = UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    String taken = "TAKEN-" + tag;
    gw.meterCustomer(co, taken); // registered through the API, not by an import
    String csv = HEADER + "\n"
        + meterRow("R1-" + tag, "Good Meter", "+254711000001", "G1-" + tag, "5") + "\n" // 2
        + meterRow("R2-" + tag, "Bad Serial", "+254711000002", "BAD SERIAL!", "") + "\n" // 3
        + String.join(
            ",",
            "R3-" + tag,
            "No Tariff",
            "+254711000003",
            "Village",
            "G3-" + tag,
            "METER",
            "calin",
            "Commercial",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "")
        + "\n" // 4
        + meterRow("R4-" + tag, "Same Serial", "+254711000004", "g1-" + tag, "") + "\n" // 5
        + meterRow("R5-" + tag, "Bad Money", "+254711000005", "G5-" + tag, "12.505") + "\n" // 6
        + meterRow("R6-" + tag, "Bad Phone", "12ab", "G6-" + tag, "") + "\n" // 7
        + String.join(
            ",",
            "R7-" + tag,
            "Lost Village",
            "+254711000007",
            "Atlantis",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "")
        + "\n" // 8
        + shsRow("R8-" + tag, "Over Paid", "+254711000008", "G8-" + tag, "1300.00", 8) + "\n" // 9
        + "\n" // 10 (blank: skipped)
        + customerRow("R9-" + tag, "Plain", "+254711000009") + "\n" // 11
        + meterRow("R10-" + tag, "Taken", "+254711000010", taken, "") + "\n" // 12
        + meterRow("R11-" + tag, "\"Otieno, Juma\"", "+254 711 000 011", "G11-" + tag, "")
        + "\n" // 13
        + meterRow("R12-" + tag, "Minus", "+254711000012", "G12-" + tag, "-5") + "\n"; // 14
    HttpResponse<Buffer> r = upload(co, "", csv);
    assertEquals(201, r.statusCode(), r.bodyAsString());
    JsonObject report = r.bodyAsJsonObject();
    assertEquals(
        new JsonObject()
            .put("created", 3L)
            .put("unchanged", 0L)
            .put("conflicts", 0L)
            .put("errors", 9L),
        report.getJsonObject("counts"));
    Map<Long, String> codes = report.getJsonArray("problems").stream()
        .map(o -> (JsonObject) o)
        .collect(Collectors.toMap(o -> o.getLong("line"), o -> o.getString("code")));
    assertEquals(
        Map.of(
            3L,
            "BAD_SERIAL",
            4L,
            "UNKNOWN_TARIFF",
            5L,
            "DUPLICATE_SERIAL_IN_FILE",
            6L,
            "BAD_AMOUNT",
            7L,
            "BAD_PHONE",
            8L,
            "UNKNOWN_VILLAGE",
            9L,
            "PAID_EXCEEDS_PRICE",
            12L,
            "SERIAL_TAKEN",
            14L,
            "BAD_AMOUNT"),
        codes);
    JsonObject dup = report.getJsonArray("problems").getJsonObject(2);
    assertTrue(dup.getString("detail").contains("line 2"), dup.encode());
    assertEquals(
        1, count("SELECT count(*) FROM devices WHERE serial = ? AND credit = 500", "G1-" + tag));
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM customers WHERE name = 'Otieno, Juma' AND phone = '+254711000011'"));
    assertEquals(
        1,
        count("SELECT count(*) FROM customers WHERE name = 'Plain' AND phone = '+254711000009'"));
    for (String refused : List.of("G3-", "G5-", "G6-", "G8-", "G12-")) {
      assertEquals(
          0, count("SELECT count(*) FROM devices WHERE serial = ?", refused + tag), refused);
    }
    assertEquals(
        0,
        count(
            "SELECT count(*) FROM customers WHERE name IN ('Bad Serial', 'Bad Money', 'Lost Village', "
                + "'Over Paid', 'Taken', 'Minus') AND company_id = ?::uuid",
            co.id()),
        "a refused row creates nothing, not even its customer");
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM devices d JOIN customers c ON c.id = d.customer_id "
                + "WHERE d.serial = ? AND c.name = ?",
            taken,
            "Customer " + taken),
        "the registered device stays its owner's");

    // every error, paged by line
    String id = report.getString("id");
    List<Long> lines = new ArrayList<>();
    long after = 0;
    while (true) {
      JsonObject page = ok(gw.get(
          "/api/v1/imports/" + id + "/rows?outcome=ERROR&limit=4&afterLine=" + after,
          co.adminToken()));
      page.getJsonArray("items").forEach(o -> lines.add(((JsonObject) o).getLong("line")));
      if (!page.containsKey("nextAfterLine")) {
        break;
      }
      after = page.getLong("nextAfterLine");
    }
    assertEquals(List.of(3L, 4L, 5L, 6L, 7L, 8L, 9L, 12L, 14L), lines);
    JsonArray all =
        ok(gw.get("/api/v1/imports/" + id + "/rows", co.adminToken())).getJsonArray("items");
    assertEquals(12, all.size(), "every data row has its outcome");
    assertEquals(
        400,
        gw.get("/api/v1/imports/" + id + "/rows?outcome=MAYBE", co.adminToken()).statusCode());
    assertEquals(
        report.getJsonObject("counts"),
        ok(gw.get("/api/v1/imports/" + id, co.adminToken())).getJsonObject("counts"));
  }

  @Test
  void aRowChangedSinceTheFirstUploadIsAConflictAndNothingIsOverwritten() {
    String tag = UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    String first = HEADER + "\n"
        + shsRow("C1-" + tag, "Solar One", "+254722000001", "CS1-" + tag, "100.00", 1) + "\n"
        + meterRow("C2-" + tag, "Meter Two", "+254722000002", "CM2-" + tag, "3.00") + "\n";
    assertEquals(2L, ok(upload(co, "", first)).getJsonObject("counts").getLong("created"));
    String changed = HEADER + "\n"
        + shsRow("C1-" + tag, "Solar One", "+254722000001", "CS1-" + tag, "600.00", 1) + "\n"
        + meterRow("C2-" + tag, "Meter Two", "+254722999999", "CM2-" + tag, "3.00") + "\n"
        + meterRow("C3-" + tag, "Meter Three", "+254722000003", "CM3-" + tag, "") + "\n";
    JsonObject report = ok(upload(co, "", changed));
    assertEquals(
        new JsonObject()
            .put("created", 1L)
            .put("unchanged", 0L)
            .put("conflicts", 2L)
            .put("errors", 0L),
        report.getJsonObject("counts"));
    JsonArray problems = report.getJsonArray("problems");
    assertEquals("DEVICE_CHANGED", problems.getJsonObject(0).getString("code"));
    assertEquals(2L, problems.getJsonObject(0).getLong("line"));
    assertEquals("CUSTOMER_CHANGED", problems.getJsonObject(1).getString("code"));
    assertEquals(
        10_000,
        count(
            "SELECT sum(i.paid) FROM installments i JOIN appliance_sales s ON s.id = i.sale_id "
                + "JOIN devices d ON d.id = s.device_id WHERE d.serial = ?",
            "CS1-" + tag),
        "money fields are not overwritten");
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM customers WHERE phone = '+254722000002' AND name = 'Meter Two'"));
    // the dry run of the changed file says the same and stores nothing
    JsonObject dry = ok(upload(co, "?dryRun=true", changed));
    assertEquals(
        new JsonObject()
            .put("wouldCreate", 0L)
            .put("unchanged", 1L)
            .put("conflicts", 2L)
            .put("errors", 0L),
        dry.getJsonObject("counts"));
  }

  @Test
  void anotherCompanysSerialsAreNeitherTouchedNorSeenAndItsImportsAre404() {
    GatewayFixture.Company other = gw.company("Other Import Energy");
    applianceOf(other, appliance);
    String tag = UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    String ours = HEADER + "\n"
        + shsRow("X1-" + tag, "Ours", "+254733000001", "XS-" + tag, "100.00", 7) + "\n";
    JsonObject mine = ok(upload(co, "", ours));
    String theirs =
        HEADER + "\n" + shsRow("X1-" + tag, "Theirs", "+254733000009", "xs-" + tag, "0", 9) + "\n";
    JsonObject report = ok(upload(other, "", theirs));
    // serials are per company (V12: unique (company_id, lower(serial))): the other company's row is
    // its own device,
    // answered exactly as for a serial nobody has, so the answer tells nothing about this company
    assertEquals(
        new JsonObject()
            .put("created", 1L)
            .put("unchanged", 0L)
            .put("conflicts", 0L)
            .put("errors", 0L),
        report.getJsonObject("counts"));
    assertEquals(List.of(), report.getJsonArray("problems").getList());
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM devices d JOIN customers c ON c.id = d.customer_id WHERE d.serial = ? "
                + "AND c.name = 'Ours' AND d.company_id = ?::uuid",
            "XS-" + tag,
            co.id()),
        "ours untouched");
    assertEquals(
        10_000,
        count(
            "SELECT sum(i.paid) FROM installments i JOIN appliance_sales s ON s.id = i.sale_id "
                + "JOIN devices d ON d.id = s.device_id WHERE d.serial = ?",
            "XS-" + tag));
    assertEquals(
        0,
        count(
            "SELECT sum(i.paid) FROM installments i JOIN appliance_sales s ON s.id = i.sale_id "
                + "JOIN devices d ON d.id = s.device_id WHERE d.serial = ?",
            "xs-" + tag));
    assertEquals(
        404,
        gw.get("/api/v1/imports/" + mine.getString("id"), other.adminToken()).statusCode());
    assertEquals(
        404,
        gw.get("/api/v1/imports/" + mine.getString("id") + "/rows", other.adminToken())
            .statusCode());
    // our re-upload is still unchanged: the other company's keys are not ours
    assertEquals(1L, ok(upload(co, "", ours)).getJsonObject("counts").getLong("unchanged"));
    // roles: an agent may not import
    GatewayFixture.Agent agent = gw.agent(co, 100_000);
    assertEquals(403, upload(agent.token(), "", ours, "text/csv").statusCode());
    assertEquals(
        403, gw.get("/api/v1/imports/" + mine.getString("id"), agent.token()).statusCode());
  }

  @Test
  void aFileWhoseHeaderIsWrongIsRefusedWholeAndNothingIsStored() {
    String tag = UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    HttpResponse<Buffer> typo = upload(
        co,
        "",
        "customer_ref,name,phone,village,serail\nT1-" + tag + ",A,+254744000001,Village,T-1\n");
    assertEquals(422, typo.statusCode(), typo.bodyAsString());
    assertTrue(typo.bodyAsString().contains("serail"), typo.bodyAsString());
    HttpResponse<Buffer> missing =
        upload(co, "", "customer_ref,name,phone\nT2-" + tag + ",A,+254744000002\n");
    assertEquals(422, missing.statusCode(), missing.bodyAsString());
    assertEquals(422, upload(co, "", "").statusCode());
    assertEquals(
        415, upload(co.adminToken(), "", HEADER + "\n", "application/json").statusCode());
    assertEquals(400, upload(co, "?dryRun=maybe", HEADER + "\n").statusCode());
    assertEquals(
        400,
        upload(co, "?kind=customers", HEADER + "\n").statusCode(),
        "unknown query parameters are refused");
    assertEquals(
        0, count("SELECT count(*) FROM customers WHERE name = 'A' AND phone LIKE '+25474400000%'"));
    assertNull(gw.db.text(
        "SELECT key FROM import_keys WHERE key LIKE ?", "t_-" + tag.toLowerCase() + "%"));
  }

  @Test
  void aSpreadsheetsByteOrderMarkAndCrlfLinesAreRead() {
    String tag = UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    String csv = "\uFEFF" + HEADER + "\r\n"
        + customerRow("BOM-" + tag, "Saved From Excel", "+254745000001") + "\r\n";
    HttpResponse<Buffer> r = upload(co, "", csv);
    assertEquals(201, r.statusCode(), r.bodyAsString());
    assertEquals(1L, r.bodyAsJsonObject().getJsonObject("counts").getLong("created"));
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM customers WHERE company_id = ?::uuid AND name = 'Saved From Excel'",
            co.id()));
  }

  @Test
  void twoUploadsOfOneFileAtOnceCreateEachRowOnce() {
    String tag = UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    StringBuilder csv = new StringBuilder(HEADER).append('\n');
    for (int i = 0; i < 2_500; i++) {
      csv.append(
              i % 2 == 0
                  ? meterRow(
                      "P-" + tag + "-" + i,
                      "Parallel " + i,
                      "+2547" + String.format("%08d", i),
                      "PM-" + tag + "-" + i,
                      "1.00")
                  : shsRow(
                      "P-" + tag + "-" + i,
                      "Parallel " + i,
                      "+2547" + String.format("%08d", i),
                      "PS-" + tag + "-" + i,
                      "50.00",
                      i))
          .append('\n');
    }
    String file = csv.toString();
    var first = gw.http
        .postAbs(gw.base + "/api/v1/imports")
        .bearerTokenAuthentication(co.adminToken())
        .putHeader("Content-Type", "text/csv")
        .sendBuffer(Buffer.buffer(file));
    var second = gw.http
        .postAbs(gw.base + "/api/v1/imports")
        .bearerTokenAuthentication(co.adminToken())
        .putHeader("Content-Type", "text/csv")
        .sendBuffer(Buffer.buffer(file));
    JsonObject a = ok(await(first)).getJsonObject("counts");
    JsonObject b = ok(await(second)).getJsonObject("counts");
    assertEquals(2_500L, a.getLong("created") + b.getLong("created"), a + " " + b);
    assertEquals(2_500L, a.getLong("unchanged") + b.getLong("unchanged"), a + " " + b);
    assertEquals(
        0L,
        a.getLong("errors")
            + b.getLong("errors")
            + a.getLong("conflicts")
            + b.getLong("conflicts"));
    assertEquals(
        2_500,
        count(
            "SELECT count(*) FROM customers WHERE name LIKE 'Parallel %' AND company_id = ?::uuid",
            co.id()));
    assertEquals(
        2_500,
        count(
            "SELECT count(*) FROM devices WHERE serial LIKE ? OR serial LIKE ?",
            "PM-" + tag + "-%",
            "PS-" + tag + "-%"));
    assertEquals(
        1_250 * 5_000L,
        count(
            "SELECT sum(i.paid) FROM installments i JOIN appliance_sales s ON s.id = i.sale_id "
                + "JOIN devices d ON d.id = s.device_id WHERE d.serial LIKE ?",
            "PS-" + tag + "-%"),
        "paid to date booked once");
  }
}
