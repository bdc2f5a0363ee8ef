package io.payg.gateway.reconciliation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Line numbers, title blocks, quoted line breaks and limits, whatever the chunks the network delivers. */
class StatementReaderTest {

  static final String GENERIC = "\uFEFFproviderTxnId,paidAt,amount,currency,accountReference\r\n"
      + "A-1,2026-01-16T08:30:00Z,100,KES,\"MTR, 1\"\r\n"
      + "A-2,2026-01-16T08:31:00Z,200,KES,\"two\r\nlines\"\r\n"
      + "\r\n"
      + "A-3,2026-01-16T08:32:00Z,x,KES,M\r\n"
      + "A-4,2026-01-16T08:33:00Z,400,KES,\"bad\"quote\r\n"
      + "A-5,2026-01-16T08:34:00Z,500,KES,last";

  static List<StatementRow> read(String text, int chunk) {
    List<StatementRow> rows = new ArrayList<>();
    StatementReader reader =
        new StatementReader(new GenericStatement(), 100, (row, raw) -> rows.add(row));
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += chunk) {
      byte[] part = new byte[Math.min(chunk, bytes.length - i)];
      System.arraycopy(bytes, i, part, 0, part.length);
      reader.feed(part);
    }
    reader.end();
    return rows;
  }

  @Test
  void everyDataLineIsOneRowWithItsFirstLineNumberInAnyChunking() {
    for (int chunk : new int[] {1, 2, 3, 7, 64, 100_000}) {
      List<StatementRow> rows = read(GENERIC, chunk);
      assertEquals(5, rows.size(), "chunk " + chunk);
      StatementRow.Payment first = assertInstanceOf(StatementRow.Payment.class, rows.get(0));
      assertEquals(2, first.line());
      assertEquals("MTR, 1", first.accountReference());
      StatementRow.Payment second = assertInstanceOf(StatementRow.Payment.class, rows.get(1));
      assertEquals(3, second.line());
      assertEquals("two\nlines", second.accountReference());
      StatementRow.Malformed amount = assertInstanceOf(StatementRow.Malformed.class, rows.get(2));
      assertEquals(6, amount.line());
      assertEquals("A-3", amount.providerTxnId());
      assertTrue(amount.error().contains("'amount'"), amount.error());
      StatementRow.Malformed quote = assertInstanceOf(StatementRow.Malformed.class, rows.get(3));
      assertEquals(7, quote.line());
      StatementRow.Payment last = assertInstanceOf(StatementRow.Payment.class, rows.get(4));
      assertEquals(8, last.line());
      assertEquals(500, last.amount());
    }
  }

  @Test
  void anOverlongLineIsMalformedAndTheNextOneIsRead() {
    String text = "providerTxnId,paidAt,amount,currency,accountReference\n"
        + "A-1,2026-01-16T08:30:00Z,100,KES," + "x".repeat(StatementReader.MAX_LINE_BYTES) + "\n"
        + "A-2,2026-01-16T08:31:00Z,200,KES,M\n";
    List<StatementRow> rows = read(text, 4096);
    assertEquals(2, rows.size());
    assertEquals(2, assertInstanceOf(StatementRow.Malformed.class, rows.get(0)).line());
    assertEquals(3, assertInstanceOf(StatementRow.Payment.class, rows.get(1)).line());
  }

  @Test
  void anUnclosedQuoteAtTheEndIsReported() {
    List<StatementRow> rows =
        read("providerTxnId,paidAt,amount,currency,accountReference\nA-1,\"never closed\n", 10);
    assertEquals(2, assertInstanceOf(StatementRow.Malformed.class, rows.get(0)).line());
  }

  @Test
  void noHeaderOrTooManyRowsRefuseTheStatement() {
    StatementRefused none = assertThrows(StatementRefused.class, () -> read("a,b\n1,2\n", 100));
    assertEquals("STATEMENT_HEADER_MISSING", none.code());
    StringBuilder many =
        new StringBuilder("providerTxnId,paidAt,amount,currency,accountReference\n");
    for (int i = 0; i < 101; i++) {
      many.append("A-").append(i).append(",2026-01-16T08:30:00Z,100,KES,M\n");
    }
    StatementRefused big = assertThrows(StatementRefused.class, () -> read(many.toString(), 1000));
    assertEquals(413, big.status());
  }

  @Test
  void mpesaAmountsAndTimes() {
    MpesaOrgStatement layout = new MpesaOrgStatement(ZoneId.of("Africa/Nairobi"), "KES");
    List<String> header =
        CsvCells.split("Receipt No.,Completion Time,Transaction Status,Paid In,Withdrawn,A/C No.");
    assertTrue(layout.header(header));
    StatementRow.Payment p = assertInstanceOf(
        StatementRow.Payment.class,
        layout.row(5, CsvCells.split("QK1,2026-01-16 08:30:00,Completed,\"12,345.50\",,MTR-9")));
    assertEquals(1_234_550, p.amount());
    assertEquals("2026-01-16T05:30:00Z", p.occurredAt().toString());
    assertInstanceOf(
        StatementRow.Malformed.class,
        layout.row(6, CsvCells.split("QK2,16-01-2026 08:30:00,Completed,12.345,,M")));
    assertInstanceOf(
        StatementRow.Skipped.class,
        layout.row(7, CsvCells.split("QK3,16-01-2026 08:30:00,Completed,,50.00,")));
    assertInstanceOf(
        StatementRow.Malformed.class,
        layout.row(8, CsvCells.split("has space,16-01-2026 08:30:00,Completed,1.00,,")));
  }

  @Test
  void theOlderMpesaLayoutIsReadByItsHeaderNamesToo() {
    // Mifos's importer: Receipt, Date, Details, Status, Withdrawn, Paid In, Balance, Balance
    // Confirmed,
    // Transaction Type, Other Party Info, Transaction Party Details
    MpesaOrgStatement layout = new MpesaOrgStatement(ZoneId.of("Africa/Nairobi"), "KES");
    assertTrue(layout.header(
        CsvCells.split("Receipt,Date,Details,Status,Withdrawn,Paid In,Balance,Balance Confirmed,"
            + "Transaction Type,Other Party Info,Transaction Party Details")));
    StatementRow.Payment p = assertInstanceOf(
        StatementRow.Payment.class,
        layout.row(
            9,
            CsvCells.split(
                "Y29DW127,2009-08-26 12:39:42,Pay Utility,Completed,,200,\"520,499\",true,Pay Utility,0722926212 - "
                    + "CYNTHIA O,MTR-7")));
    assertEquals(20_000, p.amount());
    assertEquals("MTR-7", p.accountReference());
    assertEquals("0722926212", p.msisdn());
    assertEquals("2009-08-26T09:39:42Z", p.occurredAt().toString());
  }
}
