package io.payg.gateway.reconciliation;

import io.payg.gateway.http.ApiException;

/** The statement as a whole cannot be reconciled (no header, too many rows): nothing of it is kept. */
final class StatementRefused extends ApiException {

  StatementRefused(int status, String code, String detail) {
    super(status, code, detail);
  }
}
