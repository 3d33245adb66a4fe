-- +goose Up
-- Times are Unix milliseconds (UTC) in both engines so that one SQL text
-- compares and orders them; dates are 'YYYY-MM-DD' text.
CREATE TABLE regions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_code TEXT REFERENCES regions(code),
    level       INTEGER NOT NULL,
    created_at  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX regions_parent ON regions(parent_code);

CREATE TABLE institutions (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    type        TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions(code),
    credit_code TEXT,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX institutions_credit_code ON institutions(credit_code) WHERE credit_code IS NOT NULL;
CREATE UNIQUE INDEX institutions_region_name ON institutions(region_code, name);
CREATE INDEX institutions_name ON institutions(name);

-- ID numbers and phones are AES-GCM ciphertexts (*_enc) with keyed hashes (*_hash)
-- for uniqueness and exact search; region_code is the institution's, copied so
-- that the scope clause is one indexed range.
CREATE TABLE people (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    id_number_enc  BLOB NOT NULL,
    id_number_hash BLOB NOT NULL,
    phone_enc      BLOB,
    phone_hash     BLOB,
    birth_date     TEXT NOT NULL,
    sex            TEXT NOT NULL,
    -- Deferred (checked at commit): an immediate foreign key makes SQLite keep a
    -- statement journal for every multi-row insert, a third of a bulk import.
    institution_id BIGINT NOT NULL REFERENCES institutions(id) DEFERRABLE INITIALLY DEFERRED,
    region_code    TEXT NOT NULL,
    department     TEXT NOT NULL DEFAULT '',
    occupation     TEXT NOT NULL,
    title          TEXT NOT NULL DEFAULT '',
    frontline      BOOLEAN NOT NULL DEFAULT FALSE,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX people_id_number_hash ON people(id_number_hash);
-- Covering index: the scope range plus the list filters (phone search too) are
-- answered without touching the rows, whose encrypted columns make them wide;
-- one index fewer to write on every insert.
CREATE INDEX people_region ON people(region_code, id, name, occupation, frontline, institution_id, phone_hash);
CREATE INDEX people_institution ON people(institution_id, id);

CREATE TABLE family_members (
    id                        INTEGER PRIMARY KEY,
    person_id                 BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    name                      TEXT NOT NULL,
    relation                  TEXT NOT NULL,
    birth_date                TEXT NOT NULL DEFAULT '',
    sex                       TEXT NOT NULL DEFAULT '',
    id_number_enc             BLOB,
    id_number_hash            BLOB,
    phone_enc                 BLOB,
    phone_hash                BLOB,
    lives_with                BOOLEAN NOT NULL DEFAULT FALSE,
    care_needs                TEXT NOT NULL DEFAULT '',
    medical_worker_person_id  BIGINT REFERENCES people(id) ON DELETE SET NULL,
    version                   BIGINT NOT NULL DEFAULT 1,
    created_at                BIGINT NOT NULL,
    updated_at                BIGINT NOT NULL
);
CREATE INDEX family_members_person ON family_members(person_id);
CREATE UNIQUE INDEX family_members_person_id_number ON family_members(person_id, id_number_hash) WHERE id_number_hash IS NOT NULL;
CREATE INDEX family_members_medical_worker ON family_members(medical_worker_person_id) WHERE medical_worker_person_id IS NOT NULL;

-- scope_region_code is the region of whatever scopes the user (its region, its
-- institution's region, its person's region): administrators see users by it.
CREATE TABLE users (
    id                INTEGER PRIMARY KEY,
    username          TEXT NOT NULL UNIQUE,
    display_name      TEXT NOT NULL DEFAULT '',
    password_hash     TEXT NOT NULL,
    role              TEXT NOT NULL,
    region_code       TEXT REFERENCES regions(code),
    institution_id    BIGINT REFERENCES institutions(id),
    person_id         BIGINT REFERENCES people(id),
    scope_region_code TEXT NOT NULL,
    disabled          BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins     INTEGER NOT NULL DEFAULT 0,
    locked_until      BIGINT NOT NULL DEFAULT 0,
    last_login_at     BIGINT NOT NULL DEFAULT 0,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX users_scope ON users(scope_region_code);

-- Sessions are stored by the SHA-256 of their token: a database copy holds no usable token.
CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Append-only and hash-chained: hash = SHA-256(prev_hash || the row's fields).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          BIGINT NOT NULL,
    user_id     BIGINT,
    username    TEXT NOT NULL,
    role        TEXT NOT NULL DEFAULT '',
    ip          TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL DEFAULT '',
    object_id   TEXT NOT NULL DEFAULT '',
    outcome     TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);
CREATE INDEX audit_log_user ON audit_log(user_id, at);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- Import jobs, so that a page can show the progress of a long import.
CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    filename    TEXT NOT NULL,
    user_id     BIGINT,
    status      TEXT NOT NULL,
    dry_run     BOOLEAN NOT NULL DEFAULT FALSE,
    total_rows  INTEGER NOT NULL DEFAULT 0,
    done_rows   INTEGER NOT NULL DEFAULT 0,
    created     INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    error_json  TEXT NOT NULL DEFAULT '',
    started_at  BIGINT NOT NULL,
    finished_at BIGINT NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE imports;
DROP TABLE audit_log;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE family_members;
DROP TABLE people;
DROP TABLE institutions;
DROP TABLE regions;
