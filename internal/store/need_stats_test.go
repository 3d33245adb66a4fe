package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/ident"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// statsWorld is a ledger four months deep for comparing the dashboard and
// the visit plan with their plain computations: people in Haizhou, one of its
// streets, Xinqiu and Dalian (outside the city), relatives with and without
// care needs, visit interval settings at several levels, and cases in every
// status recorded over 125 days.
type statsWorld struct {
	*needFixture
	street, dalian model.Institution
	start          time.Time
}

func newStatsWorld(t *testing.T, st *store.Store, clock *testutil.Clock) *statsWorld {
	t.Helper()
	sys := testutil.System()
	w := &statsWorld{needFixture: newNeedFixture(t, st, clock), start: clock.Now()}
	if _, err := st.CreateRegion(sys, model.Region{Code: "210902001", Name: "站前街道"}); err != nil {
		t.Fatal(err)
	}
	var err error
	if w.street, err = st.CreateInstitution(sys, model.InstitutionInput{Name: ptr("站前社区卫生服务中心"), Type: ptr("community_health_centre"), RegionCode: ptr("210902001")}); err != nil {
		t.Fatal(err)
	}
	if w.dalian, err = st.CreateInstitution(sys, model.InstitutionInput{Name: ptr("大连市中山区医院"), Type: ptr("hospital"), RegionCode: ptr("210202")}); err != nil {
		t.Fatal(err)
	}
	people := []model.Person{w.zhang, w.liu}
	insts := []int64{w.w.haizhou.ID, w.w.xinqiu.ID, w.street.ID, w.dalian.ID}
	for i := range 14 {
		in := newPerson(fmt.Sprintf("测试%d", i), ident.MakeIDNumber("210902", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), 200+i), insts[i%4])
		in.Frontline = ptr(i%5 != 4)
		p, err := st.CreatePerson(sys, in)
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, p)
		var care []string
		switch i % 3 {
		case 0:
			care = []string{model.CareMinor}
		case 1:
			care = []string{model.CareChronicIll} // not a reason to visit more often
		case 2:
			care = []string{model.CareChronicIll, model.CareDisability}
		}
		if i%4 == 3 && i%3 == 0 {
			care = nil
		}
		if care != nil {
			if _, err := st.CreateFamilyMember(sys, p.ID, model.FamilyMemberInput{Name: ptr("家属"), Relation: ptr("child"), BirthDate: ptr("2012-01-01"),
				CareNeeds: ptr(care)}); err != nil {
				t.Fatal(err)
			}
		}
		clock.Advance(7 * time.Hour)
	}
	for _, s := range []struct{ region, name, value string }{
		{"", casework.SettingVisitIntervalCare, "4"},
		{"2109", casework.SettingVisitInterval, "5"},
		{"210902001", casework.SettingVisitIntervalCare, "2"},
		{"210903", casework.SettingVisitInterval, "10"},
		{"210903", casework.SettingVisitIntervalCare, "10"},
	} {
		if _, err := st.SetSetting(sys, s.region, s.name, s.value); err != nil {
			t.Fatal(err)
		}
	}
	categories := model.NeedCategories
	urgencies := model.NeedUrgencies
	handler := w.uid("cw_province")
	for phase := range 3 {
		for i := range 30 {
			p := people[(i*7+phase)%len(people)]
			n, err := st.CreateNeed(sys, model.NeedInput{PersonID: p.ID, Category: categories[(i+phase)%len(categories)], Kind: "other",
				Urgency: urgencies[i%len(urgencies)], Description: "测试需求", Source: "hotline"})
			if err != nil {
				t.Fatal(err)
			}
			clock.Advance(time.Duration(i*37) * time.Minute)
			step := (i + phase) % 8
			if step >= 1 && step != 5 {
				if _, err := st.AssignNeed(sys, n.ID, model.NeedAssign{UserID: &handler}); err != nil {
					t.Fatal(err)
				}
			}
			if step == 2 {
				if _, err := st.StartNeed(sys, n.ID, model.NeedStep{}); err != nil {
					t.Fatal(err)
				}
			}
			if step == 3 || step == 4 || step == 6 || step == 7 {
				clock.Advance(time.Duration(i%5) * time.Hour)
				if _, err := st.ResolveNeed(sys, n.ID, model.NeedStep{Resolution: "已解决"}); err != nil {
					t.Fatal(err)
				}
			}
			if step == 4 || step == 6 || step == 7 {
				if _, err := st.CloseNeed(sys, n.ID, model.NeedStep{Satisfaction: ptr(1 + i%5)}); err != nil {
					t.Fatal(err)
				}
			}
			if step == 5 {
				if _, err := st.RejectNeed(sys, n.ID, model.NeedStep{Reason: "不属于保障范围"}); err != nil {
					t.Fatal(err)
				}
			}
			if step == 7 {
				if _, err := st.ReopenNeed(sys, n.ID, model.NeedStep{Note: "再次来电"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		// The open cases' deadlines pass and they move up a level; the last
		// phase's latest cases are still in time.
		if phase == 2 {
			clock.Advance(2 * time.Hour)
		} else {
			clock.Advance(5 * 24 * time.Hour)
		}
		if _, err := st.EscalateOverdue(sys, clock.Now()); err != nil {
			t.Fatal(err)
		}
		if phase < 2 {
			clock.Advance(55 * 24 * time.Hour)
		}
	}
	// Visits at several distances, 刘洋's exactly on his interval (10 days, Xinqiu).
	for i, p := range people {
		if i%3 == 2 {
			continue
		}
		at := clock.Now().Add(-time.Duration(i*5+30) * time.Hour)
		if p.ID == w.liu.ID {
			at = clock.Now().AddDate(0, 0, -10)
		}
		if _, err := st.CreateVisit(sys, model.VisitInput{PersonID: p.ID, Channel: "phone", VisitedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// TestNeedStatsAgreeWithThePlainComputation: for every role and filter, the
// dashboard's figures and the visit plan are those of reading every case and
// person and counting them in Go (need_stats_export_test.go); nothing out of
// scope is counted, and the leader's small cells are hidden.
func TestNeedStatsAgreeWithThePlainComputation(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		w := newStatsWorld(t, st, clock)
		ctxs := map[string]context.Context{"system": testutil.System()}
		for _, a := range needAccounts {
			ctxs[a.username] = w.as(a.username)
		}
		day := func(d int) time.Time { return w.start.AddDate(0, 0, d) }
		filters := []model.NeedStatsFilter{
			{},
			{RegionCode: "210902"},
			{RegionCode: "210902001"},
			{RegionCode: "2102"},
			{InstitutionID: w.street.ID},
			{From: day(50)},
			{From: day(50), To: day(121)},
			{To: day(70)},
			{RegionCode: "2109", From: day(-10), To: day(130)},
		}
		check := func(t *testing.T) {
			for name, ctx := range ctxs {
				for _, f := range filters {
					got, err := st.NeedStats(ctx, f)
					if name == "finance_city" || name == "sysadmin" {
						if model.ErrorCode(err) != model.EForbidden {
							t.Errorf("%s reads the dashboard: %v", name, err)
						}
						continue
					}
					if err != nil {
						t.Fatalf("%s %+v: %v", name, f, err)
					}
					want, err := st.NeedStatsReferenceForTest(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("%s %+v:\n got %+v %+v\nwant %+v %+v", name, f, got, got.Visits, want, want.Visits)
					}
				}
				if !auth.RoleCan(roleOf(ctx), auth.PermVisitRead) && name != "system" {
					if _, err := st.VisitsDue(ctx, model.VisitDueFilter{}); model.ErrorCode(err) != model.EForbidden {
						t.Errorf("%s reads the visit plan: %v", name, err)
					}
					continue
				}
				for _, f := range []model.VisitDueFilter{
					{},
					{Status: model.VisitPlanDue},
					{Status: model.VisitPlanOverdue},
					{RegionCode: "210902"},
					{RegionCode: "210902001", Status: model.VisitPlanDue},
					{InstitutionID: w.street.ID},
					{Page: model.Page{Limit: 3, Offset: 2}},
					{Status: model.VisitPlanOverdue, Page: model.Page{Limit: 2, Offset: 1}},
					{Page: model.Page{Limit: 5, Offset: 40}},
				} {
					got, err := st.VisitsDue(ctx, f)
					if err != nil {
						t.Fatalf("%s plan %+v: %v", name, f, err)
					}
					want, err := st.VisitsDueReferenceForTest(ctx, f, false)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("%s plan %+v:\n got %+v\nwant %+v", name, f, got, want)
					}
				}
			}
		}
		liu := func() model.VisitDue {
			plan, err := st.VisitsDue(testutil.System(), model.VisitDueFilter{InstitutionID: w.w.xinqiu.ID, Page: model.Page{Limit: 100}})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range plan.Items {
				if d.PersonID == w.liu.ID {
					return d
				}
			}
			t.Fatal("刘洋 is not on the plan")
			return model.VisitDue{}
		}
		check(t)
		// 刘洋 is due exactly now: not yet overdue; a moment later, under a
		// millisecond, he is.
		if d := liu(); !d.NextDueAt.Equal(clock.Now()) || !d.Due || d.Overdue {
			t.Errorf("刘洋 on the boundary: %+v", d)
		}
		clock.Advance(500 * time.Microsecond)
		check(t)
		if d := liu(); !d.Overdue {
			t.Errorf("刘洋 past the boundary: %+v", d)
		}
		// The figures are not all empty: the comparison means something.
		all, err := st.NeedStats(testutil.System(), model.NeedStatsFilter{})
		if err != nil {
			t.Fatal(err)
		}
		plan, err := st.VisitsDue(testutil.System(), model.VisitDueFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if all.Total != 90 || all.Escalated == 0 || all.Overdue == 0 || all.Overdue == all.Active || all.Resolved == 0 || all.MedianResolveSeconds == 0 || all.MeanSatisfaction == 0 ||
			all.Visits.Due == 0 || all.Visits.Overdue == 0 || all.Visits.Due == all.Visits.People || plan.Overdue == plan.Due {
			t.Errorf("the world is too plain: %+v %+v, plan %d/%d/%d", all, all.Visits, plan.People, plan.Due, plan.Overdue)
			for _, d := range plan.Items {
				t.Logf("%s %s last %v next %v int %d care %t", d.PersonName, d.RegionCode, d.LastVisitAt, d.NextDueAt.Sub(clock.Now()), d.IntervalDays, d.Care)
			}
		}
	})
}

func roleOf(ctx context.Context) string {
	if p := auth.FromContext(ctx); p != nil {
		return p.Role
	}
	return ""
}
