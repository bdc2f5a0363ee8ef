-- Reversals compensate, they never delete (see docs/architecture.md, "Reversals").
-- A reversed transaction keeps its allocations; its status says they no longer count:
-- allocated = sum of allocations of transactions whose status <> 'REVERSED'; reversed = sum of reversals.amount.
ALTER TABLE transactions DROP CONSTRAINT transactions_status_check;
ALTER TABLE transactions ADD CONSTRAINT transactions_status_check
  CHECK (status IN ('PROCESSED', 'TOKEN_PENDING', 'COMPLETED', 'TOKEN_FAILED', 'REVERSED'));

-- A reversal debt is paid like any other debt, first of all.
ALTER TABLE allocations DROP CONSTRAINT allocations_kind_check;
ALTER TABLE allocations ADD CONSTRAINT allocations_kind_check
  CHECK (kind IN ('REVERSAL_DEBT', 'INSTALLMENT', 'ACCESS_RATE', 'DEVICE_INSTALLMENT', 'ENERGY', 'METER_CREDIT'));

-- A reversal is of a booked transaction or of a payment kept unmatched (the provider reversed
-- money the gateway never booked): exactly one of the two, each reversed at most once.
ALTER TABLE reversals ALTER COLUMN transaction_id DROP NOT NULL;
ALTER TABLE reversals ADD COLUMN unmatched_payment_id uuid UNIQUE REFERENCES unmatched_payments (id);
ALTER TABLE reversals ADD CONSTRAINT reversals_one_target
  CHECK ((transaction_id IS NULL) <> (unmatched_payment_id IS NULL));
-- what the reversal re-opened and charged, for the operator (the compensation itself is in the rows it wrote)
ALTER TABLE reversals ADD COLUMN debt bigint NOT NULL DEFAULT 0 CHECK (debt >= 0);
-- an operator's Idempotency-Key names one reversal of the company
CREATE UNIQUE INDEX reversals_idempotency_key ON reversals (company_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

ALTER TABLE unmatched_payments DROP CONSTRAINT unmatched_payments_status_check;
ALTER TABLE unmatched_payments ADD CONSTRAINT unmatched_payments_status_check
  CHECK (status IN ('OPEN', 'ASSIGNED', 'DISMISSED', 'CANCELLED', 'REVERSED'));

-- The value of energy or days a reversed payment had delivered: owed by the customer, cleared
-- first by their next payments. paid grows to amount; a reversal of the payment that paid it
-- lowers it again.
CREATE TABLE reversal_debts (
  id           uuid PRIMARY KEY,
  company_id   uuid NOT NULL REFERENCES companies (id),
  customer_id  uuid NOT NULL REFERENCES customers (id),
  reversal_id  uuid NOT NULL UNIQUE REFERENCES reversals (id),
  amount       bigint NOT NULL CHECK (amount > 0),
  paid         bigint NOT NULL DEFAULT 0 CHECK (paid >= 0 AND paid <= amount),
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX reversal_debts_open ON reversal_debts (customer_id, created_at) WHERE paid < amount;

-- The compensating rows of an agent's cash payment: the cash went back to the payer.
ALTER TABLE agent_cash_movements ADD COLUMN reversal_id uuid UNIQUE REFERENCES reversals (id);
ALTER TABLE commission_entries DROP CONSTRAINT commission_entries_kind_check;
ALTER TABLE commission_entries ADD CONSTRAINT commission_entries_kind_check
  CHECK (kind IN ('ENERGY', 'APPLIANCE_SALE', 'PAYOUT', 'REVERSAL'));
ALTER TABLE commission_entries DROP CONSTRAINT commission_entries_check;
ALTER TABLE commission_entries ADD CONSTRAINT commission_entries_check CHECK ((kind IN ('PAYOUT', 'REVERSAL')) = (amount < 0));
ALTER TABLE commission_entries ADD CONSTRAINT commission_entries_reversal_txn CHECK (kind <> 'REVERSAL' OR transaction_id IS NOT NULL);
