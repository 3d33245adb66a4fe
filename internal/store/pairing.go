package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
)

const pairingColumns = `pa.id, pa.volunteer_id, v.name, pa.person_id, p.name, pa.starts_on, pa.ends_on, pa.note, pa.version, pa.created_at, pa.updated_at`

const pairingFrom = ` FROM pairings pa JOIN volunteers v ON v.id = pa.volunteer_id JOIN people p ON p.id = pa.person_id `

func scanPairing(row interface{ Scan(...any) error }, day string) (model.Pairing, error) {
	var pa model.Pairing
	var created, updated int64
	if err := row.Scan(&pa.ID, &pa.VolunteerID, &pa.VolunteerName, &pa.PersonID, &pa.PersonName, &pa.StartsOn, &pa.EndsOn, &pa.Note,
		&pa.Version, &created, &updated); err != nil {
		return pa, err
	}
	pa.CreatedAt, pa.UpdatedAt = fromMS(created), fromMS(updated)
	pa.Active = pa.StartsOn <= day && (pa.EndsOn == "" || pa.EndsOn >= day)
	return pa, nil
}

// getPairing reads a pairing whose person is in the caller's scope.
func (s *Store) getPairing(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.Pairing, error) {
	var a args
	cond := "pa.id = " + a.add(id) + " AND " + scopeOf(pr).on("people", "p", &a)
	pa, err := scanPairing(q.QueryRowContext(ctx, "SELECT "+pairingColumns+pairingFrom+"WHERE "+cond, a...), today(s.now()))
	if err == sql.ErrNoRows {
		return pa, model.NotFound("pairing")
	}
	if err != nil {
		return pa, model.Internal(err)
	}
	return pa, nil
}

// GetPairing returns a pairing whose person is in the caller's scope.
// Returns EUnauthenticated, EForbidden without volunteer.manage, ENotFound.
func (s *Store) GetPairing(ctx context.Context, id int64) (_ model.Pairing, err error) {
	defer wrap(&err, "GetPairing(%d)", id)
	pr, err := principal(ctx, auth.PermVolunteerManage)
	if err != nil {
		return model.Pairing{}, err
	}
	return s.getPairing(ctx, s.read, pr, id)
}

// ListPairings returns the pairings of people in the caller's scope matching f,
// newest first.
// Returns EUnauthenticated, EForbidden.
func (s *Store) ListPairings(ctx context.Context, f model.PairingFilter) (_ model.List[model.Pairing], err error) {
	defer wrap(&err, "ListPairings()")
	out := model.List[model.Pairing]{Items: []model.Pairing{}}
	pr, err := principal(ctx, auth.PermVolunteerManage)
	if err != nil {
		return out, err
	}
	page := clampPage(f.Page)
	day := today(s.now())
	var a args
	cond := []string{scopeOf(pr).on("people", "p", &a)}
	if f.VolunteerID != 0 {
		cond = append(cond, "pa.volunteer_id = "+a.add(f.VolunteerID))
	}
	if f.PersonID != 0 {
		cond = append(cond, "pa.person_id = "+a.add(f.PersonID))
	}
	if f.ActiveOnly {
		d := a.add(day)
		cond = append(cond, "pa.starts_on <= "+d+" AND (pa.ends_on = '' OR pa.ends_on >= "+d+")")
	}
	where := strings.Join(cond, " AND ")
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+pairingFrom+"WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+pairingColumns+pairingFrom+"WHERE "+where+" ORDER BY pa.id DESC LIMIT "+a.add(page.Limit)+
		" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		pa, err := scanPairing(rows, day)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, pa)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, rows.Err()
}

// checkPairing checks the references of a pairing and that it overlaps no
// other pairing of the same volunteer and person. The volunteer's row is
// locked first, so that two concurrent pairings cannot both pass the check.
func (s *Store) checkPairing(ctx context.Context, tx *sql.Tx, pr *auth.Principal, f model.PairingFields, self int64) error {
	if _, err := s.getPerson(ctx, tx, pr, f.PersonID, false); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE volunteers SET version = version WHERE id = $1", f.VolunteerID); err != nil {
		return model.Internal(err)
	}
	var a args
	var active bool
	err := tx.QueryRowContext(ctx, "SELECT v.active FROM volunteers v WHERE v.id = "+a.add(f.VolunteerID)+" AND "+volunteerReach(pr, "v", &a), a...).Scan(&active)
	if err == sql.ErrNoRows || (err == nil && !active) {
		return model.FieldErrors{"volunteer_id": model.M("need.volunteer_invalid")}.Err()
	}
	if err != nil {
		return model.Internal(err)
	}
	end := f.EndsOn
	if end == "" {
		end = "9999-12-31"
	}
	var n int
	err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pairings WHERE volunteer_id = $1 AND person_id = $2 AND id <> $3
		AND starts_on <= $4 AND (ends_on = '' OR ends_on >= $5)`, f.VolunteerID, f.PersonID, self, end, f.StartsOn).Scan(&n)
	if err != nil {
		return model.Internal(err)
	}
	if n > 0 {
		return &model.Error{Code: model.EConflict, Msg: model.M("pairing.overlap"), Fields: map[string]model.Msg{"starts_on": model.M("pairing.overlap")}}
	}
	return nil
}

// CreatePairing pairs a volunteer with a person's family for a period.
// Returns EUnauthenticated, EForbidden without volunteer.manage, EInvalid
// (volunteer_id, person_id, starts_on, ends_on, note), ENotFound for a person
// missing or out of scope, EConflict when it overlaps a pairing of the same
// volunteer and person.
func (s *Store) CreatePairing(ctx context.Context, in model.PairingInput) (_ model.Pairing, err error) {
	defer wrap(&err, "CreatePairing()")
	pr, err := principal(ctx, auth.PermVolunteerManage)
	if err != nil {
		return model.Pairing{}, err
	}
	var f model.PairingFields
	in.Apply(&f)
	if err := f.Normalize().Err(); err != nil {
		return model.Pairing{}, err
	}
	var pa model.Pairing
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.checkPairing(ctx, tx, pr, f, 0); err != nil {
			return err
		}
		now := ms(s.now())
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO pairings (volunteer_id, person_id, starts_on, ends_on, note, created_by, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id`, f.VolunteerID, f.PersonID, f.StartsOn, f.EndsOn, f.Note, nullID(pr.UserID), now).Scan(&id); err != nil {
			return model.Internal(err)
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActPairingCreate, ObjectType: "pairing", ObjectID: strconv.FormatInt(id, 10),
			Detail: "volunteer=" + strconv.FormatInt(f.VolunteerID, 10) + " person=" + strconv.FormatInt(f.PersonID, 10)}); err != nil {
			return err
		}
		pa, err = s.getPairing(ctx, tx, pr, id)
		return err
	})
	return pa, err
}

// UpdatePairing changes a pairing's period or note (ending a pairing sets ends_on).
// Returns EUnauthenticated, EForbidden, ENotFound, EInvalid, EConflict, EStaleVersion.
func (s *Store) UpdatePairing(ctx context.Context, id int64, in model.PairingInput) (_ model.Pairing, err error) {
	defer wrap(&err, "UpdatePairing(%d)", id)
	// unscoped: the pairing is read in scope first (getPairing).
	pr, err := principal(ctx, auth.PermVolunteerManage)
	if err != nil {
		return model.Pairing{}, err
	}
	var pa model.Pairing
	err = s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.getPairing(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if in.Version != nil && *in.Version != cur.Version {
			return staleVersion()
		}
		f := model.PairingFields{VolunteerID: cur.VolunteerID, PersonID: cur.PersonID, StartsOn: cur.StartsOn, EndsOn: cur.EndsOn, Note: cur.Note}
		in.Apply(&f)
		if err := f.Normalize().Err(); err != nil {
			return err
		}
		if err := s.checkPairing(ctx, tx, pr, f, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE pairings SET volunteer_id = $1, person_id = $2, starts_on = $3, ends_on = $4, note = $5,
			version = version + 1, updated_at = $6 WHERE id = $7 AND version = $8`, f.VolunteerID, f.PersonID, f.StartsOn, f.EndsOn, f.Note, ms(s.now()), id, cur.Version)
		if err != nil {
			return model.Internal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return staleVersion()
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActPairingUpdate, ObjectType: "pairing", ObjectID: strconv.FormatInt(id, 10)}); err != nil {
			return err
		}
		pa, err = s.getPairing(ctx, tx, pr, id)
		return err
	})
	return pa, err
}

// DeletePairing removes a pairing entered by mistake (end one by setting ends_on).
// Returns EUnauthenticated, EForbidden, ENotFound, EStaleVersion.
func (s *Store) DeletePairing(ctx context.Context, id int64, version *int64) (err error) {
	defer wrap(&err, "DeletePairing(%d)", id)
	// unscoped: the pairing is read in scope first (getPairing).
	pr, err := principal(ctx, auth.PermVolunteerManage)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.getPairing(ctx, tx, pr, id)
		if err != nil {
			return err
		}
		if version != nil && *version != cur.Version {
			return staleVersion()
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM pairings WHERE id = $1", id); err != nil {
			return model.Internal(err)
		}
		return s.appendAudit(ctx, tx, auditRecord{Action: ActPairingDelete, ObjectType: "pairing", ObjectID: strconv.FormatInt(id, 10)})
	})
}
