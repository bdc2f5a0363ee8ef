-- Installment reminders by SMS (issue 6).
-- The company's setting: {"enabled": bool, "daysBefore": [int], "daysAfter": [int], "hourLocal": int,
-- "timeZone": text}; reminders go out once a day from hourLocal in timeZone.
ALTER TABLE companies ADD COLUMN sms_reminders jsonb NOT NULL
  DEFAULT '{"enabled": false, "daysBefore": [], "daysAfter": [], "hourLocal": 9, "timeZone": "UTC"}'::jsonb;

-- One row per reminder ever decided: the unique key is what keeps two gateway instances, or a
-- rerun of the same day, from sending the same reminder twice.
CREATE TABLE installment_reminders (
  id              uuid PRIMARY KEY,
  company_id      uuid NOT NULL REFERENCES companies (id),
  installment_id  uuid NOT NULL REFERENCES installments (id),
  kind            text NOT NULL CHECK (kind IN ('DUE_SOON', 'OVERDUE')),
  days            integer NOT NULL CHECK (days >= 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (installment_id, kind, days)
);

-- what the daily job reads: a company's unpaid installments by due date
CREATE INDEX installments_open_due ON installments (company_id, due_date) WHERE paid < amount;

-- REMINDER jobs point at a reminder instead of a transaction
ALTER TABLE outbox ALTER COLUMN transaction_id DROP NOT NULL;
ALTER TABLE outbox ADD COLUMN reminder_id uuid UNIQUE REFERENCES installment_reminders (id);
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('TOKEN', 'SMS', 'REMINDER'));
ALTER TABLE outbox ADD CONSTRAINT outbox_subject_check
  CHECK (CASE WHEN kind = 'REMINDER' THEN reminder_id IS NOT NULL ELSE transaction_id IS NOT NULL END);

ALTER TABLE sms_messages ADD COLUMN reminder_id uuid REFERENCES installment_reminders (id);
