-- Webhooks to the operator's own systems: one endpoint per company, its signing secret sealed
-- with SecretBox (place "webhook:<company>"), shown once when created or rotated.
CREATE TABLE webhook_endpoints (
  company_id     uuid PRIMARY KEY REFERENCES companies (id),
  url            text NOT NULL,
  events         text[] NOT NULL,
  enabled        boolean NOT NULL DEFAULT true,
  secret_sealed  text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- One row per event to deliver, written in the same statement as the event; its id is the event
-- id the receiver de-duplicates on (delivery is at least once). Attempts live on its outbox job.
CREATE TABLE webhook_deliveries (
  id                uuid PRIMARY KEY,
  company_id        uuid NOT NULL REFERENCES companies (id),
  event_type        text NOT NULL CHECK (event_type IN ('payment.recorded', 'token.issued', 'token.failed',
                                                        'unmatched.created', 'reversal.recorded')),
  data              jsonb NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  last_http_status  integer,
  last_attempt_at   timestamptz,
  delivered_at      timestamptz
);
CREATE INDEX webhook_deliveries_company ON webhook_deliveries (company_id, created_at DESC, id);

ALTER TABLE outbox ADD COLUMN webhook_delivery_id uuid UNIQUE REFERENCES webhook_deliveries (id);
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
  CHECK (kind IN ('TOKEN', 'SMS', 'REMINDER', 'BROKER_RESULT', 'WEBHOOK'));
ALTER TABLE outbox DROP CONSTRAINT outbox_subject_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_subject_check CHECK (CASE
  WHEN kind = 'REMINDER' THEN reminder_id IS NOT NULL
  WHEN kind = 'BROKER_RESULT' THEN broker_result_id IS NOT NULL
  WHEN kind = 'WEBHOOK' THEN webhook_delivery_id IS NOT NULL
  ELSE transaction_id IS NOT NULL END);

-- Machine-to-machine keys for integrators: only the SHA-256 of the key is stored.
CREATE TABLE api_keys (
  id          uuid PRIMARY KEY,
  company_id  uuid NOT NULL REFERENCES companies (id),
  name        text NOT NULL,
  role        text NOT NULL CHECK (role IN ('ADMIN', 'OPERATOR')),
  scope       text CHECK (scope IN ('read')),
  key_hash    bytea NOT NULL UNIQUE,
  prefix      text NOT NULL,
  created_by  uuid NOT NULL REFERENCES users (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz,
  last_used_at timestamptz
);
CREATE INDEX api_keys_company ON api_keys (company_id, created_at);
