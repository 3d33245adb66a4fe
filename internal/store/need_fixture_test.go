package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// needFixture is a small district for the needs ledger: 张伟 of the Haizhou
// hospital (210902) with his mother who needs care, 刘洋 of Xinqiu (210903),
// a registered volunteer with an account, and one account per role.
type needFixture struct {
	st     *store.Store
	clock  *testutil.Clock
	w      world
	zhang  model.Person
	liu    model.Person
	mother model.FamilyMember
	liuSon model.FamilyMember
	wang   model.Volunteer // volunteer linked to the account vol_wang
	users  map[string]model.User
}

// needAccounts are the accounts of the fixture: username → role, scope.
var needAccounts = []struct {
	username, role, region string
	institution, person    bool // scope: the Haizhou hospital, or 张伟 himself
}{
	{"cw_haizhou", auth.RoleCaseworker, "210902", false, false},
	{"cw_haizhou2", auth.RoleCaseworker, "210902", false, false},
	{"cw_xinqiu", auth.RoleCaseworker, "210903", false, false},
	{"cw_city", auth.RoleCaseworker, "2109", false, false},
	{"cw_province", auth.RoleCaseworker, "21", false, false},
	{"vol_wang", auth.RoleVolunteer, "210902", false, false},
	{"vol_zhao", auth.RoleVolunteer, "210902", false, false},
	{"counselor_hz", auth.RoleCounselor, "210902", false, false},
	{"instadmin_hz", auth.RoleInstitutionAdmin, "", true, false},
	{"leader_city", auth.RoleLeader, "2109", false, false},
	{"finance_city", auth.RoleFinance, "2109", false, false},
	{"sysadmin", auth.RoleSysadmin, "21", false, false},
	{"worker_zhang", auth.RoleWorker, "", false, true},
}

func newNeedFixture(t *testing.T, st *store.Store, clock *testutil.Clock) *needFixture {
	t.Helper()
	sys := testutil.System()
	f := &needFixture{st: st, clock: clock, w: seed(t, st), users: map[string]model.User{}}
	var err error
	if f.zhang, err = st.CreatePerson(sys, newPerson("张伟", idNumber(101), f.w.haizhou.ID)); err != nil {
		t.Fatal(err)
	}
	liu := newPerson("刘洋", idNumber(103), f.w.xinqiu.ID)
	liu.Phone = ptr("13600003333")
	if f.liu, err = st.CreatePerson(sys, liu); err != nil {
		t.Fatal(err)
	}
	if f.mother, err = st.CreateFamilyMember(sys, f.zhang.ID, model.FamilyMemberInput{Name: ptr("李秀英"), Relation: ptr("parent"),
		BirthDate: ptr("1950-02-03"), Phone: ptr("13800001111"), CareNeeds: ptr([]string{"elderly_care"})}); err != nil {
		t.Fatal(err)
	}
	if f.liuSon, err = st.CreateFamilyMember(sys, f.liu.ID, model.FamilyMemberInput{Name: ptr("刘小明"), Relation: ptr("child"),
		BirthDate: ptr("2016-09-01")}); err != nil {
		t.Fatal(err)
	}
	for _, a := range needAccounts {
		u := model.User{Username: a.username, DisplayName: strings.ToUpper(a.username), Role: a.role}
		switch {
		case a.institution:
			u.InstitutionID = ptr(f.w.haizhou.ID)
		case a.person:
			u.PersonID = ptr(f.zhang.ID)
		default:
			u.RegionCode = a.region
		}
		u, err := st.InsertUserForTest(sys, u)
		if err != nil {
			t.Fatalf("user %s: %v", a.username, err)
		}
		f.users[a.username] = u
	}
	if f.wang, err = st.CreateVolunteer(f.as("cw_haizhou"), model.VolunteerInput{Name: ptr("王芳"), Phone: ptr("13700002222"),
		RegionCode: ptr("210902"), Skills: ptr([]string{"shopping", "eldercare"}), Username: ptr("vol_wang")}); err != nil {
		t.Fatal(err)
	}
	return f
}

// as is the context of an account of the fixture.
func (f *needFixture) as(username string) context.Context {
	u, ok := f.users[username]
	if !ok {
		panic("no account " + username)
	}
	p := &auth.Principal{UserID: u.ID, Username: u.Username, Role: u.Role, RegionCode: u.RegionCode}
	if u.InstitutionID != nil {
		p.InstitutionID = *u.InstitutionID
	}
	if u.PersonID != nil {
		p.PersonID = *u.PersonID
	}
	return testutil.As(p)
}

func (f *needFixture) uid(username string) int64 { return f.users[username].ID }

// newNeed is a valid case of 张伟 recorded at a visit-free hotline call.
func (f *needFixture) newNeed(mod ...func(*model.NeedInput)) model.NeedInput {
	in := model.NeedInput{PersonID: f.zhang.ID, Category: "living", Kind: "eldercare", Urgency: "urgent",
		Description: "母亲独居，需要有人每天上门照看", Source: "hotline"}
	for _, m := range mod {
		m(&in)
	}
	return in
}

func (f *needFixture) create(t *testing.T, ctx context.Context, in model.NeedInput) model.Need {
	t.Helper()
	n, err := f.st.CreateNeed(ctx, in)
	if err != nil {
		t.Fatalf("create need: %v", err)
	}
	return n
}

// fieldOf returns the field errors of an EInvalid error.
func fieldOf(err error) map[string]model.Msg {
	if e := model.AsError(err); e != nil {
		return e.Fields
	}
	return nil
}

// inbox lists the kinds of a user's unread notifications about a case.
func (f *needFixture) inbox(t *testing.T, username string, needID int64) []string {
	t.Helper()
	list, err := f.st.ListInbox(f.as(username), true, model.Page{Limit: 500})
	if err != nil {
		t.Fatalf("inbox of %s: %v", username, err)
	}
	var kinds []string
	for _, n := range list.Items {
		if n.NeedID != nil && *n.NeedID == needID {
			kinds = append(kinds, n.Kind)
		}
	}
	return kinds
}

func eventActions(events []model.NeedEvent) string {
	var s []string
	for _, e := range events {
		s = append(s, e.Action)
	}
	return strings.Join(s, ",")
}

func mustDuration(t *testing.T, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Fatalf("time %v, want %v (off by %v)", got, want, got.Sub(want))
	}
}

func auditor() *auth.Principal {
	return &auth.Principal{UserID: 1, Username: "auditor", Role: auth.RoleAuditor}
}
