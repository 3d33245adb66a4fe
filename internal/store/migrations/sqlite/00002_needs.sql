-- +goose Up
-- The needs-and-difficulties ledger (需求困难台账): visits, cases with their
-- history, volunteers and pairings, per-region settings, the inbox, and the
-- outbox with its webhook deliveries. Times are Unix milliseconds.

-- When a person was last contacted; the visit plan reads it.
ALTER TABLE people ADD COLUMN last_visit_at BIGINT NOT NULL DEFAULT 0;

-- Per-region policy values (deadlines in minutes, visit intervals in days).
-- The most specific ancestor's value wins; region_code '' is nationwide.
CREATE TABLE settings (
    region_code TEXT NOT NULL,
    name        TEXT NOT NULL,
    value       TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    updated_by  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (region_code, name)
);

-- The phone is an AES-GCM ciphertext with a keyed hash, as people's are.
CREATE TABLE volunteers (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    phone_enc   BLOB NOT NULL,
    phone_hash  BLOB NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions(code),
    skills      TEXT NOT NULL DEFAULT '',
    available   BOOLEAN NOT NULL DEFAULT TRUE,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    user_id     BIGINT REFERENCES users(id),
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX volunteers_region ON volunteers(region_code, id);
CREATE INDEX volunteers_phone_hash ON volunteers(phone_hash);
CREATE UNIQUE INDEX volunteers_user ON volunteers(user_id) WHERE user_id IS NOT NULL;

-- A volunteer paired with one person's family (对口帮助); dates are
-- YYYY-MM-DD, ends_on '' is open-ended.
CREATE TABLE pairings (
    id           INTEGER PRIMARY KEY,
    volunteer_id BIGINT NOT NULL REFERENCES volunteers(id),
    person_id    BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    starts_on    TEXT NOT NULL,
    ends_on      TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    created_by   BIGINT,
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX pairings_person ON pairings(person_id, volunteer_id);
CREATE INDEX pairings_volunteer ON pairings(volunteer_id, person_id);

-- Visits carry the person's region and institution, kept in step by the
-- trigger below, so that the scope clause is the people's one.
CREATE TABLE visits (
    id               INTEGER PRIMARY KEY,
    person_id        BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    region_code      TEXT NOT NULL,
    institution_id   BIGINT NOT NULL,
    target           TEXT NOT NULL,
    channel          TEXT NOT NULL,
    visited_at       BIGINT NOT NULL,
    notes            TEXT NOT NULL DEFAULT '',
    visitor_user_id  BIGINT,
    visitor_username TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);
CREATE INDEX visits_person ON visits(person_id, visited_at);
CREATE INDEX visits_region ON visits(region_code, visited_at);
CREATE INDEX visits_institution ON visits(institution_id, visited_at);

-- A case. region_code and institution_id are the person's (kept in step by
-- the trigger below); team_region_code is the team responsible now, starting
-- at the person's region and moving one level up at each escalation.
-- Guard columns make the scheduler's work idempotent across servers and
-- restarts: escalated_due_at is the deadline last escalated, and the
-- *_notified_for columns the deadline last reminded of.
CREATE TABLE needs (
    id                     INTEGER PRIMARY KEY,
    person_id              BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    family_member_id       BIGINT REFERENCES family_members(id) ON DELETE SET NULL,
    visit_id               BIGINT REFERENCES visits(id) ON DELETE SET NULL,
    region_code            TEXT NOT NULL,
    institution_id         BIGINT NOT NULL,
    team_region_code       TEXT NOT NULL,
    category               TEXT NOT NULL,
    kind                   TEXT NOT NULL,
    urgency                TEXT NOT NULL,
    description            TEXT NOT NULL,
    source                 TEXT NOT NULL,
    status                 TEXT NOT NULL,
    due_at                 BIGINT NOT NULL,
    escalation_level       INTEGER NOT NULL DEFAULT 0,
    escalated_due_at       BIGINT NOT NULL DEFAULT 0,
    due_soon_notified_for  BIGINT NOT NULL DEFAULT 0,
    overdue_notified_for   BIGINT NOT NULL DEFAULT 0,
    assignee_user_id       BIGINT REFERENCES users(id),
    assignee_volunteer_id  BIGINT REFERENCES volunteers(id),
    resolution             TEXT NOT NULL DEFAULT '',
    reject_reason          TEXT NOT NULL DEFAULT '',
    satisfaction           INTEGER,
    created_by             BIGINT,
    created_by_name        TEXT NOT NULL,
    version                BIGINT NOT NULL DEFAULT 1,
    created_at             BIGINT NOT NULL,
    updated_at             BIGINT NOT NULL,
    assigned_at            BIGINT NOT NULL DEFAULT 0,
    resolved_at            BIGINT NOT NULL DEFAULT 0,
    closed_at              BIGINT NOT NULL DEFAULT 0
);
-- The list: status first (one seek per status), then the scope range, then the
-- deadline, with the other filter columns so that a page of ids and the count
-- are answered from the index alone.
CREATE INDEX needs_list ON needs(status, region_code, due_at, urgency, category, institution_id);
CREATE INDEX needs_institution ON needs(institution_id, status, due_at);
CREATE INDEX needs_team ON needs(team_region_code, status, due_at);
CREATE INDEX needs_person ON needs(person_id, id);
CREATE INDEX needs_family_member ON needs(family_member_id);
CREATE INDEX needs_visit ON needs(visit_id);
CREATE INDEX needs_assignee_user ON needs(assignee_user_id, status, due_at);
CREATE INDEX needs_assignee_volunteer ON needs(assignee_volunteer_id, status, due_at);
CREATE INDEX needs_created ON needs(region_code, created_at);
-- The scheduler's work queues: only the cases with work still to do are in them.
CREATE INDEX needs_to_escalate ON needs(due_at) WHERE status IN ('open', 'assigned', 'in_progress') AND escalated_due_at < due_at;
CREATE INDEX needs_to_remind ON needs(due_at) WHERE status IN ('open', 'assigned', 'in_progress') AND due_soon_notified_for < due_at;
CREATE INDEX needs_to_flag_overdue ON needs(due_at) WHERE status IN ('open', 'assigned', 'in_progress') AND overdue_notified_for < due_at;

-- The history of a case, one row per step; rows are never changed.
CREATE TABLE need_events (
    id                    INTEGER PRIMARY KEY,
    need_id               BIGINT NOT NULL REFERENCES needs(id) ON DELETE CASCADE,
    at                    BIGINT NOT NULL,
    user_id               BIGINT,
    username              TEXT NOT NULL,
    action                TEXT NOT NULL,
    from_status           TEXT NOT NULL DEFAULT '',
    to_status             TEXT NOT NULL,
    note                  TEXT NOT NULL DEFAULT '',
    assignee_user_id      BIGINT,
    assignee_volunteer_id BIGINT,
    team_region_code      TEXT NOT NULL DEFAULT '',
    satisfaction          INTEGER
);
CREATE INDEX need_events_need ON need_events(need_id, id);
CREATE TRIGGER need_events_no_update BEFORE UPDATE ON need_events BEGIN SELECT RAISE(ABORT, 'need_events is append-only'); END;

-- People carry their institution's region; their cases and visits follow
-- when it changes (UpdatePerson, imports), so that scope stays one range.
-- +goose StatementBegin
CREATE TRIGGER people_scope_follows AFTER UPDATE OF region_code, institution_id ON people
WHEN OLD.region_code <> NEW.region_code OR OLD.institution_id <> NEW.institution_id
BEGIN
    UPDATE needs SET region_code = NEW.region_code, institution_id = NEW.institution_id,
        team_region_code = CASE WHEN escalation_level = 0 THEN NEW.region_code ELSE team_region_code END
        WHERE person_id = NEW.id;
    UPDATE visits SET region_code = NEW.region_code, institution_id = NEW.institution_id WHERE person_id = NEW.id;
END;
-- +goose StatementEnd

-- The in-app inbox.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    need_id    BIGINT REFERENCES needs(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    read_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id, id) WHERE read_at = 0;
CREATE INDEX notifications_need ON notifications(need_id);

-- Events for the outside world, written in the transaction of the change; the
-- payload holds ids, codes, category, urgency, status and times, no names.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    event       TEXT NOT NULL,
    need_id     BIGINT,
    payload     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    enqueued_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX outbox_to_enqueue ON outbox(id) WHERE enqueued_at = 0;
CREATE INDEX outbox_need ON outbox(need_id);

-- Webhook endpoints; events is a comma list, the secret sealed.
CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    url        TEXT NOT NULL,
    events     TEXT NOT NULL,
    secret_enc BLOB NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_by BIGINT,
    version    BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- One outbox event to one webhook; the unique pair keeps a restart from
-- delivering twice.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    outbox_id       BIGINT NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    webhook_id      BIGINT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    delivered_at    BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    UNIQUE (outbox_id, webhook_id)
);
CREATE INDEX deliveries_due ON deliveries(next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX deliveries_webhook ON deliveries(webhook_id, id);

-- +goose Down
DROP TABLE deliveries;
DROP TABLE webhooks;
DROP TABLE outbox;
DROP TABLE notifications;
DROP TRIGGER people_scope_follows;
DROP TABLE need_events;
DROP TABLE needs;
DROP TABLE visits;
DROP TABLE pairings;
DROP TABLE volunteers;
DROP TABLE settings;
ALTER TABLE people DROP COLUMN last_visit_at;
