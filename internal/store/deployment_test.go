package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// deployFixture is a dual-medical-worker couple at the Haizhou hospital
// (张伟, doctor, and 李娜, nurse, linked to each other as medical workers)
// with their son of 9 at home, a colleague 王强, 刘洋 at Xinqiu, a fever
// clinic (tier 1) and a sampling site (tier 2), and the accounts that plan.
type deployFixture struct {
	st                      *store.Store
	w                       world
	zhang, li, wang, liu    model.Person
	fever, sampling, xqPost model.Post
	users                   map[string]*auth.Principal
}

func newDeployFixture(t *testing.T, st *store.Store) *deployFixture {
	t.Helper()
	sys := testutil.System()
	f := &deployFixture{st: st, w: seed(t, st), users: map[string]*auth.Principal{}}
	mk := func(name string, seq int, inst int64, occ string) model.Person {
		in := newPerson(name, idNumber(seq), inst)
		in.Occupation = ptr(occ)
		p, err := st.CreatePerson(sys, in)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	f.zhang = mk("张伟", 201, f.w.haizhou.ID, "doctor")
	f.li = mk("李娜", 202, f.w.haizhou.ID, "nurse")
	f.wang = mk("王强", 203, f.w.haizhou.ID, "doctor")
	f.liu = mk("刘洋", 205, f.w.xinqiu.ID, "doctor")
	if _, err := st.CreateFamilyMember(sys, f.zhang.ID, model.FamilyMemberInput{Name: ptr("李娜"), Relation: ptr("spouse"), LivesWith: ptr(true), BirthDate: ptr("1987-04-02"),
		MedicalWorkerPersonID: ptr(f.li.ID)}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateFamilyMember(sys, f.zhang.ID, model.FamilyMemberInput{Name: ptr("张小宝"), Relation: ptr("child"), LivesWith: ptr(true),
		BirthDate: ptr("2017-03-01")}); err != nil {
		t.Fatal(err)
	}
	f.users["cw"] = &auth.Principal{UserID: 501, Username: "cw_haizhou", Role: auth.RoleCaseworker, RegionCode: "210902"}
	f.users["cw_xinqiu"] = &auth.Principal{UserID: 502, Username: "cw_xinqiu", Role: auth.RoleCaseworker, RegionCode: "210903"}
	f.users["cw_city"] = &auth.Principal{UserID: 503, Username: "cw_city", Role: auth.RoleCaseworker, RegionCode: "2109"}
	f.users["inst"] = &auth.Principal{UserID: 504, Username: "instadmin_hz", Role: auth.RoleInstitutionAdmin, InstitutionID: f.w.haizhou.ID}
	f.users["finance"] = &auth.Principal{UserID: 505, Username: "finance_city", Role: auth.RoleFinance, RegionCode: "2109"}
	f.users["leader"] = &auth.Principal{UserID: 506, Username: "leader_city", Role: auth.RoleLeader, RegionCode: "2109"}
	var err error
	if f.fever, err = st.CreatePost(f.as("inst"), model.PostInput{Name: ptr("发热门诊"), InstitutionID: ptr(f.w.haizhou.ID), Kind: ptr("fever_clinic"), Tier: ptr(1)}); err != nil {
		t.Fatal(err)
	}
	if f.sampling, err = st.CreatePost(f.as("cw"), model.PostInput{Name: ptr("细河区核酸采样点"), InstitutionID: ptr(f.w.haizhou.ID), Kind: ptr("sampling"), Tier: ptr(2)}); err != nil {
		t.Fatal(err)
	}
	if f.xqPost, err = st.CreatePost(f.as("cw_xinqiu"), model.PostInput{Name: ptr("隔离病区"), InstitutionID: ptr(f.w.xinqiu.ID), Kind: ptr("isolation_ward"), Tier: ptr(1)}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *deployFixture) as(who string) context.Context { return testutil.As(f.users[who]) }

func (f *deployFixture) plan(t *testing.T, who string, person int64, post int64, from, to string, mod ...func(*model.DeploymentInput)) (model.Deployment, error) {
	t.Helper()
	in := model.DeploymentInput{PersonID: ptr(person), PostID: ptr(post), StartsOn: from, EndsOn: to}
	for _, m := range mod {
		m(&in)
	}
	return f.st.CreateDeployment(f.as(who), in)
}

func (f *deployFixture) mustPlan(t *testing.T, who string, person int64, post int64, from, to string, mod ...func(*model.DeploymentInput)) model.Deployment {
	t.Helper()
	d, err := f.plan(t, who, person, post, from, to, mod...)
	if err != nil {
		t.Fatalf("plan %d %s..%s: %v", person, from, to, err)
	}
	return d
}

func conflictsOf(err error) []model.ConflictRef {
	refs, _ := model.AsError(err).Conflicts.([]model.ConflictRef)
	return refs
}

func TestPostsAndBatches(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newDeployFixture(t, st)
		// The institution admin sees their own posts only; Xinqiu's is out of reach.
		l, err := st.ListPosts(f.as("inst"), model.PostFilter{})
		if err != nil || l.Total != 2 {
			t.Fatalf("institution posts = %+v, %v", l, err)
		}
		if _, err := st.GetPost(f.as("inst"), f.xqPost.ID); code(err) != model.ENotFound {
			t.Errorf("post out of scope: %v", err)
		}
		if l, _ := st.ListPosts(f.as("cw_city"), model.PostFilter{Tier: 1}); l.Total != 2 {
			t.Errorf("city tier-1 posts = %d", l.Total)
		}
		// Bad input writes nothing.
		for name, in := range map[string]model.PostInput{
			"no name":             {InstitutionID: ptr(f.w.haizhou.ID), Kind: ptr("icu"), Tier: ptr(1)},
			"tier 3":              {Name: ptr("x"), InstitutionID: ptr(f.w.haizhou.ID), Kind: ptr("icu"), Tier: ptr(3)},
			"unknown kind":        {Name: ptr("x"), InstitutionID: ptr(f.w.haizhou.ID), Kind: ptr("canteen"), Tier: ptr(2)},
			"institution outside": {Name: ptr("x"), InstitutionID: ptr(f.w.xinqiu.ID), Kind: ptr("icu"), Tier: ptr(2)},
		} {
			if _, err := st.CreatePost(f.as("inst"), in); code(err) != model.EInvalid {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := st.CreatePost(f.as("finance"), model.PostInput{Name: ptr("x"), InstitutionID: ptr(f.w.haizhou.ID), Kind: ptr("icu"), Tier: ptr(2)}); code(err) != model.EForbidden {
			t.Errorf("finance defines a post: %v", err)
		}
		p, err := st.UpdatePost(f.as("inst"), f.fever.ID, model.PostInput{Active: ptr(false), Version: ptr(f.fever.Version)})
		if err != nil || p.Active || p.Version != f.fever.Version+1 {
			t.Fatalf("close post = %+v, %v", p, err)
		}
		if _, err := st.UpdatePost(f.as("inst"), f.fever.ID, model.PostInput{Tier: ptr(2), Version: ptr(f.fever.Version)}); code(err) != model.EStaleVersion {
			t.Errorf("stale version: %v", err)
		}
		if _, err := f.plan(t, "inst", f.zhang.ID, f.fever.ID, "2026-12-01", "2026-12-05"); code(err) != model.EInvalid {
			t.Errorf("plan at a closed post: %v", err)
		}
		// Batches belong to a region: the case worker builds one; the
		// quarantine defaults to the setting (14 days).
		b, err := st.CreateBatch(f.as("cw_city"), model.BatchInput{Name: ptr("辽宁援鄂第7批"), Destination: ptr("湖北省武汉市"), RegionCode: ptr("210900"),
			LeaderPersonID: ptr(f.wang.ID), DepartsOn: ptr("2026-11-01"), ReturnsOn: ptr("2026-11-30")})
		if err != nil || b.QuarantineDays != 14 || b.RegionCode != "2109" || b.LeaderName != "王强" || b.Tier != 1 {
			t.Fatalf("batch = %+v, %v", b, err)
		}
		for name, in := range map[string]model.BatchInput{
			"returns before departure": {Name: ptr("x"), Destination: ptr("武汉"), RegionCode: ptr("2109"), DepartsOn: ptr("2026-11-10"), ReturnsOn: ptr("2026-11-01")},
			"region outside":           {Name: ptr("x"), Destination: ptr("武汉"), RegionCode: ptr("2101"), DepartsOn: ptr("2026-11-01"), ReturnsOn: ptr("2026-11-10")},
			"bad date":                 {Name: ptr("x"), Destination: ptr("武汉"), RegionCode: ptr("2109"), DepartsOn: ptr("2026-13-01"), ReturnsOn: ptr("2026-11-10")},
		} {
			if _, err := st.CreateBatch(f.as("cw_city"), in); code(err) != model.EInvalid {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := st.CreateBatch(f.as("inst"), model.BatchInput{}); code(err) != model.EForbidden {
			t.Errorf("institution admin builds a batch: %v", err)
		}
		// Adding a member without dates takes the batch's.
		d, err := st.CreateDeployment(f.as("cw_city"), model.DeploymentInput{PersonID: ptr(f.liu.ID), BatchID: ptr(b.ID), Role: "医生"})
		if err != nil || d.StartsOn != "2026-11-01" || d.EndsOn != "2026-11-30" || d.BatchName != "辽宁援鄂第7批" || d.Tier != 1 || d.Role != "医生" {
			t.Fatalf("batch member = %+v, %v", d, err)
		}
		if b, _ = st.GetBatch(f.as("cw_city"), b.ID); b.Members != 1 {
			t.Errorf("batch members = %d", b.Members)
		}
		if _, err := st.GetBatch(f.as("cw_xinqiu"), b.ID); code(err) != model.ENotFound {
			t.Errorf("a district reaches the city's batch: %v", err)
		}
	})
}

func TestCoupleRule(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newDeployFixture(t, st)
		li := f.mustPlan(t, "inst", f.li.ID, f.fever.ID, "2026-12-01", "2026-12-10")
		// 张伟's wife is at the fever clinic: his plan overlapping it is refused and names hers.
		_, err := f.plan(t, "inst", f.zhang.ID, f.sampling.ID, "2026-12-08", "2026-12-12")
		if code(err) != model.ECoupleConflict {
			t.Fatalf("couple: %v", err)
		}
		refs := conflictsOf(err)
		if len(refs) != 1 || refs[0].DeploymentID != li.ID || refs[0].Kind != "couple" || refs[0].PersonName != "李娜" || !refs[0].Severe {
			t.Fatalf("conflicts = %+v", refs)
		}
		// The institution admin may not override; the case worker may, with a reason.
		_, err = f.plan(t, "inst", f.zhang.ID, f.sampling.ID, "2026-12-08", "2026-12-12", func(in *model.DeploymentInput) { in.OverrideReason = "人手不足" })
		if code(err) != model.EForbidden {
			t.Fatalf("institution admin overrides: %v", err)
		}
		// The other way round: the rule holds from her side too, and not after her end.
		if _, err := f.plan(t, "cw", f.zhang.ID, f.sampling.ID, "2026-12-11", "2026-12-20"); err != nil {
			t.Fatalf("after her deployment: %v", err)
		}
		if _, err := f.plan(t, "cw", f.li.ID, f.sampling.ID, "2026-12-15", "2026-12-16"); code(err) != model.ECoupleConflict {
			t.Fatalf("from her side: %v", err)
		}
		d := f.mustPlan(t, "cw", f.li.ID, f.sampling.ID, "2026-12-15", "2026-12-16", func(in *model.DeploymentInput) {
			in.OverrideReason = "  采样点急需护士，已安排祖母照看孩子  "
		})
		if d.OverrideReason != "采样点急需护士，已安排祖母照看孩子" || len(d.Conflicts) != 1 || d.Conflicts[0].Kind != "couple" || !d.Conflicts[0].Severe ||
			d.Conflicts[0].Status != "overridden" || d.Conflicts[0].DecidedByName != "cw_haizhou" {
			t.Fatalf("overridden = %+v", d)
		}
		// The conflicts page shows it with its reason; leaders have no such page.
		l, err := st.ListConflicts(f.as("cw"), model.ConflictFilter{From: "2026-12-01"})
		if err != nil || l.Total != 1 || l.Items[0].Reason == "" || l.Items[0].OtherPersonName != "张伟" {
			t.Fatalf("conflicts = %+v, %v", l, err)
		}
		if _, err := st.ListConflicts(f.as("leader"), model.ConflictFilter{}); code(err) != model.EForbidden {
			t.Errorf("leader lists conflicts: %v", err)
		}
		// Cancelling one side resolves it.
		if _, err := st.CancelDeployment(f.as("cw"), d.ID, nil); err != nil {
			t.Fatal(err)
		}
		if l, _ := st.ListConflicts(f.as("cw"), model.ConflictFilter{From: "2026-12-01"}); l.Total != 1 || l.Items[0].Status != "resolved" {
			t.Fatalf("after cancel = %+v", l)
		}
		if _, err := st.CancelDeployment(f.as("cw"), d.ID, nil); code(err) != model.EConflict {
			t.Errorf("cancel twice: %v", err)
		}
		// A cancelled deployment conflicts with nothing.
		if _, err := f.plan(t, "cw", f.li.ID, f.sampling.ID, "2026-12-15", "2026-12-16"); code(err) != model.ECoupleConflict {
			t.Fatalf("still conflicts with 张伟's live one: %v", err)
		}
	})
}

func TestCoupleConflictIsSevereOnlyWithoutAnotherAdult(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newDeployFixture(t, st)
		f.mustPlan(t, "cw", f.li.ID, f.fever.ID, "2026-12-01", "2026-12-10")
		// The grandmother moves in: someone is at home with the boy.
		if _, err := st.CreateFamilyMember(testutil.System(), f.li.ID, model.FamilyMemberInput{Name: ptr("王桂兰"), Relation: ptr("parent"), LivesWith: ptr(true),
			BirthDate: ptr("1958-06-01")}); err != nil {
			t.Fatal(err)
		}
		_, err := f.plan(t, "cw", f.zhang.ID, f.sampling.ID, "2026-12-05", "2026-12-06")
		if refs := conflictsOf(err); code(err) != model.ECoupleConflict || len(refs) != 1 || refs[0].Severe {
			t.Fatalf("with a grandmother at home: %v %+v", err, refs)
		}
	})
}

func TestDeploymentBadInput(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newDeployFixture(t, st)
		first := f.mustPlan(t, "cw", f.wang.ID, f.fever.ID, "2026-12-01", "2026-12-05")
		cases := []struct {
			name  string
			who   string
			in    model.DeploymentInput
			code  model.Code
			field string
		}{
			{"end before start", "cw", model.DeploymentInput{PersonID: ptr(f.zhang.ID), PostID: ptr(f.fever.ID), StartsOn: "2026-12-05", EndsOn: "2026-12-01"}, model.EInvalid, "ends_on"},
			{"no dates", "cw", model.DeploymentInput{PersonID: ptr(f.zhang.ID), PostID: ptr(f.fever.ID)}, model.EInvalid, "starts_on"},
			{"bad date", "cw", model.DeploymentInput{PersonID: ptr(f.zhang.ID), PostID: ptr(f.fever.ID), StartsOn: "2026-02-30", EndsOn: "2026-03-01"}, model.EInvalid, "starts_on"},
			{"post and batch", "cw", model.DeploymentInput{PersonID: ptr(f.zhang.ID), PostID: ptr(f.fever.ID), BatchID: ptr(int64(1)), StartsOn: "2026-12-01", EndsOn: "2026-12-02"}, model.EInvalid, "post_id"},
			{"shift of 30 hours", "cw", model.DeploymentInput{PersonID: ptr(f.zhang.ID), PostID: ptr(f.fever.ID), StartsOn: "2026-12-01", EndsOn: "2026-12-02", ShiftHours: ptr(30)}, model.EInvalid, "shift_hours"},
			{"post out of scope", "inst", model.DeploymentInput{PersonID: ptr(f.zhang.ID), PostID: ptr(f.xqPost.ID), StartsOn: "2026-12-01", EndsOn: "2026-12-02"}, model.EInvalid, "post_id"},
			{"person out of scope", "inst", model.DeploymentInput{PersonID: ptr(f.liu.ID), PostID: ptr(f.fever.ID), StartsOn: "2026-12-01", EndsOn: "2026-12-02"}, model.ENotFound, ""},
			{"missing person", "cw", model.DeploymentInput{PersonID: ptr(int64(99999)), PostID: ptr(f.fever.ID), StartsOn: "2026-12-01", EndsOn: "2026-12-02"}, model.ENotFound, ""},
			{"overlapping the same person", "cw", model.DeploymentInput{PersonID: ptr(f.wang.ID), PostID: ptr(f.sampling.ID), StartsOn: "2026-12-05", EndsOn: "2026-12-06"}, model.EConflict, ""},
			{"overlap even with a reason", "cw", model.DeploymentInput{PersonID: ptr(f.wang.ID), PostID: ptr(f.sampling.ID), StartsOn: "2026-12-03", EndsOn: "2026-12-04", OverrideReason: "急需"}, model.EConflict, ""},
			{"override by institution admin", "inst", model.DeploymentInput{PersonID: ptr(f.zhang.ID), PostID: ptr(f.fever.ID), StartsOn: "2026-12-01", EndsOn: "2026-12-02", OverrideReason: "急需"}, model.EForbidden, ""},
			{"finance plans", "finance", model.DeploymentInput{PersonID: ptr(f.zhang.ID), PostID: ptr(f.fever.ID), StartsOn: "2026-12-01", EndsOn: "2026-12-02"}, model.EForbidden, ""},
		}
		for _, c := range cases {
			_, err := st.CreateDeployment(f.as(c.who), c.in)
			if code(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
				continue
			}
			if c.field != "" {
				if _, ok := fieldOf(err)[c.field]; !ok {
					t.Errorf("%s: no message on %s: %v", c.name, c.field, err)
				}
			}
			if c.name == "overlapping the same person" {
				if refs := conflictsOf(err); len(refs) != 1 || refs[0].DeploymentID != first.ID || refs[0].Kind != "overlap" {
					t.Errorf("overlap names %+v", refs)
				}
			}
		}
		if l, _ := st.ListDeployments(f.as("cw"), model.DeploymentFilter{Status: "all"}); l.Total != 1 {
			t.Errorf("bad input wrote %d deployments", l.Total-1)
		}
	})
}

func TestRestRule(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newDeployFixture(t, st)
		f.mustPlan(t, "cw", f.wang.ID, f.fever.ID, "2026-11-01", "2026-11-14") // 14 days: the limit
		// Two days off are not the 3 days of rest.
		_, err := f.plan(t, "cw", f.wang.ID, f.sampling.ID, "2026-11-17", "2026-11-20")
		refs := conflictsOf(err)
		if code(err) != model.ERestRequired || len(refs) != 1 || refs[0].RestKind != "consecutive" || refs[0].Days != 18 || refs[0].Limit != 14 || refs[0].RestUntil != "2026-11-17" {
			t.Fatalf("rest: %v %+v", err, refs)
		}
		f.mustPlan(t, "cw", f.wang.ID, f.sampling.ID, "2026-11-18", "2026-11-20")
		// A region may ask for more rest.
		if _, err := st.SetSetting(testutil.System(), "210902", "deploy.rest_days", "5"); err != nil {
			t.Fatal(err)
		}
		f.mustPlan(t, "cw", f.zhang.ID, f.fever.ID, "2026-10-01", "2026-10-14")
		if _, err := f.plan(t, "cw", f.zhang.ID, f.fever.ID, "2026-10-19", "2026-10-20"); code(err) != model.ERestRequired {
			t.Fatalf("4 days off with 5 required: %v", err)
		}
		// The rest flag: 王强 worked 14 days by 2026-11-14.
		due, err := st.ListRestDue(f.as("cw"), "2026-11-14")
		if err != nil || len(due) != 1 || due[0].PersonID != f.wang.ID || due[0].RunDays != 14 || due[0].RestUntil != "2026-11-19" { // 5 days of rest in Haizhou now
			t.Fatalf("rest due = %+v, %v", due, err)
		}
		if due, _ := st.ListRestDue(f.as("cw"), "2026-11-10"); len(due) != 0 {
			t.Errorf("due after 10 days: %+v", due)
		}
		// After an aid mission, 14 days of rest.
		b, err := st.CreateBatch(f.as("cw_city"), model.BatchInput{Name: ptr("援鄂第2批"), Destination: ptr("武汉"), RegionCode: ptr("2109"), DepartsOn: ptr("2026-09-01"),
			ReturnsOn: ptr("2026-09-10"), QuarantineDays: ptr(14)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateDeployment(f.as("cw_city"), model.DeploymentInput{PersonID: ptr(f.li.ID), BatchID: ptr(b.ID)}); err != nil {
			t.Fatal(err)
		}
		_, err = f.plan(t, "cw", f.li.ID, f.fever.ID, "2026-09-20", "2026-09-22")
		if refs := conflictsOf(err); code(err) != model.ERestRequired || refs[0].RestKind != "aid" || refs[0].RestUntil != "2026-09-24" {
			t.Fatalf("after the mission: %v %+v", err, refs)
		}
		d := f.mustPlan(t, "cw", f.li.ID, f.fever.ID, "2026-09-20", "2026-09-22", func(in *model.DeploymentInput) { in.OverrideReason = "隔离期满核酸阴性，本人申请" })
		if len(d.Conflicts) != 1 || d.Conflicts[0].Kind != "rest" {
			t.Fatalf("kept rest conflict = %+v", d.Conflicts)
		}
	})
}

func TestDeploymentDays(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newDeployFixture(t, st)
		f.mustPlan(t, "cw", f.wang.ID, f.fever.ID, "2026-10-28", "2026-11-05")                                                                // 5 tier-1 days in November
		f.mustPlan(t, "cw", f.wang.ID, f.sampling.ID, "2026-11-20", "2026-11-22", func(in *model.DeploymentInput) { in.ShiftHours = ptr(4) }) // 3 half days
		f.mustPlan(t, "cw", f.zhang.ID, f.sampling.ID, "2026-11-29", "2026-12-03")                                                            // 2 days in November
		f.mustPlan(t, "cw_city", f.liu.ID, f.xqPost.ID, "2026-11-01", "2026-11-05")
		days, err := st.DeploymentDays(f.as("finance"), "2026-11-01", "2026-11-30", model.DaysFilter{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64][2]int64{}
		for _, d := range days {
			got[d.PersonID] = [2]int64{d.Tier1HalfDays, d.Tier2HalfDays}
		}
		if got[f.wang.ID] != [2]int64{10, 3} || got[f.zhang.ID] != [2]int64{0, 4} || got[f.liu.ID] != [2]int64{10, 0} {
			t.Fatalf("days = %+v", got)
		}
		for _, d := range days {
			if d.PersonID == f.wang.ID && (d.Tier2Days.String() != "1.5" || d.Tier1Days.String() != "5") {
				t.Errorf("rendered %s / %s", d.Tier1Days, d.Tier2Days)
			}
		}
		// A region without half days counts the short shifts whole.
		if _, err := st.SetSetting(testutil.System(), "2109", "deploy.half_day_hours", "0"); err != nil {
			t.Fatal(err)
		}
		days, _ = st.DeploymentDays(f.as("finance"), "2026-11-01", "2026-11-30", model.DaysFilter{PersonID: f.wang.ID})
		if len(days) != 1 || days[0].Tier2HalfDays != 6 {
			t.Fatalf("without half days = %+v", days)
		}
		// A cancelled deployment counts nothing; the district sees its own people.
		l, _ := st.ListDeployments(f.as("cw_xinqiu"), model.DeploymentFilter{})
		if l.Total != 1 {
			t.Fatalf("xinqiu deployments = %d", l.Total)
		}
		if _, err := st.CancelDeployment(f.as("cw_xinqiu"), l.Items[0].ID, ptr(l.Items[0].Version)); err != nil {
			t.Fatal(err)
		}
		days, _ = st.DeploymentDays(f.as("cw_xinqiu"), "2026-11-01", "2026-11-30", model.DaysFilter{})
		if len(days) != 0 {
			t.Errorf("cancelled counts %+v", days)
		}
		for name, p := range map[string][2]string{"end before start": {"2026-11-30", "2026-11-01"}, "bad date": {"2026-11-01", "11/30"}} {
			if _, err := st.DeploymentDays(f.as("finance"), p[0], p[1], model.DaysFilter{}); code(err) != model.EInvalid {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := st.DeploymentDays(f.as("leader"), "2026-11-01", "2026-11-30", model.DaysFilter{}); code(err) != model.EForbidden {
			t.Errorf("leader reads individual days: %v", err)
		}
	})
}

func TestListDeploymentsActiveOnAndAudit(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newDeployFixture(t, st)
		f.mustPlan(t, "cw", f.wang.ID, f.fever.ID, "2026-11-01", "2026-11-05")
		f.mustPlan(t, "cw", f.zhang.ID, f.sampling.ID, "2026-11-05", "2026-11-09")
		for on, want := range map[string]int{"2026-11-01": 1, "2026-11-05": 2, "2026-11-09": 1, "2026-11-10": 0} {
			l, err := st.ListDeployments(f.as("inst"), model.DeploymentFilter{ActiveOn: on})
			if err != nil || l.Total != want {
				t.Errorf("active on %s: %d, %v; want %d", on, l.Total, err, want)
			}
		}
		l, _ := st.ListDeployments(f.as("cw"), model.DeploymentFilter{Q: "张"})
		if l.Total != 1 || l.Items[0].PersonName != "张伟" || l.Items[0].PostName != "细河区核酸采样点" {
			t.Fatalf("search = %+v", l)
		}
		if l, _ := st.ListDeployments(f.as("cw_xinqiu"), model.DeploymentFilter{}); l.Total != 0 {
			t.Errorf("xinqiu sees %d", l.Total)
		}
		audit, err := st.ListAudit(testutil.As(auditor()), model.AuditFilter{Action: store.ActDeploymentList})
		if err != nil || audit.Total < 5 || !strings.Contains(audit.Items[0].Detail, "q=set") && !slices.ContainsFunc(audit.Items, func(e model.AuditEntry) bool { return strings.Contains(e.Detail, "q=set") }) {
			t.Fatalf("list audit = %+v, %v", audit.Items, err)
		}
		_ = time.Second
	})
}

// TestDeploymentStatsForLeadersAreSuppressed: the dashboard's counts; a
// leader sees aggregates only, with small cells hidden.
func TestDeploymentStatsForLeadersAreSuppressed(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newDeployFixture(t, st)
		today := st.Now().In(time.FixedZone("UTC+8", 8*3600))
		day := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }
		f.mustPlan(t, "cw", f.wang.ID, f.fever.ID, day(-14), day(1), func(in *model.DeploymentInput) { in.OverrideReason = "无人接替" }) // 16 days: due for rest
		f.mustPlan(t, "cw", f.li.ID, f.fever.ID, day(-1), day(3))
		if err := st.ExecForTest(testutil.System(), "DELETE FROM family_members WHERE medical_worker_person_id IS NOT NULL"); err != nil {
			t.Fatal(err)
		}
		f.mustPlan(t, "cw", f.zhang.ID, f.sampling.ID, day(0), day(2))
		// The family link is made after both were planned: an open conflict.
		if _, err := st.CreateFamilyMember(testutil.System(), f.zhang.ID, model.FamilyMemberInput{Name: ptr("李娜"), Relation: ptr("spouse"), BirthDate: ptr("1987-04-02"),
			LivesWith: ptr(true), MedicalWorkerPersonID: ptr(f.li.ID)}); err != nil {
			t.Fatal(err)
		}
		s, err := st.DeploymentStats(f.as("cw"))
		if err != nil || s.DeployedToday != 3 || s.RestDue != 1 || s.OpenConflicts != 1 {
			t.Fatalf("stats = %+v, %v", s, err)
		}
		s, err = st.DeploymentStats(f.as("leader"))
		if err != nil || !s.DeployedToday.IsSuppressed() || !s.RestDue.IsSuppressed() || !s.OpenConflicts.IsSuppressed() {
			t.Fatalf("leader stats = %+v, %v", s, err)
		}
		if l, _ := st.ListConflicts(f.as("cw"), model.ConflictFilter{}); l.Total != 2 || l.Items[0].Status != "open" || !l.Items[0].Severe || l.Items[1].Kind != "rest" {
			t.Fatalf("open conflict = %+v", l)
		}
	})
}
