-- +goose Up
-- The audit chain is keyed: hash = HMAC-SHA-256 under a subkey of HOUDUN_KEY
-- (seal.AuditMAC). Rows written before this version carry plain SHA-256;
-- store.Migrate verifies them and re-keys them once, in one transaction, and
-- then sets keyed_at (see store/audit_chain.go). keyed_at = 0: not yet keyed.
CREATE TABLE audit_chain (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    keyed_at BIGINT NOT NULL DEFAULT 0,
    rekeyed  BIGINT NOT NULL DEFAULT 0
);
INSERT INTO audit_chain (id) VALUES (1);
-- The audit page's filters by action (and the latest verification) and by account.
CREATE INDEX audit_log_action ON audit_log(action, id);
CREATE INDEX audit_log_username ON audit_log(username, id);

-- +goose Down
DROP INDEX audit_log_username;
DROP INDEX audit_log_action;
DROP TABLE audit_chain;
