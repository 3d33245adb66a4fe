-- +goose Up
-- Administrators log in with a second factor (TOTP, RFC 6238). The secret is
-- a ciphertext under the store's sealer, like ID numbers and phones, and is
-- set only once a code from the authenticator app has confirmed it.
-- totp_last_step is the 30-second time step of the last code accepted: a code
-- of that step or an earlier one is refused, so no code works twice.
ALTER TABLE users ADD COLUMN totp_secret_enc BLOB;
ALTER TABLE users ADD COLUMN totp_enrolled_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

-- A login whose password was right and whose second step is due: a code
-- ('otp') or, for an administrator without an authenticator yet, enrolling
-- one ('enrol', with the offered secret sealed here until a code confirms it).
-- Kept by the SHA-256 of its token, as sessions are; the browser holds the
-- token in a cookie of its own, so the state cannot be forged on the client.
CREATE TABLE pending_logins (
    token_hash      TEXT PRIMARY KEY,
    user_id         BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    step            TEXT NOT NULL,
    totp_secret_enc BLOB,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    ip              TEXT NOT NULL DEFAULT ''
);
CREATE INDEX pending_logins_user ON pending_logins(user_id);

-- Sessions of administrators opened before the second factor existed end now.
DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE role IN ('sysadmin', 'secadmin', 'auditor'));

-- +goose Down
DROP TABLE pending_logins;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN totp_enrolled_at;
ALTER TABLE users DROP COLUMN totp_secret_enc;
