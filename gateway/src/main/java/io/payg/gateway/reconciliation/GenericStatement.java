package io.payg.gateway.reconciliation;

import io.payg.telco.support.DecimalAmount;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The gateway's own statement layout, for any provider: the fields of the generic process call.
 * Header {@code providerTxnId,paidAt,amount,currency,accountReference[,msisdn]} (snake_case too);
 * {@code amount} in minor units (a positive integer, as everywhere in the API), {@code paidAt}
 * ISO 8601 with an offset.
 */
final class GenericStatement extends StatementLayout {

  @Override
  List<List<String>> required() {
    return List.of(
        List.of("providertxnid"),
        List.of("paidat"),
        List.of("amount"),
        List.of("currency"),
        List.of("accountreference"));
  }

  @Override
  String expectedHeader() {
    return "the header providerTxnId,paidAt,amount,currency,accountReference";
  }

  @Override
  StatementRow row(long line, List<String> cells) {
    String raw = column(cells, "providertxnid");
    String id = PROVIDER_ID.matcher(raw).matches() ? raw : null;
    try {
      if (id == null) {
        throw new IllegalArgumentException(
            "'providerTxnId' must be up to 64 letters, digits, . _ : or - (got '" + clip(raw)
                + "')");
      }
      String amountText = column(cells, "amount");
      long amount;
      try {
        amount = Long.parseLong(amountText);
      } catch (NumberFormatException e) {
        amount = -1;
      }
      if (amount <= 0 || amount > DecimalAmount.MAX_AMOUNT) {
        throw new IllegalArgumentException(
            "'amount' must be a positive integer of minor units (got '" + clip(amountText) + "')");
      }
      String currency = column(cells, "currency");
      if (!CURRENCY.matcher(currency).matches()) {
        throw new IllegalArgumentException(
            "'currency' must be an ISO 4217 code such as KES (got '" + clip(currency) + "')");
      }
      String paidAt = column(cells, "paidat");
      Instant at;
      try {
        at = OffsetDateTime.parse(paidAt).toInstant();
      } catch (DateTimeException e) {
        throw new IllegalArgumentException(
            "'paidAt' must be ISO 8601 with an offset such as 2026-01-16T08:30:00Z (got '"
                + clip(paidAt) + "')");
      }
      String msisdn = column(cells, "msisdn");
      return new StatementRow.Payment(
          line,
          id,
          at,
          amount,
          currency,
          column(cells, "accountreference"),
          msisdn.isEmpty() ? null : msisdn);
    } catch (IllegalArgumentException e) {
      return new StatementRow.Malformed(line, id, e.getMessage());
    }
  }
}
