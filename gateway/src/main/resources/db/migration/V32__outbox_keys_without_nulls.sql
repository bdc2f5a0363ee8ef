-- Every payment writes two outbox rows (its TOKEN and SMS jobs) and completes each with an UPDATE that
-- changes status, a column of outbox_due's predicate, so the update cannot be HOT and every index of the
-- table gets a new entry. Four of those indexes are the UNIQUE keys of columns that only one other kind
-- of job fills (broker_result_id, maintenance_token_id, reminder_id, webhook_delivery_id): on a TOKEN or
-- SMS row they are NULL, and a plain unique btree still stores an entry for each NULL, i.e. 16 index
-- entries per payment that no lookup reads (docs/performance.md, "CPU per payment: the profile").
-- The same keys as partial unique indexes WHERE the column IS NOT NULL: the same rows are refused (NULLs
-- were never equal to each other), the foreign keys' lookups (`col = $1`) still use them, and no
-- statement names them in ON CONFLICT. Same names, so the scale-out catalog list stays as it is.
-- Building them takes a SHARE lock on outbox for as long as it reads the table (writes wait, not reads).
ALTER TABLE outbox DROP CONSTRAINT outbox_broker_result_id_key;
CREATE UNIQUE INDEX outbox_broker_result_id_key ON outbox (broker_result_id) WHERE broker_result_id IS NOT NULL;
ALTER TABLE outbox DROP CONSTRAINT outbox_maintenance_token_id_key;
CREATE UNIQUE INDEX outbox_maintenance_token_id_key ON outbox (maintenance_token_id) WHERE maintenance_token_id IS NOT NULL;
ALTER TABLE outbox DROP CONSTRAINT outbox_reminder_id_key;
CREATE UNIQUE INDEX outbox_reminder_id_key ON outbox (reminder_id) WHERE reminder_id IS NOT NULL;
ALTER TABLE outbox DROP CONSTRAINT outbox_webhook_delivery_id_key;
CREATE UNIQUE INDEX outbox_webhook_delivery_id_key ON outbox (webhook_delivery_id) WHERE webhook_delivery_id IS NOT NULL;
