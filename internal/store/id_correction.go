package store

import (
	"context"
	"database/sql"
	"strconv"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// An ID-number correction (身份证号更正) is a transfer request of kind
// id_number: UpdatePerson files it instead of changing the number, and
// decideTransfer applies it. The requester is answered the same whether the
// new number is free or registered to someone outside their scope.

// idCorrectionApprover is the region whose team decides a correction of a
// person in personRegion to a number held (or not, holder == nil) by another
// person: the person's own region, or the region covering both records.
func idCorrectionApprover(personRegion string, holder *existingPerson) string {
	if holder == nil {
		return personRegion
	}
	return approverRegion(personRegion, holder.regionCode)
}

// submitIDCorrection files (or, when one is open, updates) the request to
// give person cur the number idNumber, audits it and tells the deciders of a
// new one. It returns the request's id.
func (s *Store) submitIDCorrection(ctx context.Context, tx *sql.Tx, pr *auth.Principal, cur model.Person, idNumber, approver string) (int64, error) {
	// unscoped: the person was read in scope by the caller (UpdatePerson); the approver region may lie outside it by design.
	now := ms(s.now())
	enc := s.seal.Seal(idNumber)
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM transfer_requests WHERE person_id = $1 AND kind = $2 AND to_institution_id = $3 AND status = $4`,
		cur.ID, model.TransferKindIDNumber, cur.InstitutionID, model.TransferSubmitted).Scan(&id)
	switch {
	case err == nil:
		// A second correction while one waits replaces the number asked for.
		if _, err := tx.ExecContext(ctx, `UPDATE transfer_requests SET requested_id_number_enc = $1, approver_region_code = $2, version = version + 1,
			updated_at = $3 WHERE id = $4`, enc, approver, now, id); err != nil {
			return 0, model.Internal(err)
		}
		return id, s.appendAudit(ctx, tx, auditRecord{Action: ActTransferSubmit, ObjectType: "transfer", ObjectID: strconv.FormatInt(id, 10),
			Detail: "person=" + strconv.FormatInt(cur.ID, 10) + " kind=id_number replaced"})
	case err != sql.ErrNoRows:
		return 0, model.Internal(err)
	}
	var by sql.NullInt64
	if pr.UserID != 0 {
		by = sql.NullInt64{Int64: pr.UserID, Valid: true}
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO transfer_requests (person_id, kind, from_institution_id, from_region_code, to_institution_id, to_region_code,
		approver_region_code, requested_name, department, occupation, title, frontline, source, status, requested_by, requested_by_name,
		requested_id_number_enc, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id`,
		cur.ID, model.TransferKindIDNumber, cur.InstitutionID, cur.RegionCode, approver, cur.Name, cur.Department, cur.Occupation, cur.Title,
		cur.Frontline, model.TransferFromForm, model.TransferSubmitted, by, pr.Username, enc, now).Scan(&id)
	if err != nil {
		return 0, model.Internal(err)
	}
	if err := s.appendAudit(ctx, tx, auditRecord{Action: ActTransferSubmit, ObjectType: "transfer", ObjectID: strconv.FormatInt(id, 10),
		Detail: "person=" + strconv.FormatInt(cur.ID, 10) + " kind=id_number"}); err != nil {
		return 0, err
	}
	return id, s.notifyApprovers(ctx, tx, pr, approver, now)
}

// applyIDCorrection gives the person of request id the number it asks for,
// with the birth date and sex the number carries, and links the relatives
// registered elsewhere with that number. A number registered to another
// person meanwhile answers EConflict: the decider rejects the request (or
// merges the records by hand), nothing is changed.
func (s *Store) applyIDCorrection(ctx context.Context, tx *sql.Tx, id int64, t model.Transfer) error {
	// unscoped: the request was read and may be decided by the caller (decideTransfer); the number's holder is looked up anywhere.
	var enc []byte
	if err := tx.QueryRowContext(ctx, "SELECT requested_id_number_enc FROM transfer_requests WHERE id = $1", id).Scan(&enc); err != nil {
		return model.Internal(err)
	}
	number, err := s.seal.Open(enc)
	if err != nil {
		return model.Internal(err)
	}
	f := model.PersonFields{Name: t.RequestedName, IDNumber: number, InstitutionID: t.FromInstitutionID, Occupation: t.Occupation}
	if fe := f.Normalize(s.now()); fe["id_number"].Key != "" {
		// A number valid when asked for can have become a future birth date only by a clock moved back; say so plainly.
		return model.FieldErrors{"id_number": fe["id_number"]}.Err()
	}
	hash := s.seal.Hash(hashIDNumber, f.IDNumber)
	holder, found, err := registeredPerson(ctx, tx, hash)
	if err != nil {
		return err
	}
	if found && holder.id != t.PersonID {
		return model.Errorf(model.EConflict, "transfer.id_number_registered")
	}
	res, err := tx.ExecContext(ctx, `UPDATE people SET id_number_enc = $1, id_number_hash = $2, birth_date = $3, sex = $4, version = version + 1,
		updated_at = $5 WHERE id = $6`, s.seal.Seal(f.IDNumber), hash, f.BirthDate, f.Sex, ms(s.now()), t.PersonID)
	if isUniqueViolation(err) {
		return model.Errorf(model.EConflict, "transfer.id_number_registered")
	}
	if err != nil {
		return model.Internal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return model.Errorf(model.EConflict, "transfer.person_moved")
	}
	if err := s.linkRelativesTo(ctx, tx, t.PersonID, f.IDNumber); err != nil {
		return err
	}
	return s.appendAudit(ctx, tx, auditRecord{Action: ActPersonUpdate, ObjectType: "person", ObjectID: strconv.FormatInt(t.PersonID, 10),
		Detail: "id_number_correction=" + strconv.FormatInt(id, 10)})
}
