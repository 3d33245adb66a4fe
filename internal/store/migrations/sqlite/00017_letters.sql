-- +goose Up
-- Consolation letters (慰问信), commendations (表彰) and work-injury
-- determination cases (工伤认定) of frontline staff. Every row carries the
-- region_code it belongs to (scopedTables), copied when it is made, so that
-- upward reporting counts by region and a later move of the person does not
-- move the record. Dates are ISO 'YYYY-MM-DD' text; times Unix milliseconds.

-- A letter template: Chinese text with placeholders ({{姓名}}, {{单位}},
-- {{一线天数}}, ...), checked when saved. It belongs to the region of the
-- team that wrote it and serves the regions below it.
CREATE TABLE letter_templates (
    id              INTEGER PRIMARY KEY,
    region_code     TEXT NOT NULL,
    name            TEXT NOT NULL,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    sender          TEXT NOT NULL,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_by_name TEXT NOT NULL DEFAULT '',
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX letter_templates_region ON letter_templates(region_code, id);

-- A letter to one person from one template: the filled text is frozen when
-- it is generated (a later edit of the template changes no letter already
-- made), and the PDF is drawn from it whenever it is asked for. status:
-- generated, sent, received. frontline_days is the figure the letter names
-- (half days as .5), as the deployments said when it was generated.
CREATE TABLE letters (
    id                INTEGER PRIMARY KEY,
    template_id       BIGINT NOT NULL REFERENCES letter_templates(id),
    person_id         BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    region_code       TEXT NOT NULL,
    institution_id    BIGINT NOT NULL REFERENCES institutions(id),
    title             TEXT NOT NULL,
    body              TEXT NOT NULL,
    sender            TEXT NOT NULL,
    letter_date       TEXT NOT NULL,
    frontline_days    TEXT NOT NULL DEFAULT '0',
    status            TEXT NOT NULL DEFAULT 'generated',
    generated_by_name TEXT NOT NULL DEFAULT '',
    sent_at           BIGINT NOT NULL DEFAULT 0,
    sent_by_name      TEXT NOT NULL DEFAULT '',
    received_at       BIGINT NOT NULL DEFAULT 0,
    received_by_name  TEXT NOT NULL DEFAULT '',
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
-- One letter per person and template: generating again refreshes a letter
-- not yet sent and leaves a sent one as it went out.
CREATE UNIQUE INDEX letters_person_template ON letters(person_id, template_id);
CREATE INDEX letters_region ON letters(region_code, status, id);
CREATE INDEX letters_institution ON letters(institution_id, template_id, id);

-- A commendation: an institution nominates a person for a deed at a level
-- (jiajiang 嘉奖, jigong 记功, jidagong 记大功); the health commission's team
-- approves or rejects it with a reason. deed_key is the deed normalised
-- (spaces and punctuation dropped): the same deed of the same person is
-- not rewarded twice, at whatever level, while a nomination of it stands.
CREATE TABLE commendations (
    id                INTEGER PRIMARY KEY,
    person_id         BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    region_code       TEXT NOT NULL,
    institution_id    BIGINT NOT NULL REFERENCES institutions(id),
    level             TEXT NOT NULL,
    deed              TEXT NOT NULL,
    deed_key          TEXT NOT NULL,
    deed_on           TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL DEFAULT 'nominated',
    reason            TEXT NOT NULL DEFAULT '',
    nominated_by      BIGINT,
    nominated_by_name TEXT NOT NULL DEFAULT '',
    decided_by        BIGINT,
    decided_by_name   TEXT NOT NULL DEFAULT '',
    decided_at        BIGINT NOT NULL DEFAULT 0,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE UNIQUE INDEX commendations_deed ON commendations(person_id, deed_key) WHERE status <> 'rejected';
CREATE INDEX commendations_region ON commendations(region_code, status, id);
CREATE INDEX commendations_institution ON commendations(institution_id, id);

-- A work-injury determination case (工伤认定, 人社部函〔2020〕11号: an
-- infection on duty is a work injury, fast-tracked): opened for an infection
-- at work, with a deadline for the application (the region's setting) and
-- its document checklist. The diagnosis and notes are health data, sealed
-- with the field key. status: open, submitted (application filed),
-- recognised, not_recognised.
CREATE TABLE work_injury_cases (
    id              INTEGER PRIMARY KEY,
    person_id       BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    region_code     TEXT NOT NULL,
    institution_id  BIGINT NOT NULL REFERENCES institutions(id),
    infected_on     TEXT NOT NULL,
    diagnosed_on    TEXT NOT NULL,
    deadline_on     TEXT NOT NULL,
    diagnosis_enc   BLOB NOT NULL,
    note_enc        BLOB,
    status          TEXT NOT NULL DEFAULT 'open',
    submitted_on    TEXT NOT NULL DEFAULT '',
    decided_on      TEXT NOT NULL DEFAULT '',
    opened_by_name  TEXT NOT NULL DEFAULT '',
    decided_by_name TEXT NOT NULL DEFAULT '',
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX work_injury_cases_region ON work_injury_cases(region_code, status, deadline_on);
CREATE INDEX work_injury_cases_person ON work_injury_cases(person_id);

-- The case's document checklist: one row per document (code from the rules
-- package), ticked off with who and when.
CREATE TABLE work_injury_documents (
    id           INTEGER PRIMARY KEY,
    case_id      BIGINT NOT NULL REFERENCES work_injury_cases(id) ON DELETE CASCADE,
    region_code  TEXT NOT NULL,
    code         TEXT NOT NULL,
    done         BOOLEAN NOT NULL DEFAULT FALSE,
    done_at      BIGINT NOT NULL DEFAULT 0,
    done_by_name TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX work_injury_documents_case ON work_injury_documents(case_id, code);
CREATE INDEX work_injury_documents_region ON work_injury_documents(region_code, case_id);

-- +goose Down
DROP TABLE work_injury_documents;
DROP TABLE work_injury_cases;
DROP TABLE commendations;
DROP TABLE letters;
DROP TABLE letter_templates;
