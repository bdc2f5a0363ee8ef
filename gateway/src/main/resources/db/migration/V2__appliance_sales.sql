-- Appliances sold on installment plans, and the installments customers owe.

CREATE TABLE appliances (
  id          uuid PRIMARY KEY,
  company_id  uuid NOT NULL REFERENCES companies (id),
  name        text NOT NULL,
  type        text NOT NULL CHECK (type IN ('SHS', 'EBIKE', 'OTHER')),
  price       bigint NOT NULL CHECK (price > 0),
  currency    char(3) NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, name)
);

CREATE TABLE appliance_sales (
  id                  uuid PRIMARY KEY,
  company_id          uuid NOT NULL REFERENCES companies (id),
  customer_id         uuid NOT NULL REFERENCES customers (id),
  appliance_id        uuid NOT NULL REFERENCES appliances (id),
  -- the SHS / e-bike this sale pays for; a TV or a pump has none
  device_id           uuid UNIQUE REFERENCES devices (id),
  price               bigint NOT NULL CHECK (price > 0),
  down_payment        bigint NOT NULL CHECK (down_payment >= 0 AND down_payment <= price),
  plan_kind           text NOT NULL CHECK (plan_kind IN ('INSTALLMENT_COUNT', 'INSTALLMENT_AMOUNT')),
  plan_value          bigint NOT NULL CHECK (plan_value > 0),
  period              text NOT NULL CHECK (period IN ('WEEKLY', 'MONTHLY')),
  -- the regular installment, the unit in which a payment buys days of use
  installment_amount  bigint NOT NULL CHECK (installment_amount > 0),
  sale_date           date NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX appliance_sales_customer ON appliance_sales (customer_id);

-- number 0 is the down payment (due on the sale date). paid grows, never past amount.
CREATE TABLE installments (
  id           uuid PRIMARY KEY,
  company_id   uuid NOT NULL REFERENCES companies (id),
  sale_id      uuid NOT NULL REFERENCES appliance_sales (id),
  customer_id  uuid NOT NULL REFERENCES customers (id),
  number       integer NOT NULL CHECK (number >= 0),
  due_date     date NOT NULL,
  amount       bigint NOT NULL CHECK (amount > 0),
  paid         bigint NOT NULL DEFAULT 0 CHECK (paid >= 0 AND paid <= amount),
  UNIQUE (sale_id, number)
);
-- what a payment reads: the customer's open installments, oldest first
CREATE INDEX installments_open ON installments (customer_id, due_date, number) WHERE paid < amount;

ALTER TABLE conflicts ADD COLUMN resolved_by uuid REFERENCES users (id);
