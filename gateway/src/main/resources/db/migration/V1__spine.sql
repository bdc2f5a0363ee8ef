-- payg-gateway schema, first version.
-- Money is bigint minor units of the company's single currency; never float/numeric.
-- Every table carries company_id: the tenant is part of every key and every query.

CREATE TABLE companies (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  country     char(2) NOT NULL,
  currency    char(3) NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id            uuid PRIMARY KEY,
  company_id    uuid NOT NULL REFERENCES companies (id),
  email         text NOT NULL,
  name          text,
  password_hash text NOT NULL,
  role          text NOT NULL CHECK (role IN ('ADMIN', 'OPERATOR', 'AGENT')),
  created_at    timestamptz NOT NULL DEFAULT now()
);
-- login is by email alone, so an email is unique across companies
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_company ON users (company_id);

-- Plugins enabled per company: telco (who may pay in), manufacturer (which makes can be
-- registered and tokened), SMS. settings holds endpoints and credentials; the API never
-- returns the secret ones.
CREATE TABLE plugins (
  company_id  uuid NOT NULL REFERENCES companies (id),
  name        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('TELCO', 'MANUFACTURER', 'SMS')),
  enabled     boolean NOT NULL,
  settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (company_id, name)
);

-- Locations: cluster -> mini-grid -> village.
CREATE TABLE clusters (
  id          uuid PRIMARY KEY,
  company_id  uuid NOT NULL REFERENCES companies (id),
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, name)
);

CREATE TABLE mini_grids (
  id          uuid PRIMARY KEY,
  company_id  uuid NOT NULL REFERENCES companies (id),
  cluster_id  uuid NOT NULL REFERENCES clusters (id),
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, name)
);

CREATE TABLE villages (
  id           uuid PRIMARY KEY,
  company_id   uuid NOT NULL REFERENCES companies (id),
  mini_grid_id uuid NOT NULL REFERENCES mini_grids (id),
  name         text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (mini_grid_id, name)
);

CREATE TABLE tariffs (
  id                       uuid PRIMARY KEY,
  company_id               uuid NOT NULL REFERENCES companies (id),
  name                     text NOT NULL,
  currency                 char(3) NOT NULL,
  price_per_kwh            bigint NOT NULL CHECK (price_per_kwh > 0),
  minimum_purchase         bigint NOT NULL DEFAULT 0 CHECK (minimum_purchase >= 0),
  access_rate_amount       bigint CHECK (access_rate_amount > 0),
  access_rate_period_days  integer CHECK (access_rate_period_days > 0),
  created_at               timestamptz NOT NULL DEFAULT now(),
  CHECK ((access_rate_amount IS NULL) = (access_rate_period_days IS NULL)),
  UNIQUE (company_id, name)
);

CREATE TABLE customers (
  id          uuid PRIMARY KEY,
  company_id  uuid NOT NULL REFERENCES companies (id),
  village_id  uuid NOT NULL REFERENCES villages (id),
  agent_id    uuid REFERENCES users (id),
  name        text NOT NULL,
  phone       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customers_company ON customers (company_id, created_at);
CREATE INDEX customers_agent ON customers (agent_id) WHERE agent_id IS NOT NULL;

CREATE TABLE devices (
  id                       uuid PRIMARY KEY,
  company_id               uuid NOT NULL REFERENCES companies (id),
  customer_id              uuid NOT NULL REFERENCES customers (id),
  serial                   text NOT NULL,
  type                     text NOT NULL CHECK (type IN ('METER', 'SHS', 'EBIKE')),
  manufacturer             text NOT NULL,
  tariff_id                uuid REFERENCES tariffs (id),
  -- the day the meter got its tariff: access-rate charges fall due every period after it
  tariff_since             date,
  -- money that did not buy a whole tenth of a kWh, carried to the next payment
  credit                   bigint NOT NULL DEFAULT 0 CHECK (credit >= 0),
  -- access-rate payments received so far; arrears = charges due - this. Kept here, updated in
  -- the payment's transaction, so validation stays one indexed lookup.
  access_rate_paid         bigint NOT NULL DEFAULT 0 CHECK (access_rate_paid >= 0),
  openpaygo_secret_key     text,
  openpaygo_starting_code  bigint,
  openpaygo_token_count    integer,
  created_at               timestamptz NOT NULL DEFAULT now(),
  CHECK (type <> 'METER' OR (tariff_id IS NOT NULL AND tariff_since IS NOT NULL))
);
-- the validation lookup: one index probe per call
CREATE UNIQUE INDEX devices_company_serial ON devices (company_id, serial);
CREATE INDEX devices_customer ON devices (customer_id);

CREATE TABLE transactions (
  id               uuid PRIMARY KEY,
  company_id       uuid NOT NULL REFERENCES companies (id),
  provider         text NOT NULL,
  provider_txn_id  text NOT NULL,
  device_id        uuid NOT NULL REFERENCES devices (id),
  customer_id      uuid NOT NULL REFERENCES customers (id),
  serial           text NOT NULL,
  amount           bigint NOT NULL CHECK (amount > 0),
  currency         char(3) NOT NULL,
  msisdn           text,
  paid_at          timestamptz NOT NULL,
  status           text NOT NULL CHECK (status IN ('PROCESSED', 'TOKEN_PENDING', 'COMPLETED', 'TOKEN_FAILED')),
  -- what the token must be worth (KWH_TENTHS, DAYS, UNLOCK); null when the payment buys none
  token_unit       text CHECK (token_unit IN ('KWH_TENTHS', 'DAYS', 'UNLOCK')),
  token_quantity   bigint CHECK (token_quantity >= 0),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  -- idempotency: a provider's transaction id pays once per company
  CONSTRAINT transactions_provider_txn UNIQUE (company_id, provider, provider_txn_id)
);
CREATE INDEX transactions_company_created ON transactions (company_id, created_at DESC);
CREATE INDEX transactions_device ON transactions (device_id, created_at DESC);

-- Where each payment went. The allocations of a transaction sum exactly to its amount.
CREATE TABLE allocations (
  id              bigserial PRIMARY KEY,
  company_id      uuid NOT NULL REFERENCES companies (id),
  transaction_id  uuid NOT NULL REFERENCES transactions (id),
  position        smallint NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('INSTALLMENT', 'ACCESS_RATE', 'DEVICE_INSTALLMENT', 'ENERGY', 'METER_CREDIT')),
  amount          bigint NOT NULL CHECK (amount > 0),
  reference       text,
  UNIQUE (transaction_id, position)
);

-- One transaction has at most one token, ever.
CREATE TABLE tokens (
  id                uuid PRIMARY KEY,
  company_id        uuid NOT NULL REFERENCES companies (id),
  transaction_id    uuid NOT NULL UNIQUE REFERENCES transactions (id),
  device_id         uuid NOT NULL REFERENCES devices (id),
  value             text NOT NULL,
  unit              text NOT NULL CHECK (unit IN ('KWH_TENTHS', 'DAYS', 'UNLOCK')),
  quantity          bigint NOT NULL CHECK (quantity >= 0),
  manufacturer      text NOT NULL,
  manufacturer_ref  text,
  created_at        timestamptz NOT NULL DEFAULT now()
);

-- Durable jobs written in the same transaction as the payment (transactional outbox).
-- A worker claims due jobs with FOR UPDATE SKIP LOCKED and a lease (next_attempt_at moved
-- forward), so a crashed worker's jobs come back by themselves.
CREATE TABLE outbox (
  id               bigserial PRIMARY KEY,
  company_id       uuid NOT NULL REFERENCES companies (id),
  kind             text NOT NULL CHECK (kind IN ('TOKEN', 'SMS')),
  transaction_id   uuid NOT NULL REFERENCES transactions (id),
  status           text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DONE', 'FAILED')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  -- one token job and one confirmation SMS per transaction, ever
  UNIQUE (kind, transaction_id)
);
CREATE INDEX outbox_due ON outbox (kind, next_attempt_at) WHERE status = 'PENDING';

CREATE TABLE sms_messages (
  id                   uuid PRIMARY KEY,
  company_id           uuid NOT NULL REFERENCES companies (id),
  transaction_id       uuid REFERENCES transactions (id),
  phone                text NOT NULL,
  body                 text NOT NULL,
  provider             text NOT NULL,
  provider_message_id  text,
  created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sms_messages_transaction ON sms_messages (transaction_id);

-- A replayed provider transaction id with another amount, currency or serial: refused,
-- kept for an operator to look at. It never changes the first payment.
CREATE TABLE conflicts (
  id               uuid PRIMARY KEY,
  company_id       uuid NOT NULL REFERENCES companies (id),
  provider         text NOT NULL,
  provider_txn_id  text NOT NULL,
  transaction_id   uuid NOT NULL REFERENCES transactions (id),
  serial           text NOT NULL,
  amount           bigint NOT NULL,
  currency         text NOT NULL,
  msisdn           text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  resolved_at      timestamptz,
  resolution       text
);
CREATE INDEX conflicts_open ON conflicts (company_id, created_at) WHERE resolved_at IS NULL;
