-- The third leg of a Vodacom M-Pesa Tanzania broker payment: the gateway's <result> (0 = confirm,
-- 999 = cancel) to the broker's result URL, sent by the outbox, and the broker's acknowledgement.
-- One row per (company, provider, broker transactionID), ever: at most one result per payment.
CREATE TABLE broker_results (
  id                         uuid PRIMARY KEY,
  company_id                 uuid NOT NULL REFERENCES companies (id),
  provider                   text NOT NULL,
  provider_txn_id            text NOT NULL,
  -- exactly one of: the booked transaction (confirmed) or the kept unmatched payment (cancelled)
  transaction_id             uuid UNIQUE REFERENCES transactions (id),
  unmatched_id               uuid UNIQUE REFERENCES unmatched_payments (id),
  result_code                text NOT NULL CHECK (result_code IN ('0', '999')),
  result_desc                text NOT NULL,
  -- what the result echoes of the request
  namespace                  text,
  conversation_id            text,
  originator_conversation_id text,
  mpesa_receipt              text,
  initiator                  text,
  -- the request's <resultURL>, used when the plugin sets no resultUrl
  request_result_url         text,
  created_at                 timestamptz NOT NULL DEFAULT now(),
  -- the broker's answer to the last attempt that reached it
  sent_at                    timestamptz,
  broker_http_status         integer,
  broker_response_code       text,
  broker_response_desc       text,
  broker_service_status      text,
  broker_answer              text,
  -- set once the broker acknowledged the result
  acknowledged_at            timestamptz,
  UNIQUE (company_id, provider, provider_txn_id),
  CHECK ((transaction_id IS NULL) <> (unmatched_id IS NULL)),
  CHECK ((result_code = '0') = (transaction_id IS NOT NULL))
);

-- BROKER_RESULT jobs point at a broker result, like REMINDER jobs at a reminder
ALTER TABLE outbox ADD COLUMN broker_result_id uuid UNIQUE REFERENCES broker_results (id);
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('TOKEN', 'SMS', 'REMINDER', 'BROKER_RESULT'));
ALTER TABLE outbox DROP CONSTRAINT outbox_subject_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_subject_check CHECK (CASE
  WHEN kind = 'REMINDER' THEN reminder_id IS NOT NULL
  WHEN kind = 'BROKER_RESULT' THEN broker_result_id IS NOT NULL
  ELSE transaction_id IS NOT NULL END);

-- A payment the gateway cancelled to the broker (acknowledged) did not stay with the company: it is
-- no longer OPEN suspense money but CANCELLED.
ALTER TABLE unmatched_payments DROP CONSTRAINT unmatched_payments_status_check;
ALTER TABLE unmatched_payments ADD CONSTRAINT unmatched_payments_status_check
  CHECK (status IN ('OPEN', 'ASSIGNED', 'DISMISSED', 'CANCELLED'));
