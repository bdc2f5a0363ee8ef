-- Each claim of an outbox job gets a fresh token; only the attempt holding the current token may
-- complete, retry or fail the job. An attempt that outlived its lease (and whose job another
-- worker claimed meanwhile) finds its token gone and writes nothing: no second token stored,
-- no job rescheduled behind the new holder's back.
ALTER TABLE outbox ADD COLUMN claim_token uuid;

-- Login throttling that holds across instances: one row per email ('email:...') and per source
-- address ('source:...'). An attempt is counted before its password is checked (in one locked
-- step), so parallel guesses cannot slip between a check and the count; after a number of free
-- failures each further attempt must wait a delay that doubles up to a cap (never a hard lock).
CREATE TABLE login_attempts (
  key             text PRIMARY KEY,
  failures        integer NOT NULL,
  next_allowed_at timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);
CREATE INDEX login_attempts_stale ON login_attempts (updated_at);
