-- +goose Up
-- The family liaison log (家属联络记录): each time a team member reached a
-- frontline worker's family, through which channel, what was passed on
-- (a call arranged, a message delivered, a need heard, news given) and a
-- note. The note is sealed with the store's field key (it can hold health
-- and family details); a need heard may link the ledger case opened for it.
CREATE TABLE family_contacts (
    id                INTEGER PRIMARY KEY,
    person_id         BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    family_member_id  BIGINT REFERENCES family_members(id) ON DELETE SET NULL,
    region_code       TEXT NOT NULL,
    institution_id    BIGINT NOT NULL REFERENCES institutions(id),
    channel           TEXT NOT NULL,
    outcome           TEXT NOT NULL,
    note_enc          BLOB,
    need_id           BIGINT REFERENCES needs(id) ON DELETE SET NULL,
    contacted_at      BIGINT NOT NULL,
    contacted_by      BIGINT,
    contacted_by_name TEXT NOT NULL DEFAULT '',
    created_at        BIGINT NOT NULL
);
CREATE INDEX family_contacts_region ON family_contacts(region_code, contacted_at);
CREATE INDEX family_contacts_person ON family_contacts(person_id, contacted_at);

-- The daily health check-in (每日健康打卡) of a deployed person: one row per
-- person and day (China time, ISO date), a second one the same day corrects
-- the first. The answers (temperature, symptoms, sleep, mood, a remark) are
-- one sealed JSON document; fever is kept in the clear because it routes the
-- alert and is counted on the dashboard. The deployment, its batch and the
-- person's region and institution are copied when the check-in is made, so
-- that the batch's team leader reaches it and scope never needs a join.
CREATE TABLE checkins (
    id             INTEGER PRIMARY KEY,
    person_id      BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    region_code    TEXT NOT NULL,
    institution_id BIGINT NOT NULL REFERENCES institutions(id),
    deployment_id  BIGINT REFERENCES deployments(id) ON DELETE SET NULL,
    batch_id       BIGINT REFERENCES aid_batches(id) ON DELETE SET NULL,
    day            TEXT NOT NULL,
    answers_enc    BLOB NOT NULL,
    fever          BOOLEAN NOT NULL DEFAULT FALSE,
    corrections    INTEGER NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (person_id, day)
);
CREATE INDEX checkins_region ON checkins(region_code, day);
CREATE INDEX checkins_batch ON checkins(batch_id, day) WHERE batch_id IS NOT NULL;

-- Alerts raised about check-ins: fever (a check-in at or above the fever
-- line) and missed (deployed that day, no check-in by the deadline). One per
-- person, day and kind: the row is the guard that keeps the scheduler and a
-- corrected check-in from alerting twice, and the record of whom was told.
CREATE TABLE checkin_alerts (
    id             INTEGER PRIMARY KEY,
    person_id      BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    region_code    TEXT NOT NULL,
    institution_id BIGINT NOT NULL REFERENCES institutions(id),
    batch_id       BIGINT REFERENCES aid_batches(id) ON DELETE SET NULL,
    day            TEXT NOT NULL,
    kind           TEXT NOT NULL,
    notified       INTEGER NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL,
    UNIQUE (person_id, day, kind)
);
CREATE INDEX checkin_alerts_region ON checkin_alerts(region_code, day);

-- +goose Down
DROP TABLE checkin_alerts;
DROP TABLE checkins;
DROP TABLE family_contacts;
