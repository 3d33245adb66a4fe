package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
)

type existingRelative struct {
	id        int64
	name      string
	relation  string
	birthDate string
	idHash    []byte
	phoneHash []byte
	livesWith bool
	careNeeds string
	medical   sql.NullInt64
}

// relativeKey identifies a relative of one worker: by ID number when there is
// one, else by relation and name.
func relativeKey(personID int64, idHash []byte, relation, name string) string {
	if len(idHash) > 0 {
		return fmt.Sprintf("%d|id|%x", personID, idHash)
	}
	return fmt.Sprintf("%d|rn|%s|%s", personID, relation, name)
}

// ImportFamilies writes a validated families file all or nothing, keyed on
// the worker's ID number and the relative's ID number (or relation and name
// when the relative has none). Workers must be registered in the caller's scope.
func (s *Store) ImportFamilies(ctx context.Context, rows []FamilyRow, opt ImportOptions) (_ model.ImportResult, err error) {
	defer wrap(&err, "ImportFamilies()")
	res := model.ImportResult{DryRun: opt.DryRun}
	pr, err := principal(ctx, auth.PermPersonImport)
	if err != nil {
		return res, err
	}
	workerHashes := make([][]byte, len(rows))
	relHashes := make([][]byte, 0, len(rows))
	for i, r := range rows {
		workerHashes[i] = s.seal.Hash(hashIDNumber, r.WorkerIDNumber)
		if r.Fields.IDNumber != "" {
			relHashes = append(relHashes, s.seal.Hash(hashIDNumber, r.Fields.IDNumber))
		}
	}
	err = s.txConn(ctx, func(tx *sql.Tx, conn *sql.Conn) error {
		workers, err := s.existingPeople(ctx, tx, workerHashes)
		if err != nil {
			return err
		}
		medical, err := s.existingPeople(ctx, tx, relHashes)
		if err != nil {
			return err
		}
		var bad []model.RowError
		personIDs := map[int64]bool{}
		for i, r := range rows {
			w, ok := workers[string(workerHashes[i])]
			if !ok || !scopeOf(pr).hasPerson(w.id, w.institutionID, w.regionCode) {
				bad = append(bad, model.RowError{Row: r.Row, Column: r.WorkerColumn, Msg: model.M("import.worker_unknown")})
				continue
			}
			personIDs[w.id] = true
		}
		if len(bad) > 0 {
			return &model.Error{Code: model.EImportInvalid, Msg: model.M("import.invalid", len(bad)), Rows: bad}
		}
		existing, err := s.existingRelatives(ctx, tx, personIDs)
		if err != nil {
			return err
		}
		now := ms(s.now())
		upd, err := tx.PrepareContext(ctx, `UPDATE family_members SET name = $1, relation = $2, birth_date = $3, sex = $4, phone_enc = $5,
			phone_hash = $6, lives_with = $7, care_needs = $8, medical_worker_person_id = $9, version = version + 1, updated_at = $10 WHERE id = $11`)
		if err != nil {
			return model.Internal(err)
		}
		defer upd.Close()
		touched := map[int64]bool{}
		var inserts [][]any
		insertRow := map[string]int{} // relative key → file row, to report a clash inside the file
		for i, r := range rows {
			f := r.Fields
			personID := workers[string(workerHashes[i])].id
			idHash := s.seal.Hash(hashIDNumber, f.IDNumber)
			phoneHash := s.seal.Hash(hashPhone, f.Phone)
			var med any
			if m, ok := medical[string(idHash)]; ok && len(idHash) > 0 && m.id != personID {
				med = m.id
			}
			care := joinCare(f.CareNeeds)
			key := relativeKey(personID, idHash, f.Relation, f.Name)
			e, found := existing[key]
			switch {
			case !found:
				if _, dup := insertRow[key]; dup && len(idHash) > 0 {
					return &model.Error{Code: model.EImportInvalid, Msg: model.M("import.invalid", 1),
						Rows: []model.RowError{{Row: r.Row, Column: opt.IDColumn, Msg: model.M("family.id_number_taken")}}}
				}
				insertRow[key] = r.Row
				inserts = append(inserts, []any{personID, f.Name, f.Relation, f.BirthDate, f.Sex, s.seal.Seal(f.IDNumber), idHash,
					s.seal.Seal(f.Phone), phoneHash, f.LivesWith, care, med, int64(1), now, now})
				res.Created++
				touched[personID] = true
			case e.name == f.Name && e.relation == f.Relation && e.birthDate == f.BirthDate && bytes.Equal(e.phoneHash, phoneHash) &&
				e.livesWith == f.LivesWith && e.careNeeds == care && (med == nil || e.medical.Valid && e.medical.Int64 == med.(int64)):
				res.Unchanged++
			default:
				if med == nil && e.medical.Valid {
					med = e.medical.Int64 // a link made by hand stays
				}
				if _, err := upd.ExecContext(ctx, f.Name, f.Relation, f.BirthDate, f.Sex, s.seal.Seal(f.Phone), phoneHash, f.LivesWith, care, med, now, e.id); err != nil {
					return model.Internal(err)
				}
				res.Updated++
				touched[personID] = true
			}
			if opt.Progress != nil && i%1000 == 999 {
				opt.Progress(i+1, len(rows))
			}
		}
		if err := s.insertFamilies(ctx, tx, conn, inserts); err != nil {
			return err
		}
		if err := s.touchPeople(ctx, tx, touched, now); err != nil {
			return err
		}
		if opt.Progress != nil {
			opt.Progress(len(rows), len(rows))
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActImportFamilies, ObjectType: "import", ObjectID: opt.Filename,
			Detail: fmt.Sprintf("rows=%d created=%d updated=%d unchanged=%d dry_run=%t", len(rows), res.Created, res.Updated, res.Unchanged, opt.DryRun)}); err != nil {
			return err
		}
		if opt.DryRun {
			return errDryRun
		}
		return nil
	})
	if err == errDryRun {
		err = nil
	}
	return res, err
}

func (s *Store) existingRelatives(ctx context.Context, q queryer, personIDs map[int64]bool) (map[string]existingRelative, error) {
	// unscoped: of workers already checked in scope (scope.hasPerson).
	ids := make([]int64, 0, len(personIDs))
	for id := range personIDs {
		ids = append(ids, id)
	}
	out := map[string]existingRelative{}
	for i := 0; i < len(ids); i += lookupBatch {
		chunk := ids[i:min(i+lookupBatch, len(ids))]
		var a args
		ph := make([]string, len(chunk))
		for j, id := range chunk {
			ph[j] = a.add(id)
		}
		rows, err := q.QueryContext(ctx, `SELECT id, person_id, name, relation, birth_date, id_number_hash, phone_hash, lives_with, care_needs,
			medical_worker_person_id FROM family_members WHERE person_id IN (`+strings.Join(ph, ", ")+")", a...)
		if err != nil {
			return nil, model.Internal(err)
		}
		for rows.Next() {
			var e existingRelative
			var personID int64
			if err := rows.Scan(&e.id, &personID, &e.name, &e.relation, &e.birthDate, &e.idHash, &e.phoneHash, &e.livesWith, &e.careNeeds, &e.medical); err != nil {
				rows.Close()
				return nil, model.Internal(err)
			}
			out[relativeKey(personID, e.idHash, e.relation, e.name)] = e
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, model.Internal(err)
		}
	}
	return out, nil
}

var familyInsertColumns = []string{"person_id", "name", "relation", "birth_date", "sex", "id_number_enc", "id_number_hash",
	"phone_enc", "phone_hash", "lives_with", "care_needs", "medical_worker_person_id", "version", "created_at", "updated_at"}

// insertFamilies writes new relatives: COPY on PostgreSQL, multi-row inserts on SQLite.
func (s *Store) insertFamilies(ctx context.Context, tx *sql.Tx, conn *sql.Conn, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if s.engine == Postgres {
		return copyFrom(ctx, conn, "family_members", familyInsertColumns, rows)
	}
	return s.insertMultiRow(ctx, tx, "family_members", familyInsertColumns, len(rows), func(i int) []any { return rows[i] }, func(int) {})
}

// touchPeople bumps the update time of the people whose family changed, in batches.
func (s *Store) touchPeople(ctx context.Context, tx *sql.Tx, ids map[int64]bool, now int64) error {
	// unscoped: by id, of workers already checked in scope.
	list := make([]int64, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	for i := 0; i < len(list); i += lookupBatch {
		chunk := list[i:min(i+lookupBatch, len(list))]
		var a args
		t := a.add(now)
		ph := make([]string, len(chunk))
		for j, id := range chunk {
			ph[j] = a.add(id)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE people SET updated_at = "+t+" WHERE id IN ("+strings.Join(ph, ", ")+")", a...); err != nil {
			return model.Internal(err)
		}
	}
	return nil
}
