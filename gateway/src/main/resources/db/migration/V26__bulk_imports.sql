-- Bulk import (issue 15): an operator brings customers, devices (with OpenPAYGO secrets), sales
-- with the amount paid to date and opening meter credit over from another system in one CSV.
-- Rows are applied in batches, each in its own transaction; a re-upload of the same file changes
-- nothing because every row is keyed (import_keys) and compared with what was imported before.

-- One upload: who, the file's hash, and the counts of its rows' outcomes.
CREATE TABLE imports (
  id            uuid PRIMARY KEY,
  company_id    uuid NOT NULL REFERENCES companies (id),
  created_by    uuid NOT NULL REFERENCES users (id),
  -- a dry run keeps only this report: no customer, device or sale
  dry_run       boolean NOT NULL,
  -- RUNNING while the body is read; FAILED: the upload stopped (the batches already applied stay, a
  -- re-upload of the file finishes it)
  status        text NOT NULL CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED')),
  failure       text,
  -- hex SHA-256 of the uploaded bytes, set at the end
  content_sha256 text,
  rows          bigint NOT NULL DEFAULT 0,
  created       bigint NOT NULL DEFAULT 0,
  unchanged     bigint NOT NULL DEFAULT 0,
  conflicts     bigint NOT NULL DEFAULT 0,
  errors        bigint NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  completed_at  timestamptz
);
CREATE INDEX imports_company ON imports (company_id, created_at DESC);

-- The outcome of every data row of an upload, by line number (the line its record starts on).
CREATE TABLE import_rows (
  import_id     uuid NOT NULL REFERENCES imports (id),
  line          bigint NOT NULL,
  outcome       text NOT NULL CHECK (outcome IN ('CREATED', 'WOULD_CREATE', 'UNCHANGED', 'CONFLICT', 'ERROR')),
  -- why a row is CONFLICT or ERROR: a code and a sentence
  code          text,
  detail        text,
  customer_ref  text,
  serial        text,
  PRIMARY KEY (import_id, line)
);
-- the problems of an upload, paged by line
CREATE INDEX import_rows_problems ON import_rows (import_id, outcome, line);

-- What imports created, by the key the file names it with: a customer by its customer_ref (the
-- id in the system the company migrates from), a device by its serial (lower case, as the
-- unique index on devices). content_sha256 is the hash of the row's fields as first imported:
-- the same values again are UNCHANGED, other values a CONFLICT (money fields never overwritten).
CREATE TABLE import_keys (
  company_id     uuid NOT NULL REFERENCES companies (id),
  kind           text NOT NULL CHECK (kind IN ('CUSTOMER', 'DEVICE')),
  key            text NOT NULL,
  entity_id      uuid NOT NULL,
  content_sha256 text NOT NULL,
  import_id      uuid NOT NULL REFERENCES imports (id),
  PRIMARY KEY (company_id, kind, key)
);
