-- Accounts (security): an API token is named by a short public id (the start of its
-- digest, never the token), expires, and can be revoked. Tokens issued before this have no
-- expiry stored: they lapse a year after they were issued.
ALTER TABLE api_token ADD COLUMN token_id TEXT;
ALTER TABLE api_token ADD COLUMN expires_at TEXT;
ALTER TABLE api_token ADD COLUMN revoked_at TEXT;
UPDATE api_token SET token_id = substr(token_sha256, 1, 12);
CREATE UNIQUE INDEX api_token_token_id ON api_token (token_id);
CREATE INDEX user_session_user ON user_session (user_id);
