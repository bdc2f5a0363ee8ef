-- The tables every payment writes, tuned for autovacuum (storage parameters only: ALTER TABLE ... SET
-- takes a SHARE UPDATE EXCLUSIVE lock, which blocks no read or write; no data is rewritten).
-- customers (debt_version) and devices (credit) get one UPDATE per payment, outbox rows one INSERT
-- and two UPDATEs per job, transactions and tokens one INSERT each. At the default 20 % scale factor a
-- table of a million rows collects 200,000 dead tuples before autovacuum looks at it; at 1 % (+1,000)
-- it is vacuumed after 10,000, and inserts alone trigger a vacuum (visibility map, index-only scans)
-- and an analyze after 2-5 %.
-- fillfactor 90 on customers and devices: the columns a payment updates are in no index, so the update
-- can stay on its page (HOT, no index writes) when the page has room; it applies to pages written from
-- now on (existing pages fill up on their next rewrite, e.g. VACUUM FULL in a maintenance window).
ALTER TABLE customers SET (fillfactor = 90, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
  autovacuum_analyze_scale_factor = 0.02);
ALTER TABLE devices SET (fillfactor = 90, autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
  autovacuum_analyze_scale_factor = 0.02);
ALTER TABLE outbox SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
  autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
ALTER TABLE transactions SET (autovacuum_vacuum_insert_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.02);
ALTER TABLE tokens SET (autovacuum_vacuum_insert_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.02);
