-- The rows every payment inserts no longer reference companies by foreign key: each such key made
-- every payment take FOR KEY SHARE on its company's single row, which with concurrent payments is a
-- new MultiXact and a heap LOCK WAL record per transaction on that one tuple (load-tests/company-lock.sh:
-- 1.00 LOCK and 0.99 MultiXact records per transaction with the key, none without; docs/performance.md,
-- "Schema for scale-out"), so the company's row becomes a hot spot of MultiXact ids that anti-wraparound
-- vacuum of companies must keep up with. Integrity stays: company_id is NOT NULL on each of them and
-- comes only from a company the request was authenticated for (a payment for an unknown company is
-- refused before any statement: TelcoRoutes / PluginStore), every unique key of these tables is
-- company-scoped or hangs off a row that is, and companies are never deleted.
-- DROP CONSTRAINT takes a short ACCESS EXCLUSIVE lock per table (bounded by MIGRATION_LOCK_TIMEOUT_MS).
ALTER TABLE transactions DROP CONSTRAINT transactions_company_id_fkey;
ALTER TABLE provider_txn_ids DROP CONSTRAINT provider_txn_ids_company_id_fkey;
ALTER TABLE allocations DROP CONSTRAINT allocations_company_id_fkey;
ALTER TABLE outbox DROP CONSTRAINT outbox_company_id_fkey;
ALTER TABLE tokens DROP CONSTRAINT tokens_company_id_fkey;
ALTER TABLE sms_messages DROP CONSTRAINT sms_messages_company_id_fkey;
