-- Gateway-initiated collections (request-to-pay: MTN MoMo, Airtel, Vodacom Open API).
-- The id is also the reference sent to the provider, and the provider transaction id the
-- payment is recorded under once it succeeds: one collection pays at most once.
CREATE TABLE collections (
  id               uuid PRIMARY KEY,
  company_id       uuid NOT NULL REFERENCES companies (id),
  provider         text NOT NULL,
  idempotency_key  text NOT NULL,
  requested_by     uuid REFERENCES users (id),
  msisdn           text NOT NULL,
  serial           text NOT NULL,
  amount           bigint NOT NULL CHECK (amount > 0),
  currency         char(3) NOT NULL,
  status           text NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
  provider_txn_id  text,
  reason           text,
  transaction_id   uuid REFERENCES transactions (id),
  poll_attempts    integer NOT NULL DEFAULT 0,
  next_poll_at     timestamptz NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, idempotency_key)
);
CREATE INDEX collections_to_poll ON collections (next_poll_at) WHERE status = 'PENDING';
