-- +goose Up
-- Isolation accommodation (隔离住宿) and transport help (交通保障), issue 10.
--
-- A site is a hotel, a dormitory or a hospital rest area where frontline
-- staff who should not go home sleep and eat; it belongs to a region (and,
-- for a rest area, to an institution), serves meals_per_day meals, and when
-- separates_high_risk is set keeps staff of high-risk posts (a tier-1
-- deployment) in rooms of their own: a room never holds high-risk and other
-- staff on the same night. Rooms and beds copy the site's region so that
-- every row is found by a region range.
CREATE TABLE stay_sites (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL,
    kind                TEXT NOT NULL,
    region_code         TEXT NOT NULL,
    institution_id      BIGINT REFERENCES institutions(id),
    address             TEXT NOT NULL DEFAULT '',
    contact             TEXT NOT NULL DEFAULT '',
    meals_per_day       INTEGER NOT NULL DEFAULT 3 CHECK (meals_per_day BETWEEN 0 AND 6),
    separates_high_risk BOOLEAN NOT NULL DEFAULT FALSE,
    active              BOOLEAN NOT NULL DEFAULT TRUE,
    version             BIGINT NOT NULL DEFAULT 1,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX stay_sites_region ON stay_sites(region_code, id);
CREATE INDEX stay_sites_institution ON stay_sites(institution_id) WHERE institution_id IS NOT NULL;

-- version of a room is touched (UPDATE … SET version = version) by every
-- check-in into it on a separating site: the row lock that serialises two
-- check-ins of high-risk and other staff into one room on PostgreSQL.
CREATE TABLE stay_rooms (
    id          INTEGER PRIMARY KEY,
    site_id     BIGINT NOT NULL REFERENCES stay_sites(id) ON DELETE CASCADE,
    region_code TEXT NOT NULL,
    floor       TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL,
    UNIQUE (site_id, name)
);

CREATE TABLE stay_beds (
    id          INTEGER PRIMARY KEY,
    room_id     BIGINT NOT NULL REFERENCES stay_rooms(id) ON DELETE CASCADE,
    site_id     BIGINT NOT NULL REFERENCES stay_sites(id) ON DELETE CASCADE,
    region_code TEXT NOT NULL,
    label       TEXT NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  BIGINT NOT NULL,
    UNIQUE (room_id, label)
);
CREATE INDEX stay_beds_site ON stay_beds(site_id, room_id, id);

-- Stays are append-only (triggers refuse UPDATE and DELETE). The first row
-- of a stay is its check-in (origin_id NULL; the stay's id is that row's);
-- every later row (a check-out, a correction, a cancellation) names the
-- stay in origin_id and the row it supersedes in corrects_id, which is
-- unique, so that of two concurrent changes of the same row one wins. The
-- stay as it is now is its row that no other row corrects. status: in,
-- out, cancelled. region_code is the site's (the site's team sees the
-- stay), institution_id the person's when checked in (their institution's
-- admin sees it). Dates are 'YYYY-MM-DD'; the nights are check_in_on up to
-- the day before check_out_on (or expected_out_on while in).
CREATE TABLE stays (
    id              INTEGER PRIMARY KEY,
    origin_id       BIGINT REFERENCES stays(id),
    corrects_id     BIGINT UNIQUE REFERENCES stays(id),
    action          TEXT NOT NULL,
    status          TEXT NOT NULL,
    person_id       BIGINT NOT NULL REFERENCES people(id),
    institution_id  BIGINT NOT NULL,
    region_code     TEXT NOT NULL,
    site_id         BIGINT NOT NULL REFERENCES stay_sites(id),
    room_id         BIGINT NOT NULL REFERENCES stay_rooms(id),
    bed_id          BIGINT NOT NULL REFERENCES stay_beds(id),
    check_in_on     TEXT NOT NULL,
    expected_out_on TEXT NOT NULL,
    check_out_on    TEXT NOT NULL DEFAULT '',
    high_risk       BOOLEAN NOT NULL DEFAULT FALSE,
    need_id         BIGINT REFERENCES needs(id) ON DELETE SET NULL,
    reason          TEXT NOT NULL DEFAULT '',
    created_by      BIGINT,
    created_by_name TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    CHECK (expected_out_on > check_in_on),
    CHECK (check_out_on = '' OR check_out_on >= check_in_on)
);
CREATE INDEX stays_region ON stays(region_code, id);
CREATE INDEX stays_person ON stays(person_id, id);
CREATE INDEX stays_institution ON stays(institution_id, id);
CREATE INDEX stays_origin ON stays(origin_id) WHERE origin_id IS NOT NULL;
CREATE INDEX stays_site ON stays(site_id, check_in_on);
CREATE TRIGGER stays_no_update BEFORE UPDATE ON stays BEGIN SELECT RAISE(ABORT, 'stays are append-only'); END;
CREATE TRIGGER stays_no_delete BEFORE DELETE ON stays BEGIN SELECT RAISE(ABORT, 'stays are append-only'); END;

-- One row per bed and night a stay holds: the constraint that no bed is
-- given to two people, nor a person two beds, for the same night. It is
-- kept by the store with the stays (a check-out frees the nights from its
-- date on, a correction writes its nights again) and serves the occupancy
-- board and contact tracing by room and period. stay_id is the stay's id.
CREATE TABLE stay_nights (
    bed_id      BIGINT NOT NULL REFERENCES stay_beds(id),
    night       TEXT NOT NULL,
    stay_id     BIGINT NOT NULL REFERENCES stays(id),
    person_id   BIGINT NOT NULL REFERENCES people(id),
    site_id     BIGINT NOT NULL,
    room_id     BIGINT NOT NULL,
    region_code TEXT NOT NULL,
    high_risk   BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (bed_id, night),
    UNIQUE (person_id, night)
);
CREATE INDEX stay_nights_site ON stay_nights(site_id, night);
CREATE INDEX stay_nights_room ON stay_nights(room_id, night);
CREATE INDEX stay_nights_stay ON stay_nights(stay_id, night);

-- Transport requests (交通保障): a shift commute, taking a family member to
-- hospital, or the return from an aid mission, for a person (and a family
-- member of theirs), assigned to a vehicle (plate or description) and/or a
-- volunteer driver. status: requested, assigned, under_way, completed,
-- cancelled. The note may speak of health and is sealed (note_enc).
-- region_code and institution_id are the person's when asked.
CREATE TABLE transport_requests (
    id                INTEGER PRIMARY KEY,
    person_id         BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    family_member_id  BIGINT REFERENCES family_members(id) ON DELETE SET NULL,
    region_code       TEXT NOT NULL,
    institution_id    BIGINT NOT NULL,
    kind              TEXT NOT NULL,
    pickup            TEXT NOT NULL,
    destination       TEXT NOT NULL,
    wanted_at         BIGINT NOT NULL,
    passengers        INTEGER NOT NULL DEFAULT 1 CHECK (passengers BETWEEN 1 AND 20),
    note_enc          BLOB,
    status            TEXT NOT NULL DEFAULT 'requested',
    vehicle           TEXT NOT NULL DEFAULT '',
    volunteer_id      BIGINT REFERENCES volunteers(id),
    assigned_at       BIGINT NOT NULL DEFAULT 0,
    started_at        BIGINT NOT NULL DEFAULT 0,
    completed_at      BIGINT NOT NULL DEFAULT 0,
    outcome           TEXT NOT NULL DEFAULT '',
    need_id           BIGINT REFERENCES needs(id) ON DELETE SET NULL,
    requested_by      BIGINT,
    requested_by_name TEXT NOT NULL DEFAULT '',
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX transport_requests_region ON transport_requests(region_code, status, wanted_at);
CREATE INDEX transport_requests_person ON transport_requests(person_id, id);
CREATE INDEX transport_requests_institution ON transport_requests(institution_id, id);
CREATE INDEX transport_requests_volunteer ON transport_requests(volunteer_id, wanted_at) WHERE volunteer_id IS NOT NULL;

-- +goose Down
DROP TABLE transport_requests;
DROP TABLE stay_nights;
DROP TABLE stays;
DROP TABLE stay_beds;
DROP TABLE stay_rooms;
DROP TABLE stay_sites;
