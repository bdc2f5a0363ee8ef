-- Per-company SMS texts: {"token": "...", "receipt": "..."} with placeholders
-- {name} {serial} {token} {units} {amount} {debts}; empty = the gateway's default texts.
ALTER TABLE companies ADD COLUMN sms_templates jsonb NOT NULL DEFAULT '{}'::jsonb;
