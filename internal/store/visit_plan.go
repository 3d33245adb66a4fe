package store

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/model"
)

// VisitsDue is the visit plan: every frontline person in the caller's scope
// with their last contact, the interval their family's care needs and their
// region's policy give (default 7 days, 3 with elderly, minor or disabled
// members), the next due date and whether it is due (within a day) or
// overdue, with counts per institution over the whole selection. Items are
// sorted by next due date, the most overdue first, and paged.
//
// The database works out each person's next date, selects, sorts and pages
// (visitPlanSQL) while the counts per institution are taken side by side;
// only the page's people are then read by name.
// Returns EUnauthenticated, EForbidden without visit.read.
func (s *Store) VisitsDue(ctx context.Context, f model.VisitDueFilter) (_ model.VisitPlan, err error) {
	defer wrap(&err, "VisitsDue()")
	out := model.VisitPlan{Items: []model.VisitDue{}, Institutions: []model.VisitInstitutionCount{}}
	pr, err := principal(ctx, auth.PermVisitRead)
	if err != nil {
		return out, err
	}
	page := clampPage(f.Page)
	out.Limit, out.Offset = page.Limit, page.Offset
	now := s.now()
	ivs, err := s.visitIntervals(ctx, pr, f.RegionCode)
	if err != nil {
		return out, err
	}
	var wg sync.WaitGroup
	var errCounts error
	wg.Go(func() { out.Institutions, errCounts = s.visitInstitutionCounts(ctx, pr, f, ivs, now) })
	ids, next, err := s.visitPlanPage(ctx, pr, f, ivs, now, page)
	wg.Wait()
	if err != nil {
		return out, err
	}
	if errCounts != nil {
		return out, errCounts
	}
	for _, c := range out.Institutions {
		out.People += c.People
		out.Due += c.Due
		out.Overdue += c.Overdue
	}
	switch f.Status {
	case model.VisitPlanDue:
		out.Total = out.Due
	case model.VisitPlanOverdue:
		out.Total = out.Overdue
	default:
		out.Total = out.People
	}
	if out.Items, err = s.visitDueRows(ctx, ids, ivs); err != nil {
		return out, err
	}
	for i := range out.Items {
		d := &out.Items[i]
		d.NextDueAt = fromMS(next[d.PersonID])
		d.Due, d.Overdue = casework.VisitState(d.NextDueAt, now)
	}
	return out, nil
}

// visitPlanPage returns the ids of a page of the plan, in order, and their
// next due dates (Unix ms).
func (s *Store) visitPlanPage(ctx context.Context, pr *auth.Principal, f model.VisitDueFilter, ivs visitIntervals, now time.Time,
	page model.Page) ([]int64, map[int64]int64, error) {
	var a args
	dueBy, overdueBefore := visitThresholds(now)
	q := "WITH v AS MATERIALIZED (" + visitPlanSQL(pr, f, ivs, visitNextDue, now, &a) + ") SELECT v.id, v.next_due FROM v"
	switch f.Status {
	case model.VisitPlanDue:
		q += " WHERE v.next_due <= " + a.add(dueBy)
	case model.VisitPlanOverdue:
		q += " WHERE v.next_due < " + a.add(overdueBefore)
	}
	q += " ORDER BY v.next_due, v.id LIMIT " + a.add(page.Limit) + " OFFSET " + a.add(page.Offset)
	rows, err := s.scan.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, nil, model.Internal(err)
	}
	defer rows.Close()
	var ids []int64
	next := map[int64]int64{}
	for rows.Next() {
		var id, due int64
		if err := rows.Scan(&id, &due); err != nil {
			return nil, nil, model.Internal(err)
		}
		ids, next[id] = append(ids, id), due
	}
	if err := rows.Err(); err != nil {
		return nil, nil, model.Internal(err)
	}
	return ids, next, nil
}

// visitTotals counts the visit plan of the frontline people in the caller's
// scope matching f, naming nobody: the dashboard's figures. It is scoped as
// VisitsDue is; its callers decide who may see the numbers.
func (s *Store) visitTotals(ctx context.Context, pr *auth.Principal, f model.VisitDueFilter, now time.Time) (model.VisitInstitutionCount, error) {
	var c model.VisitInstitutionCount
	ivs, err := s.visitIntervals(ctx, pr, f.RegionCode)
	if err != nil {
		return c, err
	}
	var a args
	q := "WITH v AS MATERIALIZED (" + visitPlanSQL(pr, f, ivs, visitState, now, &a) + ") SELECT " + visitStateCounts + " FROM v"
	if err := s.scan.QueryRowContext(ctx, q, a...).Scan(&c.People, &c.Due, &c.Overdue); err != nil {
		return c, model.Internal(err)
	}
	return c, nil
}

// visitInstitutionCounts counts the visit plan per institution, the most
// overdue first.
func (s *Store) visitInstitutionCounts(ctx context.Context, pr *auth.Principal, f model.VisitDueFilter, ivs visitIntervals,
	now time.Time) ([]model.VisitInstitutionCount, error) {
	var a args
	q := "WITH v AS MATERIALIZED (" + visitPlanSQL(pr, f, ivs, visitState, now, &a) + ") SELECT c.institution_id, i.name, c.people, c.due, c.overdue FROM (" +
		"SELECT v.institution_id, " + visitStateCounts + " FROM v GROUP BY v.institution_id) c" +
		" JOIN institutions i ON i.id = c.institution_id ORDER BY c.overdue DESC, c.institution_id"
	rows, err := s.scan.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	out := []model.VisitInstitutionCount{}
	for rows.Next() {
		var c model.VisitInstitutionCount
		if err := rows.Scan(&c.InstitutionID, &c.InstitutionName, &c.People, &c.Due, &c.Overdue); err != nil {
			return nil, model.Internal(err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	return out, nil
}

// visitStateCounts counts the people of v, and those due and overdue (state 1 or 2, 2).
const visitStateCounts = "COUNT(*) AS people, COUNT(*) FILTER (WHERE v.state >= 1) AS due, COUNT(*) FILTER (WHERE v.state = 2) AS overdue"

// visitThresholds turns casework.VisitState into bounds on a next due date
// in Unix milliseconds: due when next_due <= dueBy, overdue when next_due <
// overdueBefore (now rounded up to the millisecond: a date equal to now has
// not passed).
func visitThresholds(now time.Time) (dueBy, overdueBefore int64) {
	overdueBefore = ms(now)
	if now.Sub(time.UnixMilli(overdueBefore)) > 0 {
		overdueBefore++
	}
	return ms(now.Add(casework.VisitDueWindow)), overdueBefore
}

// What visitPlanSQL works out for each person.
const (
	visitNextDue = iota // next_due: when they must next be contacted (Unix ms)
	visitState          // state: 0 not due, 1 due within the day, 2 overdue
)

// visitPlanSQL selects the frontline people in the caller's scope matching
// f, one row each: id, institution_id, and next_due or state. The next due
// date is the interval after the last visit, or after registration for
// someone never visited (casework.NextVisit); the interval is the region's
// (visitIntervals), the shorter one for a family with someone to care for.
//
// Whether the family needs care costs a look at each relative, so the state
// asks only when the answer matters: someone overdue even on the longer
// interval is overdue, someone not due even on the shorter one is not due,
// and only those in between are looked up. The sum is the same; what it
// costs depends on how many were visited in between.
func visitPlanSQL(pr *auth.Principal, f model.VisitDueFilter, ivs visitIntervals, what int, now time.Time, a *args) string {
	cond := []string{scopeOf(pr).on("people", "p", a), "p.frontline = " + a.add(true)}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("p.region_code", f.RegionCode, a))
	}
	if f.InstitutionID != 0 {
		cond = append(cond, "p.institution_id = "+a.add(f.InstitutionID))
	}
	base := "CASE WHEN p.last_visit_at > 0 THEN p.last_visit_at ELSE p.created_at END"
	at := func(days string) string { return "(" + base + " + " + dayMS + " * " + days + ")" }
	plain, care := ivs.sql("p", a, func(r visitRule) int { return r.plain }), ivs.sql("p", a, func(r visitRule) int { return r.care })
	sameInterval := ivs.same()
	var col string
	switch what {
	case visitNextDue:
		col = at(plain)
		if !sameInterval {
			col = "CASE WHEN " + careSQL("p", a) + " THEN " + at(care) + " ELSE " + col + " END"
		}
		col += " AS next_due"
	default:
		dueBy, overdueBefore := visitThresholds(now)
		db, ob := a.add(dueBy), a.add(overdueBefore)
		state := func(days string) string {
			return "CASE WHEN " + at(days) + " < " + ob + " THEN 2 WHEN " + at(days) + " <= " + db + " THEN 1 ELSE 0 END"
		}
		col = state(plain)
		if !sameInterval {
			lo := ivs.sql("p", a, func(r visitRule) int { return min(r.plain, r.care) })
			hi := ivs.sql("p", a, func(r visitRule) int { return max(r.plain, r.care) })
			col = "CASE WHEN " + at(hi) + " < " + ob + " THEN 2 WHEN " + at(lo) + " > " + db + " THEN 0" +
				" WHEN " + at(lo) + " >= " + ob + " AND " + at(hi) + " <= " + db + " THEN 1" +
				" WHEN " + careSQL("p", a) + " THEN " + state(care) + " ELSE " + col + " END"
		}
		col += " AS state"
	}
	return "SELECT p.id, p.institution_id, " + col + " FROM people p WHERE " + strings.Join(cond, " AND ")
}

// dayMS is a day in milliseconds, as SQL.
const dayMS = "86400000"

// careSQL is the condition "the family of person alias p has elderly, minor
// or disabled members to care for" (casework.CareCadence).
func careSQL(p string, a *args) string {
	// unscoped: part of a condition on people already in scope.
	var care []string
	for _, c := range casework.CareCadenceNeeds() {
		care = append(care, "(',' || fm.care_needs || ',') LIKE "+a.add("%,"+c+",%"))
	}
	return "EXISTS (SELECT 1 FROM family_members fm WHERE fm.person_id = " + p + ".id AND (" + strings.Join(care, " OR ") + "))"
}

// visitDueRows reads the people of a page of the plan, in the order given,
// with their last contact, care and interval.
func (s *Store) visitDueRows(ctx context.Context, ids []int64, ivs visitIntervals) ([]model.VisitDue, error) {
	// unscoped: by id, of people the plan selected in scope.
	out := []model.VisitDue{}
	if len(ids) == 0 {
		return out, nil
	}
	var a args
	ph := make([]string, len(ids))
	for i, id := range ids {
		ph[i] = a.add(id)
	}
	q := "SELECT p.id, p.name, p.institution_id, i.name, p.region_code, p.last_visit_at, " + careSQL("p", &a) + ", " +
		ivs.sql("p", &a, func(r visitRule) int { return r.plain }) + ", " + ivs.sql("p", &a, func(r visitRule) int { return r.care }) +
		" FROM people p JOIN institutions i ON i.id = p.institution_id WHERE p.id IN (" + strings.Join(ph, ", ") + ")"
	rows, err := s.scan.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	byID := make(map[int64]model.VisitDue, len(ids))
	for rows.Next() {
		var d model.VisitDue
		var last int64
		var plain, care int
		if err := rows.Scan(&d.PersonID, &d.PersonName, &d.InstitutionID, &d.InstitutionName, &d.RegionCode, &last, &d.Care, &plain, &care); err != nil {
			return nil, model.Internal(err)
		}
		d.LastVisitAt, d.IntervalDays = optTime(last), plain
		if d.Care {
			d.IntervalDays = care
		}
		byID[d.PersonID] = d
	}
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	for _, id := range ids {
		if d, ok := byID[id]; ok {
			out = append(out, d)
		}
	}
	return out, nil
}

// visitRule is the pair of visit intervals (days) of a region: without and
// with care needs in the family.
type visitRule struct {
	plain, care int
}

// visitIntervals are the visit intervals in force over a selection of
// people: the regions inside it that set their own, most specific first,
// and the pair of everyone else.
type visitIntervals struct {
	by  []regionRule
	def visitRule
}

type regionRule struct {
	code string
	visitRule
}

// same reports whether care makes no difference anywhere.
func (v visitIntervals) same() bool {
	if v.def.plain != v.def.care {
		return false
	}
	for _, r := range v.by {
		if r.plain != r.care {
			return false
		}
	}
	return true
}

// sql is the value pick gives, as SQL over person alias p.
func (v visitIntervals) sql(p string, a *args, pick func(visitRule) int) string {
	def := strconv.Itoa(pick(v.def))
	uniform := true
	for _, r := range v.by {
		uniform = uniform && pick(r.visitRule) == pick(v.def)
	}
	if uniform {
		return def
	}
	var b strings.Builder
	b.WriteString("CASE")
	for _, r := range v.by {
		b.WriteString(" WHEN " + regionRange(p+".region_code", r.code, a) + " THEN " + strconv.Itoa(pick(r.visitRule)))
	}
	return b.String() + " ELSE " + def + " END"
}

// visitIntervals reads the visit interval settings that apply to the people
// in the caller's scope (narrowed to the region filter). They are resolved
// as effectiveSettings and casework.PolicyFrom resolve them for one region —
// the value of the most specific region of the person's region chain that
// sets one, or the default when that value is not valid — but as SQL on the
// person's region code, so that the database applies them row by row. A
// setting's region is in a person's chain exactly when it is a prefix of the
// person's region code: people carry their institution's region, a code of
// the region list, whose ancestors are its prefixes at the level lengths.
func (s *Store) visitIntervals(ctx context.Context, pr *auth.Principal, regionFilter string) (visitIntervals, error) {
	// unscoped: the visit intervals set per region, which every caller needs.
	// Every region of the selection starts with prefix: the settings of its
	// ancestors apply to all of it; those inside it to a part.
	prefix := regionFilter
	if pr.PersonID == 0 && pr.InstitutionID == 0 && !pr.System {
		switch {
		case strings.HasPrefix(pr.RegionCode, prefix):
			prefix = pr.RegionCode
		case !strings.HasPrefix(prefix, pr.RegionCode):
			prefix = "" // disjoint: nobody is selected
		}
	}
	names := []string{casework.SettingVisitInterval, casework.SettingVisitIntervalCare}
	rows, err := s.read.QueryContext(ctx, "SELECT region_code, name, value FROM settings WHERE name IN ($1, $2)", names[0], names[1])
	if err != nil {
		return visitIntervals{}, model.Internal(err)
	}
	defer rows.Close()
	type setting struct{ code, value string }
	var inside []string
	ancestor := map[string]setting{} // name → the most specific setting of an ancestor
	own := map[string][]setting{}    // name → the settings inside the selection
	for rows.Next() {
		var st setting
		var name string
		if err := rows.Scan(&st.code, &name, &st.value); err != nil {
			return visitIntervals{}, model.Internal(err)
		}
		switch {
		case strings.HasPrefix(prefix, st.code):
			if cur, ok := ancestor[name]; !ok || len(st.code) > len(cur.code) {
				ancestor[name] = st
			}
		case strings.HasPrefix(st.code, prefix):
			own[name] = append(own[name], st)
			if !slices.Contains(inside, st.code) {
				inside = append(inside, st.code)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return visitIntervals{}, model.Internal(err)
	}
	// days is the value of setting name for region code: the most specific
	// setting inside the selection whose region is a prefix of code, else
	// the ancestors', else the default; an invalid value gives the default.
	days := func(name, code string) int {
		spec, _ := casework.Spec(name)
		best, ok := ancestor[name]
		for _, st := range own[name] {
			if strings.HasPrefix(code, st.code) && (!ok || len(st.code) > len(best.code)) {
				best, ok = st, true
			}
		}
		if ok {
			if v, key := casework.CheckSetting(name, best.value); key == "" {
				n, _ := strconv.Atoi(v)
				return n
			}
		}
		return spec.Default
	}
	rule := func(code string) visitRule { return visitRule{days(names[0], code), days(names[1], code)} }
	out := visitIntervals{def: rule(prefix)}
	for _, code := range inside {
		out.by = append(out.by, regionRule{code, rule(code)})
	}
	slices.SortFunc(out.by, func(x, y regionRule) int {
		if c := cmp.Compare(len(y.code), len(x.code)); c != 0 {
			return c
		}
		return strings.Compare(x.code, y.code)
	})
	return out, nil
}
