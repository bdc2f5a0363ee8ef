-- The operators' register of unmatched payments: listed newest first with any status, and
-- followed from a transaction back to the kept payment it booked (the books, a redelivery).
CREATE INDEX unmatched_payments_company_received ON unmatched_payments (company_id, received_at DESC);
CREATE INDEX unmatched_payments_transaction ON unmatched_payments (transaction_id) WHERE transaction_id IS NOT NULL;

-- Every provider transaction id the books hold money for, once: as a transaction or as an
-- unmatched payment. The record statement and the keep statement both insert here, so a
-- delivery that is being kept and a concurrent delivery of the same id that is being booked
-- (its serial registered in between) meet on this key instead of passing each other unseen
-- in two tables. An operator's assign moves the id from the kept row to its transaction and
-- claims nothing new.
CREATE TABLE provider_txn_ids (
  company_id       uuid NOT NULL REFERENCES companies (id),
  provider         text NOT NULL,
  provider_txn_id  text NOT NULL,
  PRIMARY KEY (company_id, provider, provider_txn_id)
);
INSERT INTO provider_txn_ids (company_id, provider, provider_txn_id)
SELECT company_id, provider, provider_txn_id FROM transactions
UNION
SELECT company_id, provider, provider_txn_id FROM unmatched_payments;
