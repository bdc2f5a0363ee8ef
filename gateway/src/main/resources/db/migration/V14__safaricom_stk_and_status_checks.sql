-- Safaricom STK push (Lipa Na M-Pesa Online): Daraja names the push itself (CheckoutRequestID),
-- calls back with it and is queried by it (stkpushquery): stored per collection.
ALTER TABLE collections ADD COLUMN provider_request_id text;
CREATE UNIQUE INDEX collections_provider_request ON collections (company_id, provider, provider_request_id)
  WHERE provider_request_id IS NOT NULL;

-- Daraja C2B confirmations held until Daraja's Transaction Status API confirms them. The
-- confirmation is acknowledged at once; the money is booked (or kept as unmatched) when the
-- asynchronous status result arrives at the ResultURL. One row per M-Pesa TransID, durable:
-- a crash between the acknowledgement and the booking loses nothing.
CREATE TABLE daraja_status_checks (
  id                         uuid PRIMARY KEY,
  company_id                 uuid NOT NULL REFERENCES companies (id),
  provider                   text NOT NULL,
  trans_id                   text NOT NULL,
  serial                     text NOT NULL,
  amount                     bigint NOT NULL,
  currency                   char(3) NOT NULL,
  msisdn                     text,
  paid_at                    timestamptz,
  raw_body                   text,
  -- PENDING: to ask; ASKED: Daraja accepted the query, its result is awaited;
  -- BOOKED: processed as a payment (recorded, or kept by the payment pipeline);
  -- KEPT: not confirmed (not Completed, other amount, no answer): kept flagged as unmatched
  status                     text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'ASKED', 'BOOKED', 'KEPT')),
  originator_conversation_id text,
  conversation_id            text,
  attempts                   int NOT NULL DEFAULT 0,
  next_attempt_at            timestamptz NOT NULL DEFAULT now(),
  last_error                 text,
  result_code                text,
  result_desc                text,
  created_at                 timestamptz NOT NULL DEFAULT now(),
  updated_at                 timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, provider, trans_id)
);
CREATE INDEX daraja_status_checks_due ON daraja_status_checks (next_attempt_at) WHERE status IN ('PENDING', 'ASKED');
CREATE INDEX daraja_status_checks_conversation ON daraja_status_checks (originator_conversation_id)
  WHERE originator_conversation_id IS NOT NULL;
