-- +goose Up
-- The case list filters by the day a case was recorded (issue 6): with
-- created_at last in the covering list index, a date range is checked in
-- the index as the other filters are, and the district's list still reads no
-- row but the page's. The same index, one column wider, rather than another
-- index written with every case.
DROP INDEX needs_list;
CREATE INDEX needs_list ON needs(status, region_code, due_at, urgency, category, institution_id, created_at);

-- +goose Down
DROP INDEX needs_list;
CREATE INDEX needs_list ON needs(status, region_code, due_at, urgency, category, institution_id);
