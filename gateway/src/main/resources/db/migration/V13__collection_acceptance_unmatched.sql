-- Request-to-pay: what the provider said when asked, and where money that moved but could not be
-- booked went.
-- accepted_at: the provider took the request (MTN 202/409, Airtel success, M-Pesa answered the
-- push). A "not found" from the status API is final only while this is NULL; for an accepted
-- request it means "not yet".
ALTER TABLE collections ADD COLUMN accepted_at timestamptz;
-- A succeeded collection whose payment was refused (debts changed, device moved ...) is kept as
-- an unmatched payment under the same provider id (the collection id): exactly one of
-- transaction_id / unmatched_payment_id is set on a SUCCEEDED collection.
ALTER TABLE collections ADD COLUMN unmatched_payment_id uuid REFERENCES unmatched_payments (id);
-- the provider's own id of the money movement (MTN financialTransactionId, Airtel airtel_money_id,
-- M-Pesa output_TransactionID), for operators and reconciliation with the provider's statement
CREATE INDEX collections_provider_txn ON collections (company_id, provider, provider_txn_id)
  WHERE provider_txn_id IS NOT NULL;
