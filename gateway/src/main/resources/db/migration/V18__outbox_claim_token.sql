-- Each claim of an outbox job gets a fresh token; only the attempt holding the current token may
-- complete, retry or fail the job. An attempt that outlived its lease (and whose job another
-- worker claimed meanwhile) finds its token gone and writes nothing: no second token stored,
-- no job rescheduled behind the new holder's back.
ALTER TABLE outbox ADD COLUMN claim_token uuid;
