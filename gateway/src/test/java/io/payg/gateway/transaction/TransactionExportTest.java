package io.payg.gateway.transaction;

import static io.payg.gateway.support.GatewayFixture.await;
import static io.payg.gateway.support.GatewayFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.payg.gateway.support.GatewayFixture;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The transactions as CSV: the list's filters, every row (through the cursor), RFC 4180, no formulas. */
class TransactionExportTest {

  static GatewayFixture gw;
  static GatewayFixture.Company company;
  static String serial;
  static String otherSerial;

  @BeforeAll
  static void start() throws Exception {
    gw = new GatewayFixture(TransactionExportTest.class);
    company = gw.company("Export Energy");
    serial = "EX-" + UUID.randomUUID().toString().substring(0, 8);
    otherSerial = "EY-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, serial);
    gw.meterCustomer(company, otherSerial);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** RFC 4180 records: quoted cells may hold commas, doubled quotes and line breaks. */
  static List<List<String>> parse(String csv) {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < csv.length(); i++) {
      char c = csv.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        record.add(cell.toString());
        cell.setLength(0);
      } else if (c == '\r' && i + 1 < csv.length() && csv.charAt(i + 1) == '\n') {
        record.add(cell.toString());
        cell.setLength(0);
        records.add(record);
        record = new ArrayList<>();
        i++;
      } else {
        cell.append(c);
      }
    }
    assertTrue(record.isEmpty() && cell.length() == 0, "every record ends with CRLF");
    return records;
  }

  @Test
  void exportsTheFilteredTransactionsStreamedQuotedAndNeutralised() {
    String admin = company.adminToken();
    ok(await(company.provider().process("-2:3.cmd", serial, 10_000, "KES", "+254712345678", null)));
    ok(await(
        company.provider().process("plain-1", otherSerial, 10_000, "KES", "+254712345679", null)));
    // an id another provider could send (only the generic adapter's charset is allowed through it)
    gw.db.count(
        "WITH u AS (UPDATE transactions SET provider_txn_id = '=HYPERLINK(\"http://evil\",\"x\"),y' || chr(10) || 'z' "
            + "WHERE provider_txn_id = 'plain-1' RETURNING 1) SELECT count(*) FROM u");
    // and many more rows than one cursor fetch, to see them all arrive
    gw.db.count(
        "WITH i AS (INSERT INTO transactions (id, company_id, provider, provider_txn_id, device_id, customer_id, "
            + "serial, amount, currency, msisdn, paid_at, status) SELECT gen_random_uuid(), company_id, provider, "
            + "'bulk-' || n, "
            + "device_id, customer_id, serial, amount, currency, msisdn, paid_at, 'COMPLETED' FROM transactions, "
            + "generate_series(1, 1500) n WHERE provider_txn_id = '-2:3.cmd' RETURNING 1) SELECT count(*) FROM i");

    HttpResponse<Buffer> all = gw.get("/api/v1/transactions/export.csv", admin);
    assertEquals(200, all.statusCode(), all.bodyAsString());
    assertEquals("text/csv; charset=utf-8", all.getHeader("Content-Type"));
    List<List<String>> rows = parse(all.bodyAsString());
    assertEquals(
        List.of(
            "id",
            "createdAt",
            "paidAt",
            "provider",
            "providerTxnId",
            "serial",
            "amount",
            "currency",
            "status",
            "msisdn",
            "agentId",
            "tokenUnit",
            "tokenQuantity",
            "token"),
        rows.get(0));
    assertEquals(1 + 2 + 1500, rows.size());
    List<String> evil =
        rows.stream().filter(r -> r.get(5).equals(otherSerial)).findFirst().orElseThrow();
    assertEquals(
        "'=HYPERLINK(\"http://evil\",\"x\"),y\nz",
        evil.get(4),
        "quoted per RFC 4180, formula neutralised");
    List<String> first =
        rows.stream().filter(r -> r.get(4).startsWith("'-2")).findFirst().orElseThrow();
    assertEquals("'-2:3.cmd", first.get(4));
    assertEquals("'+254712345678", first.get(9));
    assertEquals("10000", first.get(6));
    assertEquals("KES", first.get(7));

    // the list's filters
    assertEquals(
        1 + 1,
        parse(gw.get("/api/v1/transactions/export.csv?serial=" + otherSerial, admin)
                .bodyAsString())
            .size());
    assertEquals(
        1 + 1,
        parse(gw.get(
                    "/api/v1/transactions/export.csv?provider=generic&serial=" + otherSerial, admin)
                .bodyAsString())
            .size());
    assertEquals(
        1,
        parse(gw.get("/api/v1/transactions/export.csv?provider=cash", admin).bodyAsString())
            .size());
    assertEquals(
        1,
        parse(gw.get("/api/v1/transactions/export.csv?status=TOKEN_FAILED", admin)
                .bodyAsString())
            .size());
    assertEquals(
        1,
        parse(gw.get("/api/v1/transactions/export.csv?from=2099-01-01T00:00:00Z", admin)
                .bodyAsString())
            .size());
    assertEquals(
        1 + 2 + 1500,
        parse(gw.get("/api/v1/transactions/export.csv?to=2099-01-01T00:00:00Z", admin)
                .bodyAsString())
            .size());

    HttpResponse<Buffer> bad = gw.get("/api/v1/transactions/export.csv?status=NOPE", admin);
    assertEquals(400, bad.statusCode());
    assertEquals("VALIDATION_FAILED", bad.bodyAsJsonObject().getString("code"));
    assertEquals(
        400, gw.get("/api/v1/transactions/export.csv?from=yesterday", admin).statusCode());
    assertEquals(401, gw.get("/api/v1/transactions/export.csv", null).statusCode());
  }

  @Test
  void aSlowReaderGetsEveryRowInOrderAndNoTransactionStaysOpenWhileItReads() throws Exception {
    // a company of its own: the other test counts every row of its company
    GatewayFixture.Company company = gw.company("Slow Export Energy");
    String slow = "SLOW-" + UUID.randomUUID().toString().substring(0, 8);
    gw.meterCustomer(company, slow);
    ok(await(company.provider().process("slow-seed", slow, 10_000, "KES", "+254712345670", null)));
    // 20,000 rows (some MB of CSV, far more than the socket buffers), many sharing one created_at,
    // and ids that need quoting: pages must neither skip nor repeat a row at a page edge
    gw.db.count(
        "WITH i AS (INSERT INTO transactions (id, company_id, provider, provider_txn_id, device_id, customer_id, "
            + "serial, amount, currency, msisdn, paid_at, status, created_at) SELECT gen_random_uuid(), company_id, "
            + "provider, "
            + "'slow,\"' || n || '\"', device_id, customer_id, serial, amount + n, currency, msisdn, paid_at, "
            + "'COMPLETED', "
            + "created_at - make_interval(secs => n / 7) FROM transactions, generate_series(1, 20000) n "
            + "WHERE provider_txn_id = 'slow-seed' RETURNING 1) SELECT count(*) FROM i");

    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4096); // a client on a slow link: the gateway must wait for it
      socket.connect(new InetSocketAddress("127.0.0.1", gw.app.port()));
      socket.setSoTimeout(30_000);
      socket
          .getOutputStream()
          .write(("GET /api/v1/transactions/export.csv?serial=" + slow + " HTTP/1.1\r\nHost: gw\r\n"
                  + "Authorization: Bearer " + company.adminToken() + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      InputStream in = new BufferedInputStream(socket.getInputStream(), 1024);
      String status = line(in);
      assertTrue(status.startsWith("HTTP/1.1 200"), status);
      while (!line(in).isEmpty()) {
        // headers
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      long chunks = 0;
      for (int size; (size = Integer.parseInt(line(in).trim(), 16)) > 0; chunks++) {
        body.write(in.readNBytes(size));
        line(in);
        if (chunks == 20) {
          Thread.sleep(1500); // the reader stalls with most of the export still to come
          assertEquals(
              0,
              gw.db.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                  + " AND state LIKE 'idle in transaction%'"),
              "no transaction held open for a slow client");
          assertEquals(
              0,
              gw.db.count(
                  "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                      + " AND backend_xmin IS NOT NULL AND pid <> pg_backend_pid() AND state <> 'active'"));
        }
      }
      assertTrue(chunks > 20, "the export came in many pieces: " + chunks);
      List<List<String>> rows = parse(body.toString(StandardCharsets.UTF_8));
      assertEquals(1 + 1 + 20_000, rows.size());
      Set<String> ids = new HashSet<>();
      String previous = null;
      for (List<String> r : rows.subList(1, rows.size())) {
        assertTrue(ids.add(r.get(0)), "no row twice: " + r.get(0));
        assertTrue(
            previous == null
                || r.get(1).compareTo(previous) <= 0
                || r.get(1).length() != previous.length(),
            "newest first");
        previous = r.get(1);
      }
      List<String> some =
          rows.stream().filter(r -> r.get(4).equals("slow,\"777\"")).findFirst().orElseThrow();
      assertEquals(String.valueOf(10_000 + 777), some.get(6));
      assertEquals(slow, some.get(5));
    }
  }

  /** One CRLF-terminated line of an HTTP/1.1 head or chunk header. */
  private static String line(InputStream in) throws IOException {
    StringBuilder s = new StringBuilder();
    for (int b; (b = in.read()) != -1 && b != '\n'; ) {
      if (b != '\r') {
        s.append((char) b);
      }
    }
    return s.toString();
  }

  @Test
  void cellsAreQuotedAndNeutralised() {
    assertEquals("plain", Csv.cell("plain"));
    assertEquals("\"a,b\"", Csv.cell("a,b"));
    assertEquals("\"say \"\"hi\"\"\"", Csv.cell("say \"hi\""));
    assertEquals("'=1+1", Csv.cell("=1+1"));
    assertEquals("'@SUM(A1)", Csv.cell("@SUM(A1)"));
    assertEquals("\"'=1,2\"", Csv.cell("=1,2"));
    assertEquals("a,,-5\r\n", Csv.record(Arrays.asList("a", null, -5L)));
  }
}
