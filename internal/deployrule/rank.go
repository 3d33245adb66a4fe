package deployrule

import (
	"sort"

	"houdun/internal/model"
)

// Candidate is what the ranking knows of one eligible person for a planned span.
type Candidate struct {
	PersonID int64
	// Couple holds the overlapping deployments of linked medical-worker relatives.
	Couple []Deployment
	// Rest is the rest breach the deployment would cause, if any.
	Rest     RestFinding
	NeedRest bool
	// Dependants at home (Dependants).
	Dependants int
	// FrontlineDays counted so far (fairness: fewer first).
	FrontlineDays HalfDays
}

// Ranked is a candidate's place in the proposal and why.
type Ranked struct {
	PersonID int64
	Rank     int // 1 is the first proposed
	Reasons  []model.Msg
	// Flags for the lists: whether the couple rule or the rest rule would refuse.
	CoupleConflict bool
	RestRequired   bool
}

// Rank orders the candidates by the rules, first the ones no rule refuses:
// no couple conflict, then rest taken, then fewer dependants at home, then
// fewer frontline days so far (fairness), then the person id (stable). It
// returns the first count, each with the reasons of its place. It is a
// proposal; a person decides.
func Rank(cands []Candidate, count int) []Ranked {
	c := append([]Candidate(nil), cands...)
	key := func(x Candidate) [4]int64 {
		b := func(v bool) int64 {
			if v {
				return 1
			}
			return 0
		}
		return [4]int64{b(len(x.Couple) > 0), b(x.NeedRest), int64(x.Dependants), int64(x.FrontlineDays)}
	}
	sort.SliceStable(c, func(i, j int) bool {
		a, b := key(c[i]), key(c[j])
		for k := range a {
			if a[k] != b[k] {
				return a[k] < b[k]
			}
		}
		return c[i].PersonID < c[j].PersonID
	})
	if count > len(c) {
		count = len(c)
	}
	out := make([]Ranked, 0, count)
	for i, x := range c[:count] {
		r := Ranked{PersonID: x.PersonID, Rank: i + 1, CoupleConflict: len(x.Couple) > 0, RestRequired: x.NeedRest}
		if len(x.Couple) > 0 {
			r.Reasons = append(r.Reasons, model.M("candidate.reason.couple", x.Couple[0].ID, x.Couple[0].Span.Start.String(), x.Couple[0].Span.End.String()))
		} else {
			r.Reasons = append(r.Reasons, model.M("candidate.reason.no_couple"))
		}
		if x.NeedRest {
			r.Reasons = append(r.Reasons, model.M("candidate.reason.rest_"+x.Rest.Kind, x.Rest.Days, x.Rest.Limit, x.Rest.RestUntil.String()))
		} else {
			r.Reasons = append(r.Reasons, model.M("candidate.reason.rested"))
		}
		r.Reasons = append(r.Reasons, model.M("candidate.reason.dependants", x.Dependants))
		r.Reasons = append(r.Reasons, model.M("candidate.reason.days", x.FrontlineDays.String()))
		out = append(out, r)
	}
	return out
}
