-- Operators' and agents' tools: support tickets, agents' commission ledger, agents' appliance
-- sales (idempotent, cash down payment), meter re-assignment audit.

CREATE TABLE tickets (
  id                uuid PRIMARY KEY,
  company_id        uuid NOT NULL REFERENCES companies (id),
  customer_id       uuid REFERENCES customers (id),
  title             text NOT NULL,
  description       text NOT NULL,
  category          text,
  status            text NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'IN_PROGRESS', 'RESOLVED', 'CLOSED')),
  assignee_user_id  uuid REFERENCES users (id),
  created_by        uuid NOT NULL REFERENCES users (id),
  created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at        timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- the list: newest first per company, keyset-paged on created_at
CREATE INDEX tickets_company_created ON tickets (company_id, created_at DESC);
CREATE INDEX tickets_created_by ON tickets (created_by, created_at DESC);

CREATE TABLE ticket_comments (
  id          uuid PRIMARY KEY,
  company_id  uuid NOT NULL REFERENCES companies (id),
  ticket_id   uuid NOT NULL REFERENCES tickets (id),
  author_id   uuid NOT NULL REFERENCES users (id),
  body        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX ticket_comments_ticket ON ticket_comments (ticket_id, created_at);

-- Commission rates per company, in basis points (1/100 of a percent).
CREATE TABLE commission_settings (
  company_id          uuid PRIMARY KEY REFERENCES companies (id),
  energy_rate_bps     integer NOT NULL CHECK (energy_rate_bps BETWEEN 0 AND 10000),
  appliance_rate_bps  integer NOT NULL CHECK (appliance_rate_bps BETWEEN 0 AND 10000),
  updated_by          uuid REFERENCES users (id),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

-- The agents' commission ledger: earnings (ENERGY per cash payment, APPLIANCE_SALE per sale)
-- are positive, payouts negative; the balance is the sum. One earning per (transaction, kind)
-- and per (sale, kind), enforced here, so a replay or a concurrent duplicate never earns twice.
CREATE TABLE commission_entries (
  id              uuid PRIMARY KEY,
  company_id      uuid NOT NULL REFERENCES companies (id),
  agent_id        uuid NOT NULL REFERENCES users (id),
  kind            text NOT NULL CHECK (kind IN ('ENERGY', 'APPLIANCE_SALE', 'PAYOUT')),
  transaction_id  uuid REFERENCES transactions (id),
  sale_id         uuid REFERENCES appliance_sales (id),
  base            bigint,           -- the money the rate applied to
  rate_bps        integer,
  amount          bigint NOT NULL,  -- negative: paid out
  currency        char(3) NOT NULL,
  recorded_by     uuid REFERENCES users (id),
  created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  CHECK ((kind = 'PAYOUT') = (amount < 0)),
  CHECK (kind <> 'ENERGY' OR transaction_id IS NOT NULL),
  CHECK (kind <> 'APPLIANCE_SALE' OR sale_id IS NOT NULL),
  UNIQUE (transaction_id, kind),
  UNIQUE (sale_id, kind)
);
CREATE INDEX commission_entries_agent ON commission_entries (agent_id, created_at DESC);

-- Sales made by an agent: the agent took the down payment in cash, under an idempotency key.
ALTER TABLE appliance_sales ADD COLUMN agent_id uuid REFERENCES users (id);
ALTER TABLE appliance_sales ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX appliance_sales_agent_key ON appliance_sales (agent_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

-- A device moved from one customer to another: who, when, why. Its history stays with it.
CREATE TABLE device_reassignments (
  id                uuid PRIMARY KEY,
  company_id        uuid NOT NULL REFERENCES companies (id),
  device_id         uuid NOT NULL REFERENCES devices (id),
  from_customer_id  uuid NOT NULL REFERENCES customers (id),
  to_customer_id    uuid NOT NULL REFERENCES customers (id),
  reassigned_by     uuid NOT NULL REFERENCES users (id),
  reason            text,
  created_at        timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX device_reassignments_device ON device_reassignments (device_id, created_at);
