-- +goose Up
-- Supplies (物资保障): protective equipment and daily necessities for
-- frontline workers and their families. Items are a catalogue; stores belong
-- to a region or to an institution; the stock ledger is supply_movements,
-- append-only (triggers refuse UPDATE and DELETE; a correction is a new row
-- naming the one it reverses in corrects_id). supply_balances holds, per
-- store, item and batch, the sum of that batch's movements, updated in the
-- transaction of every movement under CHECK (quantity >= 0): the row is what
-- concurrent issues serialise on, so stock can never go below zero; the
-- movements stay the record it is computed from (a test checks balance =
-- sum). Quantities are whole units of the item's unit; dates YYYY-MM-DD
-- ('' = none); times Unix milliseconds. region_code (and institution_id
-- where a store belongs to one) is copied onto every row so that each is in
-- scope by one indexed range.
CREATE TABLE supply_items (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    category    TEXT NOT NULL,
    unit        TEXT NOT NULL,
    protective  BOOLEAN NOT NULL DEFAULT FALSE,
    region_code TEXT NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX supply_items_name ON supply_items(region_code, name);

CREATE TABLE supply_stores (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    region_code    TEXT NOT NULL REFERENCES regions(code),
    institution_id BIGINT REFERENCES institutions(id),
    address        TEXT NOT NULL DEFAULT '',
    keeper         TEXT NOT NULL DEFAULT '',
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX supply_stores_name ON supply_stores(region_code, name);
CREATE INDEX supply_stores_institution ON supply_stores(institution_id) WHERE institution_id IS NOT NULL;

-- below: the stock is at or under the level now, so that the alert is raised
-- once per crossing and again only after the stock has come back above it.
CREATE TABLE supply_reorder_levels (
    store_id       BIGINT NOT NULL REFERENCES supply_stores(id),
    item_id        BIGINT NOT NULL REFERENCES supply_items(id),
    level          BIGINT NOT NULL CHECK (level >= 0),
    below          BOOLEAN NOT NULL DEFAULT FALSE,
    region_code    TEXT NOT NULL,
    institution_id BIGINT,
    updated_at     BIGINT NOT NULL,
    PRIMARY KEY (store_id, item_id)
);

CREATE TABLE supply_balances (
    store_id       BIGINT NOT NULL REFERENCES supply_stores(id),
    item_id        BIGINT NOT NULL REFERENCES supply_items(id),
    batch          TEXT NOT NULL,
    expiry_date    TEXT NOT NULL DEFAULT '',
    quantity       BIGINT NOT NULL CHECK (quantity >= 0),
    region_code    TEXT NOT NULL,
    institution_id BIGINT,
    PRIMARY KEY (store_id, item_id, batch)
);
CREATE INDEX supply_balances_region ON supply_balances(region_code, item_id);

-- kind: receipt (source donation or purchase, supplier = the donor or
-- vendor), issue, transfer_out / transfer_in (the pair of one transfer; the
-- in row names the out row in transfer_of), adjust (with a reason),
-- correction (reverses corrects_id, with a reason). quantity is the signed
-- change of the batch's stock. An issue names its recipient (person_id, and
-- family_member_id for a relative), the case it settles (need_id) and the
-- distribution line it hands over; expired_override is the reason an expired
-- batch was issued all the same.
CREATE TABLE supply_movements (
    id                   INTEGER PRIMARY KEY,
    kind                 TEXT NOT NULL,
    store_id             BIGINT NOT NULL REFERENCES supply_stores(id),
    item_id              BIGINT NOT NULL REFERENCES supply_items(id),
    batch                TEXT NOT NULL,
    expiry_date          TEXT NOT NULL DEFAULT '',
    quantity             BIGINT NOT NULL CHECK (quantity <> 0),
    source               TEXT NOT NULL DEFAULT '',
    supplier             TEXT NOT NULL DEFAULT '',
    document_no          TEXT NOT NULL DEFAULT '',
    reason               TEXT NOT NULL DEFAULT '',
    expired_override     TEXT NOT NULL DEFAULT '',
    corrects_id          BIGINT REFERENCES supply_movements(id),
    transfer_of          BIGINT REFERENCES supply_movements(id),
    other_store_id       BIGINT REFERENCES supply_stores(id),
    person_id            BIGINT REFERENCES people(id),
    family_member_id     BIGINT REFERENCES family_members(id) ON DELETE SET NULL,
    need_id              BIGINT REFERENCES needs(id),
    distribution_line_id BIGINT,
    region_code          TEXT NOT NULL,
    institution_id       BIGINT,
    created_by           BIGINT,
    created_by_name      TEXT NOT NULL,
    created_at           BIGINT NOT NULL
);
CREATE INDEX supply_movements_store ON supply_movements(store_id, item_id, id);
CREATE INDEX supply_movements_region ON supply_movements(region_code, id);
CREATE INDEX supply_movements_person ON supply_movements(person_id) WHERE person_id IS NOT NULL;
CREATE INDEX supply_movements_need ON supply_movements(need_id) WHERE need_id IS NOT NULL;
CREATE UNIQUE INDEX supply_movements_corrects ON supply_movements(corrects_id) WHERE corrects_id IS NOT NULL;
CREATE TRIGGER supply_movements_no_update BEFORE UPDATE ON supply_movements BEGIN SELECT RAISE(ABORT, 'supply_movements is append-only'); END;
CREATE TRIGGER supply_movements_no_delete BEFORE DELETE ON supply_movements BEGIN SELECT RAISE(ABORT, 'supply_movements is append-only'); END;

-- An allocation plan: quantity of an item per person (basis person: every
-- frontline worker of the store's reach, or all of them) or per household
-- (basis household: a worker whose family holds a member with care need
-- household_need) and period (day, week, month, once), issued from store_id.
CREATE TABLE supply_plans (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    store_id       BIGINT NOT NULL REFERENCES supply_stores(id),
    item_id        BIGINT NOT NULL REFERENCES supply_items(id),
    basis          TEXT NOT NULL,
    quantity       BIGINT NOT NULL CHECK (quantity > 0),
    period         TEXT NOT NULL,
    frontline_only BOOLEAN NOT NULL DEFAULT TRUE,
    household_need TEXT NOT NULL DEFAULT '',
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    region_code    TEXT NOT NULL,
    institution_id BIGINT,
    version        BIGINT NOT NULL DEFAULT 1,
    created_by_name TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX supply_plans_region ON supply_plans(region_code, id);

-- A distribution list: a plan's lines for one store and day.
CREATE TABLE supply_distributions (
    id              INTEGER PRIMARY KEY,
    plan_id         BIGINT NOT NULL REFERENCES supply_plans(id),
    store_id        BIGINT NOT NULL REFERENCES supply_stores(id),
    item_id         BIGINT NOT NULL REFERENCES supply_items(id),
    day             TEXT NOT NULL,
    region_code     TEXT NOT NULL,
    institution_id  BIGINT,
    created_by_name TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX supply_distributions_plan_day ON supply_distributions(plan_id, day);
CREATE INDEX supply_distributions_region ON supply_distributions(region_code, day);

-- status: pending, handed (an issue movement written: movement_id), confirmed
-- (by the recipient signing on the phone, signature_name, or by the worker
-- on their own page, confirmed_by_self).
CREATE TABLE supply_distribution_lines (
    id                INTEGER PRIMARY KEY,
    distribution_id   BIGINT NOT NULL REFERENCES supply_distributions(id),
    person_id         BIGINT NOT NULL REFERENCES people(id),
    household         BOOLEAN NOT NULL DEFAULT FALSE,
    quantity          BIGINT NOT NULL CHECK (quantity > 0),
    status            TEXT NOT NULL DEFAULT 'pending',
    movement_id       BIGINT REFERENCES supply_movements(id),
    handed_at         BIGINT NOT NULL DEFAULT 0,
    handed_by_name    TEXT NOT NULL DEFAULT '',
    signature_name    TEXT NOT NULL DEFAULT '',
    confirmed_at      BIGINT NOT NULL DEFAULT 0,
    confirmed_by_self BOOLEAN NOT NULL DEFAULT FALSE,
    region_code       TEXT NOT NULL,
    institution_id    BIGINT NOT NULL,
    version           BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX supply_distribution_lines_person ON supply_distribution_lines(distribution_id, person_id);
CREATE INDEX supply_distribution_lines_recipient ON supply_distribution_lines(person_id, id);

-- +goose Down
DROP TABLE supply_distribution_lines;
DROP TABLE supply_distributions;
DROP TABLE supply_plans;
DROP TABLE supply_movements;
DROP TABLE supply_balances;
DROP TABLE supply_reorder_levels;
DROP TABLE supply_stores;
DROP TABLE supply_items;
