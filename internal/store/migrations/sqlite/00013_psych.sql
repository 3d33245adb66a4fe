-- +goose Up
-- Psychological support (心理保障). Every row carries the person's region and
-- institution, copied when it is written, so that scope is a range on one
-- column and upward reporting fits later. Answers, scores, bands, reasons and
-- notes are sealed with the store's field key (*_enc): a copy of the database
-- reveals none of them. Times are Unix milliseconds; dates ISO text.

-- A person's separate consent to psychological screening (PIPL: sensitive
-- personal information). One active consent per purpose; withdrawing keeps
-- the row with its time and stops new invitations.
CREATE TABLE psych_consents (
    id             INTEGER PRIMARY KEY,
    person_id      BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    region_code    TEXT NOT NULL,
    institution_id BIGINT NOT NULL,
    purpose        TEXT NOT NULL,
    given_at       BIGINT NOT NULL,
    given_by       BIGINT,
    withdrawn_at   BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX psych_consents_active ON psych_consents(person_id, purpose) WHERE withdrawn_at = 0;
CREATE INDEX psych_consents_person ON psych_consents(person_id, id);
CREATE INDEX psych_consents_region ON psych_consents(region_code, id);

-- A screening round for one institution or one aid-team batch; instruments
-- is a comma list of instrument ids. A round with repeat_days is launched
-- again for the same people at next_round_at.
CREATE TABLE psych_screenings (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    region_code     TEXT NOT NULL,
    institution_id  BIGINT REFERENCES institutions(id),
    batch_id        BIGINT REFERENCES aid_batches(id),
    instruments     TEXT NOT NULL,
    repeat_days     INTEGER NOT NULL DEFAULT 0,
    next_round_at   BIGINT NOT NULL DEFAULT 0,
    repeat_of       BIGINT REFERENCES psych_screenings(id) ON DELETE SET NULL,
    status          TEXT NOT NULL DEFAULT 'open',
    created_by      BIGINT,
    created_by_name TEXT NOT NULL DEFAULT '',
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    CHECK ((institution_id IS NULL) <> (batch_id IS NULL))
);
CREATE INDEX psych_screenings_region ON psych_screenings(region_code, id);
CREATE INDEX psych_screenings_repeat ON psych_screenings(next_round_at) WHERE next_round_at > 0;

-- Who a round invited, whether they answered, how often they were reminded.
CREATE TABLE psych_invitations (
    id             INTEGER PRIMARY KEY,
    screening_id   BIGINT NOT NULL REFERENCES psych_screenings(id) ON DELETE CASCADE,
    person_id      BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    region_code    TEXT NOT NULL,
    institution_id BIGINT NOT NULL,
    invited_at     BIGINT NOT NULL,
    reminders      INTEGER NOT NULL DEFAULT 0,
    reminded_at    BIGINT NOT NULL DEFAULT 0,
    answered_at    BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX psych_invitations_person ON psych_invitations(screening_id, person_id);
CREATE INDEX psych_invitations_own ON psych_invitations(person_id, id);
CREATE INDEX psych_invitations_region ON psych_invitations(region_code, id);

-- One answered instrument. result_enc seals the answers, the score, the
-- band and the subscales together.
CREATE TABLE psych_assessments (
    id             INTEGER PRIMARY KEY,
    person_id      BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    region_code    TEXT NOT NULL,
    institution_id BIGINT NOT NULL,
    screening_id   BIGINT REFERENCES psych_screenings(id) ON DELETE SET NULL,
    instrument     TEXT NOT NULL,
    result_enc     BLOB NOT NULL,
    created_by     BIGINT,
    created_at     BIGINT NOT NULL
);
CREATE INDEX psych_assessments_person ON psych_assessments(person_id, id);
CREATE INDEX psych_assessments_region ON psych_assessments(region_code, created_at);
CREATE INDEX psych_assessments_screening ON psych_assessments(screening_id) WHERE screening_id IS NOT NULL;

-- A crisis alert (a risk rule that alerts held: PHQ-9 item 9 above "not at
-- all"), open until a counsellor records contact.
CREATE TABLE psych_alerts (
    id                INTEGER PRIMARY KEY,
    assessment_id     BIGINT NOT NULL REFERENCES psych_assessments(id) ON DELETE CASCADE,
    person_id         BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    region_code       TEXT NOT NULL,
    institution_id    BIGINT NOT NULL,
    rule              TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'open',
    created_at        BIGINT NOT NULL,
    contacted_at      BIGINT NOT NULL DEFAULT 0,
    contacted_by      BIGINT,
    contacted_by_name TEXT NOT NULL DEFAULT '',
    note_enc          BLOB
);
CREATE INDEX psych_alerts_region ON psych_alerts(region_code, status, id);
CREATE INDEX psych_alerts_person ON psych_alerts(person_id, id);

-- A counsellor's case (心理个案): proposed by screening (moderate or worse)
-- or opened on referral; at most one not closed per person.
CREATE TABLE psych_cases (
    id                INTEGER PRIMARY KEY,
    person_id         BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    region_code       TEXT NOT NULL,
    institution_id    BIGINT NOT NULL,
    status            TEXT NOT NULL,
    source            TEXT NOT NULL,
    assessment_id     BIGINT REFERENCES psych_assessments(id) ON DELETE SET NULL,
    reason_enc        BLOB NOT NULL,
    counselor_id      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    counselor_name    TEXT NOT NULL DEFAULT '',
    next_screening_on TEXT NOT NULL DEFAULT '',
    created_by        BIGINT,
    created_by_name   TEXT NOT NULL DEFAULT '',
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    closed_at         BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX psych_cases_active ON psych_cases(person_id) WHERE status <> 'closed';
CREATE INDEX psych_cases_region ON psych_cases(region_code, status, id);

-- A session of a case: when, how, and the counsellor's private notes.
CREATE TABLE psych_sessions (
    id             INTEGER PRIMARY KEY,
    case_id        BIGINT NOT NULL REFERENCES psych_cases(id) ON DELETE CASCADE,
    person_id      BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    region_code    TEXT NOT NULL,
    institution_id BIGINT NOT NULL,
    at             BIGINT NOT NULL,
    channel        TEXT NOT NULL,
    notes_enc      BLOB NOT NULL,
    counselor_id   BIGINT,
    counselor_name TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL
);
CREATE INDEX psych_sessions_case ON psych_sessions(case_id, at);
CREATE INDEX psych_sessions_region ON psych_sessions(region_code, id);

-- The counsellors on duty: a crisis alert goes to those whose region covers
-- the person's (none on duty: every counsellor whose region covers it).
CREATE TABLE psych_duty (
    user_id     BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    region_code TEXT NOT NULL,
    since       BIGINT NOT NULL
);
CREATE INDEX psych_duty_region ON psych_duty(region_code);

-- +goose Down
DROP TABLE psych_duty;
DROP TABLE psych_sessions;
DROP TABLE psych_cases;
DROP TABLE psych_alerts;
DROP TABLE psych_assessments;
DROP TABLE psych_invitations;
DROP TABLE psych_screenings;
DROP TABLE psych_consents;
