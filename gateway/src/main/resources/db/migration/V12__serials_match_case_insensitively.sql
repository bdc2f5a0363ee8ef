-- Customers type serials by hand: the gateway matches them case-insensitively (input trimmed,
-- io.payg.domain.Serial), so uniqueness must be case-insensitive too, and the index must serve
-- the hot-path lookup `company_id = $1 AND lower(serial) = lower($2)` in one probe.
-- The stored serial stays as registered.
DO $$
DECLARE
  clash text;
BEGIN
  SELECT string_agg(company_id || ': ' || serials, '; ') INTO clash FROM (
    SELECT company_id, string_agg(serial, ', ' ORDER BY serial) AS serials
    FROM devices GROUP BY company_id, lower(serial) HAVING count(*) > 1) c;
  IF clash IS NOT NULL THEN
    RAISE EXCEPTION 'V12: devices whose serials differ only in case must be merged or renamed first: %', clash;
  END IF;
END $$;

CREATE UNIQUE INDEX devices_company_lower_serial ON devices (company_id, lower(serial));
DROP INDEX devices_company_serial;
