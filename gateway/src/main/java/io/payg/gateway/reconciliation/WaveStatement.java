package io.payg.gateway.reconciliation;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * Wave's transactions, one CSV column per field of the Balance &amp; Reconciliation API's transaction
 * item ({@code GET /v1/transactions}, https://docs.wave.com/balance-api): {@code timestamp,
 * transaction_id, amount, fee, currency, balance, counterparty_name, counterparty_mobile,
 * client_reference, payment_reason, is_reversal, transaction_type} (the item's fields as listed by
 * https://0xc007b.github.io/wave-api-client/interfaces/TransactionItem.html ).
 *
 * <p>UNCONFIRMED: Wave publishes no column layout for the business portal's CSV export; this
 * layout is the API's item written as CSV (header names matched case- and punctuation-blind).
 * Whether {@code amount} of a payment received is before or after Wave's fee is not documented;
 * the gateway compares {@code amount} with what the webhook said.
 */
final class WaveStatement extends StatementLayout {

  @Override
  List<List<String>> required() {
    return List.of(
        List.of("transactionid"), List.of("timestamp"), List.of("amount"), List.of("currency"));
  }

  @Override
  String expectedHeader() {
    return "a Wave transactions header with transaction_id, timestamp, amount and currency";
  }

  @Override
  StatementRow row(long line, List<String> cells) {
    String raw = column(cells, "transactionid");
    String id = PROVIDER_ID.matcher(raw).matches() ? raw : null;
    try {
      if (id == null) {
        throw new IllegalArgumentException(
            "'transaction_id' must be up to 64 letters, digits, _ or - (got '" + clip(raw) + "')");
      }
      if (column(cells, "isreversal").equalsIgnoreCase("true")) {
        return new StatementRow.Skipped(line, id, "a reversal or refund (is_reversal true)");
      }
      String currency = column(cells, "currency");
      if (!CURRENCY.matcher(currency).matches()) {
        throw new IllegalArgumentException(
            "'currency' must be an ISO 4217 code such as XOF (got '" + clip(currency) + "')");
      }
      String amount = column(cells, "amount");
      if (amount.startsWith("-") || amount.replaceAll("[0.,]", "").isEmpty()) {
        return new StatementRow.Skipped(
            line, id, "not money paid in (amount " + clip(amount) + ")");
      }
      long minor =
          decimalAmount("amount", amount.startsWith("+") ? amount.substring(1) : amount, currency);
      Instant at;
      String timestamp = column(cells, "timestamp");
      try {
        at = OffsetDateTime.parse(timestamp).toInstant();
      } catch (DateTimeException e) {
        throw new IllegalArgumentException(
            "'timestamp' must be ISO 8601 with an offset (got '" + clip(timestamp) + "')");
      }
      String mobile = column(cells, "counterpartymobile");
      return new StatementRow.Payment(
          line,
          id,
          at,
          minor,
          currency,
          column(cells, "clientreference"),
          mobile.isEmpty() ? null : mobile);
    } catch (IllegalArgumentException e) {
      return new StatementRow.Malformed(line, id, e.getMessage());
    }
  }
}
