package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
)

const visitColumns = `vi.id, vi.person_id, p.name, vi.institution_id, i.name, vi.region_code, vi.target, vi.channel, vi.visited_at, vi.notes,
	vi.visitor_user_id, vi.visitor_username, vi.created_at, (SELECT COUNT(*) FROM needs nv WHERE nv.visit_id = vi.id)`

const visitFrom = ` FROM visits vi JOIN people p ON p.id = vi.person_id JOIN institutions i ON i.id = vi.institution_id `

func scanVisit(row interface{ Scan(...any) error }) (model.Visit, error) {
	var v model.Visit
	var visited, created int64
	var uid sql.NullInt64
	if err := row.Scan(&v.ID, &v.PersonID, &v.PersonName, &v.InstitutionID, &v.InstitutionName, &v.RegionCode, &v.Target, &v.Channel,
		&visited, &v.Notes, &uid, &v.Visitor, &created, &v.NeedCount); err != nil {
		return v, err
	}
	v.VisitedAt, v.CreatedAt, v.VisitorUserID = fromMS(visited), fromMS(created), nullToPtr(uid)
	return v, nil
}

func (s *Store) getVisit(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.Visit, error) {
	var a args
	cond := "vi.id = " + a.add(id) + " AND " + scopeOf(pr).on("visits", "vi", &a)
	v, err := scanVisit(q.QueryRowContext(ctx, "SELECT "+visitColumns+visitFrom+"WHERE "+cond, a...))
	if err == sql.ErrNoRows {
		return v, model.NotFound("visit")
	}
	if err != nil {
		return v, model.Internal(err)
	}
	return v, nil
}

// CreateVisit records a visit to a person in the caller's scope and, in the
// same transaction, the needs heard during it (source visit, visit_id set);
// it moves the person's last-visit time forward. A visit with needs needs
// need.write as well.
// Returns EUnauthenticated, EForbidden without visit.write (or need.write for
// needs), EInvalid (person_id, target, channel, visited_at in the future,
// notes, needs[i].field), ENotFound for a person missing or out of scope.
func (s *Store) CreateVisit(ctx context.Context, in model.VisitInput) (_ model.Visit, err error) {
	defer wrap(&err, "CreateVisit()")
	// unscoped: the person is read in scope first (getPerson) in the same transaction.
	pr, err := principal(ctx, auth.PermVisitWrite)
	if err != nil {
		return model.Visit{}, err
	}
	if len(in.Needs) > 0 && !pr.Can(auth.PermNeedWrite) {
		return model.Visit{}, model.Errorf(model.EForbidden, "error.forbidden")
	}
	now := s.now()
	if err := in.Normalize(now).Err(); err != nil {
		return model.Visit{}, err
	}
	var v model.Visit
	err = s.tx(ctx, func(tx *sql.Tx) error {
		p, err := s.getPerson(ctx, tx, pr, in.PersonID, false)
		if err != nil {
			return err
		}
		at := ms(now)
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO visits (person_id, region_code, institution_id, target, channel, visited_at, notes,
			visitor_user_id, visitor_username, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			p.ID, p.RegionCode, p.InstitutionID, in.Target, in.Channel, ms(in.VisitedAt), in.Notes, nullID(pr.UserID), pr.Username, at).Scan(&id); err != nil {
			return model.Internal(err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE people SET last_visit_at = $1 WHERE id = $2 AND last_visit_at < $1", ms(in.VisitedAt), p.ID); err != nil {
			return model.Internal(err)
		}
		if err := s.appendAudit(ctx, tx, auditRecord{Action: ActVisitCreate, ObjectType: "visit", ObjectID: strconv.FormatInt(id, 10),
			Detail: "person=" + strconv.FormatInt(p.ID, 10) + " needs=" + strconv.Itoa(len(in.Needs))}); err != nil {
			return err
		}
		var rows []needRow
		ntx, pols := &needTx{Tx: tx}, &policyCache{s: s, q: tx}
		for i := range in.Needs {
			r, err := s.createNeedTx(ctx, ntx, pr, &in.Needs[i], &id, "needs["+strconv.Itoa(i)+"].", now, pols)
			if err != nil {
				return err
			}
			rows = append(rows, r)
		}
		if v, err = s.getVisit(ctx, tx, pr, id); err != nil {
			return err
		}
		for _, r := range rows {
			n, _, err := s.present(pr, r, now)
			if err != nil {
				return model.Internal(err)
			}
			v.Needs = append(v.Needs, n)
		}
		return nil
	})
	return v, err
}

// GetVisit returns a visit in the caller's scope with the needs recorded during it.
// Returns EUnauthenticated, EForbidden without visit.read, ENotFound.
func (s *Store) GetVisit(ctx context.Context, id int64) (_ model.Visit, err error) {
	defer wrap(&err, "GetVisit(%d)", id)
	pr, err := principal(ctx, auth.PermVisitRead)
	if err != nil {
		return model.Visit{}, err
	}
	v, err := s.getVisit(ctx, s.read, pr, id)
	if err != nil {
		return v, err
	}
	if pr.Can(auth.PermNeedRead) {
		var a args
		ids, err := queryIDs(ctx, s.read, "SELECT n.id FROM needs n WHERE n.visit_id = "+a.add(id)+" AND "+scopeOf(pr).on("needs", "n", &a)+" ORDER BY n.id", a...)
		if err != nil {
			return v, err
		}
		rows, err := s.needsByID(ctx, s.read, ids)
		if err != nil {
			return v, err
		}
		now := s.now()
		for _, r := range rows {
			n, _, err := s.present(pr, r, now)
			if err != nil {
				return v, model.Internal(err)
			}
			v.Needs = append(v.Needs, n)
		}
	}
	return v, nil
}

// ListVisits returns the visits in the caller's scope matching f, latest first.
// Returns EUnauthenticated, EForbidden without visit.read.
func (s *Store) ListVisits(ctx context.Context, f model.VisitFilter) (_ model.List[model.Visit], err error) {
	defer wrap(&err, "ListVisits()")
	out := model.List[model.Visit]{Items: []model.Visit{}}
	pr, err := principal(ctx, auth.PermVisitRead)
	if err != nil {
		return out, err
	}
	page := clampPage(f.Page)
	var a args
	cond := []string{scopeOf(pr).on("visits", "vi", &a)}
	if f.PersonID != 0 {
		cond = append(cond, "vi.person_id = "+a.add(f.PersonID))
	}
	if f.InstitutionID != 0 {
		cond = append(cond, "vi.institution_id = "+a.add(f.InstitutionID))
	}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("vi.region_code", f.RegionCode, &a))
	}
	if !f.From.IsZero() {
		cond = append(cond, "vi.visited_at >= "+a.add(ms(f.From)))
	}
	if !f.To.IsZero() {
		cond = append(cond, "vi.visited_at < "+a.add(ms(f.To)))
	}
	where := strings.Join(cond, " AND ")
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM visits vi WHERE "+where, a...).Scan(&out.Total); err != nil {
		return out, model.Internal(err)
	}
	rows, err := s.read.QueryContext(ctx, "SELECT "+visitColumns+visitFrom+"WHERE "+where+" ORDER BY vi.visited_at DESC, vi.id DESC LIMIT "+
		a.add(page.Limit)+" OFFSET "+a.add(page.Offset), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scanVisit(rows)
		if err != nil {
			return out, model.Internal(err)
		}
		out.Items = append(out.Items, v)
	}
	out.Limit, out.Offset = page.Limit, page.Offset
	return out, rows.Err()
}
