-- +goose Up
-- Discrimination incidents (歧视孤立事件, issue 10): a frontline worker or
-- their family is pushed out, kept away or shunned (a landlord asks a nurse to
-- move out, a school keeps a doctor's child at home, neighbours of a compound
-- block a door). Reported by the worker, a relative through their
-- self-service link, or a case worker; handled by the case workers of the
-- region (the handling team), with deadlines to contact the reporter and to
-- conclude, steps taken and an outcome.
--
-- person_id is the frontline person whose household is affected (and whose
-- region and institution the row carries), family_member_id the relative
-- affected when it is not the person. The reporter is never stored in clear:
-- reporter_name_enc and reporter_contact_enc are sealed with the field key,
-- and reporter_key is a keyed hash of the reporting account or link
-- ("user:12", "link:7") so that a reporter finds their own reports without the
-- row saying who they are. What happened (description_enc) and where
-- (place_enc) are sealed too. need_id is the ledger case of kind
-- discrimination this incident settles. status: reported, handling,
-- concluded. outcome: education (批评教育), penalty (处理处罚), police (移送公安),
-- unsubstantiated (查无实据). Times are Unix milliseconds; 0 is "not yet".
CREATE TABLE incidents (
    id                   INTEGER PRIMARY KEY,
    region_code          TEXT NOT NULL,
    institution_id       BIGINT NOT NULL REFERENCES institutions(id),
    person_id            BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    family_member_id     BIGINT REFERENCES family_members(id) ON DELETE SET NULL,
    need_id              BIGINT REFERENCES needs(id) ON DELETE SET NULL,
    reporter_kind        TEXT NOT NULL,
    reporter_key         BLOB,
    reporter_name_enc    BLOB NOT NULL,
    reporter_contact_enc BLOB,
    occurred_on          TEXT NOT NULL,
    place_enc            BLOB NOT NULL,
    description_enc      BLOB NOT NULL,
    party_kinds          TEXT NOT NULL,
    status               TEXT NOT NULL DEFAULT 'reported',
    handler_id           BIGINT,
    handler_name         TEXT NOT NULL DEFAULT '',
    contact_due_at       BIGINT NOT NULL,
    conclude_due_at      BIGINT NOT NULL,
    contacted_at         BIGINT NOT NULL DEFAULT 0,
    outcome              TEXT NOT NULL DEFAULT '',
    outcome_note_enc     BLOB,
    concluded_at         BIGINT NOT NULL DEFAULT 0,
    recorded_by_name     TEXT NOT NULL,
    version              BIGINT NOT NULL DEFAULT 1,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
-- The lists' and the dashboard's filters, covered: a count reads the index only.
CREATE INDEX incidents_list ON incidents(region_code, status, outcome, party_kinds, conclude_due_at, contacted_at, contact_due_at, handler_id);
CREATE INDEX incidents_reporter ON incidents(reporter_key, id);
CREATE INDEX incidents_person ON incidents(person_id);
-- A ledger case is settled by at most one incident.
CREATE UNIQUE INDEX incidents_need ON incidents(need_id) WHERE need_id IS NOT NULL;

-- The parties reported: text, never people records of the registry. kind:
-- landlord, employer, school, property, neighbour, business, other.
CREATE TABLE incident_parties (
    id          INTEGER PRIMARY KEY,
    incident_id BIGINT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    region_code TEXT NOT NULL,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX incident_parties_incident ON incident_parties(incident_id);
-- A search of the parties' names reads the region's part of this index only.
CREATE INDEX incident_parties_search ON incident_parties(region_code, name, incident_id);

-- The steps the team took, append-only, oldest first. kind: assign,
-- contact_reporter, contact_party, visit, mediation, referral, note, outcome,
-- reopen. The note is sealed: it tells who said what.
CREATE TABLE incident_steps (
    id          INTEGER PRIMARY KEY,
    incident_id BIGINT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
    region_code TEXT NOT NULL,
    kind        TEXT NOT NULL,
    note_enc    BLOB,
    by_name     TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX incident_steps_incident ON incident_steps(incident_id, id);

-- +goose Down
DROP TABLE incident_steps;
DROP TABLE incident_parties;
DROP TABLE incidents;
