-- +goose Up
-- A new case has no family member, visit or assignee in most instances, and
-- an index entry for each NULL costs every case recorded (four of the needs
-- table's twelve index entries) and answers no query: every lookup by
-- these columns asks for a value. The indexes keep only the rows that have one.
DROP INDEX needs_family_member;
DROP INDEX needs_visit;
DROP INDEX needs_assignee_user;
DROP INDEX needs_assignee_volunteer;
CREATE INDEX needs_family_member ON needs(family_member_id) WHERE family_member_id IS NOT NULL;
CREATE INDEX needs_visit ON needs(visit_id) WHERE visit_id IS NOT NULL;
CREATE INDEX needs_assignee_user ON needs(assignee_user_id, status, due_at) WHERE assignee_user_id IS NOT NULL;
CREATE INDEX needs_assignee_volunteer ON needs(assignee_volunteer_id, status, due_at) WHERE assignee_volunteer_id IS NOT NULL;

-- +goose Down
DROP INDEX needs_family_member;
DROP INDEX needs_visit;
DROP INDEX needs_assignee_user;
DROP INDEX needs_assignee_volunteer;
CREATE INDEX needs_family_member ON needs(family_member_id);
CREATE INDEX needs_visit ON needs(visit_id);
CREATE INDEX needs_assignee_user ON needs(assignee_user_id, status, due_at);
CREATE INDEX needs_assignee_volunteer ON needs(assignee_volunteer_id, status, due_at);
