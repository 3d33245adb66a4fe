package deployrule

import (
	"sort"
)

// Overlapping returns the deployments of others whose dates share a day with
// span: for one person, a double booking; for a linked medical-worker
// relative, a couple conflict (双医护家庭).
func Overlapping(span Span, others []Deployment) []Deployment {
	var out []Deployment
	for _, o := range others {
		if Overlaps(span, o.Span) {
			out = append(out, o)
		}
	}
	return out
}

// Rest kinds: why a deployment needs rest first.
const (
	RestConsecutive = "consecutive" // more frontline days in a row than the limit
	RestTier1       = "tier1"       // more tier-1 days in a row than the limit
	RestAid         = "aid"         // inside the rest/quarantine after an aid mission
)

// RestFinding is a breach of the rest rules by a planned deployment.
type RestFinding struct {
	Kind string
	// Other is the deployment the person has not rested enough after (or,
	// for a planned aid mission, the one planned too soon after it); 0 when
	// the new deployment alone is longer than the limit.
	Other int64
	// Days is the run's frontline (or tier-1) days with the new deployment,
	// Limit the setting it passes.
	Days, Limit int
	// RestUntil is the last day of the rest the rule asks for.
	RestUntil Day
}

// run is a stretch of frontline work: blocks of consecutive days separated
// by breaks shorter than the rest the policy asks for (a day or two off is
// not rest).
type run struct {
	span   Span
	days   int // frontline days worked in the run
	tier1  int // tier-1 days worked in the run
	member []int
}

// runs groups deployments (indexes into deps) into runs, in date order.
func runs(p Policy, deps []Deployment) []run {
	idx := make([]int, len(deps))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return deps[idx[a]].Span.Start < deps[idx[b]].Span.Start })
	var out []run
	for _, i := range idx {
		d := deps[i]
		if n := len(out); n > 0 && int(d.Span.Start-out[n-1].span.End)-1 < p.RestDays {
			r := &out[n-1]
			if d.Span.End > r.span.End {
				r.span.End = d.Span.End
			}
			r.member = append(r.member, i)
			continue
		}
		out = append(out, run{span: d.Span, member: []int{i}})
	}
	for k := range out {
		out[k].days, out[k].tier1 = unionDays(deps, out[k].member, 0), unionDays(deps, out[k].member, 1)
	}
	return out
}

// unionDays counts the distinct days covered by the members (tier 0: any tier).
func unionDays(deps []Deployment, members []int, tier int) int {
	var spans []Span
	for _, i := range members {
		if tier == 0 || deps[i].Tier == tier {
			spans = append(spans, deps[i].Span)
		}
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a].Start < spans[b].Start })
	n := 0
	var cur Span
	open := false
	for _, s := range spans {
		switch {
		case !open:
			cur, open = s, true
		case s.Start <= cur.End+1:
			if s.End > cur.End {
				cur.End = s.End
			}
		default:
			n += cur.Days()
			cur = s
		}
	}
	if open {
		n += cur.Days()
	}
	return n
}

// CheckRest checks a planned deployment d of a person against their other
// deployments: the rest or quarantine after an aid mission, and the run of
// frontline days (and tier-1 days) it joins. It returns the first breach.
func CheckRest(p Policy, existing []Deployment, d Deployment) (RestFinding, bool) {
	for _, e := range existing {
		if e.Aid && d.Span.Start > e.Span.End && int(d.Span.Start-e.Span.End) <= e.QuarantineDays {
			return RestFinding{Kind: RestAid, Other: e.ID, Days: int(d.Span.Start-e.Span.End) - 1, Limit: e.QuarantineDays,
				RestUntil: e.Span.End + Day(e.QuarantineDays)}, true
		}
		if d.Aid && e.Span.Start > d.Span.End && int(e.Span.Start-d.Span.End) <= d.QuarantineDays {
			return RestFinding{Kind: RestAid, Other: e.ID, Days: int(e.Span.Start-d.Span.End) - 1, Limit: d.QuarantineDays,
				RestUntil: d.Span.End + Day(d.QuarantineDays)}, true
		}
	}
	if d.Aid {
		return RestFinding{}, false // an aid team rotates within itself; its rest follows the mission
	}
	// Alone (nothing within the rest days of it), the plan is a run of its own.
	near := false
	for _, e := range existing {
		if !e.Aid && int(d.Span.Start-e.Span.End)-1 < p.RestDays && int(e.Span.Start-d.Span.End)-1 < p.RestDays {
			near = true
			break
		}
	}
	if !near {
		n := d.Span.Days()
		switch {
		case n > p.MaxDays:
			return RestFinding{Kind: RestConsecutive, Days: n, Limit: p.MaxDays}, true
		case d.Tier == 1 && n > p.MaxTier1Days:
			return RestFinding{Kind: RestTier1, Days: n, Limit: p.MaxTier1Days}, true
		}
		return RestFinding{}, false
	}
	all := append(local(existing), d)
	self := len(all) - 1
	for _, r := range runs(p, all) {
		in := false
		for _, i := range r.member {
			in = in || i == self
		}
		if !in {
			continue
		}
		kind, days, limit := "", 0, 0
		switch {
		case r.days > p.MaxDays:
			kind, days, limit = RestConsecutive, r.days, p.MaxDays
		case r.tier1 > p.MaxTier1Days:
			kind, days, limit = RestTier1, r.tier1, p.MaxTier1Days
		default:
			return RestFinding{}, false
		}
		f := RestFinding{Kind: kind, Days: days, Limit: limit}
		// The other deployment: the latest one before d in the run, else the
		// first after it.
		var before, after *Deployment
		for _, i := range r.member {
			if i == self {
				continue
			}
			e := &all[i]
			if e.Span.Start <= d.Span.Start && (before == nil || e.Span.Start > before.Span.Start) {
				before = e
			}
			if e.Span.Start > d.Span.Start && (after == nil || e.Span.Start < after.Span.Start) {
				after = e
			}
		}
		switch {
		case before != nil:
			f.Other, f.RestUntil = before.ID, before.Span.End+Day(p.RestDays)
		case after != nil:
			f.Other, f.RestUntil = after.ID, after.Span.Start-1
		}
		return f, true
	}
	return RestFinding{}, false
}

// local leaves out the aid-mission deployments: their rest is the
// quarantine after them, not the runs of local frontline work.
func local(deps []Deployment) []Deployment {
	out := make([]Deployment, 0, len(deps))
	for _, d := range deps {
		if !d.Aid {
			out = append(out, d)
		}
	}
	return out
}

// RestStatus is where a person stands on a day: the run of frontline work
// they are in (or just finished, less than the rest days ago), counted up to
// that day, and whether rest is due.
type RestStatus struct {
	// RunStart is the run's first day; RunDays and Tier1Days its days worked
	// up to and including the day asked about.
	RunStart         Day
	RunDays          int
	Tier1Days        int
	Due              bool
	Kind             string // RestConsecutive, RestTier1 or RestAid when due
	RestUntil        Day    // the last day of the rest due
	CurrentlyWorking bool   // a deployment covers the day
}

// StatusOn is the rest status of a person's deployments on day on: due when
// the run reaching that day has passed the limit of frontline or tier-1
// days, or when the day lies in the rest/quarantine after an aid mission.
func StatusOn(p Policy, deps []Deployment, on Day) RestStatus {
	var st RestStatus
	var past []Deployment
	for _, d := range deps {
		if d.Span.Start > on {
			continue
		}
		if Overlaps(d.Span, Span{on, on}) {
			st.CurrentlyWorking = true
		}
		if d.Aid && on > d.Span.End && int(on-d.Span.End) <= d.QuarantineDays {
			st.Due, st.Kind, st.RestUntil = true, RestAid, d.Span.End+Day(d.QuarantineDays)
		}
		c := d
		if c.Span.End > on {
			c.Span.End = on
		}
		past = append(past, c)
	}
	lp := local(past)
	rs := runs(p, lp)
	if len(rs) == 0 {
		return st
	}
	last := rs[len(rs)-1]
	if int(on-last.span.End)-1 >= p.RestDays {
		return st // rested since
	}
	st.RunStart, st.RunDays, st.Tier1Days = last.span.Start, last.days, last.tier1
	if st.Due {
		return st
	}
	// The run's planned end: the deployments as planned, not cut at on.
	end := last.span.End
	for _, i := range last.member {
		for _, d := range deps {
			if d.ID == lp[i].ID && d.Span.End > end {
				end = d.Span.End
			}
		}
	}
	switch {
	case st.RunDays >= p.MaxDays:
		st.Due, st.Kind = true, RestConsecutive
	case st.Tier1Days >= p.MaxTier1Days:
		st.Due, st.Kind = true, RestTier1
	}
	if st.Due {
		st.RestUntil = end + Day(p.RestDays)
	}
	return st
}

// HalfDays is a count of days in half-day units, so that half days stay
// exact (a subsidy is money: no floats): 29 is 14.5 days.
type HalfDays int64

// String renders the days: "14", "14.5".
func (h HalfDays) String() string {
	s := itoa(int64(h) / 2)
	if h%2 != 0 {
		s += ".5"
	}
	return s
}

// MarshalJSON writes the days as an exact JSON number (14.5).
func (h HalfDays) MarshalJSON() ([]byte, error) { return []byte(h.String()), nil }

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// DayUnits is what one day of a deployment counts: 2 half days, or 1 when
// its shifts are at most the region's half-day hours (0: no half days).
func (p Policy) DayUnits(shiftHours int) HalfDays {
	if p.HalfDayHours > 0 && shiftHours > 0 && shiftHours <= p.HalfDayHours {
		return 1
	}
	return 2
}

// Count is the tier-1 and tier-2 days a person's deployments count in
// [from, to]. A day covered twice counts once, at its higher tier and its
// longer shift.
func Count(p Policy, deps []Deployment, from, to Day) (tier1, tier2 HalfDays) {
	type cover struct {
		tier  int
		units HalfDays
	}
	var clipped []Deployment
	for _, d := range deps {
		if s, ok := d.Span.Clip(from, to); ok {
			c := d
			c.Span = s
			clipped = append(clipped, c)
		}
	}
	sort.Slice(clipped, func(a, b int) bool { return clipped[a].Span.Start < clipped[b].Span.Start })
	overlap := false
	for i := 1; i < len(clipped); i++ {
		for j := 0; j < i; j++ {
			overlap = overlap || Overlaps(clipped[i].Span, clipped[j].Span)
		}
	}
	if !overlap {
		for _, d := range clipped {
			n := HalfDays(d.Span.Days()) * p.DayUnits(d.ShiftHours)
			if d.Tier == 1 {
				tier1 += n
			} else {
				tier2 += n
			}
		}
		return tier1, tier2
	}
	days := map[Day]cover{}
	for _, d := range clipped {
		u := p.DayUnits(d.ShiftHours)
		for day := d.Span.Start; day <= d.Span.End; day++ {
			c, ok := days[day]
			if !ok || d.Tier < c.tier || d.Tier == c.tier && u > c.units {
				days[day] = cover{d.Tier, u}
			}
		}
	}
	for _, c := range days {
		if c.tier == 1 {
			tier1 += c.units
		} else {
			tier2 += c.units
		}
	}
	return tier1, tier2
}
