-- Operator money writes (an agent's cash hand-in, a commission payout) take an Idempotency-Key:
-- a retried request (a double click, a timeout) records the movement once. The unique index is
-- the guard under concurrent duplicates; the key is per agent.
ALTER TABLE agent_cash_movements ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX agent_cash_movements_key ON agent_cash_movements (agent_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

ALTER TABLE commission_entries ADD COLUMN idempotency_key text;
CREATE UNIQUE INDEX commission_entries_payout_key ON commission_entries (agent_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
