-- Issue 15: a maintenance token sent by SMS through the outbox, and the second approver of
-- office cash.

-- A maintenance token's SMS: an outbox job of its own kind pointing at the token (one per token,
-- ever), and the message sent recorded like every other SMS.
ALTER TABLE outbox ADD COLUMN maintenance_token_id uuid UNIQUE REFERENCES maintenance_tokens (id);
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
  CHECK (kind IN ('TOKEN', 'SMS', 'REMINDER', 'BROKER_RESULT', 'WEBHOOK', 'MAINTENANCE_SMS'));
ALTER TABLE outbox DROP CONSTRAINT outbox_subject_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_subject_check CHECK (CASE
  WHEN kind = 'REMINDER' THEN reminder_id IS NOT NULL
  WHEN kind = 'BROKER_RESULT' THEN broker_result_id IS NOT NULL
  WHEN kind = 'WEBHOOK' THEN webhook_delivery_id IS NOT NULL
  WHEN kind = 'MAINTENANCE_SMS' THEN maintenance_token_id IS NOT NULL
  ELSE transaction_id IS NOT NULL END);
ALTER TABLE sms_messages ADD COLUMN maintenance_token_id uuid REFERENCES maintenance_tokens (id);

-- Office cash above the company's threshold waits for a second person (an ADMIN other than the
-- one who recorded it) before it is processed. NULL: no approval needed.
ALTER TABLE companies ADD COLUMN office_cash_approval_threshold bigint
  CHECK (office_cash_approval_threshold IS NULL OR office_cash_approval_threshold >= 0);

-- Cash the office took and recorded, waiting for approval: on the books as pending (money held
-- by the office, allocated to nothing) until approved (then it is the transaction's) or rejected
-- (handed back to the payer).
CREATE TABLE office_cash_pending (
  id               uuid PRIMARY KEY,
  company_id       uuid NOT NULL REFERENCES companies (id),
  -- the staff user's own key space, as the processed payment's provider id is
  idempotency_key  text NOT NULL,
  recorded_by      uuid NOT NULL REFERENCES users (id),
  serial           text NOT NULL,
  amount           bigint NOT NULL CHECK (amount > 0),
  currency         text NOT NULL,
  msisdn           text,
  status           text NOT NULL DEFAULT 'PENDING_APPROVAL'
                   CHECK (status IN ('PENDING_APPROVAL', 'APPROVED', 'REJECTED')),
  decided_by       uuid REFERENCES users (id),
  decided_at       timestamptz,
  reason           text,
  transaction_id   uuid REFERENCES transactions (id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, recorded_by, idempotency_key),
  CHECK (decided_by IS NULL OR decided_by <> recorded_by)
);
CREATE INDEX office_cash_pending_open ON office_cash_pending (company_id, created_at DESC, id)
  WHERE status = 'PENDING_APPROVAL';
