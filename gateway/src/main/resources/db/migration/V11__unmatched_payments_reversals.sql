-- Every amount a provider says has moved is in exactly one place: a transaction, an unmatched
-- payment (this table) or a reversal. A provider message that cannot be booked is kept here
-- once per provider id, acknowledged to the provider, and waits for an operator.
CREATE TABLE unmatched_payments (
  id                uuid PRIMARY KEY,
  company_id        uuid NOT NULL REFERENCES companies (id),
  provider          text NOT NULL,
  provider_txn_id   text NOT NULL,
  amount            bigint NOT NULL,
  currency          char(3) NOT NULL,
  msisdn            text,
  -- the account reference exactly as the payer typed it (usually a serial, maybe empty)
  account_reference text NOT NULL,
  paid_at           timestamptz,
  received_at       timestamptz NOT NULL DEFAULT now(),
  -- a Refusal name (DEVICE_NOT_FOUND, AMOUNT_BELOW_MINIMUM, UNAUTHENTICATED, ...) and its detail
  reason            text NOT NULL,
  detail            text,
  -- false: the message failed an authentication rule (forged, or a rule that may be wrong);
  -- such a row is never booked without an explicit operator decision
  authenticated     boolean NOT NULL,
  status            text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'ASSIGNED', 'DISMISSED')),
  -- the provider's body with secrets removed by the adapter
  raw_body          text,
  transaction_id    uuid REFERENCES transactions (id),
  resolved_by       uuid,
  resolved_at       timestamptz,
  resolution        text,
  UNIQUE (company_id, provider, provider_txn_id),
  CHECK ((status = 'ASSIGNED') = (transaction_id IS NOT NULL))
);
CREATE INDEX unmatched_payments_open ON unmatched_payments (company_id, received_at) WHERE status = 'OPEN';

-- A reversal compensates a transaction, it never deletes it: one per transaction, ever.
CREATE TABLE reversals (
  id               uuid PRIMARY KEY,
  company_id       uuid NOT NULL REFERENCES companies (id),
  transaction_id   uuid NOT NULL REFERENCES transactions (id),
  amount           bigint NOT NULL CHECK (amount > 0),
  currency         char(3) NOT NULL,
  -- OPERATOR (POST /transactions/{id}/reversal) or PROVIDER (e.g. Wave merchant.payment_reversed)
  source           text NOT NULL CHECK (source IN ('OPERATOR', 'PROVIDER')),
  reason           text NOT NULL,
  idempotency_key  text,
  created_by       uuid,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (transaction_id)
);
CREATE INDEX reversals_company ON reversals (company_id, created_at);
