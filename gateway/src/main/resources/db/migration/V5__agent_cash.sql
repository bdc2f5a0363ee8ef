-- Agents hold the company's cash: each cash payment raises their balance, what they hand in
-- (recorded by an operator) lowers it. A payment that would take it above the risk limit is
-- refused, in the same statement that records the payment.
ALTER TABLE users ADD COLUMN cash_balance bigint NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN risk_limit bigint NOT NULL DEFAULT 0 CHECK (risk_limit >= 0);
ALTER TABLE users ADD CONSTRAINT users_cash_within_limit CHECK (cash_balance <= risk_limit OR role <> 'AGENT');
ALTER TABLE transactions ADD COLUMN agent_id uuid REFERENCES users (id);
CREATE INDEX transactions_agent ON transactions (agent_id, created_at DESC) WHERE agent_id IS NOT NULL;

CREATE TABLE agent_cash_movements (
  id           uuid PRIMARY KEY,
  company_id   uuid NOT NULL REFERENCES companies (id),
  agent_id     uuid NOT NULL REFERENCES users (id),
  amount       bigint NOT NULL,  -- negative: handed in
  recorded_by  uuid NOT NULL REFERENCES users (id),
  note         text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
