-- The operators' register of unmatched payments: listed newest first with any status, and
-- followed from a transaction back to the kept payment it booked (the books, a redelivery).
CREATE INDEX unmatched_payments_company_received ON unmatched_payments (company_id, received_at DESC);
CREATE INDEX unmatched_payments_transaction ON unmatched_payments (transaction_id) WHERE transaction_id IS NOT NULL;
