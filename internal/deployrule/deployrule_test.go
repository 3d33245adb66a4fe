package deployrule_test

import (
	"testing"

	"houdun/internal/deployrule"
	"houdun/internal/model"
)

func day(s string) deployrule.Day { return deployrule.MustDay(s) }

func span(a, b string) deployrule.Span { return deployrule.Span{Start: day(a), End: day(b)} }

func dep(id int64, a, b string, tier int) deployrule.Deployment {
	return deployrule.Deployment{ID: id, Span: span(a, b), Tier: tier, ShiftHours: 8}
}

func TestOverlapIsInclusive(t *testing.T) {
	for _, c := range []struct {
		a, b deployrule.Span
		want bool
	}{
		{span("2026-11-01", "2026-11-10"), span("2026-11-10", "2026-11-12"), true}, // the last day is shared
		{span("2026-11-01", "2026-11-10"), span("2026-11-11", "2026-11-12"), false},
		{span("2026-11-05", "2026-11-05"), span("2026-11-01", "2026-11-10"), true},
		{span("2026-12-31", "2027-01-02"), span("2027-01-02", "2027-01-02"), true},
	} {
		if got := deployrule.Overlaps(c.a, c.b); got != c.want || deployrule.Overlaps(c.b, c.a) != c.want {
			t.Errorf("Overlaps(%v, %v) = %v", c.a, c.b, got)
		}
	}
	if n := span("2026-02-27", "2026-03-01").Days(); n != 3 {
		t.Errorf("days = %d", n)
	}
	if _, ok := deployrule.ParseDay("2026-02-29"); ok {
		t.Error("2026-02-29 parsed")
	}
}

func TestCheckRest(t *testing.T) {
	p := deployrule.DefaultPolicy()
	cases := []struct {
		name     string
		existing []deployrule.Deployment
		planned  deployrule.Deployment
		kind     string
		other    int64
		until    string
	}{
		{"14 days then 3 off is fine", []deployrule.Deployment{dep(1, "2026-11-01", "2026-11-14", 2)}, dep(0, "2026-11-18", "2026-11-20", 2), "", 0, ""},
		{"14 days then 2 off is not rest", []deployrule.Deployment{dep(1, "2026-11-01", "2026-11-14", 2)}, dep(0, "2026-11-17", "2026-11-20", 2), "consecutive", 1, "2026-11-17"},
		{"one plan of 15 days alone", nil, dep(0, "2026-11-01", "2026-11-15", 2), "consecutive", 0, ""},
		{"short breaks do not reset the run", []deployrule.Deployment{dep(1, "2026-11-01", "2026-11-06", 2), dep(2, "2026-11-09", "2026-11-14", 2)}, dep(0, "2026-11-16", "2026-11-19", 2), "consecutive", 2, "2026-11-17"},
		{"planned before a run, joining it", []deployrule.Deployment{dep(1, "2026-11-05", "2026-11-18", 2)}, dep(0, "2026-11-01", "2026-11-03", 2), "consecutive", 1, "2026-11-04"},
		{"within the quarantine after an aid mission", []deployrule.Deployment{{ID: 7, Span: span("2026-09-01", "2026-09-30"), Tier: 1, Aid: true, QuarantineDays: 14}}, dep(0, "2026-10-14", "2026-10-16", 2), "aid", 7, "2026-10-14"},
		{"after the quarantine", []deployrule.Deployment{{ID: 7, Span: span("2026-09-01", "2026-09-30"), Tier: 1, Aid: true, QuarantineDays: 14}}, dep(0, "2026-10-15", "2026-10-16", 2), "", 0, ""},
		{"an aid mission planned too close before a local run", []deployrule.Deployment{dep(3, "2026-10-05", "2026-10-06", 2)}, deployrule.Deployment{Span: span("2026-09-01", "2026-09-30"), Tier: 1, Aid: true, QuarantineDays: 14}, "aid", 3, "2026-10-14"},
		{"a long aid mission is not a local run", nil, deployrule.Deployment{Span: span("2026-09-01", "2026-10-30"), Tier: 1, Aid: true, QuarantineDays: 14}, "", 0, ""},
	}
	for _, c := range cases {
		f, ok := deployrule.CheckRest(p, c.existing, c.planned)
		if ok != (c.kind != "") || f.Kind != c.kind || f.Other != c.other || c.until != "" && f.RestUntil.String() != c.until {
			t.Errorf("%s: %+v (%v), want %s other %d until %s", c.name, f, ok, c.kind, c.other, c.until)
		}
	}
	// A lower tier-1 limit of a region.
	p.MaxTier1Days = 7
	f, ok := deployrule.CheckRest(p, []deployrule.Deployment{dep(1, "2026-11-01", "2026-11-05", 1)}, dep(0, "2026-11-06", "2026-11-08", 1))
	if !ok || f.Kind != "tier1" || f.Days != 8 || f.Limit != 7 {
		t.Errorf("tier-1 limit: %+v %v", f, ok)
	}
	if _, ok := deployrule.CheckRest(p, []deployrule.Deployment{dep(1, "2026-11-01", "2026-11-05", 1)}, dep(0, "2026-11-06", "2026-11-08", 2)); ok {
		t.Error("tier-2 days counted against the tier-1 limit")
	}
}

func TestStatusOn(t *testing.T) {
	p := deployrule.DefaultPolicy()
	deps := []deployrule.Deployment{dep(1, "2026-11-01", "2026-11-20", 1)} // overridden: 20 days
	for on, want := range map[string]bool{"2026-11-13": false, "2026-11-14": true, "2026-11-22": true, "2026-11-23": true, "2026-11-24": false} {
		st := deployrule.StatusOn(p, deps, day(on))
		if st.Due != want {
			t.Errorf("%s: due %v (%+v)", on, st.Due, st)
		}
		if st.Due && st.RestUntil.String() != "2026-11-23" {
			t.Errorf("%s: rest until %s", on, st.RestUntil)
		}
	}
	aid := []deployrule.Deployment{{ID: 2, Span: span("2026-09-01", "2026-09-30"), Tier: 1, Aid: true, QuarantineDays: 14}}
	if st := deployrule.StatusOn(p, aid, day("2026-10-05")); !st.Due || st.Kind != "aid" || st.RestUntil.String() != "2026-10-14" {
		t.Errorf("after a mission: %+v", st)
	}
	if st := deployrule.StatusOn(p, aid, day("2026-09-20")); st.Due {
		t.Errorf("on the mission: %+v", st)
	}
}

func TestCountHalfDays(t *testing.T) {
	p := deployrule.DefaultPolicy()
	short := dep(2, "2026-11-10", "2026-11-12", 2)
	short.ShiftHours = 4
	deps := []deployrule.Deployment{dep(1, "2026-10-28", "2026-11-03", 1), short}
	t1, t2 := deployrule.Count(p, deps, day("2026-11-01"), day("2026-11-30"))
	if t1 != 6 || t2 != 3 || t2.String() != "1.5" || t1.String() != "3" {
		t.Errorf("count = %d, %d", t1, t2)
	}
	p.HalfDayHours = 0
	if _, t2 := deployrule.Count(p, deps, day("2026-11-01"), day("2026-11-30")); t2 != 6 {
		t.Errorf("without half days: %d", t2)
	}
	// Overlapping deployments (say, a post and a batch the same days) count each day once, at the higher tier.
	t1, t2 = deployrule.Count(deployrule.DefaultPolicy(), []deployrule.Deployment{dep(1, "2026-11-01", "2026-11-05", 2), dep(2, "2026-11-04", "2026-11-06", 1)}, day("2026-11-01"), day("2026-11-30"))
	if t1 != 6 || t2 != 6 {
		t.Errorf("overlap = %d, %d", t1, t2)
	}
}

func TestSevere(t *testing.T) {
	on := day("2026-11-01")
	child := deployrule.Member{Relation: model.RelChild, BirthDate: "2017-03-01", LivesWith: true}
	spouse := deployrule.Member{Relation: model.RelSpouse, BirthDate: "1986-01-01", LivesWith: true, MedicalWorker: 2}
	grandma := deployrule.Member{Relation: model.RelParent, BirthDate: "1958-06-01", LivesWith: true}
	frailGrandpa := deployrule.Member{Relation: model.RelParent, BirthDate: "1940-06-01", LivesWith: true, CareNeeds: []string{model.CareElderly}}
	adultChild := deployrule.Member{Relation: model.RelChild, BirthDate: "2000-01-01", LivesWith: true}
	for _, c := range []struct {
		name    string
		members []deployrule.Member
		want    bool
	}{
		{"a child and only the deployed couple", []deployrule.Member{spouse, child}, true},
		{"a child and a grandmother at home", []deployrule.Member{spouse, child, grandma}, false},
		{"an elderly parent needing care, no one else", []deployrule.Member{spouse, frailGrandpa}, true},
		{"the frail grandfather cares for nobody", []deployrule.Member{child, frailGrandpa}, true},
		{"no dependants", []deployrule.Member{spouse, adultChild}, false},
		{"a child turned 18 cares for the grandfather", []deployrule.Member{frailGrandpa, adultChild}, false},
		{"a relative living elsewhere does not count", []deployrule.Member{child, {Relation: model.RelSibling, BirthDate: "1990-01-01"}}, true},
	} {
		if got := deployrule.Severe(c.members, []int64{1, 2}, on); got != c.want {
			t.Errorf("%s: severe %v", c.name, got)
		}
	}
	if n := deployrule.Dependants([]deployrule.Member{child, frailGrandpa, grandma}, on); n != 2 {
		t.Errorf("dependants = %d", n)
	}
	// The 18th birthday.
	if (deployrule.Member{BirthDate: "2008-11-02"}).Minor(on) != true || (deployrule.Member{BirthDate: "2008-11-01"}).Minor(on) {
		t.Error("18th birthday")
	}
}

func TestRank(t *testing.T) {
	cands := []deployrule.Candidate{
		{PersonID: 1, FrontlineDays: 40},
		{PersonID: 2, Couple: []deployrule.Deployment{dep(9, "2026-11-01", "2026-11-05", 1)}},
		{PersonID: 3, NeedRest: true, Rest: deployrule.RestFinding{Kind: "consecutive", Days: 16, Limit: 14}},
		{PersonID: 4, Dependants: 2},
		{PersonID: 5, FrontlineDays: 10},
		{PersonID: 6, FrontlineDays: 10},
	}
	got := deployrule.Rank(cands, 10)
	var order []int64
	for _, r := range got {
		order = append(order, r.PersonID)
	}
	want := []int64{5, 6, 1, 4, 3, 2}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("order = %v, want %v", order, want)
		}
	}
	if got[0].Rank != 1 || len(got[0].Reasons) != 4 || got[0].Reasons[0].Key != "candidate.reason.no_couple" {
		t.Errorf("first = %+v", got[0])
	}
	if last := got[5]; !last.CoupleConflict || last.Reasons[0].Key != "candidate.reason.couple" {
		t.Errorf("last = %+v", last)
	}
	if got := deployrule.Rank(cands, 2); len(got) != 2 {
		t.Errorf("count 2: %d", len(got))
	}
}
