package store

import (
	"context"
	"sort"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/deployrule"
	"houdun/internal/model"
)

// MaxDaysPeriod bounds the period of the days report.
const MaxDaysPeriod = 3 * 366

// checkPeriod checks a report period's dates.
func checkPeriod(from, to string) (deployrule.Day, deployrule.Day, error) {
	fe := model.FieldErrors{}
	f, okF := deployrule.ParseDay(from)
	t, okT := deployrule.ParseDay(to)
	if !okF {
		fe.Add("from", "deploy.date")
	}
	if !okT {
		fe.Add("to", "deploy.date")
	}
	if okF && okT {
		switch {
		case t < f:
			fe.Add("to", "deploy.end_before_start")
		case int(t-f) >= MaxDaysPeriod:
			fe.Add("to", "deploy.period_too_long", MaxDaysPeriod)
		}
	}
	return f, t, fe.Err()
}

// personRows reads the live deployments in scope that overlap [from, to]
// (extra conditions on d and p in cond), grouped by person in id order.
type personDeployments struct {
	personID        int64
	name            string
	institutionID   int64
	institutionName string
	regionCode      string
	occupation      string
	deps            []deployrule.Deployment
}

func (s *Store) deploymentsByPerson(ctx context.Context, pr *auth.Principal, from, to deployrule.Day, extra func(a *args) string) ([]*personDeployments, error) {
	var a args
	cond := scopeOf(pr).on("deployments", "d", &a) + " AND d.status <> 'cancelled' AND d.ends_on >= " + a.add(from.String()) + " AND d.starts_on <= " + a.add(to.String())
	if extra != nil {
		if c := extra(&a); c != "" {
			cond += " AND " + c
		}
	}
	rows, err := s.read.QueryContext(ctx, `SELECT d.person_id, p.name, d.institution_id, i.name, d.region_code, p.occupation, d.id, d.starts_on, d.ends_on, d.tier, d.shift_hours,
		d.batch_id IS NOT NULL, COALESCE(b.quarantine_days, 0)
		FROM deployments d JOIN people p ON p.id = d.person_id JOIN institutions i ON i.id = d.institution_id LEFT JOIN aid_batches b ON b.id = d.batch_id
		WHERE `+cond+` ORDER BY d.person_id, d.starts_on`, a...)
	if err != nil {
		return nil, model.Internal(err)
	}
	defer rows.Close()
	var out []*personDeployments
	for rows.Next() {
		var pd personDeployments
		var d deployrule.Deployment
		var start, end string
		if err := rows.Scan(&pd.personID, &pd.name, &pd.institutionID, &pd.institutionName, &pd.regionCode, &pd.occupation, &d.ID, &start, &end, &d.Tier, &d.ShiftHours,
			&d.Aid, &d.QuarantineDays); err != nil {
			return nil, model.Internal(err)
		}
		d.PersonID = pd.personID
		d.Span = deployrule.Span{Start: deployrule.MustDay(start), End: deployrule.MustDay(end)}
		if n := len(out); n > 0 && out[n-1].personID == pd.personID {
			out[n-1].deps = append(out[n-1].deps, d)
			continue
		}
		pd.deps = []deployrule.Deployment{d}
		out = append(out, &pd)
	}
	return out, rows.Err()
}

// DeploymentDays returns, for every person in scope deployed in [from, to]
// (inclusive ISO dates), the tier-1 and tier-2 days their live deployments
// count in the period: each day once, at its higher tier; a day of shifts of
// at most the region's half-day hours counts half (deploy.half_day_hours).
// Days are exact half-day units (no floats: the subsidy work computes money
// from them). People come in id order; one audit row covers the read.
// Returns EForbidden without deploy.days, EInvalid for a bad period.
func (s *Store) DeploymentDays(ctx context.Context, from, to string, f model.DaysFilter) (_ []model.PersonDays, err error) {
	defer wrap(&err, "DeploymentDays(%s, %s)", from, to)
	pr, err := principal(ctx, auth.PermDeployDays)
	if err != nil {
		return nil, err
	}
	fd, td, err := checkPeriod(from, to)
	if err != nil {
		return nil, err
	}
	people, err := s.deploymentsByPerson(ctx, pr, fd, td, func(a *args) string {
		var c []string
		if f.PersonID != 0 {
			c = append(c, "d.person_id = "+a.add(f.PersonID))
		}
		if f.InstitutionID != 0 {
			c = append(c, "d.institution_id = "+a.add(f.InstitutionID))
		}
		if f.RegionCode != "" {
			c = append(c, regionRange("d.region_code", f.RegionCode, a))
		}
		return strings.Join(c, " AND ")
	})
	if err != nil {
		return nil, err
	}
	pols := deployPolicies{q: s.read}
	out := make([]model.PersonDays, 0, len(people))
	for _, p := range people {
		pol, err := pols.get(ctx, p.regionCode)
		if err != nil {
			return nil, err
		}
		t1, t2 := deployrule.Count(pol, p.deps, fd, td)
		if t1+t2 == 0 {
			continue
		}
		out = append(out, model.PersonDays{PersonID: p.personID, PersonName: p.name, InstitutionID: p.institutionID, InstitutionName: p.institutionName,
			RegionCode: p.regionCode, Occupation: p.occupation, Tier1Days: model.HalfDayCount(t1), Tier2Days: model.HalfDayCount(t2),
			Tier1HalfDays: int64(t1), Tier2HalfDays: int64(t2)})
	}
	var d readDetail
	d.add("from", from)
	d.add("to", to)
	d.add("person", f.PersonID)
	d.add("institution", f.InstitutionID)
	d.add("region", f.RegionCode)
	return out, s.auditList(ctx, pr, nil, ActDeploymentDays, "deployment", d, len(out), len(out), model.Page{})
}

// restWindow is how far back the rest flags look for a run of work.
const restWindow = 120

// ListRestDue returns the people in scope whose rest is due on day on
// (deployrule.StatusOn with their region's settings): past the limit of
// consecutive frontline or tier-1 days, or in the rest/quarantine after an
// aid mission; the longest runs first. One audit row covers the read.
func (s *Store) ListRestDue(ctx context.Context, on string) (_ []model.RestDue, err error) {
	defer wrap(&err, "ListRestDue(%s)", on)
	pr, err := deployReader(ctx)
	if err != nil {
		return nil, err
	}
	out, err := s.restDue(ctx, pr, on)
	if err != nil {
		return nil, err
	}
	var d readDetail
	d.add("on", on)
	return out, s.auditList(ctx, pr, nil, ActRestDueList, "deployment", d, len(out), len(out), model.Page{})
}

func (s *Store) restDue(ctx context.Context, pr *auth.Principal, on string) ([]model.RestDue, error) {
	if on == "" {
		on = s.today()
	}
	day, ok := deployrule.ParseDay(on)
	if !ok {
		return nil, model.FieldErrors{"on": model.M("deploy.date")}.Err()
	}
	people, err := s.deploymentsByPerson(ctx, pr, day-restWindow, day, nil)
	if err != nil {
		return nil, err
	}
	pols := deployPolicies{q: s.read}
	out := []model.RestDue{}
	for _, p := range people {
		pol, err := pols.get(ctx, p.regionCode)
		if err != nil {
			return nil, err
		}
		st := deployrule.StatusOn(pol, p.deps, day)
		if !st.Due {
			continue
		}
		out = append(out, model.RestDue{PersonID: p.personID, PersonName: p.name, InstitutionName: p.institutionName, RegionCode: p.regionCode,
			Kind: st.Kind, RunStart: st.RunStart.String(), RunDays: st.RunDays, Tier1Days: st.Tier1Days, RestUntil: st.RestUntil.String(), Working: st.CurrentlyWorking})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].RunDays > out[j].RunDays })
	return out, nil
}

// DeploymentStats counts, in the caller's scope, the people deployed today,
// those due for rest and the open couple conflicts: the dashboard's cells.
// Leaders (aggregate.read) get them too; the dashboard suppresses small ones.
func (s *Store) DeploymentStats(ctx context.Context) (_ model.DeploymentStats, err error) {
	defer wrap(&err, "DeploymentStats()")
	var st model.DeploymentStats
	pr := auth.FromContext(ctx)
	if pr == nil {
		return st, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	if !pr.Can(auth.PermDeployRead) && !pr.Can(auth.PermAggregateRead) {
		return st, model.Errorf(model.EForbidden, "error.forbidden")
	}
	var a args
	today := s.today()
	var deployed int
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(DISTINCT d.person_id) FROM deployments d WHERE "+scopeOf(pr).on("deployments", "d", &a)+
		" AND d.status <> 'cancelled' AND d.starts_on <= "+a.add(today)+" AND d.ends_on >= "+a.add(today), a...).Scan(&deployed); err != nil {
		return st, model.Internal(err)
	}
	due, err := s.restDue(ctx, pr, today)
	if err != nil {
		return st, err
	}
	open, err := s.openCouples(ctx, pr, model.ConflictFilter{}, today)
	if err != nil {
		return st, err
	}
	st = model.DeploymentStats{DeployedToday: model.Count(deployed), RestDue: model.Count(len(due)), OpenConflicts: model.Count(len(open))}
	if !pr.System && !pr.Can(auth.PermDeployRead) {
		// Aggregates only: the one suppression rule for small cells. The
		// three figures are independent (no total links them), so no
		// complementary cell has to go.
		st.DeployedToday, st.RestDue, st.OpenConflicts = st.DeployedToday.Suppress(), st.RestDue.Suppress(), st.OpenConflicts.Suppress()
	}
	return st, nil
}
