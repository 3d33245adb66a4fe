-- +goose Up
-- Frontline deployment (一线派驻). A post is a frontline place of one
-- institution (fever clinic, isolation ward, ICU, sampling site, quarantine
-- hotel, ...) with a risk tier: 1 for direct contact with confirmed or
-- suspected patients, 2 for other frontline work (财社〔2020〕2号). An aid-team
-- batch (援助医疗队批次) is organised by a region: destination, leader,
-- departure, planned return and quarantine after return. A deployment puts
-- one person at a post or in a batch for an inclusive date range; its tier
-- and the person's region and institution are copied when it is planned, so
-- the days it counts (the subsidy work reads them) never change when the
-- post is edited or the person moves later. Dates are ISO 'YYYY-MM-DD' text
-- (they sort as dates on both engines); times are Unix milliseconds.
CREATE TABLE frontline_posts (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    institution_id  BIGINT NOT NULL REFERENCES institutions(id),
    region_code     TEXT NOT NULL,
    kind            TEXT NOT NULL,
    tier            INTEGER NOT NULL CHECK (tier IN (1, 2)),
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX frontline_posts_region ON frontline_posts(region_code, id);
CREATE INDEX frontline_posts_institution ON frontline_posts(institution_id, id);

CREATE TABLE aid_batches (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL,
    destination      TEXT NOT NULL,
    region_code      TEXT NOT NULL,
    leader_person_id BIGINT REFERENCES people(id) ON DELETE SET NULL,
    departs_on       TEXT NOT NULL,
    returns_on       TEXT NOT NULL,
    quarantine_days  INTEGER NOT NULL DEFAULT 14,
    tier             INTEGER NOT NULL DEFAULT 1 CHECK (tier IN (1, 2)),
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    CHECK (returns_on >= departs_on)
);
CREATE INDEX aid_batches_region ON aid_batches(region_code, id);

-- status: planned, cancelled (a cancelled deployment counts no days and
-- conflicts with nothing). override_reason is the written reason of an
-- authorised account that planned it against a rule (couple, rest);
-- shift_hours is the usual length of its days (a day of 4 hours or less
-- counts as half a day where the region's setting says so).
CREATE TABLE deployments (
    id               INTEGER PRIMARY KEY,
    person_id        BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    region_code      TEXT NOT NULL,
    institution_id   BIGINT NOT NULL REFERENCES institutions(id),
    post_id          BIGINT REFERENCES frontline_posts(id),
    batch_id         BIGINT REFERENCES aid_batches(id),
    tier             INTEGER NOT NULL CHECK (tier IN (1, 2)),
    starts_on        TEXT NOT NULL,
    ends_on          TEXT NOT NULL,
    shift_hours      INTEGER NOT NULL DEFAULT 8,
    -- role is the member's part at the post or in the batch (领队, 医生,
    -- 护士, 感控, ...), free text.
    role             TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'planned',
    override_reason  TEXT NOT NULL DEFAULT '',
    created_by       BIGINT,
    created_by_name  TEXT NOT NULL DEFAULT '',
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    CHECK ((post_id IS NULL) <> (batch_id IS NULL)),
    CHECK (ends_on >= starts_on)
);
-- The rules look up one person's (and a spouse's) deployments by date; the
-- days report and the conflicts page scan a region's by date.
-- deployments_person covers what the rules read of a person's deployments,
-- so that checking a plan or ranking thousands of candidates reads no row.
CREATE INDEX deployments_person ON deployments(person_id, starts_on, ends_on, status, tier, shift_hours, batch_id);
CREATE INDEX deployments_region ON deployments(region_code, starts_on, ends_on);
-- The open conflicts and the rest flags look at what has not ended yet.
CREATE INDEX deployments_ends ON deployments(ends_on, region_code);
CREATE INDEX deployments_post ON deployments(post_id, starts_on) WHERE post_id IS NOT NULL;
CREATE INDEX deployments_batch ON deployments(batch_id, starts_on) WHERE batch_id IS NOT NULL;

-- A conflict found when a deployment was planned: kind couple (the other
-- deployment is a linked medical-worker relative's, overlapping) or rest (the
-- person had not rested enough since other_deployment_id). It is kept with
-- the override's reason; severe when the household has elderly needing care
-- or minor children and no other adult at home.
CREATE TABLE deployment_conflicts (
    id                  INTEGER PRIMARY KEY,
    deployment_id       BIGINT NOT NULL REFERENCES deployments(id) ON DELETE CASCADE,
    other_deployment_id BIGINT REFERENCES deployments(id) ON DELETE SET NULL,
    region_code         TEXT NOT NULL,
    kind                TEXT NOT NULL,
    severe              BOOLEAN NOT NULL DEFAULT FALSE,
    reason              TEXT NOT NULL DEFAULT '',
    decided_by          BIGINT,
    decided_by_name     TEXT NOT NULL DEFAULT '',
    created_at          BIGINT NOT NULL
);
CREATE INDEX deployment_conflicts_region ON deployment_conflicts(region_code, id);
CREATE INDEX deployment_conflicts_deployment ON deployment_conflicts(deployment_id);
-- The couple rule and the candidates read who is linked to whom as medical workers.
CREATE INDEX family_members_worker_link ON family_members(person_id, medical_worker_person_id) WHERE medical_worker_person_id IS NOT NULL;
CREATE INDEX family_members_worker_back ON family_members(medical_worker_person_id, person_id) WHERE medical_worker_person_id IS NOT NULL;

-- +goose Down
DROP INDEX family_members_worker_back;
DROP INDEX family_members_worker_link;
DROP TABLE deployment_conflicts;
DROP TABLE deployments;
DROP TABLE aid_batches;
DROP TABLE frontline_posts;
