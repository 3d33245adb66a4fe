package store

import (
	"context"
	"database/sql"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/model"
)

// NeedStats returns the aggregates of the dashboard for the caller's scope:
// counts per category and status, active, overdue, escalated and resolved
// cases, the median time to resolve and the mean satisfaction of the cases
// recorded in the outcome period (the period asked for, or the last
// model.NeedOutcomeDays days), and the visit plan's totals. It names nobody,
// so a leader (ledger.export without need.read) may read it too, with the
// small cells suppressed (model.SmallCell). The visit totals go to the roles
// that plan visits (visit.read) or read aggregates (aggregate.read).
//
// Four queries run side by side on the read pool, so that a call takes about
// as long as the longest of them rather than their sum: the counts, from the
// covering list index alone (needCounts); the active cases' deadlines and
// escalation (needActiveFigures); the outcome period's resolution times and
// satisfaction (needOutcomes); and the visit totals (visitTotals). For a
// period (from, to), whose cases must be read from the table anyway since no
// list index holds the creation time, one query reads each of them once
// (needPeriodFigures). None reads a case it does not count, and none sorts
// more than the outcome period's resolved cases.
// Returns EUnauthenticated, EForbidden (finance and the administrators), EInternal.
func (s *Store) NeedStats(ctx context.Context, f model.NeedStatsFilter) (model.NeedStats, error) {
	out := model.NeedStats{Counts: []model.NeedCount{}}
	pr := auth.FromContext(ctx)
	if pr == nil {
		return out, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	if !pr.Can(auth.PermNeedRead) && !pr.Can(auth.PermLedgerExport) {
		return out, model.Errorf(model.EForbidden, "error.forbidden")
	}
	now := s.now()
	out.OutcomeFrom, out.OutcomeTo = f.OutcomeWindow(now)
	from, to := ms(out.OutcomeFrom), ms(out.OutcomeTo)
	var (
		wg      sync.WaitGroup
		counts  map[string]map[string]int
		active  needActive
		outcome needOutcome
		visits  model.VisitInstitutionCount
		errs    [4]error
	)
	if f.From.IsZero() && f.To.IsZero() {
		wg.Go(func() { counts, errs[0] = s.needCounts(ctx, pr, f) })
		wg.Go(func() { active, errs[1] = s.needActiveFigures(ctx, pr, f, now) })
		wg.Go(func() { outcome, errs[2] = s.needOutcomes(ctx, pr, f, from, to) })
	} else {
		wg.Go(func() { counts, active, outcome, errs[0] = s.needPeriodFigures(ctx, pr, f, now, from, to) })
	}
	withVisits := pr.Can(auth.PermVisitRead) || pr.Can(auth.PermAggregateRead)
	if withVisits {
		wg.Go(func() {
			visits, errs[3] = s.visitTotals(ctx, pr, model.VisitDueFilter{RegionCode: f.RegionCode, InstitutionID: f.InstitutionID}, now)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return out, err
		}
	}
	byCategory := map[string]int{}
	for _, status := range sortedKeys(counts) {
		for _, category := range sortedKeys(counts[status]) {
			n := counts[status][category]
			byCategory[category] += n
			out.Total += model.Count(n)
			if casework.Active(status) {
				out.Active += model.Count(n)
			}
			if status == model.NeedResolved || status == model.NeedClosed {
				out.Resolved += model.Count(n)
			}
		}
	}
	// Category then status, in the codes' byte order, as ORDER BY category, status has it.
	for _, category := range sortedKeys(byCategory) {
		for _, status := range sortedKeys(counts) {
			if n, ok := counts[status][category]; ok {
				out.Counts = append(out.Counts, model.NeedCount{Category: category, Status: status, Count: model.Count(n)})
			}
		}
	}
	for _, c := range model.NeedCategories {
		out.ByCategory = append(out.ByCategory, model.NeedCategoryCount{Category: c, Count: model.Count(byCategory[c])})
	}
	for _, st := range model.NeedStatuses {
		n := 0
		for _, c := range counts[st] {
			n += c
		}
		out.ByStatus = append(out.ByStatus, model.NeedStatusCount{Status: st, Count: model.Count(n)})
	}
	out.Overdue, out.Escalated = model.Count(active.overdue), model.Count(active.escalated)
	out.MedianResolveSeconds = outcome.medianMS / 1000
	if outcome.rated > 0 {
		out.MeanSatisfaction = float64(outcome.satisfactionSum) / float64(outcome.rated)
	}
	if withVisits {
		out.Visits = &model.VisitCounts{People: model.Count(visits.People), Due: model.Count(visits.Due), Overdue: model.Count(visits.Overdue)}
	}
	if !pr.Can(auth.PermNeedRead) {
		out.Suppress(outcome.resolved, outcome.rated)
	}
	return out, nil
}

// sortedKeys returns the keys of m in byte order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// needStatsWhere is the selection of the dashboard on needs alias n: what the
// caller may see of the cases (needScope, as the lists), and the filter.
func needStatsWhere(pr *auth.Principal, f model.NeedStatsFilter, a *args) string {
	cond := []string{needScope(pr, "n", a)}
	if f.RegionCode != "" {
		cond = append(cond, regionRange("n.region_code", f.RegionCode, a))
	}
	if f.InstitutionID != 0 {
		cond = append(cond, "n.institution_id = "+a.add(f.InstitutionID))
	}
	if !f.From.IsZero() {
		cond = append(cond, "n.created_at >= "+a.add(ms(f.From)))
	}
	if !f.To.IsZero() {
		cond = append(cond, "n.created_at < "+a.add(ms(f.To)))
	}
	return strings.Join(cond, " AND ")
}

// needCounts counts the selected cases per status and category: status →
// category → count, only pairs with cases. The status list in the condition
// lets the list index (status first, then region) answer it alone; one
// conditional count per category (FILTER) costs a fraction of a GROUP BY on
// both columns, which sorts every case. A category outside the model's list
// (none is ever written) would make the sum fall short; that status is then
// counted again by category.
func (s *Store) needCounts(ctx context.Context, pr *auth.Principal, f model.NeedStatsFilter) (map[string]map[string]int, error) {
	q, a := needCountsSQL(pr, f)
	rows, err := s.scan.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	out := map[string]map[string]int{}
	var short []string
	for rows.Next() {
		var status string
		var total int
		per := make([]int, len(model.NeedCategories))
		dest := []any{&status, &total}
		for i := range per {
			dest = append(dest, &per[i])
		}
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return nil, model.Internal(err)
		}
		m := map[string]int{}
		sum := 0
		for i, n := range per {
			if n > 0 {
				m[model.NeedCategories[i]] = n
			}
			sum += n
		}
		if sum != total {
			short = append(short, status)
		}
		out[status] = m
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	for _, status := range short {
		if out[status], err = s.countByCategory(ctx, pr, f, status); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// countByCategory counts the selected cases of one status per category, for
// a status whose conditional counts fell short.
func (s *Store) countByCategory(ctx context.Context, pr *auth.Principal, f model.NeedStatsFilter, status string) (map[string]int, error) {
	var a args
	q := "SELECT n.category, COUNT(*) FROM needs n WHERE " + needStatsWhere(pr, f, &a) + " AND n.status = " + a.add(status) + " GROUP BY n.category"
	rows, err := s.scan.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	m := map[string]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, model.Internal(err)
		}
		m[c] = n
	}
	if err := rows.Err(); err != nil {
		return nil, model.Internal(err)
	}
	return m, nil
}

// needCountsSQL is the query of needCounts: status, count, then one count per
// category of model.NeedCategories.
func needCountsSQL(pr *auth.Principal, f model.NeedStatsFilter) (string, args) {
	var a args
	where := needStatsWhere(pr, f, &a)
	cols := make([]string, len(model.NeedCategories))
	for i, c := range model.NeedCategories {
		cols[i] = "COUNT(*) FILTER (WHERE n.category = " + a.add(c) + ")"
	}
	return "SELECT n.status, COUNT(*), " + strings.Join(cols, ", ") + " FROM needs n WHERE " + where +
		" AND n.status IN " + statusList(model.NeedStatuses, &a) + " GROUP BY n.status", a
}

// statusList is the SQL list of statuses as parameters.
func statusList(statuses []string, a *args) string {
	ph := make([]string, len(statuses))
	for i, st := range statuses {
		ph[i] = a.add(st)
	}
	return "(" + strings.Join(ph, ", ") + ")"
}

// needActive holds the figures of the active cases.
type needActive struct {
	overdue, escalated int
}

// needActiveFigures counts the active cases that missed a deadline — past
// their deadline now, or escalated at least once (escalation gives the case
// a new deadline with the next team, but the first one was missed, and the
// inbox says so) — and those escalated at least once. The list index (status first) selects the active
// cases of the scope and holds their deadline; the escalation level is read
// from each row, in the index's order (region, deadline), which in a ledger
// recorded day after day is close to the rows' own order.
func (s *Store) needActiveFigures(ctx context.Context, pr *auth.Principal, f model.NeedStatsFilter, now time.Time) (needActive, error) {
	q, a := needActiveSQL(pr, f, now)
	var o needActive
	if err := s.scan.QueryRowContext(ctx, q, a...).Scan(&o.overdue, &o.escalated); err != nil {
		return o, model.Internal(err)
	}
	return o, nil
}

// needActiveSQL is the query of needActiveFigures.
func needActiveSQL(pr *auth.Principal, f model.NeedStatsFilter, now time.Time) (string, args) {
	var a args
	where := needStatsWhere(pr, f, &a)
	return "SELECT COUNT(*) FILTER (WHERE n.due_at < " + a.add(ms(now)) + " OR n.escalation_level > 0), COUNT(*) FILTER (WHERE n.escalation_level > 0) FROM needs n WHERE " +
		where + " AND n.status IN " + activeStatusSQL, a
}

// needOutcome holds the outcome figures of the cases recorded in the outcome period.
type needOutcome struct {
	resolved        int   // resolved at some point
	medianMS        int64 // their median time to resolve
	rated           int   // closed with a satisfaction
	satisfactionSum int64
}

// needOutcomes computes, over the cases recorded in [from, to), the median
// time to resolve and the satisfaction, which no index holds. The creation
// index (region, created_at) selects the cases, whose rows are then read in
// its order — in a ledger recorded day after day, the last pages of the
// table — and the resolved and rated ones kept in a temporary table. The
// median is the middle value (the upper one of an even count), taken with
// ORDER BY … LIMIT 1 OFFSET count/2 on that table: nothing is sorted outside
// the database, and only the period's cases are.
func (s *Store) needOutcomes(ctx context.Context, pr *auth.Principal, f model.NeedStatsFilter, from, to int64) (needOutcome, error) {
	q, a := needOutcomesSQL(pr, f, from, to)
	var o needOutcome
	var median sql.NullInt64
	if err := s.scan.QueryRowContext(ctx, q, a...).Scan(&o.rated, &o.satisfactionSum, &o.resolved, &median); err != nil {
		return o, model.Internal(err)
	}
	o.medianMS = median.Int64
	return o, nil
}

// needOutcomesSQL is the query of needOutcomes.
func needOutcomesSQL(pr *auth.Principal, f model.NeedStatsFilter, from, to int64) (string, args) {
	var a args
	where := needStatsWhere(pr, f, &a)
	return `WITH w AS MATERIALIZED (
			SELECT n.status, n.satisfaction, n.resolved_at, n.created_at FROM needs n
			WHERE ` + where + ` AND n.created_at >= ` + a.add(from) + ` AND n.created_at < ` + a.add(to) + `
			AND (n.resolved_at > 0 OR n.satisfaction IS NOT NULL)),
		r AS (SELECT w.resolved_at - w.created_at AS d FROM w WHERE w.resolved_at > 0)
		SELECT COUNT(*) FILTER (WHERE w.status = 'closed' AND w.satisfaction IS NOT NULL),
			COALESCE(SUM(w.satisfaction) FILTER (WHERE w.status = 'closed'), 0),
			(SELECT COUNT(*) FROM r),
			(SELECT r.d FROM r ORDER BY r.d LIMIT 1 OFFSET (SELECT COUNT(*) FROM r) / 2)
		FROM w`, a
}

// needPeriodFigures computes the counts, the active figures and the outcome
// figures of a period in one pass: the creation index (region, created_at)
// selects the period's cases (no status condition, which would make the
// planner take the list index and read every case of the scope), each row is
// read once into a temporary table, and the figures are counted from it by
// status, the outcome ones over the cases recorded in [from, to).
func (s *Store) needPeriodFigures(ctx context.Context, pr *auth.Principal, f model.NeedStatsFilter, now time.Time,
	from, to int64) (map[string]map[string]int, needActive, needOutcome, error) {
	var active needActive
	var outcome needOutcome
	q, a := needPeriodSQL(pr, f, now, from, to)
	rows, err := s.scan.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, active, outcome, model.Internal(err)
	}
	defer rows.Close()
	counts := map[string]map[string]int{}
	var short []string
	for rows.Next() {
		var status string
		var total, overdue, escalated, rated, resolved int
		var satSum int64
		var median sql.NullInt64
		per := make([]int, len(model.NeedCategories))
		dest := []any{&status, &total}
		for i := range per {
			dest = append(dest, &per[i])
		}
		dest = append(dest, &overdue, &escalated, &rated, &satSum, &resolved, &median)
		if err := rows.Scan(dest...); err != nil {
			return nil, active, outcome, model.Internal(err)
		}
		m := map[string]int{}
		sum := 0
		for i, n := range per {
			if n > 0 {
				m[model.NeedCategories[i]] = n
			}
			sum += n
		}
		outcome.rated += rated
		outcome.satisfactionSum += satSum
		outcome.resolved += resolved
		outcome.medianMS = median.Int64
		if !slices.Contains(model.NeedStatuses, status) {
			continue // only the known statuses are counted, as on the list index
		}
		if sum != total {
			short = append(short, status)
		}
		counts[status] = m
		if casework.Active(status) {
			active.overdue += overdue
			active.escalated += escalated
		}
	}
	if err := rows.Err(); err != nil {
		return nil, active, outcome, model.Internal(err)
	}
	for _, status := range short {
		if counts[status], err = s.countByCategory(ctx, pr, f, status); err != nil {
			return nil, active, outcome, err
		}
	}
	return counts, active, outcome, nil
}

// needPeriodSQL is the query of needPeriodFigures: one row per status with
// its count, one count per category of model.NeedCategories, the overdue,
// escalated, rated (with the sum of satisfaction) and resolved cases, and the
// median time to resolve of the whole outcome period (the same on every row).
func needPeriodSQL(pr *auth.Principal, f model.NeedStatsFilter, now time.Time, from, to int64) (string, args) {
	var a args
	where := needStatsWhere(pr, f, &a)
	cols := make([]string, len(model.NeedCategories))
	for i, c := range model.NeedCategories {
		cols[i] = "COUNT(*) FILTER (WHERE w.category = " + a.add(c) + ")"
	}
	inPeriod := "w.created_at >= " + a.add(from) + " AND w.created_at < " + a.add(to)
	return `WITH w AS MATERIALIZED (
			SELECT n.status, n.category, n.due_at, n.escalation_level, n.satisfaction, n.resolved_at, n.created_at FROM needs n
			WHERE ` + where + `),
		r AS (SELECT w.resolved_at - w.created_at AS d FROM w WHERE w.resolved_at > 0 AND ` + inPeriod + `)
		SELECT w.status, COUNT(*), ` + strings.Join(cols, ", ") + `,
			COUNT(*) FILTER (WHERE w.due_at < ` + a.add(ms(now)) + ` OR w.escalation_level > 0),
			COUNT(*) FILTER (WHERE w.escalation_level > 0),
			COUNT(*) FILTER (WHERE w.status = 'closed' AND w.satisfaction IS NOT NULL AND ` + inPeriod + `),
			COALESCE(SUM(w.satisfaction) FILTER (WHERE w.status = 'closed' AND ` + inPeriod + `), 0),
			COUNT(*) FILTER (WHERE w.resolved_at > 0 AND ` + inPeriod + `),
			(SELECT r.d FROM r ORDER BY r.d LIMIT 1 OFFSET (SELECT COUNT(*) FROM r) / 2)
		FROM w GROUP BY w.status`, a
}
