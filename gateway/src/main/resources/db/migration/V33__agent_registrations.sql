-- An agent's customer registration under an Idempotency-Key (the agent's own key space): a phone
-- retrying the request finds the customer it created; the key with another body is refused. The key is
-- company-scoped (scale-out); the agent and customer references point at ids, as the tables' keys still are.
CREATE TABLE agent_registrations (
  company_id       uuid NOT NULL REFERENCES companies (id),
  agent_id         uuid NOT NULL REFERENCES users (id),
  idempotency_key  text NOT NULL,
  request          jsonb NOT NULL,
  customer_id      uuid NOT NULL REFERENCES customers (id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT agent_registrations_pkey PRIMARY KEY (company_id, agent_id, idempotency_key)
);
