-- Auth foundation: refresh tokens with rotation, disabled users, the protected-pages password.

-- A refresh token is a random opaque string given once to the client; only its SHA-256 is
-- stored. Every rotation adds a row to the same family; presenting a token that was already
-- rotated (replaced_by set) or revoked revokes the whole family (a stolen token gets one use).
CREATE TABLE refresh_tokens (
  id                  uuid PRIMARY KEY,
  token_hash          bytea NOT NULL,
  user_id             uuid NOT NULL REFERENCES users (id),
  company_id          uuid NOT NULL REFERENCES companies (id),
  family_id           uuid NOT NULL,
  credentials_version integer NOT NULL,
  issued_at           timestamptz NOT NULL,
  expires_at          timestamptz NOT NULL,
  revoked_at          timestamptz,
  replaced_by         uuid
);
CREATE UNIQUE INDEX refresh_tokens_hash ON refresh_tokens (token_hash);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_live_by_user ON refresh_tokens (user_id) WHERE revoked_at IS NULL;

-- A disabled user cannot log in or refresh. credentials_version grows with every password
-- change: a refresh token issued under an older password no longer refreshes.
ALTER TABLE users ADD COLUMN disabled_at timestamptz;
ALTER TABLE users ADD COLUMN credentials_version integer NOT NULL DEFAULT 0;

-- bcrypt hash of the company's protected-pages password (NULL = none set: sensitive reads open
-- to the role alone).
ALTER TABLE companies ADD COLUMN protected_pages_password_hash text;
