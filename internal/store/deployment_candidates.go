package store

import (
	"context"
	"slices"
	"strconv"
	"time"

	"houdun/internal/auth"
	"houdun/internal/deployrule"
	"houdun/internal/model"
)

// Candidate proposals: how many may be asked for, and the fairness period
// (frontline days in the year before the planned start).
const (
	DefaultCandidates = 10
	MaxCandidates     = 200
	fairnessDays      = 365
	// candidateWindow is how far around the span the rest rule looks for a
	// candidate's own deployments (a plan is checked again in full when made).
	candidateWindow = 120
)

// candidateTrace, when set (benchmarks), is told how long each step took.
var candidateTrace func(step string, d time.Duration)

func traceStep(step string, t0 *time.Time) {
	if candidateTrace != nil {
		candidateTrace(step, time.Since(*t0))
		*t0 = time.Now()
	}
}

// Candidates proposes people in the caller's scope (of an occupation, if
// given) for a post over a planned span (default: today and the next
// deploy.max_consecutive_days − 1 days), ranked by deployrule.Rank: no couple
// conflict, rest taken, fewer dependants at home, fewer frontline days in
// the past year (whole days). People deployed already on those dates are left out. It is
// a proposal; a person decides. One audit row covers the read.
// Returns ENotFound for a post out of scope, EInvalid for bad dates or count.
func (s *Store) Candidates(ctx context.Context, f model.CandidateFilter) (_ model.CandidateList, err error) {
	defer wrap(&err, "Candidates(%d)", f.PostID)
	out := model.CandidateList{PostID: f.PostID, Items: []model.Candidate{}}
	pr, err := principal(ctx, auth.PermDeployPlan)
	if err != nil {
		return out, err
	}
	fe := model.FieldErrors{}
	switch {
	case f.Count == 0:
		f.Count = DefaultCandidates
	case f.Count < 1 || f.Count > MaxCandidates:
		fe.Add("count", "deploy.range", 1, MaxCandidates)
	}
	post, err := s.getPost(ctx, s.read, pr, f.PostID)
	if err != nil {
		return out, err
	}
	pol, err := deployPolicy(ctx, s.read, post.RegionCode)
	if err != nil {
		return out, err
	}
	if f.StartsOn == "" {
		f.StartsOn = s.today()
	}
	if f.EndsOn == "" {
		if d, ok := deployrule.ParseDay(f.StartsOn); ok {
			f.EndsOn = (d + deployrule.Day(pol.MaxDays-1)).String()
		}
	}
	in := model.DeploymentInput{StartsOn: f.StartsOn, EndsOn: f.EndsOn}
	in.CheckDates(fe)
	if err := fe.Err(); err != nil {
		return out, err
	}
	span := deployrule.Span{Start: deployrule.MustDay(in.StartsOn), End: deployrule.MustDay(in.EndsOn)}
	out.StartsOn, out.EndsOn = in.StartsOn, in.EndsOn

	t0 := time.Now()
	// The pool: people in scope, of the occupation.
	pool := func(a *args, alias string) string {
		c := scopeOf(pr).on("people", alias, a)
		if f.Occupation != "" {
			c += " AND " + alias + ".occupation = " + a.add(f.Occupation)
		}
		return c
	}
	type person struct {
		name, occupation, institution string
		c                             deployrule.Candidate
		deps                          []deployrule.Deployment
		busy                          bool
		members                       []deployrule.Member
	}
	byID := map[int64]*person{}
	var order []int64
	var a args
	rows, err := s.read.QueryContext(ctx, "SELECT p.id, p.name, p.occupation, i.name FROM people p JOIN institutions i ON i.id = p.institution_id WHERE "+pool(&a, "p"), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	for rows.Next() {
		var id int64
		p := &person{}
		if err := rows.Scan(&id, &p.name, &p.occupation, &p.institution); err != nil {
			rows.Close()
			return out, model.Internal(err)
		}
		p.c.PersonID = id
		byID[id] = p
		order = append(order, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}
	slices.Sort(order)
	traceStep("pool", &t0)
	// Their own deployments around the span: busy, rest, fairness.
	a = nil
	rows, err = s.read.QueryContext(ctx, `SELECT d.person_id, d.id, d.starts_on, d.ends_on, d.tier, d.shift_hours, d.batch_id IS NOT NULL, COALESCE(b.quarantine_days, 0)
		FROM people p CROSS JOIN deployments d LEFT JOIN aid_batches b ON b.id = d.batch_id
		WHERE d.person_id = p.id AND `+pool(&a, "p")+` AND d.status <> 'cancelled' AND d.ends_on >= `+a.add((span.Start-candidateWindow).String())+` AND d.starts_on <= `+a.add((span.End+candidateWindow).String()), a...)
	if err != nil {
		return out, model.Internal(err)
	}
	for rows.Next() {
		var pid int64
		var d deployrule.Deployment
		var start, end string
		if err := rows.Scan(&pid, &d.ID, &start, &end, &d.Tier, &d.ShiftHours, &d.Aid, &d.QuarantineDays); err != nil {
			rows.Close()
			return out, model.Internal(err)
		}
		d.PersonID, d.Span = pid, deployrule.Span{Start: deployrule.MustDay(start), End: deployrule.MustDay(end)}
		if p := byID[pid]; p != nil {
			p.deps = append(p.deps, d)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}

	traceStep("deployments", &t0)
	// Fairness: frontline days in the year before the start, summed by the
	// database (the one date difference each engine spells its own way).
	a = nil
	from, to := a.add((span.Start - fairnessDays).String()), a.add((span.Start - 1).String())
	daysExpr := "julianday(MIN(d.ends_on, " + to + ")) - julianday(MAX(d.starts_on, " + from + ")) + 1"
	if s.engine == Postgres {
		daysExpr = "CAST(LEAST(d.ends_on, " + to + ") AS DATE) - CAST(GREATEST(d.starts_on, " + from + ") AS DATE) + 1"
	}
	rows, err = s.read.QueryContext(ctx, `SELECT d.person_id, CAST(SUM(`+daysExpr+`) AS BIGINT) FROM people p CROSS JOIN deployments d
		WHERE d.person_id = p.id AND `+pool(&a, "p")+` AND d.status <> 'cancelled' AND d.ends_on >= `+from+` AND d.starts_on <= `+to+` GROUP BY d.person_id`, a...)
	if err != nil {
		return out, model.Internal(err)
	}
	for rows.Next() {
		var pid, n int64
		if err := rows.Scan(&pid, &n); err != nil {
			rows.Close()
			return out, model.Internal(err)
		}
		if p := byID[pid]; p != nil {
			p.c.FrontlineDays = deployrule.HalfDays(2 * n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}
	traceStep("fairness", &t0)

	// Linked medical-worker relatives deployed at overlapping dates, either way round.
	a = nil
	ov := func(a *args) string {
		return "d.status <> 'cancelled' AND d.starts_on <= " + a.add(span.End.String()) + " AND d.ends_on >= " + a.add(span.Start.String())
	}
	// CROSS JOIN keeps SQLite's join order: the people of the pool by the
	// scope's index, then each one's links and deployments by theirs.
	q := `SELECT f.person_id, d.id, d.starts_on, d.ends_on FROM people p CROSS JOIN family_members f CROSS JOIN deployments d
		WHERE f.person_id = p.id AND f.medical_worker_person_id IS NOT NULL AND d.person_id = f.medical_worker_person_id AND ` + pool(&a, "p") + " AND " + ov(&a) + `
		UNION ALL SELECT f.medical_worker_person_id, d.id, d.starts_on, d.ends_on FROM people p CROSS JOIN family_members f CROSS JOIN deployments d
		WHERE f.medical_worker_person_id = p.id AND d.person_id = f.person_id AND ` + pool(&a, "p") + " AND " + ov(&a)
	rows, err = s.read.QueryContext(ctx, q, a...)
	if err != nil {
		return out, model.Internal(err)
	}
	for rows.Next() {
		var pid int64
		var d deployrule.Deployment
		var start, end string
		if err := rows.Scan(&pid, &d.ID, &start, &end); err != nil {
			rows.Close()
			return out, model.Internal(err)
		}
		d.Span = deployrule.Span{Start: deployrule.MustDay(start), End: deployrule.MustDay(end)}
		if p := byID[pid]; p != nil {
			p.c.Couple = append(p.c.Couple, d)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}

	traceStep("couples", &t0)
	// Dependants at home.
	a = nil
	rows, err = s.read.QueryContext(ctx, `SELECT f.person_id, f.relation, f.birth_date, f.lives_with, f.care_needs FROM people p CROSS JOIN family_members f
		WHERE f.person_id = p.id AND `+pool(&a, "p")+` AND (f.care_needs <> '' OR f.relation = 'child')`, a...)
	if err != nil {
		return out, model.Internal(err)
	}
	for rows.Next() {
		var pid int64
		var m deployrule.Member
		var care string
		if err := rows.Scan(&pid, &m.Relation, &m.BirthDate, &m.LivesWith, &care); err != nil {
			rows.Close()
			return out, model.Internal(err)
		}
		m.CareNeeds = splitCare(care)
		if p := byID[pid]; p != nil {
			p.members = append(p.members, m)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, model.Internal(err)
	}

	traceStep("dependants", &t0)
	cands := make([]deployrule.Candidate, 0, len(order))
	planned := deployrule.Deployment{Span: span, Tier: post.Tier}
	for _, id := range order {
		p := byID[id]
		if len(deployrule.Overlapping(span, p.deps)) > 0 {
			continue // deployed already on those dates
		}
		planned.PersonID = id
		p.c.Rest, p.c.NeedRest = deployrule.CheckRest(pol, p.deps, planned)
		p.c.Dependants = deployrule.Dependants(p.members, span.Start)
		cands = append(cands, p.c)
	}
	traceStep("rules", &t0)
	out.Eligible = len(cands)
	for _, r := range deployrule.Rank(cands, f.Count) {
		p := byID[r.PersonID]
		out.Items = append(out.Items, model.Candidate{PersonID: r.PersonID, PersonName: p.name, Occupation: p.occupation, InstitutionName: p.institution,
			Rank: r.Rank, ReasonMsgs: r.Reasons, CoupleConflict: r.CoupleConflict, RestRequired: r.RestRequired, Dependants: p.c.Dependants,
			FrontlineDays: model.HalfDayCount(p.c.FrontlineDays)})
	}
	var d readDetail
	d.add("post", f.PostID)
	d.add("occupation", f.Occupation)
	d.add("from", out.StartsOn)
	d.add("to", out.EndsOn)
	d = append(d, "eligible="+strconv.Itoa(out.Eligible))
	return out, s.auditList(ctx, pr, nil, ActCandidateList, "deployment", d, len(out.Items), out.Eligible, model.Page{})
}
