package io.payg.gateway.reconciliation;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The M-Pesa organisation statement export (M-PESA Business / org portal, CSV), Kenya.
 *
 * <p>Header (after a title block such as "Organization Name:,…" / "Till Number:,…"):
 * {@code "Receipt No.","Completion Time","Initiation Time","Details","Transaction Status","Paid In",
 * "Withdrawn","Balance","Balance Confirmed","Reason Type","Other Party Info","Linked Transaction ID","A/C No."}
 * — layout and sample rows ({@code 30-09-2026 14:22:10}, {@code "1,020.00"}) as in a public statement
 * parser's test fixture (find_string "Linked Transaction ID", id 71434024144); the older layout's
 * names and rules (Receipt, Date, Details, Status, Withdrawn, Paid In, Balance, Balance Confirmed,
 * Transaction Type, Other Party Info, Transaction Party Details; only "Completed" rows, Paid In is
 * the amount, the receipt is M-Pesa's unique id) from Mifos's production M-PESA importer,
 * zhongxingyu/Seer:Diff-Raw-Data/2/2_e0e3b6d9781a417c4a1c15156cc44c9fe04d1f33/MPesaXlsImporter/2_e0e3b6d9781a417c4a1c15156cc44c9fe04d1f33_MPesaXlsImporter_s.java
 * (a mirror of its ke.co.safaricom.MPesaXlsImporter) and its specification,
 * https://mifosforge.jira.com/wiki/pages/diffpagesbyversion.action?pageId=6259039 .
 * The receipt number is Daraja's {@code TransID}, the gateway's provider id for {@code safaricom};
 * "A/C No." is the account number the payer typed (Daraja's {@code BillRefNumber}).
 * Times are local (Africa/Nairobi unless the upload names another zone), like Daraja's TransTime.
 */
final class MpesaOrgStatement extends StatementLayout {

  private static final DateTimeFormatter DAY_FIRST =
      DateTimeFormatter.ofPattern("dd-MM-uuuu HH:mm[:ss]");
  private static final DateTimeFormatter DAY_FIRST_SLASH =
      DateTimeFormatter.ofPattern("dd/MM/uuuu HH:mm[:ss]");
  private static final DateTimeFormatter YEAR_FIRST =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm[:ss]");
  /** "254712345678 - JOHN DOE"; masked numbers ("2547****287") are not kept. */
  private static final Pattern MSISDN = Pattern.compile("^\\+?([0-9]{9,15})\\b");

  private final ZoneId zone;
  private final String currency;

  MpesaOrgStatement(ZoneId zone, String currency) {
    this.zone = zone;
    this.currency = currency;
  }

  @Override
  List<List<String>> required() {
    return List.of(
        List.of("receiptno", "receipt"),
        List.of("completiontime", "date", "transactiondate"),
        List.of("transactionstatus", "status"),
        List.of("paidin"));
  }

  @Override
  String expectedHeader() {
    return "an M-Pesa organisation statement header with Receipt No., Completion Time, Transaction Status and Paid In";
  }

  @Override
  StatementRow row(long line, List<String> cells) {
    String receipt = column(cells, "receiptno", "receipt");
    String id = PROVIDER_ID.matcher(receipt).matches() ? receipt : null;
    try {
      if (id == null) {
        throw new IllegalArgumentException(
            "'Receipt No.' must be letters and digits, up to 64 (got '" + clip(receipt) + "')");
      }
      String status = column(cells, "transactionstatus", "status");
      if (!status.equalsIgnoreCase("Completed")) {
        return new StatementRow.Skipped(line, id, "Transaction Status " + clip(status));
      }
      String paidIn = column(cells, "paidin");
      if (paidIn.isEmpty()
          || paidIn.startsWith("-")
          || paidIn.replaceAll("[0.,]", "").isEmpty()) {
        return new StatementRow.Skipped(
            line, id, "not money paid in (Withdrawn " + clip(column(cells, "withdrawn")) + ")");
      }
      long amount = decimalAmount("Paid In", paidIn, currency);
      Instant at = time(column(cells, "completiontime", "date", "transactiondate"));
      Matcher m = MSISDN.matcher(column(cells, "otherpartyinfo"));
      String account = column(cells, "acno", "accountnumber", "transactionpartydetails");
      return new StatementRow.Payment(
          line, id, at, amount, currency, account, m.find() ? m.group(1) : null);
    } catch (IllegalArgumentException e) {
      return new StatementRow.Malformed(line, id, e.getMessage());
    }
  }

  private Instant time(String text) {
    for (DateTimeFormatter f : List.of(DAY_FIRST, YEAR_FIRST, DAY_FIRST_SLASH)) {
      try {
        return LocalDateTime.parse(text, f).atZone(zone).toInstant();
      } catch (DateTimeException e) {
        // the next spelling
      }
    }
    throw new IllegalArgumentException(
        "'Completion Time' must be dd-MM-yyyy HH:mm:ss (got '" + clip(text) + "')");
  }
}
