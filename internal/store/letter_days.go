package store

import (
	"context"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// serviceDays is one person's frontline service as the letters, the title
// priority list and their exports name it: days in half days, tier-1 days,
// and the periods served.
type serviceDays struct {
	halfDays, tier1HalfDays int
	periods                 []model.DatePeriod
}

// servicePeriod is the default period frontline service is counted over:
// the three years up to today (the deployments' longest report period).
func (s *Store) servicePeriod(from, to string) (string, string) {
	if to == "" {
		to = s.today()
	}
	if from == "" {
		t, err := time.Parse(time.DateOnly, to)
		if err != nil {
			return from, to
		}
		from = t.AddDate(-3, 0, 1).Format(time.DateOnly)
	}
	return from, to
}

// frontlineService returns the frontline service in [from, to] of the
// people (all of them in the caller's scope; institutionID narrows the
// deployments' read when they are one institution's). The days are the
// deployment area's own count (DeploymentDays: each day once at its higher
// tier, half days by the region's rule), never counted here; the periods
// are the deployments' date ranges, overlapping or adjacent ones joined.
// It reads outside any write transaction (DeploymentDays audits its read).
func (s *Store) frontlineService(ctx context.Context, pr *auth.Principal, personIDs []int64, institutionID int64, from, to string) (map[int64]serviceDays, error) {
	out := map[int64]serviceDays{}
	if len(personIDs) == 0 {
		return out, nil
	}
	want := make(map[int64]bool, len(personIDs))
	for _, id := range personIDs {
		want[id] = true
	}
	var filters []model.DaysFilter
	switch {
	case len(personIDs) <= 20:
		for _, id := range personIDs {
			filters = append(filters, model.DaysFilter{PersonID: id})
		}
	default:
		filters = []model.DaysFilter{{InstitutionID: institutionID}}
	}
	for _, f := range filters {
		days, err := s.DeploymentDays(ctx, from, to, f)
		if err != nil {
			return nil, err
		}
		for _, d := range days {
			if want[d.PersonID] {
				out[d.PersonID] = serviceDays{halfDays: int(d.Tier1HalfDays + d.Tier2HalfDays), tier1HalfDays: int(d.Tier1HalfDays)}
			}
		}
	}
	ids := make([]int64, 0, len(out))
	for id := range out {
		ids = append(ids, id)
	}
	periods, err := s.servicePeriods(ctx, pr, ids, from, to)
	if err != nil {
		return nil, err
	}
	for id, ps := range periods {
		sv := out[id]
		sv.periods = ps
		out[id] = sv
	}
	return out, nil
}

// servicePeriods returns the periods the people (in scope) served at the
// front in [from, to]: their live deployments' date ranges, cut to the
// period, overlapping or adjacent ones joined.
func (s *Store) servicePeriods(ctx context.Context, pr *auth.Principal, ids []int64, from, to string) (map[int64][]model.DatePeriod, error) {
	out := map[int64][]model.DatePeriod{}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		chunk := ids[:n]
		ids = ids[n:]
		var a args
		ph := make([]string, len(chunk))
		for i, id := range chunk {
			ph[i] = a.add(id)
		}
		rows, err := s.read.QueryContext(ctx, "SELECT d.person_id, d.starts_on, d.ends_on FROM deployments d WHERE d.person_id IN ("+strings.Join(ph, ", ")+
			") AND d.status <> 'cancelled' AND d.ends_on >= "+a.add(from)+" AND d.starts_on <= "+a.add(to)+" AND "+scopeOf(pr).on("deployments", "d", &a)+
			" ORDER BY d.person_id, d.starts_on, d.ends_on", a...)
		if err != nil {
			return nil, model.Internal(err)
		}
		for rows.Next() {
			var id int64
			var p model.DatePeriod
			if err := rows.Scan(&id, &p.From, &p.To); err != nil {
				rows.Close()
				return nil, model.Internal(err)
			}
			p.From, p.To = max(p.From, from), min(p.To, to)
			out[id] = joinPeriod(out[id], p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, model.Internal(err)
		}
	}
	return out, nil
}

// joinPeriod adds p (starting no earlier than the last) to sorted periods,
// joining it to the last one when they overlap or touch.
func joinPeriod(ps []model.DatePeriod, p model.DatePeriod) []model.DatePeriod {
	if n := len(ps); n > 0 {
		last := &ps[n-1]
		if p.From <= nextDay(last.To) {
			last.To = max(last.To, p.To)
			return ps
		}
	}
	return append(ps, p)
}

func nextDay(iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return t.AddDate(0, 0, 1).Format(time.DateOnly)
}

// rowsErr is rows.Err() as the store's error: nil, or internal.
func rowsErr(rows interface{ Err() error }) error {
	if err := rows.Err(); err != nil {
		return model.Internal(err)
	}
	return nil
}
