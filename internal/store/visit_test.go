package store_test

import (
	"testing"
	"time"

	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestVisitRecordsItsNeedsInOneTransaction: the needs heard at a visit are
// created with it, or, when one is wrong, nothing is.
func TestVisitRecordsItsNeedsInOneTransaction(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		at := clock.Now().Add(-2 * time.Hour)
		in := model.VisitInput{PersonID: f.zhang.ID, Target: "both", Channel: "home", VisitedAt: at, Notes: "入户看望，母亲行动不便",
			Needs: []model.NeedInput{
				{Category: "living", Kind: "eldercare", Urgency: "high", Description: "母亲需要日间照料", FamilyMemberID: &f.mother.ID},
				{Category: "psychological", Kind: "counselling", Urgency: "normal", Description: "本人连续值班，睡眠差"},
			}}
		// One bad need (another person's relative) fails the whole visit.
		bad := in
		bad.Needs = append([]model.NeedInput{}, in.Needs...)
		bad.Needs[1].FamilyMemberID = &f.liuSon.ID
		_, err := st.CreateVisit(cw, bad)
		if code(err) != model.EInvalid || fieldOf(err)["needs[1].family_member_id"].Key != "need.family_member_other" {
			t.Fatalf("bad need: %v", err)
		}
		if l, _ := st.ListVisits(cw, model.VisitFilter{}); l.Total != 0 {
			t.Fatalf("a failed visit left %d visits", l.Total)
		}
		if l, _ := st.ListNeeds(cw, model.NeedFilter{}); l.Total != 0 {
			t.Fatalf("a failed visit left %d cases", l.Total)
		}
		v, err := st.CreateVisit(cw, in)
		if err != nil {
			t.Fatal(err)
		}
		if v.PersonName != "张伟" || v.Channel != "home" || v.Target != "both" || !v.VisitedAt.Equal(at) || v.Visitor != "cw_haizhou" || len(v.Needs) != 2 || v.NeedCount != 2 {
			t.Fatalf("visit = %+v", v)
		}
		for _, n := range v.Needs {
			if n.Source != "visit" || n.VisitID == nil || *n.VisitID != v.ID || n.Status != "open" {
				t.Errorf("need of the visit = %+v", n)
			}
		}
		got, err := st.GetVisit(cw, v.ID)
		if err != nil || len(got.Needs) != 2 {
			t.Fatalf("get visit = %+v, %v", got, err)
		}
		// The counselor sees the visit's psychological need only… and no visits at all.
		if _, err := st.GetVisit(f.as("counselor_hz"), v.ID); code(err) != model.EForbidden {
			t.Errorf("counselor reads visits: %v", err)
		}
		// Out of scope, future, unknown channel.
		for name, c := range map[string]struct {
			ctx   string
			in    model.VisitInput
			code  model.Code
			field string
		}{
			"person out of scope": {"cw_xinqiu", model.VisitInput{PersonID: f.zhang.ID, Channel: "phone", VisitedAt: at}, model.ENotFound, ""},
			"in the future":       {"cw_haizhou", model.VisitInput{PersonID: f.zhang.ID, Channel: "phone", VisitedAt: clock.Now().Add(time.Minute)}, model.EInvalid, "visited_at"},
			"no time":             {"cw_haizhou", model.VisitInput{PersonID: f.zhang.ID, Channel: "phone"}, model.EInvalid, "visited_at"},
			"unknown channel":     {"cw_haizhou", model.VisitInput{PersonID: f.zhang.ID, Channel: "letter", VisitedAt: at}, model.EInvalid, "channel"},
			"unknown target":      {"cw_haizhou", model.VisitInput{PersonID: f.zhang.ID, Channel: "phone", Target: "neighbour", VisitedAt: at}, model.EInvalid, "target"},
			"need of another":     {"cw_city", model.VisitInput{PersonID: f.zhang.ID, Channel: "phone", VisitedAt: at, Needs: []model.NeedInput{{PersonID: f.liu.ID, Category: "other", Kind: "other", Urgency: "low", Description: "x"}}}, model.EInvalid, "needs[0].person_id"},
			"need not from visit": {"cw_haizhou", model.VisitInput{PersonID: f.zhang.ID, Channel: "phone", VisitedAt: at, Needs: []model.NeedInput{{Source: "hotline", Category: "other", Kind: "other", Urgency: "low", Description: "x"}}}, model.EInvalid, "needs[0].source"},
			"worker":              {"worker_zhang", model.VisitInput{PersonID: f.zhang.ID, Channel: "phone", VisitedAt: at}, model.EForbidden, ""},
		} {
			_, err := st.CreateVisit(f.as(c.ctx), c.in)
			if code(err) != c.code {
				t.Errorf("%s: %v, want %s", name, err, c.code)
			} else if c.field != "" {
				if _, ok := fieldOf(err)[c.field]; !ok {
					t.Errorf("%s: no message on %s: %v", name, c.field, err)
				}
			}
		}
	})
}

// TestVisitPlan: a family with an elderly member to care for is due every 3
// days, others every 7 (or what the region sets); the plan counts who is due
// and overdue per institution.
func TestVisitPlan(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_city")
		// 张伟 (care family) was visited 4 days ago; 刘洋 was never visited, registered today.
		if _, err := st.CreateVisit(cw, model.VisitInput{PersonID: f.zhang.ID, Channel: "phone", VisitedAt: clock.Now().AddDate(0, 0, -4)}); err != nil {
			t.Fatal(err)
		}
		// An older visit recorded later does not move the last visit back.
		if _, err := st.CreateVisit(cw, model.VisitInput{PersonID: f.zhang.ID, Channel: "home", VisitedAt: clock.Now().AddDate(0, 0, -6)}); err != nil {
			t.Fatal(err)
		}
		plan, err := st.VisitsDue(cw, model.VisitDueFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if plan.People != 2 || plan.Total != 2 || plan.Overdue != 1 || plan.Due != 1 || len(plan.Institutions) != 2 {
			t.Fatalf("plan = %+v", plan)
		}
		first := plan.Items[0]
		if first.PersonID != f.zhang.ID || !first.Care || first.IntervalDays != 3 || !first.Overdue || first.LastVisitAt == nil ||
			!first.NextDueAt.Equal(clock.Now().AddDate(0, 0, -1)) {
			t.Errorf("张伟 = %+v", first)
		}
		second := plan.Items[1]
		if second.PersonID != f.liu.ID || second.Care || second.IntervalDays != 7 || second.Due || second.LastVisitAt != nil {
			t.Errorf("刘洋 = %+v", second)
		}
		if plan.Institutions[0].InstitutionID != f.w.haizhou.ID || plan.Institutions[0].Overdue != 1 {
			t.Errorf("institutions = %+v", plan.Institutions)
		}
		only, _ := st.VisitsDue(cw, model.VisitDueFilter{Status: model.VisitPlanOverdue})
		if only.Total != 1 || len(only.Items) != 1 || only.People != 2 {
			t.Errorf("overdue only = %+v", only)
		}
		// The city sets 1 day for everyone: 刘洋 is due within the day now.
		if _, err := st.SetSetting(cw, "2109", "visit.interval_days", "1"); err != nil {
			t.Fatal(err)
		}
		plan, _ = st.VisitsDue(cw, model.VisitDueFilter{})
		if plan.Due != 2 || plan.Items[1].IntervalDays != 1 {
			t.Errorf("after the setting: %+v", plan)
		}
		// Scope: the Xinqiu team sees only 刘洋.
		plan, _ = st.VisitsDue(f.as("cw_xinqiu"), model.VisitDueFilter{})
		if plan.People != 1 || plan.Items[0].PersonID != f.liu.ID {
			t.Errorf("Xinqiu plan = %+v", plan)
		}
		if _, err := st.VisitsDue(f.as("vol_wang"), model.VisitDueFilter{}); code(err) != model.EForbidden {
			t.Errorf("volunteer reads the plan: %v", err)
		}
	})
}
