-- +goose Up
-- Self-service links (家属自助链接): a relative of a frontline person, without
-- an account, reports needs and follows them through a link that acts for
-- that one relative. Only the SHA-256 (hex) of the link's token is stored. A
-- link ends at expires_at or when revoked (revoked_at > 0); deleting the
-- relative, or the person (whose relatives go with them), deletes its links.
-- created_by is the account that made it, like needs.created_by: no foreign
-- key, accounts are disabled rather than deleted. Times are Unix milliseconds.
CREATE TABLE family_links (
    id               INTEGER PRIMARY KEY,
    family_member_id BIGINT NOT NULL REFERENCES family_members(id) ON DELETE CASCADE,
    token_hash       TEXT NOT NULL,
    created_by       BIGINT,
    created_by_name  TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    revoked_at       BIGINT NOT NULL DEFAULT 0,
    revoked_by_name  TEXT NOT NULL DEFAULT '',
    last_used_at     BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX family_links_token ON family_links(token_hash);
CREATE INDEX family_links_member ON family_links(family_member_id, id);

-- +goose Down
DROP TABLE family_links;
