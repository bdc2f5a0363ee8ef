-- Payment-plan lifecycle (issue 15): daily plans, reschedule, write-off, repossession and resale.

ALTER TABLE appliance_sales DROP CONSTRAINT appliance_sales_period_check;
ALTER TABLE appliance_sales ADD CONSTRAINT appliance_sales_period_check CHECK (period IN ('DAILY', 'WEEKLY', 'MONTHLY'));

-- OPEN: being paid (or paid off); WRITTEN_OFF: what was still owed is given up, the customer keeps
-- the device; REPOSSESSED: the device was taken back, what was still owed is cancelled.
ALTER TABLE appliance_sales ADD COLUMN status text NOT NULL DEFAULT 'OPEN'
  CHECK (status IN ('OPEN', 'WRITTEN_OFF', 'REPOSSESSED'));
ALTER TABLE appliance_sales ADD COLUMN closed_at timestamptz;
-- a device is on at most one sale that was not repossessed: it is sold again only after repossession
ALTER TABLE appliance_sales DROP CONSTRAINT appliance_sales_device_id_key;
CREATE UNIQUE INDEX appliance_sales_device_current ON appliance_sales (device_id) WHERE status <> 'REPOSSESSED';
CREATE INDEX appliance_sales_device ON appliance_sales (device_id) WHERE device_id IS NOT NULL;

-- One row per reschedule, write-off or repossession of a sale: its Idempotency-Key (one per
-- company), the request as sent (a replay must ask the same) and the answer given.
CREATE TABLE sale_plan_changes (
  id               uuid PRIMARY KEY,
  company_id       uuid NOT NULL REFERENCES companies (id),
  sale_id          uuid NOT NULL REFERENCES appliance_sales (id),
  kind             text NOT NULL CHECK (kind IN ('RESCHEDULE', 'WRITE_OFF', 'REPOSSESSION')),
  idempotency_key  text NOT NULL,
  request          jsonb NOT NULL,
  answer           jsonb,
  changed_by       uuid NOT NULL REFERENCES users (id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, idempotency_key)
);
CREATE INDEX sale_plan_changes_sale ON sale_plan_changes (sale_id, created_at);

-- An installment closed by a plan change keeps what was paid on it as its amount (so every
-- "paid < amount" reader — payments, reminders, debts — stops seeing it, and the CHECK
-- paid <= amount refuses any payment to it), and remembers what was still owed when it closed:
-- RESCHEDULED (moved to the new installments), WRITTEN_OFF, CANCELLED (repossession).
ALTER TABLE installments ADD COLUMN status text NOT NULL DEFAULT 'OPEN'
  CHECK (status IN ('OPEN', 'RESCHEDULED', 'WRITTEN_OFF', 'CANCELLED'));
ALTER TABLE installments ADD COLUMN closed_unpaid bigint NOT NULL DEFAULT 0 CHECK (closed_unpaid >= 0);
ALTER TABLE installments ADD COLUMN closed_by uuid REFERENCES sale_plan_changes (id);
ALTER TABLE installments DROP CONSTRAINT installments_amount_check;
ALTER TABLE installments ADD CONSTRAINT installments_amount_check CHECK (amount >= 0 AND (amount > 0 OR status <> 'OPEN'));
ALTER TABLE installments ADD CONSTRAINT installments_closed_check CHECK (status <> 'OPEN' OR closed_unpaid = 0);

-- A write-off: debt the company gives up, never money received. The books of received money do
-- not move; per sale, price = Σ installments.amount + Σ closed_unpaid of WRITTEN_OFF and CANCELLED
-- installments, and a write-off's amount = Σ closed_unpaid of its WRITTEN_OFF installments.
CREATE TABLE sale_write_offs (
  id              uuid PRIMARY KEY,
  company_id      uuid NOT NULL REFERENCES companies (id),
  sale_id         uuid NOT NULL UNIQUE REFERENCES appliance_sales (id),
  customer_id     uuid NOT NULL REFERENCES customers (id),
  plan_change_id  uuid NOT NULL REFERENCES sale_plan_changes (id),
  amount          bigint NOT NULL CHECK (amount > 0),
  currency        char(3) NOT NULL,
  reason          text NOT NULL,
  written_off_by  uuid NOT NULL REFERENCES users (id),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sale_write_offs_company ON sale_write_offs (company_id, created_at);

-- A repossessed device is back in the company's stock: unknown to payments until it is sold
-- again (the sale clears this). It stays recorded under its last buyer meanwhile.
ALTER TABLE devices ADD COLUMN repossessed_at timestamptz;
