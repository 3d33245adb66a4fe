-- +goose Up
-- Where the help goes (the relative's home, a dormitory): a volunteer
-- delivering meals needs it. Personal data: sealed like phones, shown to a
-- volunteer only while the case is theirs and active.
ALTER TABLE needs ADD COLUMN address_enc BLOB;

-- +goose Down
ALTER TABLE needs DROP COLUMN address_enc;
