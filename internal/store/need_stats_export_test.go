package store

import (
	"context"
	"database/sql"
	"slices"
	"sort"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/model"
)

// The plain computations the dashboard and the visit plan are checked
// against: every case and every person is read, the scope rules are applied
// in Go as DOMAIN.md and the role table state them, the policy of each region
// is resolved one region at a time (policyCache), and the median is the
// middle of the sorted durations. They are slow and obviously right.

// NeedStatsReferenceForTest answers what NeedStats must answer.
func (s *Store) NeedStatsReferenceForTest(ctx context.Context, f model.NeedStatsFilter) (model.NeedStats, error) {
	out := model.NeedStats{Counts: []model.NeedCount{}}
	pr := auth.FromContext(ctx)
	now := s.now()
	out.OutcomeFrom, out.OutcomeTo = f.OutcomeWindow(now)
	volunteers, err := queryIDs(ctx, s.read, "SELECT id FROM volunteers WHERE user_id = $1", pr.UserID)
	if err != nil {
		return out, err
	}
	rows, err := s.read.QueryContext(ctx, `SELECT person_id, institution_id, region_code, category, status, due_at, escalation_level,
		satisfaction, resolved_at, created_at, assignee_user_id, assignee_volunteer_id FROM needs`)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	counts := map[[2]string]int{}
	var durations []int64
	var rated, satSum int64
	resolvedInPeriod := 0
	for rows.Next() {
		var person, inst, due, created, resolved int64
		var level int
		var region, category, status string
		var sat, user, vol sql.NullInt64
		if err := rows.Scan(&person, &inst, &region, &category, &status, &due, &level, &sat, &resolved, &created, &user, &vol); err != nil {
			return out, err
		}
		// What the caller may see of the cases (needScope).
		var sees bool
		switch {
		case pr.System:
			sees = true
		case pr.Role == auth.RoleVolunteer:
			sees = user.Valid && user.Int64 == pr.UserID || vol.Valid && slices.Contains(volunteers, vol.Int64)
		case pr.PersonID != 0:
			sees = person == pr.PersonID
		case pr.InstitutionID != 0:
			sees = inst == pr.InstitutionID
		default:
			sees = strings.HasPrefix(region, pr.RegionCode)
		}
		if pr.Role == auth.RoleCounselor && category != model.CategoryPsychological {
			sees = false
		}
		if !sees || !strings.HasPrefix(region, f.RegionCode) || f.InstitutionID != 0 && inst != f.InstitutionID ||
			!f.From.IsZero() && created < ms(f.From) || !f.To.IsZero() && created >= ms(f.To) {
			continue
		}
		counts[[2]string{category, status}]++
		out.Total++
		if casework.Active(status) {
			out.Active++
			if due < ms(now) || level > 0 { // escalated: it missed a deadline
				out.Overdue++
			}
			if level > 0 {
				out.Escalated++
			}
		}
		if resolved > 0 {
			out.Resolved++ // resolved at some point and not reopened (reopening clears it)
		}
		if created < ms(out.OutcomeFrom) || created >= ms(out.OutcomeTo) {
			continue
		}
		if resolved > 0 {
			resolvedInPeriod++
			durations = append(durations, resolved-created)
		}
		if status == model.NeedClosed && sat.Valid {
			rated++
			satSum += sat.Int64
		}
	}
	if err := rows.Err(); err != nil {
		return out, err
	}
	for k, n := range counts {
		out.Counts = append(out.Counts, model.NeedCount{Category: k[0], Status: k[1], Count: model.Count(n)})
	}
	sort.Slice(out.Counts, func(i, j int) bool {
		a, b := out.Counts[i], out.Counts[j]
		if a.Category != b.Category {
			return a.Category < b.Category
		}
		return a.Status < b.Status
	})
	for _, c := range model.NeedCategories {
		n := 0
		for _, st := range model.NeedStatuses {
			n += counts[[2]string{c, st}]
		}
		out.ByCategory = append(out.ByCategory, model.NeedCategoryCount{Category: c, Count: model.Count(n)})
	}
	for _, st := range model.NeedStatuses {
		n := 0
		for _, c := range model.NeedCategories {
			n += counts[[2]string{c, st}]
		}
		out.ByStatus = append(out.ByStatus, model.NeedStatusCount{Status: st, Count: model.Count(n)})
	}
	if len(durations) > 0 {
		slices.Sort(durations)
		out.MedianResolveSeconds = durations[len(durations)/2] / 1000
	}
	if rated > 0 {
		out.MeanSatisfaction = float64(satSum) / float64(rated)
	}
	if pr.Can(auth.PermVisitRead) || pr.Can(auth.PermAggregateRead) {
		plan, err := s.VisitsDueReferenceForTest(ctx, model.VisitDueFilter{RegionCode: f.RegionCode, InstitutionID: f.InstitutionID}, true)
		if err != nil {
			return out, err
		}
		out.Visits = &model.VisitCounts{People: model.Count(plan.People), Due: model.Count(plan.Due), Overdue: model.Count(plan.Overdue)}
	}
	if !pr.Can(auth.PermNeedRead) {
		out.Suppress(resolvedInPeriod, int(rated))
	}
	return out, nil
}

// VisitsDueReferenceForTest answers what VisitsDue must answer (the plan as
// the first version computed it: everyone read, the policy resolved per
// region, sorted in Go). anyRole skips the visit.read check, for the
// dashboard's totals.
func (s *Store) VisitsDueReferenceForTest(ctx context.Context, f model.VisitDueFilter, anyRole bool) (model.VisitPlan, error) {
	out := model.VisitPlan{Items: []model.VisitDue{}, Institutions: []model.VisitInstitutionCount{}}
	pr := auth.FromContext(ctx)
	if !anyRole && !pr.Can(auth.PermVisitRead) {
		return out, model.Errorf(model.EForbidden, "error.forbidden")
	}
	page := clampPage(f.Page)
	out.Limit, out.Offset = page.Limit, page.Offset
	now := s.now()
	care := map[int64]bool{}
	rows, err := s.read.QueryContext(ctx, "SELECT person_id, care_needs FROM family_members")
	if err != nil {
		return out, err
	}
	for rows.Next() {
		var person int64
		var needs string
		if err := rows.Scan(&person, &needs); err != nil {
			rows.Close()
			return out, err
		}
		if casework.CareCadence(splitCare(needs)) {
			care[person] = true
		}
	}
	rows.Close()
	rows, err = s.read.QueryContext(ctx, `SELECT p.id, p.name, p.institution_id, i.name, p.region_code, p.frontline, p.last_visit_at, p.created_at
		FROM people p JOIN institutions i ON i.id = p.institution_id`)
	if err != nil {
		return out, err
	}
	type row struct {
		d          model.VisitDue
		registered time.Time
	}
	var all []row
	for rows.Next() {
		var d model.VisitDue
		var frontline bool
		var last, created int64
		if err := rows.Scan(&d.PersonID, &d.PersonName, &d.InstitutionID, &d.InstitutionName, &d.RegionCode, &frontline, &last, &created); err != nil {
			rows.Close()
			return out, err
		}
		var sees bool
		switch {
		case pr.System:
			sees = true
		case pr.PersonID != 0:
			sees = d.PersonID == pr.PersonID
		case pr.InstitutionID != 0:
			sees = d.InstitutionID == pr.InstitutionID
		default:
			sees = strings.HasPrefix(d.RegionCode, pr.RegionCode)
		}
		if !sees || !frontline || !strings.HasPrefix(d.RegionCode, f.RegionCode) || f.InstitutionID != 0 && d.InstitutionID != f.InstitutionID {
			continue
		}
		d.LastVisitAt, d.Care = optTime(last), care[d.PersonID]
		all = append(all, row{d, fromMS(created)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
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
