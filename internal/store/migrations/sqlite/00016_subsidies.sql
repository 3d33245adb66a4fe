-- +goose Up
-- Subsidies and consolation money (其他保障: 临时性工作补助、伙食补助、慰问金、
-- 一次性绩效). Amounts are integer fen (BIGINT) everywhere; no column holds
-- a fraction of money. Dates are ISO 'YYYY-MM-DD' text, times Unix
-- milliseconds, as in every other table.
--
-- A benefit rule is dated policy data: kind work_subsidy (per frontline day
-- by risk tier, times a region's multiplier in percent: Hubei's ×2 is 200),
-- meal (per frontline day), consolation (a fixed sum per person of a
-- campaign, by category) or performance (an institution's one-time
-- allocation, split by frontline days). A rule applies in its region and
-- below it, from starts_on to ends_on inclusive; the most specific region's
-- rule wins. Periods of the same rule (same region, kind, tier, category,
-- campaign and institution) never overlap (the store refuses it), so a new
-- standard is a new row from its date and never rewrites the past.
CREATE TABLE benefit_rules (
    id              INTEGER PRIMARY KEY,
    region_code     TEXT NOT NULL,
    kind            TEXT NOT NULL,
    tier            INTEGER NOT NULL DEFAULT 0 CHECK (tier IN (0, 1, 2)),
    category        TEXT NOT NULL DEFAULT '',
    campaign        TEXT NOT NULL DEFAULT '',
    institution_id  BIGINT REFERENCES institutions(id),
    amount_fen      BIGINT NOT NULL CHECK (amount_fen >= 0),
    multiplier_pct  INTEGER NOT NULL DEFAULT 100 CHECK (multiplier_pct > 0),
    starts_on       TEXT NOT NULL,
    ends_on         TEXT NOT NULL DEFAULT '9999-12-31',
    basis           TEXT NOT NULL DEFAULT '',
    created_by      BIGINT,
    created_by_name TEXT NOT NULL DEFAULT '',
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX benefit_rules_region ON benefit_rules(region_code, kind, starts_on);

-- An entitlement is one line of money owed to one person: what a rule gives
-- for one key (line_key: work_subsidy|1|2026-03, meal|2026-03,
-- consolation|<campaign>, performance|<rule id>). The first line of a key
-- is its original; a later correction of a key whose lines are already in a
-- payment batch is a new line (adjustment, the difference), never an edit of
-- a batched or paid one. A line in no batch yet is recomputed in place.
-- explanation is the computation as JSON (days, rate, multiplier, amount per
-- rule period), rendered in the reader's language. region_code and
-- institution_id are the person's where the days were worked.
CREATE TABLE entitlements (
    id              INTEGER PRIMARY KEY,
    person_id       BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    region_code     TEXT NOT NULL,
    institution_id  BIGINT NOT NULL REFERENCES institutions(id),
    kind            TEXT NOT NULL,
    line_key        TEXT NOT NULL,
    seq             INTEGER NOT NULL DEFAULT 1,
    adjustment      BOOLEAN NOT NULL DEFAULT FALSE,
    period_from     TEXT NOT NULL,
    period_to       TEXT NOT NULL,
    amount_fen      BIGINT NOT NULL,
    explanation     TEXT NOT NULL DEFAULT '',
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    UNIQUE (person_id, line_key, seq)
);
CREATE INDEX entitlements_region ON entitlements(region_code, period_from, id);
CREATE INDEX entitlements_key ON entitlements(line_key, person_id);

-- A person's bank account for disbursement: the number sealed (AES-GCM) and
-- hashed (keyed), shown masked; only the export of an approved batch carries
-- it in full.
CREATE TABLE bank_accounts (
    id              INTEGER PRIMARY KEY,
    person_id       BIGINT NOT NULL UNIQUE REFERENCES people(id) ON DELETE CASCADE,
    region_code     TEXT NOT NULL,
    institution_id  BIGINT NOT NULL REFERENCES institutions(id),
    bank_name       TEXT NOT NULL,
    account_enc     BLOB NOT NULL,
    account_hash    BLOB NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX bank_accounts_region ON bank_accounts(region_code, person_id);
CREATE INDEX bank_accounts_hash ON bank_accounts(account_hash);

-- A payment batch (发放批次), maker-checker: drafted by one account,
-- approved by another (never the drafter), exported for the bank, marked
-- paid. status: draft, approved, paid. Approval freezes it: items and lines
-- change only while it is a draft; total_fen is the sum of its lines,
-- checked at approval and at payment.
CREATE TABLE payment_batches (
    id               INTEGER PRIMARY KEY,
    region_code      TEXT NOT NULL,
    name             TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'draft',
    total_fen        BIGINT NOT NULL DEFAULT 0,
    item_count       INTEGER NOT NULL DEFAULT 0,
    line_count       INTEGER NOT NULL DEFAULT 0,
    drafted_by       BIGINT,
    drafted_by_name  TEXT NOT NULL DEFAULT '',
    approved_by      BIGINT,
    approved_by_name TEXT NOT NULL DEFAULT '',
    approved_at      BIGINT NOT NULL DEFAULT 0,
    exported_at      BIGINT NOT NULL DEFAULT 0,
    paid_by_name     TEXT NOT NULL DEFAULT '',
    paid_at          BIGINT NOT NULL DEFAULT 0,
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX payment_batches_region ON payment_batches(region_code, id);

-- One row of the bank file: one person of a batch, the sum of their lines,
-- and the bank account as it was when the batch was drafted (sealed), so the
-- approved file cannot change behind the approver. The receipt is the
-- worker's confirmation that the money arrived.
CREATE TABLE payment_items (
    id              INTEGER PRIMARY KEY,
    batch_id        BIGINT NOT NULL REFERENCES payment_batches(id) ON DELETE CASCADE,
    person_id       BIGINT NOT NULL REFERENCES people(id),
    region_code     TEXT NOT NULL,
    institution_id  BIGINT NOT NULL REFERENCES institutions(id),
    amount_fen      BIGINT NOT NULL CHECK (amount_fen > 0),
    bank_name       TEXT NOT NULL,
    account_enc     BLOB NOT NULL,
    confirmed_at    BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    UNIQUE (batch_id, person_id)
);
CREATE INDEX payment_items_region ON payment_items(region_code, batch_id);
CREATE INDEX payment_items_person ON payment_items(person_id, batch_id);

-- A line pays one entitlement; UNIQUE (entitlement_id) is the rule that one
-- entitlement is paid at most once, whatever the application does.
CREATE TABLE payment_lines (
    id              INTEGER PRIMARY KEY,
    batch_id        BIGINT NOT NULL REFERENCES payment_batches(id) ON DELETE CASCADE,
    item_id         BIGINT NOT NULL REFERENCES payment_items(id) ON DELETE CASCADE,
    entitlement_id  BIGINT NOT NULL UNIQUE REFERENCES entitlements(id),
    amount_fen      BIGINT NOT NULL
);
CREATE INDEX payment_lines_batch ON payment_lines(batch_id, item_id);

-- The first answer of a paying call made with an Idempotency-Key, replayed
-- for every repeat of the same key by the same account; fingerprint is the
-- hash of method, path and body, so a key reused for another request is
-- refused.
CREATE TABLE idempotency_keys (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT NOT NULL,
    idem_key     TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    status       INTEGER NOT NULL,
    body         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    UNIQUE (user_id, idem_key)
);

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE payment_lines;
DROP TABLE payment_items;
DROP TABLE payment_batches;
DROP TABLE bank_accounts;
DROP TABLE entitlements;
DROP TABLE benefit_rules;
