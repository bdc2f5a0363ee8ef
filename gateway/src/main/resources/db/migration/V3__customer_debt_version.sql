-- Optimistic concurrency for payments: every change to what a customer owes (a payment, a new
-- sale) bumps debt_version. A payment is computed from a snapshot and written by one statement
-- that only applies when the version is still the one it read.
ALTER TABLE customers ADD COLUMN debt_version bigint NOT NULL DEFAULT 0;
