-- Back office (issue 15): customer and device lists, the customer's payment history, the
-- audit log and maintenance tokens.

-- the customer's payment history: keyset on created_at like the transaction list
CREATE INDEX transactions_customer ON transactions (customer_id, created_at DESC);

-- One row per change made through the API, written in the change's own transaction
-- (io.payg.gateway.audit.AuditLog.record): who, in which company, what, on which entity, when,
-- and the entity before and after as JSON with secrets already removed by the caller.
CREATE TABLE audit_log (
  id          uuid PRIMARY KEY,
  company_id  uuid NOT NULL REFERENCES companies (id),
  -- the user (or null: the gateway itself) and their role at the time
  actor_id    uuid REFERENCES users (id),
  actor_role  text,
  action      text NOT NULL,
  entity      text NOT NULL,
  entity_id   text NOT NULL,
  before      jsonb,
  after       jsonb,
  -- clock_timestamp, not now(): rows written in one transaction still page apart
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX audit_log_company_created ON audit_log (company_id, created_at DESC, id DESC);
CREATE INDEX audit_log_entity ON audit_log (company_id, entity, entity_id, created_at DESC);

-- Tokens issued without money (maintenance, field technicians): never allocated, never booked.
CREATE TABLE maintenance_tokens (
  id               uuid PRIMARY KEY,
  company_id       uuid NOT NULL REFERENCES companies (id),
  device_id        uuid NOT NULL REFERENCES devices (id),
  idempotency_key  text NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('ADD_DAYS', 'SET_DAYS', 'DISABLE', 'UNLOCK', 'COUNTER_SYNC', 'ADD_ENERGY')),
  value            bigint,
  reason           text NOT NULL,
  token            text NOT NULL,
  token_count      integer,
  issued_by        uuid NOT NULL REFERENCES users (id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, idempotency_key)
);
CREATE INDEX maintenance_tokens_device ON maintenance_tokens (device_id, created_at DESC);
