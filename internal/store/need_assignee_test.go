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

// assignableNames lists the usernames AssignableUsers offers, in its order.
func assignableNames(t *testing.T, st *store.Store, ctx context.Context, needID int64) []string {
	t.Helper()
	users, err := st.AssignableUsers(ctx, needID)
	if err != nil {
		t.Fatalf("AssignableUsers: %v", err)
	}
	var out []string
	for _, u := range users {
		out = append(out, u.Username)
	}
	return out
}

// TestAssignableUsers: the staff a case worker can give a case to are the
// enabled, unlocked accounts of roles that work cases whose own scope reaches
// the case, between the case's district and the team holding it (or the
// caller's own level), the closest first; volunteers' accounts are left to
// their registry records; a counselor is offered for psychological cases only.
func TestAssignableUsers(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		sys := testutil.System()
		if _, err := st.CreateRegion(sys, model.Region{Code: "210902001", Name: "测试街道"}); err != nil {
			t.Fatal(err)
		}
		for _, u := range []model.User{
			{Username: "cw_street", DisplayName: "街道专员", Role: auth.RoleCaseworker, RegionCode: "210902001"},
			{Username: "cw_hospital", DisplayName: "医院专员", Role: auth.RoleCaseworker, InstitutionID: &f.w.haizhou.ID},
			{Username: "cw_xinqiu_hospital", Role: auth.RoleCaseworker, InstitutionID: &f.w.xinqiu.ID},
			{Username: "cw_disabled", Role: auth.RoleCaseworker, RegionCode: "210902"},
			{Username: "cw_locked", Role: auth.RoleCaseworker, RegionCode: "210902"},
			{Username: "cw_nation", Role: auth.RoleCaseworker}, // nationwide
		} {
			created, err := st.InsertUserForTest(sys, u)
			if err != nil {
				t.Fatalf("user %s: %v", u.Username, err)
			}
			f.users[u.Username] = created
		}
		if _, err := st.UpdateUser(sys, f.uid("cw_disabled"), model.UserInput{Disabled: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		if err := st.LockUserForTest(sys, f.uid("cw_locked"), clock.Now().Add(30*time.Minute)); err != nil {
			t.Fatal(err)
		}

		cw := f.as("cw_haizhou")
		living := f.create(t, cw, f.newNeed())
		district := []string{"cw_hospital", "cw_haizhou", "cw_haizhou2"} // the institution first, then by display name
		if got := assignableNames(t, st, cw, living.ID); !slices.Equal(got, district) {
			t.Errorf("a district case worker is offered %v, want %v", got, district)
		}
		// A city case worker is offered their own level too.
		if got := assignableNames(t, st, f.as("cw_city"), living.ID); !slices.Equal(got, append(slices.Clone(district), "cw_city")) {
			t.Errorf("the city case worker is offered %v", got)
		}
		// The counselor is offered for a psychological case.
		psych := f.create(t, cw, f.newNeed(func(in *model.NeedInput) { in.Category, in.Kind = "psychological", "counselling" }))
		if got := assignableNames(t, st, cw, psych.ID); !slices.Contains(got, "counselor_hz") {
			t.Errorf("psychological case: %v lacks the counselor", got)
		}
		// Every account offered can be given the case.
		users, _ := st.AssignableUsers(cw, psych.ID)
		version := psych.Version
		for _, u := range users {
			n, err := st.AssignNeed(cw, psych.ID, model.NeedAssign{UserID: &u.ID, Version: &version})
			if err != nil {
				t.Errorf("offered %s, but the assignment fails: %v", u.Username, err)
				continue
			}
			version = n.Version
		}
		// Once its lock runs out, the locked account is offered again.
		clock.Advance(31 * time.Minute)
		if got := assignableNames(t, st, cw, living.ID); !slices.Contains(got, "cw_locked") {
			t.Errorf("after the lock: %v", got)
		}

		// Escalated to the city, the city's team is offered to the district too.
		clock.Advance(4*time.Hour + time.Minute)
		if n, err := st.EscalateOverdue(sys, clock.Now()); err != nil || n < 1 {
			t.Fatalf("EscalateOverdue = %d, %v", n, err)
		}
		got := assignableNames(t, st, cw, living.ID)
		if !slices.Contains(got, "cw_city") || slices.Contains(got, "cw_province") || slices.Contains(got, "cw_nation") {
			t.Errorf("escalated case: %v", got)
		}
		for _, never := range []string{"cw_street", "cw_xinqiu", "cw_xinqiu_hospital", "cw_disabled", "vol_wang", "vol_zhao",
			"instadmin_hz", "leader_city", "finance_city", "sysadmin", "worker_zhang", "counselor_hz"} {
			if slices.Contains(got, never) {
				t.Errorf("%s is offered for a living case of 张伟: %v", never, got)
			}
		}
		// The province is offered itself and below; the system everyone up to the nation.
		if got := assignableNames(t, st, f.as("cw_province"), living.ID); !slices.Contains(got, "cw_province") || slices.Contains(got, "cw_nation") {
			t.Errorf("the province case worker is offered %v", got)
		}
		if got := assignableNames(t, st, sys, living.ID); !slices.Contains(got, "cw_province") || !slices.Contains(got, "cw_nation") || got[0] != "cw_hospital" {
			t.Errorf("the system is offered %v", got)
		}

		// Refusals write nothing and say why.
		if _, err := st.AssignableUsers(f.as("vol_wang"), living.ID); code(err) != model.EForbidden {
			t.Errorf("a volunteer: %v", err)
		}
		if _, err := st.AssignableUsers(f.as("cw_xinqiu"), living.ID); code(err) != model.ENotFound {
			t.Errorf("a case worker of another district: %v", err)
		}
		if _, err := st.AssignableUsers(cw, 987654); code(err) != model.ENotFound {
			t.Errorf("a missing case: %v", err)
		}
		if _, err := st.AssignableUsers(context.Background(), living.ID); code(err) != model.EUnauthenticated {
			t.Errorf("nobody: %v", err)
		}
	})
}

// TestAssignees: the assign form's list puts the paired volunteer first,
// then staff, then the other proposed volunteers; a volunteer with an
// account is there once, as a volunteer; whoever works the case is marked.
func TestAssignees(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		zhao, err := st.CreateVolunteer(cw, model.VolunteerInput{Name: ptr("赵敏"), Phone: ptr("13700003333"), RegionCode: ptr("210902"),
			Skills: ptr([]string{"driving"})})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreatePairing(cw, model.PairingInput{VolunteerID: &zhao.ID, PersonID: &f.zhang.ID, StartsOn: ptr("2026-01-01")}); err != nil {
			t.Fatal(err)
		}
		n := f.create(t, cw, f.newNeed())
		if _, err := st.AssignNeed(cw, n.ID, model.NeedAssign{UserID: ptr(f.uid("cw_haizhou2"))}); err != nil {
			t.Fatal(err)
		}
		opts, err := st.Assignees(cw, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, o := range opts {
			s := o.Kind + ":" + o.Name
			if o.Paired {
				s += "+paired"
			}
			if o.Current {
				s += "+current"
			}
			got = append(got, s)
		}
		want := []string{"volunteer:赵敏+paired", "user:CW_HAIZHOU", "user:CW_HAIZHOU2+current", "volunteer:王芳"}
		if !slices.Equal(got, want) {
			t.Errorf("assignees = %v, want %v", got, want)
		}
		if last := opts[len(opts)-1]; last.VolunteerID == nil || *last.VolunteerID != f.wang.ID ||
			strings.Join(last.MatchingSkills, ",") != "eldercare" || last.UserID != nil {
			t.Errorf("the matched volunteer = %+v", last)
		}
		if opts[1].Role != auth.RoleCaseworker || opts[1].RegionCode != "210902" || opts[1].UserID == nil {
			t.Errorf("a staff entry = %+v", opts[1])
		}
		if _, err := st.Assignees(f.as("counselor_hz"), n.ID); code(err) != model.EForbidden {
			t.Errorf("a counselor: %v", err)
		}
		if _, err := st.Assignees(f.as("cw_xinqiu"), n.ID); code(err) != model.ENotFound {
			t.Errorf("another district: %v", err)
		}
	})
}
