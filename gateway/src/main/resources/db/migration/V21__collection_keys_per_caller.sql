-- A collection's Idempotency-Key is the caller's own: two agents of one company who happen to
-- pick the same key each get their own collection, and a replay finds only the caller's.
-- requested_by is set on every collection the API creates (rows from before may be NULL: they
-- keep their key, NULLs never conflict).
CREATE UNIQUE INDEX collections_caller_key ON collections (company_id, requested_by, idempotency_key);
ALTER TABLE collections DROP CONSTRAINT collections_company_id_idempotency_key_key;
