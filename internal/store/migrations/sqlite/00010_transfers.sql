-- +goose Up
-- Transfer requests (人员转移申请): a person registered in one area is being
-- registered (by form, API or import) by a team of another area that may not
-- see them. Instead of telling that team the ID number exists elsewhere, the
-- registration becomes a request that a team whose region scope covers both
-- sides decides. from_* is where the person is registered when the request is
-- made, to_* the institution asked for; approver_region_code is the region
-- that covers both (the nearest common region of from and to), so that a
-- team's queue is one indexed range and upward reporting can count by region.
-- requested_name and the post fields are what the requester typed: the
-- approver compares them with the record; the record's name, ID number and
-- phone are never changed by a transfer. requested_by is the account (no
-- foreign key: accounts are disabled, not deleted). status: submitted,
-- approved, rejected. Times are Unix milliseconds.
CREATE TABLE transfer_requests (
    id                   INTEGER PRIMARY KEY,
    person_id            BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    from_institution_id  BIGINT NOT NULL REFERENCES institutions(id),
    from_region_code     TEXT NOT NULL,
    to_institution_id    BIGINT NOT NULL REFERENCES institutions(id),
    to_region_code       TEXT NOT NULL,
    approver_region_code TEXT NOT NULL,
    requested_name       TEXT NOT NULL,
    department           TEXT NOT NULL DEFAULT '',
    occupation           TEXT NOT NULL,
    title                TEXT NOT NULL DEFAULT '',
    frontline            BOOLEAN NOT NULL DEFAULT FALSE,
    source               TEXT NOT NULL,
    status               TEXT NOT NULL DEFAULT 'submitted',
    reason               TEXT NOT NULL DEFAULT '',
    requested_by         BIGINT,
    requested_by_name    TEXT NOT NULL,
    decided_by           BIGINT,
    decided_by_name      TEXT NOT NULL DEFAULT '',
    decided_at           BIGINT NOT NULL DEFAULT 0,
    version              BIGINT NOT NULL DEFAULT 1,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
CREATE INDEX transfer_requests_approver ON transfer_requests(approver_region_code, status, id);
CREATE INDEX transfer_requests_requester ON transfer_requests(requested_by, id);
CREATE INDEX transfer_requests_person ON transfer_requests(person_id);
-- One open request per person and destination: asking again answers the same.
CREATE UNIQUE INDEX transfer_requests_open ON transfer_requests(person_id, to_institution_id) WHERE status = 'submitted';

-- +goose Down
DROP TABLE transfer_requests;
