package io.payg.gateway.reconciliation;

import static io.payg.gateway.support.GatewayFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.payg.telco.simulator.SafaricomSimulator;
import io.payg.telco.simulator.SafaricomSimulator.C2bPayment;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An M-Pesa organisation statement uploaded over HTTP is matched against what Daraja told the
 * gateway: matched, amount mismatch, statement-only (kept once as an unmatched payment),
 * gateway-only, malformed and skipped lines, per-day totals; a re-upload changes nothing.
 */
class ReconciliationTest {

  static final String SHORT_CODE = "600977";
  static final DateTimeFormatter STATEMENT_TIME =
      DateTimeFormatter.ofPattern("dd-MM-uuuu HH:mm:ss").withZone(ZoneId.of("Africa/Nairobi"));
  static final String HEADER =
      "\"Receipt No.\",\"Completion Time\",\"Initiation Time\",\"Details\",\"Transaction Status\","
          + "\"Paid In\",\"Withdrawn\",\"Balance\",\"Balance Confirmed\",\"Reason Type\",\"Other Party Info\","
          + "\"Linked Transaction ID\",\"A/C No.\"";
  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static SafaricomSimulator daraja;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(ReconciliationTest.class);
    company = gw.company("Statement Energy");
    GatewayFixture.ok(gw.put(
        "/api/v1/plugins/safaricom",
        company.adminToken(),
        new JsonObject()
            .put("enabled", true)
            .put(
                "settings",
                new JsonObject()
                    .put("shortCode", SHORT_CODE)
                    .put("allowedSources", "127.0.0.1/32"))));
    daraja = new SafaricomSimulator(gw.http, gw.base + "/api/v1/telco/ke-c2b/" + company.id());
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static String receipt() {
    return "RK" + UUID.randomUUID().toString().replace("-", "").substring(0, 8).toUpperCase();
  }

  static String paidIn(String receipt, Instant at, String amount, String account) {
    String t = STATEMENT_TIME.format(at);
    return receipt + "," + t + "," + t + ",\"Pay Bill from 254708374149 - JOHN DOE Acc. " + account
        + "\",Completed,\"" + amount + "\",,\"99,000.00\",true,Pay Bill,254708374149 - JOHN DOE,,"
        + account;
  }

  static HttpResponse<Buffer> upload(String token, String query, String body) {
    return await(gw.http
        .postAbs(gw.base + "/api/v1/reconciliations" + query)
        .bearerTokenAuthentication(token)
        .putHeader("Content-Type", "text/csv")
        .sendBuffer(Buffer.buffer(body)));
  }

  private void confirm(String receipt, String serial, String amount, Instant at) {
    HttpResponse<Buffer> r = await(daraja.confirmation(
        C2bPayment.payBill(receipt, SHORT_CODE, serial, amount, "254708374149", at)));
    assertEquals(0, r.bodyAsJsonObject().getInteger("ResultCode"), r.bodyAsString());
  }

  @Test
  void aStatementIsMatchedAndWhatTheGatewayNeverSawIsKeptOnce() {
    String serial = "MTR-" + UUID.randomUUID().toString().substring(0, 6);
    gw.meterCustomer(company, serial);
    // whole seconds: M-Pesa's statement and Daraja's TransTime both have no fractions
    Instant t0 = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    String booked = receipt();
    String mistyped = receipt();
    String notListed = receipt();
    String keptByDaraja = receipt();
    String neverSeen = receipt();
    confirm(booked, serial, "150.00", t0);
    confirm(notListed, serial, "120.00", t0.plusSeconds(60));
    confirm(mistyped, serial, "200.00", t0.plusSeconds(120));
    confirm(
        keptByDaraja,
        "NOBODY-1",
        "80.00",
        t0.plusSeconds(150)); // an unknown serial: kept unmatched by Daraja's call
    assertEquals(
        3,
        gw.db.count("SELECT count(*) FROM transactions WHERE company_id = ?::uuid", company.id()));

    String statement = String.join(
            "\r\n",
            "Organization Name:,STATEMENT ENERGY",
            "Paybill Number:," + SHORT_CODE,
            HEADER,
            paidIn(booked, t0, "150.00", serial), // line 4: matched
            paidIn(mistyped, t0.plusSeconds(120), "250.00", serial), // line 5: amount mismatch
            paidIn(
                keptByDaraja,
                t0.plusSeconds(150),
                "80.00",
                "NOBODY-1"), // line 6: matched (unmatched payment)
            paidIn(
                neverSeen, t0.plusSeconds(180), "1,300.00", "MTR-TYPO"), // line 7: statement only
            neverSeen.substring(0, 2)
                + "BAD1,yesterday,,Pay Bill,Completed,10.00,,,true,Pay Bill,,,X", // line 8:
            // malformed
            receipt() + "," + STATEMENT_TIME.format(t0)
                + ",,Business Pay Bill Charge,Completed,,25.00,,true,Charge,,,", // 9: skipped
            "", // a blank line: ignored
            paidIn(booked, t0, "150.00", serial))
        + "\r\n"; // line 11: duplicate of line 4

    HttpResponse<Buffer> first =
        upload(company.adminToken(), "?format=mpesa-org&provider=safaricom", statement);
    assertEquals(201, first.statusCode(), first.bodyAsString());
    JsonObject report = first.bodyAsJsonObject();
    String id = report.getString("id");
    assertEquals("/api/v1/reconciliations/" + id, first.getHeader("Location"));
    assertEquals(false, report.getBoolean("replayed"));
    assertEquals("COMPLETED", report.getString("status"));
    JsonObject counts = report.getJsonObject("counts");
    assertEquals(11, counts.getLong("lines"));
    assertEquals(4, counts.getLong("payments"));
    assertEquals(2, counts.getLong("matched"));
    assertEquals(1, counts.getLong("amountMismatches"));
    assertEquals(0, counts.getLong("currencyMismatches"));
    assertEquals(1, counts.getLong("statementOnly"));
    assertEquals(1, counts.getLong("keptAsUnmatched"));
    assertEquals(1, counts.getLong("gatewayOnly"));
    assertEquals(1, counts.getLong("malformed"));
    assertEquals(1, counts.getLong("skipped"));
    assertEquals(1, counts.getLong("duplicates"));
    assertEquals(t0.toString(), report.getJsonObject("period").getString("from"));
    assertEquals(t0.plusSeconds(180).toString(), report.getJsonObject("period").getString("to"));

    // the payment the gateway never saw is now exactly one unmatched payment, and the report points
    // at it
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM unmatched_payments WHERE provider_txn_id = ?", neverSeen));
    assertEquals(
        "STATEMENT_ONLY",
        gw.db.text("SELECT reason FROM unmatched_payments WHERE provider_txn_id = ?", neverSeen));
    assertEquals(
        130_000L,
        gw.db.count("SELECT amount FROM unmatched_payments WHERE provider_txn_id = ?", neverSeen));
    assertEquals(
        "MTR-TYPO",
        gw.db.text(
            "SELECT account_reference FROM unmatched_payments WHERE provider_txn_id = ?",
            neverSeen));
    assertEquals(
        "safaricom",
        gw.db.text("SELECT provider FROM unmatched_payments WHERE provider_txn_id = ?", neverSeen));
    assertEquals(
        t0.plusSeconds(180).toString(),
        gw.db.text(
            "SELECT to_char(paid_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM unmatched_payments "
                + "WHERE provider_txn_id = ?",
            neverSeen));
    JsonObject only = report.getJsonArray("statementOnly").getJsonObject(0);
    assertEquals(neverSeen, only.getString("providerTxnId"));
    assertEquals(7, only.getLong("line"));
    assertEquals(130_000L, only.getLong("amount"));
    assertEquals("UNMATCHED_PAYMENT", only.getJsonObject("gateway").getString("kind"));
    assertEquals(
        gw.db.text("SELECT id::text FROM unmatched_payments WHERE provider_txn_id = ?", neverSeen),
        only.getJsonObject("gateway").getString("id"));
    // nothing else was kept or booked
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM unmatched_payments WHERE provider_txn_id IN (?, ?, ?)",
            booked,
            mistyped,
            notListed));
    assertEquals(
        3,
        gw.db.count("SELECT count(*) FROM transactions WHERE company_id = ?::uuid", company.id()));

    JsonObject mismatch = report.getJsonArray("mismatches").getJsonObject(0);
    assertEquals(mistyped, mismatch.getString("providerTxnId"));
    assertEquals("AMOUNT_MISMATCH", mismatch.getString("outcome"));
    assertEquals(25_000L, mismatch.getLong("amount"));
    assertEquals(20_000L, mismatch.getJsonObject("gateway").getLong("amount"));
    assertEquals("TRANSACTION", mismatch.getJsonObject("gateway").getString("kind"));

    JsonArray matched = report.getJsonArray("matched");
    assertEquals(booked, matched.getJsonObject(0).getString("providerTxnId"));
    assertEquals(
        "TRANSACTION", matched.getJsonObject(0).getJsonObject("gateway").getString("kind"));
    assertEquals(keptByDaraja, matched.getJsonObject(1).getString("providerTxnId"));
    assertEquals(
        "UNMATCHED_PAYMENT", matched.getJsonObject(1).getJsonObject("gateway").getString("kind"));

    JsonObject gatewayOnly = report.getJsonArray("gatewayOnly").getJsonObject(0);
    assertEquals(notListed, gatewayOnly.getString("providerTxnId"));
    assertEquals(12_000L, gatewayOnly.getLong("amount"));
    assertEquals("TRANSACTION", gatewayOnly.getJsonObject("gateway").getString("kind"));

    JsonObject malformed = report.getJsonArray("malformed").getJsonObject(0);
    assertEquals(8, malformed.getLong("line"));
    assertTrue(malformed.getString("note").contains("Completion Time"), malformed.encode());
    assertEquals(9, report.getJsonArray("skipped").getJsonObject(0).getLong("line"));
    JsonObject duplicate = report.getJsonArray("duplicates").getJsonObject(0);
    assertEquals(11, duplicate.getLong("line"));
    assertEquals("the same provider id as line 4", duplicate.getString("note"));

    // per-day totals, both sides (the gateway side as it was before the upload kept anything)
    long statementTotal = 0;
    long gatewayTotal = 0;
    for (Object d : report.getJsonArray("days")) {
      JsonObject day = (JsonObject) d;
      assertEquals("KES", day.getString("currency"));
      statementTotal += day.getJsonObject("statement").getLong("amount");
      gatewayTotal += day.getJsonObject("gateway").getLong("amount");
      assertEquals(
          day.getJsonObject("statement").getLong("amount")
              - day.getJsonObject("gateway").getLong("amount"),
          day.getLong("difference"));
    }
    assertEquals(15_000 + 25_000 + 8_000 + 130_000, statementTotal);
    assertEquals(15_000 + 12_000 + 20_000 + 8_000, gatewayTotal);

    // GET answers the same report; another company sees nothing
    JsonObject again =
        GatewayFixture.ok(gw.get("/api/v1/reconciliations/" + id, company.adminToken()));
    assertEquals(report.getJsonObject("counts"), again.getJsonObject("counts"));
    assertEquals(report.getJsonArray("statementOnly"), again.getJsonArray("statementOnly"));
    GatewayFixture.Company other = gw.company("Other Energy");
    assertEquals(
        404, gw.get("/api/v1/reconciliations/" + id, other.adminToken()).statusCode());

    // the re-upload of the same statement changes nothing and answers the first reconciliation
    long rowsBefore = gw.db.count("SELECT count(*) FROM statement_rows");
    long reconciliationsBefore = gw.db.count("SELECT count(*) FROM reconciliations");
    long unmatchedBefore = gw.db.count("SELECT count(*) FROM unmatched_payments");
    HttpResponse<Buffer> second =
        upload(company.adminToken(), "?format=mpesa-org&provider=safaricom", statement);
    assertEquals(200, second.statusCode(), second.bodyAsString());
    assertEquals(id, second.bodyAsJsonObject().getString("id"));
    assertEquals(true, second.bodyAsJsonObject().getBoolean("replayed"));
    assertEquals(report.getJsonObject("counts"), second.bodyAsJsonObject().getJsonObject("counts"));
    assertEquals(reconciliationsBefore, gw.db.count("SELECT count(*) FROM reconciliations"));
    assertEquals(rowsBefore, gw.db.count("SELECT count(*) FROM statement_rows"));
    assertEquals(unmatchedBefore, gw.db.count("SELECT count(*) FROM unmatched_payments"));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM unmatched_payments WHERE provider_txn_id = ?", neverSeen));

    // a later statement overlapping this one: the kept payment is now matched, not kept again
    String next =
        String.join("\r\n", HEADER, paidIn(neverSeen, t0.plusSeconds(180), "1,300.00", "MTR-TYPO"))
            + "\r\n";
    JsonObject later = GatewayFixture.ok(upload(company.adminToken(), "?format=mpesa-org", next));
    assertEquals(1, later.getJsonObject("counts").getLong("matched"));
    assertEquals(0, later.getJsonObject("counts").getLong("keptAsUnmatched"));
    assertEquals(
        1,
        gw.db.count(
            "SELECT count(*) FROM unmatched_payments WHERE provider_txn_id = ?", neverSeen));
  }

  @Test
  void anotherCurrencyIsReportedBeforeAnotherAmount() {
    String serial = "MTR-" + UUID.randomUUID().toString().substring(0, 6);
    gw.meterCustomer(company, serial);
    String id = "G-" + UUID.randomUUID().toString().substring(0, 8);
    Instant paidAt = Instant.parse("2026-01-14T09:00:00Z");
    GatewayFixture.ok(await(
        company.provider().process(id, serial, 10_000, "KES", "254700000001", paidAt.toString())));
    String csv = "providerTxnId,paidAt,amount,currency,accountReference\n" + id + "," + paidAt
        + ",20000,UGX," + serial + "\n";
    JsonObject r =
        GatewayFixture.ok(upload(company.adminToken(), "?format=generic&provider=generic", csv));
    assertEquals(1, r.getJsonObject("counts").getLong("currencyMismatches"));
    JsonObject m = r.getJsonArray("mismatches").getJsonObject(0);
    assertEquals("CURRENCY_MISMATCH", m.getString("outcome"));
    assertEquals("UGX", m.getString("currency"));
    assertEquals("KES", m.getJsonObject("gateway").getString("currency"));
    assertEquals(
        0, gw.db.count("SELECT count(*) FROM unmatched_payments WHERE provider_txn_id = ?", id));
  }

  @Test
  void theReportIsAlsoCsvWithEveryLine() {
    String id1 = receipt();
    Instant t = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    String statement = String.join(
            "\n", HEADER, paidIn(id1, t, "=1+1", "X"), paidIn(receipt(), t, "42.00", "+254 =cmd"))
        + "\n";
    JsonObject report =
        GatewayFixture.ok(upload(company.adminToken(), "?format=mpesa-org", statement));
    String id = report.getString("id");
    for (String url :
        new String[] {"/api/v1/reconciliations/" + id + ".csv", "/api/v1/reconciliations/" + id}) {
      HttpResponse<Buffer> csv = await(gw.http
          .getAbs(gw.base + url)
          .bearerTokenAuthentication(company.adminToken())
          .putHeader("Accept", url.endsWith(".csv") ? "*/*" : "text/csv")
          .send());
      assertEquals(200, csv.statusCode(), csv.bodyAsString());
      assertTrue(csv.getHeader("Content-Type").startsWith("text/csv"));
      String[] lines = csv.bodyAsString().split("\r\n");
      assertEquals(ReconciliationCsv.HEADER.trim(), lines[0]);
      assertTrue(lines[1].startsWith("MALFORMED,2,"), lines[1]);
      assertTrue(lines[2].startsWith("STATEMENT_ONLY,3,"), lines[2]);
      assertTrue(lines[2].contains(",4200,KES,UNMATCHED_PAYMENT,"), lines[2]);
      assertTrue(lines[2].contains(",'+254 =cmd,"), "formula cells are neutralised: " + lines[2]);
      assertTrue(
          lines[lines.length - 1].startsWith(
              "DAY,,," + t.toString().substring(0, 10) + ",4200,KES,,,0,KES,,"),
          lines[lines.length - 1]);
    }
    assertEquals(
        404,
        gw.get("/api/v1/reconciliations/" + UUID.randomUUID() + ".csv", company.adminToken())
            .statusCode());
  }

  @Test
  void aStatementLargerThanTheApiBodyLimitStreamsThroughInBatches() {
    // 5,000 rows (~300 KB, over the 64 KB limit of JSON bodies, five batches) in the generic format
    StringBuilder csv =
        new StringBuilder("providerTxnId,paidAt,amount,currency,accountReference\n");
    String prefix = "GEN-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    Instant t = Instant.parse("2026-01-10T00:00:00Z");
    for (int i = 0; i < 5000; i++) {
      csv.append(prefix)
          .append(i)
          .append(',')
          .append(t.plusSeconds(i * 17L))
          .append(',')
          .append(100 + i)
          .append(",KES,MTR-")
          .append(i % 50)
          .append('\n');
    }
    assertTrue(csv.length() > 64 * 1024);
    HttpResponse<Buffer> r =
        upload(company.adminToken(), "?format=generic&provider=generic", csv.toString());
    assertEquals(201, r.statusCode(), r.bodyAsString());
    JsonObject counts = r.bodyAsJsonObject().getJsonObject("counts");
    assertEquals(5000, counts.getLong("statementOnly"));
    assertEquals(5000, counts.getLong("keptAsUnmatched"));
    assertEquals(
        5000,
        gw.db.count(
            "SELECT count(*) FROM unmatched_payments WHERE provider = 'generic' AND provider_txn_id LIKE ?",
            prefix + "%"));
    long total = 0;
    for (Object d : r.bodyAsJsonObject().getJsonArray("days")) {
      total += ((JsonObject) d).getJsonObject("statement").getLong("amount");
    }
    assertEquals(5000L * 100 + 4999L * 5000 / 2, total);
    assertEquals(
        1000,
        r.bodyAsJsonObject().getJsonArray("statementOnly").size(),
        "lists are capped by limit");
    JsonObject small = GatewayFixture.ok(gw.get(
        "/api/v1/reconciliations/" + r.bodyAsJsonObject().getString("id") + "?limit=3",
        company.adminToken()));
    assertEquals(3, small.getJsonArray("statementOnly").size());
    assertEquals(5000, small.getJsonObject("counts").getLong("statementOnly"));
  }

  @Test
  void concurrentUploadsOfOneStatementReconcileItOnce() {
    String prefix = "CC-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    StringBuilder csv =
        new StringBuilder("providerTxnId,paidAt,amount,currency,accountReference\n");
    for (int i = 0; i < 1500; i++) {
      csv.append(prefix)
          .append(i)
          .append(",2026-01-12T10:00:00Z,")
          .append(500 + i)
          .append(",KES,MTR-1\n");
    }
    List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      // the trailing slash is the same route, and streams too
      sent.add(gw.http
          .postAbs(gw.base + "/api/v1/reconciliations" + (i == 0 ? "/" : "")
              + "?format=generic&provider=generic")
          .bearerTokenAuthentication(company.adminToken())
          .putHeader("Content-Type", "text/csv")
          .sendBuffer(Buffer.buffer(csv.toString())));
    }
    Set<String> ids = new HashSet<>();
    int created = 0;
    for (var f : sent) {
      HttpResponse<Buffer> r = await(f);
      assertTrue(
          r.statusCode() == 201 || r.statusCode() == 200, r.statusCode() + " " + r.bodyAsString());
      created += r.statusCode() == 201 ? 1 : 0;
      ids.add(r.bodyAsJsonObject().getString("id"));
      assertEquals(1500, r.bodyAsJsonObject().getJsonObject("counts").getLong("statementOnly"));
    }
    assertEquals(1, created);
    assertEquals(1, ids.size());
    assertEquals(
        1500,
        gw.db.count(
            "SELECT count(*) FROM unmatched_payments WHERE provider_txn_id LIKE ?", prefix + "%"));
    assertEquals(
        1500,
        gw.db.count(
            "SELECT count(*) FROM statement_rows WHERE provider_txn_id LIKE ?", prefix + "%"));
    assertEquals(
        0, gw.db.count("SELECT count(*) FROM reconciliations WHERE status <> 'COMPLETED'"));
  }

  @Test
  void aClientGoneMidUploadLeavesNothing() throws Exception {
    long before = gw.db.count("SELECT count(*) FROM reconciliations");
    String prefix = "GONE-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    StringBuilder lines =
        new StringBuilder("providerTxnId,paidAt,amount,currency,accountReference\n");
    for (int i = 0; i < 2500; i++) {
      lines.append(prefix).append(i).append(",2026-01-13T10:00:00Z,100,KES,MTR-1\n");
    }
    byte[] chunk = lines.toString().getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket("127.0.0.1", gw.app.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/v1/reconciliations?format=generic&provider=generic HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + "Authorization: Bearer " + company.adminToken()
                  + "\r\nContent-Type: text/csv\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(chunk.length)
                  + "\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(chunk);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      GatewayFixture.eventually(
          Duration.ofSeconds(20),
          "the first batches are staged",
          () -> gw.db.count(
                  "SELECT count(*) FROM statement_rows WHERE provider_txn_id LIKE ?", prefix + "%")
              >= 1000);
    } // the client goes away without the last chunk
    GatewayFixture.eventually(
        Duration.ofSeconds(20),
        "the upload is discarded",
        () -> gw.db.count("SELECT count(*) FROM reconciliations") == before);
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM statement_rows WHERE provider_txn_id LIKE ?", prefix + "%"));
    assertEquals(
        0,
        gw.db.count(
            "SELECT count(*) FROM unmatched_payments WHERE provider_txn_id LIKE ?", prefix + "%"));
  }

  @Test
  void badUploadsAreRefusedAndKeepNothing() {
    long before = gw.db.count("SELECT count(*) FROM reconciliations");
    String ok =
        "providerTxnId,paidAt,amount,currency,accountReference\nX-1,2026-01-01T00:00:00Z,100,KES,A\n";
    assertProblem(upload(company.adminToken(), "?format=excel", ok), 400, "VALIDATION_FAILED");
    assertProblem(
        upload(company.adminToken(), "?format=generic", ok),
        400,
        "VALIDATION_FAILED"); // names no provider
    assertProblem(
        upload(company.adminToken(), "?format=generic&provider=paypal", ok),
        400,
        "VALIDATION_FAILED");
    assertProblem(
        upload(company.adminToken(), "?format=mpesa-org&timeZone=Mars/Base", ok),
        400,
        "VALIDATION_FAILED");
    assertProblem(
        upload(company.adminToken(), "?format=generic&provider=generic", "a,b,c\n1,2,3\n"),
        422,
        "STATEMENT_HEADER_MISSING");
    assertProblem(
        upload(company.adminToken(), "?format=mpesa-org", ok), 422, "STATEMENT_HEADER_MISSING");
    HttpResponse<Buffer> json = await(gw.http
        .postAbs(gw.base + "/api/v1/reconciliations?format=generic&provider=generic")
        .bearerTokenAuthentication(company.adminToken())
        .sendJsonObject(new JsonObject().put("csv", ok)));
    assertProblem(json, 415, "UNSUPPORTED_MEDIA_TYPE");
    GatewayFixture.Agent agent = gw.agent(company, 1000);
    assertProblem(upload(agent.token(), "?format=generic&provider=generic", ok), 403, "FORBIDDEN");
    assertEquals(before, gw.db.count("SELECT count(*) FROM reconciliations"));
    assertNull(
        gw.db.text("SELECT provider_txn_id FROM unmatched_payments WHERE provider_txn_id = 'X-1'"));
  }

  static void assertProblem(HttpResponse<Buffer> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals(code, r.bodyAsJsonObject().getString("code"), r.bodyAsString());
  }
}
