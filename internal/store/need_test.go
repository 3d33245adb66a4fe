package store_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestNeedLifeCycle runs the whole life of a case: recorded by the district
// team, assigned to a volunteer, started and resolved by the volunteer, closed
// after the follow-up, reopened; every step is in the history, the inbox and
// the audit trail.
func TestNeedLifeCycle(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		n := f.create(t, cw, f.newNeed(func(in *model.NeedInput) { in.FamilyMemberID = &f.mother.ID }))
		if n.Status != "open" || n.Version != 1 || n.EscalationLevel != 0 || n.TeamRegionCode != "210902" || n.RegionCode != "210902" ||
			n.InstitutionID != f.w.haizhou.ID || n.Assignee != nil || n.RecordedBy != "cw_haizhou" || n.PersonName != "张伟" {
			t.Fatalf("created = %+v", n)
		}
		mustDuration(t, n.DueAt, clock.Now().Add(4*time.Hour))
		if n.ContactPhone != "138****1111" || n.FamilyMemberName != "李秀英" || n.FamilyRelation != "parent" {
			t.Errorf("contact = %q %q %q", n.ContactPhone, n.FamilyMemberName, n.FamilyRelation)
		}
		if eventActions(n.Events) != "created" {
			t.Errorf("events = %s", eventActions(n.Events))
		}

		// The team lead assigns it to the volunteer 王芳; her account is told.
		clock.Advance(10 * time.Minute)
		n, err := st.AssignNeed(cw, n.ID, model.NeedAssign{VolunteerID: &f.wang.ID, Note: "请王芳联系", Version: &n.Version})
		if err != nil {
			t.Fatal(err)
		}
		if n.Status != "assigned" || n.Version != 2 || n.Assignee == nil || n.Assignee.Kind != "volunteer" || *n.Assignee.VolunteerID != f.wang.ID ||
			n.Assignee.Name != "王芳" || n.AssignedAt == nil {
			t.Fatalf("assigned = %+v %+v", n, n.Assignee)
		}
		if got := f.inbox(t, "vol_wang", n.ID); strings.Join(got, ",") != "assigned" {
			t.Errorf("volunteer inbox = %v", got)
		}

		// The volunteer sees the case with the surname only and the phone in full while it is active.
		vol := f.as("vol_wang")
		seen, err := st.GetNeed(vol, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if seen.PersonName != "张某" || seen.FamilyMemberName != "李某" || seen.ContactPhone != "13800001111" || seen.InstitutionName != "" || seen.InstitutionID != 0 {
			t.Errorf("volunteer view = %q %q %q %q", seen.PersonName, seen.FamilyMemberName, seen.ContactPhone, seen.InstitutionName)
		}
		if n, err = st.StartNeed(vol, n.ID, model.NeedStep{Note: "已电话联系"}); err != nil || n.Status != "in_progress" {
			t.Fatalf("start = %v, %v", n.Status, err)
		}
		if n, err = st.ResolveNeed(vol, n.ID, model.NeedStep{Resolution: "已安排社区助老员每日上门", Version: &n.Version}); err != nil || n.Status != "resolved" {
			t.Fatalf("resolve = %v, %v", n.Status, err)
		}
		if n.PersonName != "张某" || n.ContactPhone != "138****1111" {
			t.Errorf("after resolving the volunteer sees %q %q", n.PersonName, n.ContactPhone)
		}
		if got := f.inbox(t, "cw_haizhou", n.ID); strings.Join(got, ",") != "resolved" {
			t.Errorf("recorder inbox = %v", got)
		}
		// The volunteer may not close it; the team closes it after the follow-up.
		if _, err := st.CloseNeed(vol, n.ID, model.NeedStep{Satisfaction: ptr(5)}); code(err) != model.EForbidden {
			t.Errorf("volunteer closes: %v", err)
		}
		if n, err = st.CloseNeed(cw, n.ID, model.NeedStep{Satisfaction: ptr(4), Note: "回访：满意"}); err != nil {
			t.Fatal(err)
		}
		if n.Status != "closed" || n.Satisfaction == nil || *n.Satisfaction != 4 || n.ClosedAt == nil || n.Resolution != "已安排社区助老员每日上门" {
			t.Fatalf("closed = %+v", n)
		}

		// Reopened: open again, unassigned, with a new deadline from now.
		clock.Advance(time.Hour)
		if n, err = st.ReopenNeed(cw, n.ID, model.NeedStep{Note: "家属再次来电"}); err != nil {
			t.Fatal(err)
		}
		if n.Status != "open" || n.Assignee != nil || n.Satisfaction != nil || n.Resolution != "" || n.ResolvedAt != nil || n.ClosedAt != nil {
			t.Fatalf("reopened = %+v", n)
		}
		mustDuration(t, n.DueAt, clock.Now().Add(4*time.Hour))
		got, err := st.GetNeed(cw, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if eventActions(got.Events) != "created,assigned,started,resolved,closed,reopened" {
			t.Fatalf("history = %s", eventActions(got.Events))
		}
		ev := got.Events
		if ev[1].Assignee == nil || ev[1].Assignee.Name != "王芳" || ev[1].Note != "请王芳联系" || ev[1].Username != "cw_haizhou" || ev[1].FromStatus != "open" || ev[1].ToStatus != "assigned" {
			t.Errorf("assign event = %+v", ev[1])
		}
		if ev[3].Username != "vol_wang" || ev[3].Note != "已安排社区助老员每日上门" || ev[4].Satisfaction == nil || *ev[4].Satisfaction != 4 {
			t.Errorf("resolve/close events = %+v %+v", ev[3], ev[4])
		}

		// Each step wrote an audit row, and reading the case is audited.
		audit, err := st.ListAudit(testutil.As(&auth.Principal{Role: auth.RoleAuditor}), model.AuditFilter{ObjectType: "need", Page: model.Page{Limit: 100}})
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, e := range audit.Items {
			count[e.Action]++
		}
		for _, a := range []string{"need.create", "need.assign", "need.start", "need.resolve", "need.close", "need.reopen", "need.read"} {
			if count[a] == 0 {
				t.Errorf("no audit row %s: %v", a, count)
			}
		}
		if _, err := st.VerifyAuditChain(testutil.System()); err != nil {
			t.Fatal(err)
		}
	})
}

// TestNeedBadInput: every way a case can be refused, with its code and field.
func TestNeedBadInput(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		past := clock.Now().Add(-time.Minute)
		tooLate := clock.Now().Add(4*time.Hour + time.Minute)
		cases := []struct {
			name  string
			ctx   string
			mod   func(*model.NeedInput)
			code  model.Code
			field string
		}{
			{"unknown person", "cw_haizhou", func(in *model.NeedInput) { in.PersonID = 999999 }, model.ENotFound, ""},
			{"person out of scope", "cw_haizhou", func(in *model.NeedInput) { in.PersonID = f.liu.ID }, model.ENotFound, ""},
			{"family member of another person", "cw_city", func(in *model.NeedInput) { in.FamilyMemberID = &f.liuSon.ID }, model.EInvalid, "family_member_id"},
			{"unknown family member", "cw_haizhou", func(in *model.NeedInput) { in.FamilyMemberID = ptr(int64(424242)) }, model.EInvalid, "family_member_id"},
			{"deadline in the past", "cw_haizhou", func(in *model.NeedInput) { in.DueAt = &past }, model.EInvalid, "due_at"},
			{"deadline after the default", "cw_haizhou", func(in *model.NeedInput) { in.DueAt = &tooLate }, model.EInvalid, "due_at"},
			{"unknown category", "cw_haizhou", func(in *model.NeedInput) { in.Category = "spiritual" }, model.EInvalid, "category"},
			{"unknown kind", "cw_haizhou", func(in *model.NeedInput) { in.Kind = "pets" }, model.EInvalid, "kind"},
			{"unknown urgency", "cw_haizhou", func(in *model.NeedInput) { in.Urgency = "asap" }, model.EInvalid, "urgency"},
			{"unknown source", "cw_haizhou", func(in *model.NeedInput) { in.Source = "rumour" }, model.EInvalid, "source"},
			{"missing category", "cw_haizhou", func(in *model.NeedInput) { in.Category = "" }, model.EInvalid, "category"},
			{"empty description", "cw_haizhou", func(in *model.NeedInput) { in.Description = "  \n " }, model.EInvalid, "description"},
			{"description too long", "cw_haizhou", func(in *model.NeedInput) { in.Description = strings.Repeat("难", 2001) }, model.EInvalid, "description"},
			{"control characters", "cw_haizhou", func(in *model.NeedInput) { in.Description = "a\x00b" }, model.EInvalid, "description"},
			{"worker reports for someone else", "worker_zhang", func(in *model.NeedInput) { in.PersonID = f.liu.ID; in.Source = "self" }, model.ENotFound, ""},
			{"worker reports as hotline", "worker_zhang", func(in *model.NeedInput) {}, model.EInvalid, "source"},
			{"volunteer records", "vol_wang", func(in *model.NeedInput) {}, model.EForbidden, ""},
			{"leader records", "leader_city", func(in *model.NeedInput) {}, model.EForbidden, ""},
		}
		for _, c := range cases {
			_, err := st.CreateNeed(f.as(c.ctx), f.newNeed(c.mod))
			if code(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
				continue
			}
			if c.field != "" {
				if _, ok := fieldOf(err)[c.field]; !ok {
					t.Errorf("%s: no message on %s: %v", c.name, c.field, err)
				}
			}
		}
		// A description of exactly 2000 characters, with line breaks, is fine; so is an earlier deadline.
		soon := clock.Now().Add(time.Hour)
		n, err := st.CreateNeed(cw, f.newNeed(func(in *model.NeedInput) { in.Description = strings.Repeat("难", 1999) + "\n"; in.DueAt = &soon }))
		if err != nil {
			t.Fatal(err)
		}
		mustDuration(t, n.DueAt, soon)
		list, _ := st.ListNeeds(cw, model.NeedFilter{})
		if list.Total != 1 {
			t.Fatalf("refused input wrote %d cases", list.Total-1)
		}

		// Bad step input.
		steps := []struct {
			name  string
			run   func() error
			code  model.Code
			field string
		}{
			{"satisfaction 0", func() error { _, err := st.CloseNeed(cw, n.ID, model.NeedStep{Satisfaction: ptr(0)}); return err }, model.EInvalid, "satisfaction"},
			{"satisfaction 6", func() error { _, err := st.CloseNeed(cw, n.ID, model.NeedStep{Satisfaction: ptr(6)}); return err }, model.EInvalid, "satisfaction"},
			{"no satisfaction", func() error { _, err := st.CloseNeed(cw, n.ID, model.NeedStep{}); return err }, model.EInvalid, "satisfaction"},
			{"empty resolution", func() error { _, err := st.ResolveNeed(cw, n.ID, model.NeedStep{Resolution: " "}); return err }, model.EInvalid, "resolution"},
			{"empty reason", func() error { _, err := st.RejectNeed(cw, n.ID, model.NeedStep{}); return err }, model.EInvalid, "reason"},
			{"no assignee", func() error { _, err := st.AssignNeed(cw, n.ID, model.NeedAssign{}); return err }, model.EInvalid, "user_id"},
			{"two assignees", func() error {
				_, err := st.AssignNeed(cw, n.ID, model.NeedAssign{UserID: ptr(f.uid("cw_haizhou2")), VolunteerID: &f.wang.ID})
				return err
			}, model.EInvalid, "user_id"},
			{"close an open case", func() error { _, err := st.CloseNeed(cw, n.ID, model.NeedStep{Satisfaction: ptr(5)}); return err }, model.EConflict, ""},
			{"start an open case", func() error { _, err := st.StartNeed(cw, n.ID, model.NeedStep{}); return err }, model.EConflict, ""},
			{"resolve an open case", func() error { _, err := st.ResolveNeed(cw, n.ID, model.NeedStep{Resolution: "x"}); return err }, model.EConflict, ""},
			{"stale version", func() error {
				_, err := st.RejectNeed(cw, n.ID, model.NeedStep{Reason: "重复", Version: ptr(int64(7))})
				return err
			}, model.EStaleVersion, ""},
			{"unknown case", func() error { _, err := st.StartNeed(cw, 999999, model.NeedStep{}); return err }, model.ENotFound, ""},
			{"case out of scope", func() error {
				_, err := st.RejectNeed(f.as("cw_xinqiu"), n.ID, model.NeedStep{Reason: "x"})
				return err
			}, model.ENotFound, ""},
		}
		for _, c := range steps {
			err := c.run()
			if code(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
				continue
			}
			if c.field != "" {
				if _, ok := fieldOf(err)[c.field]; !ok {
					t.Errorf("%s: no message on %s: %v", c.name, c.field, err)
				}
			}
		}
		// The conflict names the step and the status, in the catalogue.
		_, err = st.CloseNeed(cw, n.ID, model.NeedStep{Satisfaction: ptr(5)})
		if e := model.AsError(err); e.Msg.Key != "need.transition" || len(e.Msg.Args) != 2 {
			t.Errorf("conflict message = %+v", e.Msg)
		}
		// Nothing of that changed the case.
		after, _ := st.GetNeed(cw, n.ID)
		if after.Version != 1 || after.Status != "open" || len(after.Events) != 1 {
			t.Fatalf("refused steps changed the case: %+v", after)
		}
	})
}

// TestEveryStepFromEveryStatus drives real cases into each status and tries
// each step: the store allows exactly what the casework table allows, and
// answers EConflict (409) otherwise.
func TestEveryStepFromEveryStatus(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		assign := func(id int64) { st.AssignNeed(cw, id, model.NeedAssign{UserID: ptr(f.uid("cw_haizhou2"))}) }
		reach := map[string]func(id int64){
			"open":        func(id int64) {},
			"assigned":    assign,
			"in_progress": func(id int64) { assign(id); st.StartNeed(cw, id, model.NeedStep{}) },
			"resolved":    func(id int64) { assign(id); st.ResolveNeed(cw, id, model.NeedStep{Resolution: "ok"}) },
			"closed": func(id int64) {
				assign(id)
				st.ResolveNeed(cw, id, model.NeedStep{Resolution: "ok"})
				st.CloseNeed(cw, id, model.NeedStep{Satisfaction: ptr(5)})
			},
			"rejected": func(id int64) { st.RejectNeed(cw, id, model.NeedStep{Reason: "重复登记"}) },
		}
		do := map[casework.Action]func(id int64) (model.Need, error){
			casework.Assign: func(id int64) (model.Need, error) {
				return st.AssignNeed(cw, id, model.NeedAssign{VolunteerID: &f.wang.ID})
			},
			casework.Start:   func(id int64) (model.Need, error) { return st.StartNeed(cw, id, model.NeedStep{}) },
			casework.Resolve: func(id int64) (model.Need, error) { return st.ResolveNeed(cw, id, model.NeedStep{Resolution: "done"}) },
			casework.Close:   func(id int64) (model.Need, error) { return st.CloseNeed(cw, id, model.NeedStep{Satisfaction: ptr(3)}) },
			casework.Reject: func(id int64) (model.Need, error) {
				return st.RejectNeed(cw, id, model.NeedStep{Reason: "不属于受理范围"})
			},
			casework.Reopen: func(id int64) (model.Need, error) { return st.ReopenNeed(cw, id, model.NeedStep{}) },
		}
		for _, status := range model.NeedStatuses {
			for _, act := range casework.Actions {
				n := f.create(t, cw, f.newNeed())
				reach[status](n.ID)
				if cur, _ := st.GetNeed(cw, n.ID); cur.Status != status {
					t.Fatalf("could not bring a case to %s (it is %s)", status, cur.Status)
				}
				got, err := do[act](n.ID)
				want, allowed := casework.Next(status, act)
				switch {
				case allowed && err != nil:
					t.Errorf("%s × %s: %v", status, act, err)
				case allowed && got.Status != want:
					t.Errorf("%s × %s → %s, want %s", status, act, got.Status, want)
				case !allowed && code(err) != model.EConflict:
					t.Errorf("%s × %s: %v, want conflict", status, act, err)
				}
			}
		}
	})
}

// TestConcurrentAssignmentOneWins: eight team members assign the same case
// at once, each with the version they saw: one wins, the others get 409, and
// the case, its history and the inbox hold exactly the winner's assignment.
func TestConcurrentAssignmentOneWins(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		n := f.create(t, f.as("cw_haizhou"), f.newNeed())
		assignees := []string{"cw_haizhou", "cw_haizhou2", "cw_city", "vol_zhao"}
		errs := make([]error, 8)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				who := []string{"cw_haizhou", "cw_haizhou2", "cw_city", "cw_province"}[i%4]
				_, errs[i] = st.AssignNeed(f.as(who), n.ID, model.NeedAssign{UserID: ptr(f.uid(assignees[i%4])), Version: ptr(n.Version)})
			}()
		}
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch code(err) {
			case "":
				if winner >= 0 {
					t.Fatalf("two assignments won: %d and %d", winner, i)
				}
				winner = i
			case model.EStaleVersion, model.EConflict:
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if winner < 0 {
			t.Fatal("no assignment won")
		}
		got, err := st.GetNeed(f.as("cw_city"), n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 || got.Assignee == nil || *got.Assignee.UserID != f.uid(assignees[winner%4]) || eventActions(got.Events) != "created,assigned" {
			t.Fatalf("after the race: version %d assignee %+v history %s", got.Version, got.Assignee, eventActions(got.Events))
		}
		total := 0
		for _, who := range assignees {
			total += len(f.inbox(t, who, n.ID))
		}
		// Only cw_province assigns someone else (vol_zhao); the other three
		// assign the case to themselves, and nobody is told of that.
		want := 0
		if winner%4 == 3 {
			want = 1
		}
		if total != want {
			t.Errorf("%d assignment notifications, want %d", total, want)
		}
	})
}

// TestAssigneeMustWorkTheCase: only enabled accounts in a role that works
// cases, whose scope covers the case, and active volunteers in scope.
func TestAssigneeMustWorkTheCase(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		n := f.create(t, cw, f.newNeed())
		sys := testutil.System()
		if _, err := st.UpdateUser(sys, f.uid("cw_haizhou2"), model.UserInput{Disabled: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		retired, err := st.CreateVolunteer(cw, model.VolunteerInput{Name: ptr("赵敏"), Phone: ptr("13500004444"), RegionCode: ptr("210902"), Active: ptr(false)})
		if err != nil {
			t.Fatal(err)
		}
		elsewhere, err := st.CreateVolunteer(f.as("cw_xinqiu"), model.VolunteerInput{Name: ptr("钱进"), Phone: ptr("13500005555"), RegionCode: ptr("210903")})
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name  string
			in    model.NeedAssign
			field string
			key   string
		}{
			{"disabled account", model.NeedAssign{UserID: ptr(f.uid("cw_haizhou2"))}, "user_id", "need.assignee_invalid"},
			{"finance account", model.NeedAssign{UserID: ptr(f.uid("finance_city"))}, "user_id", "need.assignee_invalid"},
			{"worker account", model.NeedAssign{UserID: ptr(f.uid("worker_zhang"))}, "user_id", "need.assignee_invalid"},
			{"account of another district", model.NeedAssign{UserID: ptr(f.uid("cw_xinqiu"))}, "user_id", "need.assignee_out_of_scope"},
			{"counselor on a living need", model.NeedAssign{UserID: ptr(f.uid("counselor_hz"))}, "user_id", "need.assignee_out_of_scope"},
			{"unknown account", model.NeedAssign{UserID: ptr(int64(999999))}, "user_id", "need.assignee_invalid"},
			{"inactive volunteer", model.NeedAssign{VolunteerID: &retired.ID}, "volunteer_id", "need.volunteer_invalid"},
			{"volunteer of another district", model.NeedAssign{VolunteerID: &elsewhere.ID}, "volunteer_id", "need.volunteer_invalid"},
		}
		for _, c := range cases {
			_, err := st.AssignNeed(cw, n.ID, c.in)
			if code(err) != model.EInvalid || fieldOf(err)[c.field].Key != c.key {
				t.Errorf("%s: %v, want %s on %s", c.name, err, c.key, c.field)
			}
		}
		// The city team and a volunteer account of the district may take it.
		for _, who := range []string{"cw_city", "vol_zhao", "cw_haizhou"} {
			if _, err := st.AssignNeed(cw, n.ID, model.NeedAssign{UserID: ptr(f.uid(who))}); err != nil {
				t.Errorf("assign to %s: %v", who, err)
			}
		}
		// Only need.assign may assign: not a volunteer, a worker, an institution admin.
		for _, who := range []string{"vol_wang", "worker_zhang", "instadmin_hz", "counselor_hz", "leader_city"} {
			if _, err := st.AssignNeed(f.as(who), n.ID, model.NeedAssign{UserID: ptr(f.uid("cw_city"))}); code(err) != model.EForbidden {
				t.Errorf("%s assigns: %v", who, err)
			}
		}
	})
}

// TestNeedScopeByRole: who sees which case, and how much of it.
func TestNeedScopeByRole(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		living := f.create(t, cw, f.newNeed())
		psych := f.create(t, cw, f.newNeed(func(in *model.NeedInput) { in.Category = "psychological"; in.Kind = "counselling"; in.Urgency = "high" }))
		other := f.create(t, f.as("cw_xinqiu"), f.newNeed(func(in *model.NeedInput) { in.PersonID = f.liu.ID; in.Urgency = "low" }))
		own, err := st.CreateNeed(f.as("worker_zhang"), f.newNeed(func(in *model.NeedInput) { in.Source = "self"; in.Kind = "meals"; in.Urgency = "normal" }))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.AssignNeed(cw, living.ID, model.NeedAssign{VolunteerID: &f.wang.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AssignNeed(cw, own.ID, model.NeedAssign{UserID: ptr(f.uid("vol_zhao"))}); err != nil {
			t.Fatal(err)
		}
		all := []int64{living.ID, psych.ID, other.ID, own.ID}
		cases := []struct {
			who  string
			sees []int64
		}{
			{"cw_haizhou", []int64{living.ID, psych.ID, own.ID}},
			{"cw_xinqiu", []int64{other.ID}},
			{"cw_city", all},
			{"instadmin_hz", []int64{living.ID, psych.ID, own.ID}},
			{"counselor_hz", []int64{psych.ID}},
			{"worker_zhang", []int64{living.ID, psych.ID, own.ID}},
			{"vol_wang", []int64{living.ID}},
			{"vol_zhao", []int64{own.ID}},
		}
		for _, c := range cases {
			ctx := f.as(c.who)
			list, err := st.ListNeeds(ctx, model.NeedFilter{})
			if err != nil {
				t.Fatalf("%s: %v", c.who, err)
			}
			got := map[int64]bool{}
			for _, n := range list.Items {
				got[n.ID] = true
			}
			if list.Total != len(c.sees) || len(got) != len(c.sees) {
				t.Errorf("%s sees %d cases (total %d), want %d", c.who, len(got), list.Total, len(c.sees))
			}
			for _, id := range all {
				want := false
				for _, s := range c.sees {
					want = want || s == id
				}
				_, err := st.GetNeed(ctx, id)
				if want && (err != nil || !got[id]) {
					t.Errorf("%s cannot see case %d: %v", c.who, id, err)
				}
				if !want && (code(err) != model.ENotFound || got[id]) {
					t.Errorf("%s sees case %d out of scope: %v", c.who, id, err)
				}
			}
		}
		// Roles without case access are refused outright.
		for _, who := range []string{"leader_city", "finance_city", "sysadmin"} {
			if _, err := st.ListNeeds(f.as(who), model.NeedFilter{}); code(err) != model.EForbidden {
				t.Errorf("%s lists cases: %v", who, err)
			}
			if _, err := st.GetNeed(f.as(who), living.ID); code(err) != model.EForbidden {
				t.Errorf("%s reads a case: %v", who, err)
			}
		}
		// The volunteer account assigned directly (not through a volunteer record) sees the minimum too.
		v, err := st.GetNeed(f.as("vol_zhao"), own.ID)
		if err != nil || v.PersonName != "张某" || v.ContactPhone != "13912345678" {
			t.Errorf("volunteer view = %q %q, %v", v.PersonName, v.ContactPhone, err)
		}
		// A volunteer may report back on their case but not on another's, nor reassign or reject.
		if _, err := st.StartNeed(f.as("vol_zhao"), living.ID, model.NeedStep{}); code(err) != model.ENotFound {
			t.Errorf("volunteer starts another's case: %v", err)
		}
		if _, err := st.RejectNeed(f.as("vol_zhao"), own.ID, model.NeedStep{Reason: "x"}); code(err) != model.EForbidden {
			t.Errorf("volunteer rejects: %v", err)
		}
		// A counselor assigned a psychological case may work it; on a case not theirs, no.
		if _, err := st.AssignNeed(cw, psych.ID, model.NeedAssign{UserID: ptr(f.uid("counselor_hz"))}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.StartNeed(f.as("counselor_hz"), psych.ID, model.NeedStep{}); err != nil {
			t.Errorf("counselor starts own case: %v", err)
		}
		if _, err := st.AssignNeed(cw, psych.ID, model.NeedAssign{UserID: ptr(f.uid("cw_haizhou2"))}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.StartNeed(f.as("counselor_hz"), psych.ID, model.NeedStep{}); code(err) != model.EForbidden {
			t.Errorf("counselor starts another's case: %v", err)
		}
	})
}

// TestNeedListFiltersAndOrder: the list a team lead works from.
func TestNeedListFiltersAndOrder(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		low := f.create(t, cw, f.newNeed(func(in *model.NeedInput) { in.Urgency = "low" }))       // due +7d
		urgent := f.create(t, cw, f.newNeed(func(in *model.NeedInput) { in.Urgency = "urgent" })) // due +4h
		soon := clock.Now().Add(time.Hour)
		high := f.create(t, cw, f.newNeed(func(in *model.NeedInput) {
			in.Urgency = "high"
			in.DueAt = &soon
			in.Category = "safety"
			in.Kind = "ppe"
		}))
		ids := func(l model.List[model.Need]) []int64 {
			var out []int64
			for _, n := range l.Items {
				out = append(out, n.ID)
			}
			return out
		}
		eq := func(name string, got []int64, want ...int64) {
			t.Helper()
			if len(got) != len(want) {
				t.Errorf("%s: %v, want %v", name, got, want)
				return
			}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("%s: %v, want %v", name, got, want)
					return
				}
			}
		}
		l, _ := st.ListNeeds(cw, model.NeedFilter{})
		eq("by urgency", ids(l), urgent.ID, high.ID, low.ID)
		l, _ = st.ListNeeds(cw, model.NeedFilter{Sort: model.NeedSortDueAt})
		eq("by deadline", ids(l), high.ID, urgent.ID, low.ID)
		l, _ = st.ListNeeds(cw, model.NeedFilter{Sort: model.NeedSortNewest})
		eq("newest", ids(l), high.ID, urgent.ID, low.ID)
		l, _ = st.ListNeeds(cw, model.NeedFilter{Category: "safety"})
		eq("category", ids(l), high.ID)
		l, _ = st.ListNeeds(cw, model.NeedFilter{Urgency: "low"})
		eq("urgency", ids(l), low.ID)
		// Two hours on, the case due in one hour is overdue.
		clock.Advance(2 * time.Hour)
		l, _ = st.ListNeeds(cw, model.NeedFilter{Overdue: true})
		eq("overdue", ids(l), high.ID)
		if !l.Items[0].Overdue {
			t.Error("overdue case not flagged")
		}
		st.AssignNeed(cw, urgent.ID, model.NeedAssign{VolunteerID: &f.wang.ID})
		st.RejectNeed(cw, low.ID, model.NeedStep{Reason: "重复"})
		l, _ = st.ListNeeds(cw, model.NeedFilter{Status: []string{"open"}})
		eq("open", ids(l), high.ID)
		l, _ = st.ListNeeds(cw, model.NeedFilter{Status: []string{"open", "assigned"}, Sort: model.NeedSortDueAt})
		eq("open or assigned", ids(l), high.ID, urgent.ID)
		l, _ = st.ListNeeds(cw, model.NeedFilter{AssigneeUserID: f.uid("vol_wang")})
		eq("assigned to vol_wang's account", ids(l), urgent.ID)
		l, _ = st.ListNeeds(cw, model.NeedFilter{AssigneeVolunteerID: f.wang.ID})
		eq("assigned to 王芳", ids(l), urgent.ID)
		l, _ = st.ListNeeds(cw, model.NeedFilter{Unassigned: true, Status: model.NeedActiveStatuses})
		eq("unassigned", ids(l), high.ID)
		l, _ = st.ListNeeds(cw, model.NeedFilter{Status: []string{"resolved"}, Overdue: true})
		eq("resolved and overdue", ids(l))
		l, _ = st.ListNeeds(cw, model.NeedFilter{PersonID: f.liu.ID})
		eq("another district's person", ids(l))
		l, _ = st.ListNeeds(f.as("cw_city"), model.NeedFilter{RegionCode: "210903"})
		eq("region filter", ids(l))
		l, _ = st.ListNeeds(f.as("cw_city"), model.NeedFilter{InstitutionID: f.w.haizhou.ID, TeamRegionCode: "210902"})
		eq("institution and team", ids(l), urgent.ID, high.ID, low.ID)
		// Paging keeps the total.
		l, _ = st.ListNeeds(cw, model.NeedFilter{Page: model.Page{Limit: 2}})
		if len(l.Items) != 2 || l.Total != 3 {
			t.Errorf("page 1: %d items of %d", len(l.Items), l.Total)
		}
		l, _ = st.ListNeeds(cw, model.NeedFilter{Page: model.Page{Limit: 2, Offset: 2}})
		if len(l.Items) != 1 || l.Total != 3 {
			t.Errorf("page 2: %d items of %d", len(l.Items), l.Total)
		}
		l, _ = st.ListNeeds(cw, model.NeedFilter{Page: model.Page{Limit: 2, Offset: 10}})
		if len(l.Items) != 0 || l.Total != 3 {
			t.Errorf("beyond the end: %d items of %d", len(l.Items), l.Total)
		}
	})
}

// TestCasesFollowTheirPerson: when a person moves to an institution of
// another district, their cases and visits move into that district's scope.
func TestCasesFollowTheirPerson(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		n := f.create(t, f.as("cw_haizhou"), f.newNeed())
		if _, err := st.UpdatePerson(f.as("cw_city"), f.zhang.ID, model.PersonInput{InstitutionID: &f.w.xinqiu.ID}); err != nil {
			t.Fatal(err)
		}
		got, err := st.GetNeed(f.as("cw_xinqiu"), n.ID)
		if err != nil || got.RegionCode != "210903" || got.TeamRegionCode != "210903" || got.InstitutionID != f.w.xinqiu.ID {
			t.Fatalf("moved case = %+v, %v", got, err)
		}
		if _, err := st.GetNeed(f.as("cw_haizhou"), n.ID); code(err) != model.ENotFound {
			t.Errorf("old district still sees the case: %v", err)
		}
	})
}

// TestDeletingAPersonDeletesTheirCases: a deletion request under PIPL takes
// the cases with it (the audit trail keeps that they existed).
func TestDeletingAPersonDeletesTheirCases(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_xinqiu")
		n := f.create(t, cw, f.newNeed(func(in *model.NeedInput) { in.PersonID = f.liu.ID; in.FamilyMemberID = &f.liuSon.ID }))
		if _, err := st.CreateVisit(cw, model.VisitInput{PersonID: f.liu.ID, Channel: "phone", VisitedAt: clock.Now()}); err != nil {
			t.Fatal(err)
		}
		if err := st.DeletePerson(cw, f.liu.ID, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := st.GetNeed(cw, n.ID); code(err) != model.ENotFound {
			t.Errorf("the case outlived its person: %v", err)
		}
		if l, _ := st.ListVisits(cw, model.VisitFilter{}); l.Total != 0 {
			t.Errorf("%d visits outlived their person", l.Total)
		}
	})
}

// TestConcurrentCreatesShareCommits: cases recorded at the same moment are
// written in shared transactions (on SQLite), yet each succeeds or fails
// alone: the refused ones leave nothing, the others are whole, and the audit
// chain stays intact.
func TestConcurrentCreatesShareCommits(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_city")
		const n = 60
		errs := make([]error, n)
		got := make([]model.Need, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				in := f.newNeed(func(in *model.NeedInput) { in.Description = "并发登记 " + strings.Repeat("x", i) })
				switch i % 6 {
				case 1:
					in.PersonID = 999999 // unknown: 404
				case 2:
					in.FamilyMemberID = &f.liuSon.ID // another person's relative: 400
				case 3:
					in.PersonID, in.FamilyMemberID = f.liu.ID, &f.liuSon.ID
				}
				got[i], errs[i] = st.CreateNeed(cw, in)
			}()
		}
		wg.Wait()
		created := 0
		for i, err := range errs {
			want := model.Code("")
			switch i % 6 {
			case 1:
				want = model.ENotFound
			case 2:
				want = model.EInvalid
			}
			if code(err) != want {
				t.Errorf("call %d: %v, want %q", i, err, want)
			}
			if err == nil {
				created++
				if got[i].ID == 0 || got[i].Description != strings.TrimSpace("并发登记 "+strings.Repeat("x", i)) || len(got[i].Events) != 1 || got[i].Events[0].ID == 0 {
					t.Errorf("call %d returned %+v", i, got[i])
				}
			}
		}
		l, err := st.ListNeeds(cw, model.NeedFilter{Page: model.Page{Limit: 500}})
		if err != nil || l.Total != created || created != n-2*n/6 {
			t.Fatalf("%d cases stored, %d created, %v", l.Total, created, err)
		}
		for _, c := range l.Items {
			full, err := st.GetNeed(cw, c.ID)
			if err != nil || len(full.Events) != 1 {
				t.Fatalf("case %d: %d events, %v", c.ID, len(full.Events), err)
			}
		}
		audit, _ := st.ListAudit(testutil.As(auditor()), model.AuditFilter{Action: "need.create"})
		if audit.Total != created {
			t.Errorf("%d need.create audit rows for %d cases", audit.Total, created)
		}
		if _, err := st.VerifyAuditChain(testutil.System()); err != nil {
			t.Fatal(err)
		}
		if rows, _ := st.OutboxForTest(testutil.System()); len(rows) != created {
			t.Errorf("%d outbox rows for %d cases", len(rows), created)
		}
	})
}

// TestAFailedWriteInASharedCommitHurtsOnlyItsCase: when the database refuses
// one case's write in the middle of a shared transaction (here a planted
// trigger; in life a full disk or a constraint), the others are still
// written whole and only that caller gets the error.
func TestAFailedWriteInASharedCommitHurtsOnlyItsCase(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		trigger := `CREATE TRIGGER fail_one BEFORE INSERT ON need_events WHEN (SELECT description FROM needs WHERE id = NEW.need_id) = '写入失败'
			BEGIN SELECT RAISE(ABORT, 'planted fault'); END`
		if st.Engine() == store.Postgres {
			trigger = `CREATE FUNCTION fail_one() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
				IF (SELECT description FROM needs WHERE id = NEW.need_id) = '写入失败' THEN RAISE EXCEPTION 'planted fault'; END IF;
				RETURN NEW; END $$;
				CREATE TRIGGER fail_one BEFORE INSERT ON need_events FOR EACH ROW EXECUTE FUNCTION fail_one()`
		}
		if err := st.ExecForTest(context.Background(), trigger); err != nil {
			t.Fatal(err)
		}
		cw := f.as("cw_city")
		const n = 40
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				in := f.newNeed(func(in *model.NeedInput) { in.Description = "并发登记 " + strconv.Itoa(i) })
				if i == 7 {
					in.Description = "写入失败"
				}
				_, errs[i] = st.CreateNeed(cw, in)
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if (i == 7) != (err != nil) {
				t.Errorf("call %d: %v", i, err)
			}
		}
		if code(errs[7]) != model.EInternal {
			t.Errorf("the failed write answered %v", errs[7])
		}
		l, err := st.ListNeeds(cw, model.NeedFilter{Page: model.Page{Limit: 500}})
		if err != nil || l.Total != n-1 {
			t.Fatalf("%d cases stored, want %d (%v)", l.Total, n-1, err)
		}
		for _, c := range l.Items {
			if c.Description == "写入失败" {
				t.Errorf("the refused case was stored: %+v", c)
			}
		}
		if _, err := st.VerifyAuditChain(testutil.System()); err != nil {
			t.Fatal(err)
		}
		if rows, _ := st.OutboxForTest(testutil.System()); len(rows) != n-1 {
			t.Errorf("%d outbox rows for %d cases", len(rows), n-1)
		}
	})
}

// TestTheAddressGoesToTheVolunteerOnlyWhileTheCaseIsTheirs: a case's
// address is stored sealed; case workers read it whole, the volunteer reads
// it whole while the case is assigned to them and in progress, and only its
// first part before and after; a too long one is refused.
func TestTheAddressGoesToTheVolunteerOnlyWhileTheCaseIsTheirs(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		const addr = "海州区西山街道和平社区3号楼2单元501"
		n := f.create(t, cw, f.newNeed(func(in *model.NeedInput) { in.Address = "  " + addr + " " }))
		if n.Address != addr {
			t.Fatalf("created with address %q", n.Address)
		}
		if _, err := st.CreateNeed(cw, f.newNeed(func(in *model.NeedInput) { in.Address = strings.Repeat("街", 201) })); code(err) != model.EInvalid {
			t.Errorf("a 201-character address: %v", err)
		}
		n, err := st.AssignNeed(cw, n.ID, model.NeedAssign{VolunteerID: &f.wang.ID})
		if err != nil {
			t.Fatal(err)
		}
		vol := f.as("vol_wang")
		got, err := st.GetNeed(vol, n.ID)
		if err != nil || got.Address != addr {
			t.Errorf("the assigned volunteer reads %q (%v)", got.Address, err)
		}
		audit, err := st.ListAudit(testutil.As(auditor()), model.AuditFilter{Action: store.ActNeedRead})
		if err != nil || len(audit.Items) == 0 || audit.Items[0].Username != "vol_wang" || audit.Items[0].Detail != "contact=full" {
			t.Errorf("the volunteer's read of the whole address is not audited as such: %+v (%v)", audit.Items, err)
		}
		if l, err := st.ListNeeds(vol, model.NeedFilter{}); err != nil || len(l.Items) != 1 || l.Items[0].Address != addr {
			t.Fatalf("the volunteer's list: %+v (%v)", l.Items, err)
		}
		audit, err = st.ListAudit(testutil.As(auditor()), model.AuditFilter{Action: store.ActNeedRead})
		if err != nil || len(audit.Items) < 2 || audit.Items[0].ObjectID != strconv.FormatInt(n.ID, 10) || audit.Items[0].Detail != "contact=full" {
			t.Errorf("the volunteer's list showing the whole address is not audited: %+v (%v)", audit.Items, err)
		}
		if _, err := st.StartNeed(vol, n.ID, model.NeedStep{}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ResolveNeed(vol, n.ID, model.NeedStep{Resolution: "已送餐上门"}); err != nil {
			t.Fatal(err)
		}
		got, err = st.GetNeed(vol, n.ID)
		if err != nil || got.Address == addr || !strings.HasPrefix(addr, strings.TrimSuffix(got.Address, "…")) || got.Address == "" {
			t.Errorf("after resolving, the volunteer reads %q (%v)", got.Address, err)
		}
		if got, err := st.GetNeed(cw, n.ID); err != nil || got.Address != addr {
			t.Errorf("the case worker reads %q (%v)", got.Address, err)
		}
	})
}
