-- +goose Up
-- The three administrators kept apart (三权分立). An account the system
-- administrator makes waits for the security administrator to grant its role
-- (role_pending) before it can log in; so does one whose password the system
-- administrator reset while it has no authenticator. A password set by
-- someone other than the owner works once: password_change_required sends
-- its next login to the password change before anything else.
ALTER TABLE users ADD COLUMN role_pending BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN password_change_required BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE users DROP COLUMN password_change_required;
ALTER TABLE users DROP COLUMN role_pending;
