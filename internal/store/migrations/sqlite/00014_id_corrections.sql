-- +goose Up
-- An ID-number correction (身份证号更正) is a request of its own kind in
-- transfer_requests: changing the number of a registered person waits for a
-- second person of a team whose region covers the person and, when the new
-- number is registered to someone else, that record too. The requester is
-- answered the same either way, so that changing a number is no way to learn
-- who is registered elsewhere (the oracle registration no longer gives).
-- kind: move (to another institution) or id_number; requested_id_number_enc
-- is the number asked for, sealed with the field key. One open request per
-- person, kind and destination.
ALTER TABLE transfer_requests ADD COLUMN kind TEXT NOT NULL DEFAULT 'move';
ALTER TABLE transfer_requests ADD COLUMN requested_id_number_enc BLOB;
DROP INDEX transfer_requests_open;
CREATE UNIQUE INDEX transfer_requests_open ON transfer_requests(person_id, kind, to_institution_id) WHERE status = 'submitted';

-- +goose Down
DROP INDEX transfer_requests_open;
DELETE FROM transfer_requests WHERE kind <> 'move';
CREATE UNIQUE INDEX transfer_requests_open ON transfer_requests(person_id, to_institution_id) WHERE status = 'submitted';
ALTER TABLE transfer_requests DROP COLUMN requested_id_number_enc;
ALTER TABLE transfer_requests DROP COLUMN kind;
