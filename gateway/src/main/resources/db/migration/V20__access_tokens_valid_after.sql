-- Access tokens of a user issued before this instant are refused (disabled, demoted, new password):
-- each instance keeps the few recent ones in memory, so checking costs no query per request.
ALTER TABLE users ADD COLUMN tokens_valid_after timestamptz;
CREATE INDEX users_tokens_valid_after ON users (tokens_valid_after) WHERE tokens_valid_after IS NOT NULL;
