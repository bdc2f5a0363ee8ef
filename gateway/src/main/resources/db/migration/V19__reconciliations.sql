-- Reconciliation with provider statements: an operator uploads the provider's statement (CSV),
-- its rows are staged here, matched in SQL against transactions and unmatched payments, and the
-- outcome of every row is kept as the report.
CREATE TABLE reconciliations (
  id                  uuid PRIMARY KEY,
  company_id          uuid NOT NULL REFERENCES companies (id),
  provider            text NOT NULL,
  -- the parser: mpesa-org (M-Pesa organisation statement), wave (Wave transactions), generic
  format              text NOT NULL CHECK (format IN ('mpesa-org', 'wave', 'generic')),
  -- hex SHA-256 of the uploaded bytes, set once the whole statement was read: the same statement
  -- uploaded again is answered with the first reconciliation and changes nothing
  content_sha256      text,
  -- LOADING: being read and matched; FAILED: matching failed after the upload was answered 202 (nothing kept)
  status              text NOT NULL CHECK (status IN ('LOADING', 'COMPLETED', 'FAILED')),
  created_by          uuid NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  completed_at        timestamptz,
  -- the statement's time range (its payment rows' earliest and latest time)
  period_from         timestamptz,
  period_to           timestamptz,
  lines               bigint NOT NULL DEFAULT 0,
  payments            bigint NOT NULL DEFAULT 0,
  matched             bigint NOT NULL DEFAULT 0,
  amount_mismatches   bigint NOT NULL DEFAULT 0,
  currency_mismatches bigint NOT NULL DEFAULT 0,
  statement_only      bigint NOT NULL DEFAULT 0,
  kept_unmatched      bigint NOT NULL DEFAULT 0,
  gateway_only        bigint NOT NULL DEFAULT 0,
  duplicates          bigint NOT NULL DEFAULT 0,
  malformed           bigint NOT NULL DEFAULT 0,
  skipped             bigint NOT NULL DEFAULT 0,
  UNIQUE (company_id, provider, content_sha256)
);
CREATE INDEX reconciliations_company ON reconciliations (company_id, created_at DESC);

-- One row per data line of a statement, with what matching made of it. outcome NULL = a payment
-- row not matched yet (only while the reconciliation is LOADING).
CREATE TABLE statement_rows (
  reconciliation_id uuid NOT NULL REFERENCES reconciliations (id) ON DELETE CASCADE,
  line              bigint NOT NULL,
  provider_txn_id   text,
  occurred_at       timestamptz,
  amount            bigint,
  currency          char(3),
  account_reference text,
  msisdn            text,
  outcome           text CHECK (outcome IN ('MATCHED', 'AMOUNT_MISMATCH', 'CURRENCY_MISMATCH', 'STATEMENT_ONLY',
                                            'DUPLICATE', 'MALFORMED', 'SKIPPED')),
  -- why a row is MALFORMED, SKIPPED or DUPLICATE
  note              text,
  -- where the gateway has it: a transaction or an unmatched payment (the one this upload kept, for STATEMENT_ONLY)
  gateway_kind      text CHECK (gateway_kind IN ('TRANSACTION', 'UNMATCHED_PAYMENT')),
  gateway_id        uuid,
  gateway_amount    bigint,
  gateway_currency  char(3),
  -- the statement's line as uploaded (clipped)
  raw               text,
  PRIMARY KEY (reconciliation_id, line)
);
CREATE INDEX statement_rows_provider_txn ON statement_rows (reconciliation_id, provider_txn_id);

-- Money the gateway has (transactions, unmatched payments) within the statement's time range that
-- the statement does not list.
CREATE TABLE reconciliation_gateway_only (
  reconciliation_id uuid NOT NULL REFERENCES reconciliations (id) ON DELETE CASCADE,
  gateway_kind      text NOT NULL CHECK (gateway_kind IN ('TRANSACTION', 'UNMATCHED_PAYMENT')),
  gateway_id        uuid NOT NULL,
  provider_txn_id   text NOT NULL,
  occurred_at       timestamptz NOT NULL,
  amount            bigint NOT NULL,
  currency          char(3) NOT NULL,
  account_reference text,
  PRIMARY KEY (reconciliation_id, gateway_kind, gateway_id)
);

-- Per UTC day and currency, both sides: the statement's payment rows and what the gateway had
-- (transactions and unmatched payments of the provider) before this reconciliation kept anything.
CREATE TABLE reconciliation_days (
  reconciliation_id uuid NOT NULL REFERENCES reconciliations (id) ON DELETE CASCADE,
  day               date NOT NULL,
  currency          char(3) NOT NULL,
  statement_count   bigint NOT NULL,
  statement_amount  bigint NOT NULL,
  gateway_count     bigint NOT NULL,
  gateway_amount    bigint NOT NULL,
  PRIMARY KEY (reconciliation_id, day, currency)
);

-- "in the gateway but not in the statement" reads a provider's payments by time
CREATE INDEX transactions_company_provider_paid ON transactions (company_id, provider, paid_at);
CREATE INDEX unmatched_payments_company_provider_paid ON unmatched_payments (company_id, provider, paid_at);
