package store

import (
	"context"
	"database/sql"
	"sort"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/casework"
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

// visitScope is the condition on visits alias vi: the people's scope, on the
// region and institution the visit carries.
func visitScope(pr *auth.Principal, vi string, a *args) string {
	switch {
	case pr.PersonID != 0:
		return vi + ".person_id = " + a.add(pr.PersonID)
	case pr.InstitutionID != 0:
		return vi + ".institution_id = " + a.add(pr.InstitutionID)
	default:
		return regionRange(vi+".region_code", pr.RegionCode, a)
	}
}

func (s *Store) getVisit(ctx context.Context, q queryer, pr *auth.Principal, id int64) (model.Visit, error) {
	var a args
	cond := "vi.id = " + a.add(id) + " AND " + visitScope(pr, "vi", &a)
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
func (s *Store) CreateVisit(ctx context.Context, in model.VisitInput) (model.Visit, error) {
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
func (s *Store) GetVisit(ctx context.Context, id int64) (model.Visit, error) {
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
		ids, err := queryIDs(ctx, s.read, "SELECT n.id FROM needs n WHERE n.visit_id = "+a.add(id)+" AND "+needScope(pr, "n", &a)+" ORDER BY n.id", a...)
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
func (s *Store) ListVisits(ctx context.Context, f model.VisitFilter) (model.List[model.Visit], error) {
	out := model.List[model.Visit]{Items: []model.Visit{}}
	pr, err := principal(ctx, auth.PermVisitRead)
	if err != nil {
		return out, err
	}
	page := clampPage(f.Page)
	var a args
	cond := []string{visitScope(pr, "vi", &a)}
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

// VisitsDue is the visit plan: every frontline person in the caller's scope
// with their last contact, the interval their family's care needs and their
// region's policy give (default 7 days, 3 with elderly, minor or disabled
// members), the next due date and whether it is due (within a day) or
// overdue, with counts per institution over the whole selection. Items are
// sorted by next due date, the most overdue first, and paged.
// Returns EUnauthenticated, EForbidden without visit.read.
func (s *Store) VisitsDue(ctx context.Context, f model.VisitDueFilter) (model.VisitPlan, error) {
	out := model.VisitPlan{Items: []model.VisitDue{}, Institutions: []model.VisitInstitutionCount{}}
	pr, err := principal(ctx, auth.PermVisitRead)
	if err != nil {
		return out, err
	}
	page := clampPage(f.Page)
	out.Limit, out.Offset = page.Limit, page.Offset
	now := s.now()
	var a args
	cond := []string{personScope(pr, "p", &a), "p.frontline = " + a.add(true)}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("p.region_code", f.RegionCode, &a))
	}
	if f.InstitutionID != 0 {
		cond = append(cond, "p.institution_id = "+a.add(f.InstitutionID))
	}
	var care []string
	for _, c := range casework.CareCadenceNeeds() {
		care = append(care, "(',' || fm.care_needs || ',') LIKE "+a.add("%,"+c+",%"))
	}
	q := `SELECT p.id, p.name, p.institution_id, i.name, p.region_code, p.last_visit_at, p.created_at,
		EXISTS (SELECT 1 FROM family_members fm WHERE fm.person_id = p.id AND (` + strings.Join(care, " OR ") + `))
		FROM people p JOIN institutions i ON i.id = p.institution_id WHERE ` + strings.Join(cond, " AND ")
	rows, err := s.read.QueryContext(ctx, q, a...)
	if err != nil {
		return out, model.Internal(err)
	}
	type row struct {
		d          model.VisitDue
		registered time.Time
	}
	var all []row
	for rows.Next() {
		var d model.VisitDue
		var last, created int64
		if err := rows.Scan(&d.PersonID, &d.PersonName, &d.InstitutionID, &d.InstitutionName, &d.RegionCode, &last, &created, &d.Care); err != nil {
			rows.Close()
			return out, model.Internal(err)
		}
		d.LastVisitAt = optTime(last)
		all = append(all, row{d, fromMS(created)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}
	policies := &policyCache{s: s, q: s.read}
	counts := map[int64]*model.VisitInstitutionCount{}
	var selected []model.VisitDue
	for _, r := range all {
		d := r.d
		pol, err := policies.get(ctx, d.RegionCode)
		if err != nil {
			return out, err
		}
		d.IntervalDays = pol.VisitIntervalDays(d.Care)
		var last time.Time
		if d.LastVisitAt != nil {
			last = *d.LastVisitAt
		}
		d.NextDueAt = casework.NextVisit(last, r.registered, d.IntervalDays)
		d.Due, d.Overdue = casework.VisitState(d.NextDueAt, now)
		c := counts[d.InstitutionID]
		if c == nil {
			c = &model.VisitInstitutionCount{InstitutionID: d.InstitutionID, InstitutionName: d.InstitutionName}
			counts[d.InstitutionID] = c
		}
		c.People++
		out.People++
		if d.Due {
			c.Due++
			out.Due++
		}
		if d.Overdue {
			c.Overdue++
			out.Overdue++
		}
		switch f.Status {
		case model.VisitPlanDue:
			if !d.Due {
				continue
			}
		case model.VisitPlanOverdue:
			if !d.Overdue {
				continue
			}
		}
		selected = append(selected, d)
	}
	sort.Slice(selected, func(i, j int) bool {
		if !selected[i].NextDueAt.Equal(selected[j].NextDueAt) {
			return selected[i].NextDueAt.Before(selected[j].NextDueAt)
		}
		return selected[i].PersonID < selected[j].PersonID
	})
	out.Total = len(selected)
	if page.Offset < len(selected) {
		out.Items = selected[page.Offset:min(page.Offset+page.Limit, len(selected))]
	}
	for _, c := range counts {
		out.Institutions = append(out.Institutions, *c)
	}
	sort.Slice(out.Institutions, func(i, j int) bool {
		if out.Institutions[i].Overdue != out.Institutions[j].Overdue {
			return out.Institutions[i].Overdue > out.Institutions[j].Overdue
		}
		return out.Institutions[i].InstitutionID < out.Institutions[j].InstitutionID
	})
	return out, nil
}
