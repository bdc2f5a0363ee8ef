package io.payg.gateway.reconciliation;

import java.time.Instant;

/** What one data line of a provider statement says, once parsed. */
sealed interface StatementRow {

  long line();

  /** Money paid in to the company: the rows that are matched. */
  record Payment(
      long line,
      String providerTxnId,
      Instant occurredAt,
      long amount,
      String currency,
      String accountReference,
      String msisdn)
      implements StatementRow {}

  /** A well-formed line that is not money paid in (a withdrawal, a charge, a failed attempt). */
  record Skipped(long line, String providerTxnId, String note) implements StatementRow {}

  /** A line that cannot be read; reported with its line number, the rest goes on. */
  record Malformed(long line, String providerTxnId, String error) implements StatementRow {}
}
