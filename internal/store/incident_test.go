package store_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// newIncident is what 张伟 reports: the landlord of his mother's flat asks
// her to move out because her son works at the fever clinic.
func newIncident(mod ...func(*model.IncidentInput)) model.IncidentInput {
	in := model.IncidentInput{OccurredOn: "2026-02-10", Place: "细河区阳光花园 3 号楼",
		Description: "房东说我在发热门诊上班，要求母亲一周内搬走",
		Parties:     []model.IncidentParty{{Kind: model.PartyLandlord, Name: "房东赵某"}, {Kind: model.PartyProperty, Name: "阳光花园物业"}}}
	for _, m := range mod {
		m(&in)
	}
	return in
}

// TestIncidentReportedByAWorkerIsHandledToItsOutcome: a worker reports on
// their own household; the team of the region sees the reporter, assigns,
// reaches the reporter (the contact deadline stops), records steps and the
// outcome; the reporter follows it without the team's notes.
func TestIncidentReportedByAWorkerIsHandledToItsOutcome(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		wk, cw := f.as("worker_zhang"), f.as("cw_haizhou")
		in := newIncident(func(in *model.IncidentInput) { in.FamilyMemberID = &f.mother.ID; in.ReporterName = "冒名" })
		got, err := st.CreateIncident(wk, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != model.IncidentReported || got.RegionCode != "210902" || got.ReporterKind != model.ReporterWorker || got.Team {
			t.Fatalf("reported %+v", got)
		}
		mustDuration(t, got.ContactDueAt, clock.Now().Add(24*time.Hour))
		mustDuration(t, got.ConcludeDueAt, clock.Now().Add(15*24*time.Hour))
		// The team sees who reported, named from the registry whatever was typed.
		team, err := st.GetIncident(cw, got.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !team.Team || team.ReporterName != "张伟" || team.ReporterContact != "13912345678" || team.FamilyMemberName != "李秀英" ||
			len(team.Parties) != 2 || team.Parties[1].Name != "阳光花园物业" || team.Description != in.Description {
			t.Fatalf("team sees %+v", team)
		}
		// The team was told.
		if n, _ := st.ListInbox(f.as("cw_haizhou2"), true, model.Page{Limit: 50}); len(n.Items) == 0 || n.Items[0].Kind != store.NoticeIncidentReported {
			t.Errorf("inbox of the team: %+v", n.Items)
		}
		// Handling to the outcome.
		if _, err := st.AssignIncident(cw, got.ID, model.IncidentAssign{HandlerID: ptr(f.uid("cw_xinqiu"))}); fieldOf(err)["handler_id"].Key == "" {
			t.Errorf("a handler of another district: %v", err)
		}
		a, err := st.AssignIncident(cw, got.ID, model.IncidentAssign{HandlerID: ptr(f.uid("cw_haizhou2")), Version: &team.Version})
		if err != nil || a.Status != model.IncidentHandling || a.HandlerName != "cw_haizhou2" {
			t.Fatalf("assign: %+v %v", a, err)
		}
		if _, err := st.AssignIncident(cw, got.ID, model.IncidentAssign{Version: &team.Version}); code(err) != model.EStaleVersion {
			t.Errorf("stale version: %v", err)
		}
		clock.Advance(3 * time.Hour)
		h := f.as("cw_haizhou2")
		c, err := st.AddIncidentStep(h, got.ID, model.IncidentStepInput{Kind: model.StepContactReporter, Note: "电话联系张伟，已安抚"})
		if err != nil || c.ContactedAt == nil || c.ContactOverdue {
			t.Fatalf("contact: %+v %v", c, err)
		}
		if _, err := st.AddIncidentStep(h, got.ID, model.IncidentStepInput{Kind: model.StepContactParty, Note: "约谈房东赵某"}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ConcludeIncident(wk, got.ID, model.IncidentOutcomeInput{Outcome: model.OutcomeEducation, Note: "x"}); code(err) != model.EForbidden {
			t.Errorf("the reporter concludes: %v", err)
		}
		done, err := st.ConcludeIncident(h, got.ID, model.IncidentOutcomeInput{Outcome: model.OutcomeEducation, Note: "房东已道歉，同意续租"})
		if err != nil || done.Status != model.IncidentConcluded || done.ConcludedAt == nil || len(done.Steps) != 4 {
			t.Fatalf("conclude: %+v %v", done, err)
		}
		if _, err := st.AddIncidentStep(h, got.ID, model.IncidentStepInput{Kind: model.StepNote, Note: "x"}); code(err) != model.EConflict {
			t.Errorf("a step on a concluded incident: %v", err)
		}
		// The reporter sees how it ended, not the team's notes.
		mine, err := st.GetIncident(wk, got.ID)
		if err != nil || mine.Outcome != model.OutcomeEducation || mine.OutcomeNote == "" || len(mine.Steps) != 0 || mine.InstitutionName != "" || mine.Team {
			t.Fatalf("reporter sees %+v %v", mine, err)
		}
		list, err := st.ListIncidents(wk, model.IncidentFilter{})
		if err != nil || list.Total != 1 {
			t.Fatalf("reporter's list %+v %v", list, err)
		}
		// Reopened: the outcome goes, the deadline starts again.
		re, err := st.ReopenIncident(cw, got.ID, model.IncidentStepInput{Note: "房东再次换锁"})
		if err != nil || re.Status != model.IncidentHandling || re.Outcome != "" {
			t.Fatalf("reopen %+v %v", re, err)
		}
		mustDuration(t, re.ConcludeDueAt, clock.Now().Add(15*24*time.Hour))
	})
}

// TestIncidentOutsideTheHandlingTeamIsNotFound: the team of another
// district, another worker, an institution-scoped account, and every role
// with no incident right: 404 exactly as a missing id.
func TestIncidentOutsideTheHandlingTeamIsNotFound(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		got, err := st.CreateIncident(f.as("worker_zhang"), newIncident())
		if err != nil {
			t.Fatal(err)
		}
		otherWorker := testutil.As(&auth.Principal{UserID: 777, Username: "worker_liu", Role: auth.RoleWorker, PersonID: f.liu.ID})
		instCW := testutil.As(&auth.Principal{UserID: 778, Username: "cw_inst", Role: auth.RoleCaseworker, InstitutionID: f.w.haizhou.ID})
		for name, ctx := range map[string]context.Context{"caseworker of xinqiu": f.as("cw_xinqiu"), "another worker": otherWorker, "institution-scoped caseworker": instCW} {
			if _, err := st.GetIncident(ctx, got.ID); code(err) != model.ENotFound {
				t.Errorf("%s reads: %v, want not_found", name, err)
			}
			if _, err := st.GetIncident(ctx, got.ID+1000); code(err) != model.ENotFound {
				t.Errorf("%s reads a missing id: %v", name, err)
			}
			if l, err := st.ListIncidents(ctx, model.IncidentFilter{}); err != nil || l.Total != 0 {
				t.Errorf("%s lists %+v %v", name, l, err)
			}
			if _, err := st.AddIncidentStep(ctx, got.ID, model.IncidentStepInput{Kind: model.StepNote, Note: "x"}); code(err) != model.ENotFound {
				t.Errorf("%s steps: %v", name, err)
			}
		}
		// Roles with no incident right: the list is refused, one incident
		// looks missing (and the probe is audited).
		for _, u := range []string{"leader_city", "instadmin_hz", "counselor_hz", "vol_wang", "finance_city", "sysadmin"} {
			last := lastAuditID(t, st)
			if _, err := st.GetIncident(f.as(u), got.ID); code(err) != model.ENotFound {
				t.Errorf("%s reads: %v, want not_found", u, err)
			}
			if rows := auditSince(t, st, last); len(rows) != 1 || rows[0].Action != store.ActIncidentRead || rows[0].Outcome != model.OutcomeNotFound {
				t.Errorf("%s's probe audited as %+v", u, rows)
			}
			if _, err := st.ListIncidents(f.as(u), model.IncidentFilter{}); code(err) != model.EForbidden {
				t.Errorf("%s lists: %v, want forbidden", u, err)
			}
		}
		// The city's and the province's teams cover the district.
		for _, u := range []string{"cw_city", "cw_province"} {
			if g, err := st.GetIncident(f.as(u), got.ID); err != nil || g.ReporterName != "张伟" {
				t.Errorf("%s: %+v %v", u, g, err)
			}
		}
	})
}

// TestIncidentReadsAreAudited: a list is one audit row, a detail one row, a
// probe of an id out of scope one row with outcome not_found.
func TestIncidentReadsAreAudited(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		for range 3 {
			if _, err := st.CreateIncident(f.as("worker_zhang"), newIncident()); err != nil {
				t.Fatal(err)
			}
		}
		cw := f.as("cw_haizhou")
		last := lastAuditID(t, st)
		list, err := st.ListIncidents(cw, model.IncidentFilter{})
		if err != nil || len(list.Items) != 3 {
			t.Fatalf("list %+v %v", list, err)
		}
		if _, err := st.GetIncident(cw, list.Items[0].ID); err != nil {
			t.Fatal(err)
		}
		st.GetIncident(f.as("cw_xinqiu"), list.Items[0].ID)
		rows := auditSince(t, st, last)
		if len(rows) != 3 || rows[0].Action != store.ActIncidentList || rows[1].Action != store.ActIncidentRead ||
			rows[2].Action != store.ActIncidentRead || rows[2].Outcome != model.OutcomeNotFound {
			t.Fatalf("audit rows %+v", rows)
		}
	})
}

// TestIncidentThroughAFamilyLink: a relative reports through their link;
// the team sees them as the reporter, the worker does not see it, the link
// follows its own reports, and a revoked link reports nothing.
func TestIncidentThroughAFamilyLink(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		link, err := st.CreateFamilyLink(f.as("worker_zhang"), f.zhang.ID, model.FamilyLinkInput{FamilyMemberID: &f.mother.ID, Days: ptr(30)})
		if err != nil {
			t.Fatal(err)
		}
		pr, _, err := st.AuthenticateFamilyLink(context.Background(), link.Token, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		lk := testutil.As(pr)
		if _, err := st.CreateIncident(lk, newIncident(func(in *model.IncidentInput) { in.FamilyMemberID = &f.liuSon.ID })); fieldOf(err)["family_member_id"].Key == "" {
			t.Errorf("another relative through the link: %v", err)
		}
		got, err := st.CreateIncident(lk, newIncident(func(in *model.IncidentInput) {
			in.FamilyMemberID, in.ReporterContact = &f.mother.ID, "13800001111"
		}))
		if err != nil {
			t.Fatal(err)
		}
		team, err := st.GetIncident(f.as("cw_haizhou"), got.ID)
		if err != nil || team.ReporterKind != model.ReporterFamily || team.ReporterName != "李秀英" || team.ReporterContact != "13800001111" {
			t.Fatalf("team sees %+v %v", team, err)
		}
		if _, err := st.GetIncident(f.as("worker_zhang"), got.ID); code(err) != model.ENotFound {
			t.Errorf("the worker reads his mother's report: %v", err)
		}
		if l, err := st.ListIncidents(lk, model.IncidentFilter{}); err != nil || l.Total != 1 || l.Items[0].ID != got.ID {
			t.Errorf("the link's list %+v %v", l, err)
		}
		if err := st.RevokeFamilyLink(f.as("worker_zhang"), f.zhang.ID, link.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateIncident(lk, newIncident()); code(err) != model.ENotFound {
			t.Errorf("a revoked link reports: %v", err)
		}
	})
}

// TestIncidentSettlesADiscriminationCase: opened from a ledger case of kind
// discrimination, the incident's outcome resolves the case through the
// ledger's own step; another kind of case, or a second incident, is refused.
func TestIncidentSettlesADiscriminationCase(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		other := f.create(t, cw, f.newNeed())
		if _, err := st.CreateIncident(cw, newIncident(func(in *model.IncidentInput) { in.NeedID, in.ReporterName = &other.ID, "张伟" })); fieldOf(err)["need_id"].Key != "incident.need_kind" {
			t.Errorf("an eldercare case: %v", err)
		}
		n := f.create(t, cw, f.newNeed(func(in *model.NeedInput) {
			in.Category, in.Kind, in.FamilyMemberID, in.Description = "safety", model.KindDiscrimination, &f.mother.ID, "房东要求搬离"
		}))
		got, err := st.CreateIncident(cw, newIncident(func(in *model.IncidentInput) { in.NeedID, in.ReporterName = &n.ID, "张伟（电话）" }))
		if err != nil {
			t.Fatal(err)
		}
		if got.NeedID == nil || *got.NeedID != n.ID || got.PersonID != f.zhang.ID || got.FamilyMemberID == nil || *got.FamilyMemberID != f.mother.ID ||
			got.ReporterKind != model.ReporterCaseworker {
			t.Fatalf("from the case: %+v", got)
		}
		if _, err := st.CreateIncident(cw, newIncident(func(in *model.IncidentInput) { in.NeedID, in.ReporterName = &n.ID, "张伟" })); code(err) != model.EConflict {
			t.Errorf("a second incident for the case: %v", err)
		}
		if _, err := st.ConcludeIncident(cw, got.ID, model.IncidentOutcomeInput{Outcome: model.OutcomePenalty, Note: "物业通报批评", ResolveCase: true}); fieldOf(err)["case_resolution"].Key == "" {
			t.Errorf("resolve without a resolution: %v", err)
		}
		if _, err := st.ConcludeIncident(cw, got.ID, model.IncidentOutcomeInput{Outcome: model.OutcomePenalty, Note: "房东被罚款",
			ResolveCase: true, CaseResolution: "歧视事件已处理：处理处罚"}); err != nil {
			t.Fatal(err)
		}
		after, err := st.GetNeed(cw, n.ID)
		if err != nil || after.Status != model.NeedResolved || after.Resolution != "歧视事件已处理：处理处罚" {
			t.Fatalf("case after the outcome: %+v %v", after, err)
		}
	})
}

// TestIncidentDeadlinesFollowTheRegionAndOverdueFilters: a region's settings
// set the deadlines; the overdue filter finds an incident past either.
func TestIncidentDeadlinesFollowTheRegionAndOverdueFilters(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_city")
		if _, err := st.SetSetting(cw, "2109", casework.SettingIncidentConclude, "7"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.SetSetting(cw, "210902", casework.SettingIncidentContact, "120"); err != nil {
			t.Fatal(err)
		}
		got, err := st.CreateIncident(f.as("worker_zhang"), newIncident())
		if err != nil {
			t.Fatal(err)
		}
		mustDuration(t, got.ContactDueAt, clock.Now().Add(2*time.Hour))
		mustDuration(t, got.ConcludeDueAt, clock.Now().Add(7*24*time.Hour))
		school, err := st.CreateIncident(cw, newIncident(func(in *model.IncidentInput) {
			in.PersonID, in.ReporterName, in.Parties = f.liu.ID, "刘洋", []model.IncidentParty{{Kind: model.PartySchool, Name: "新邱区实验小学"}}
		}))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddIncidentStep(cw, school.ID, model.IncidentStepInput{Kind: model.StepContactReporter}); err != nil {
			t.Fatal(err)
		}
		clock.Advance(3 * time.Hour)
		l, _ := st.ListIncidents(cw, model.IncidentFilter{Overdue: true})
		if l.Total != 1 || l.Items[0].ID != got.ID || !l.Items[0].ContactOverdue {
			t.Errorf("overdue after 3 h: %+v", l.Items)
		}
		l, _ = st.ListIncidents(cw, model.IncidentFilter{PartyKind: model.PartySchool})
		if l.Total != 1 || l.Items[0].ID != school.ID {
			t.Errorf("school incidents: %+v", l.Items)
		}
		l, _ = st.ListIncidents(cw, model.IncidentFilter{Q: "实验小学"})
		if l.Total != 1 || l.Items[0].ID != school.ID {
			t.Errorf("search a party: %+v", l.Items)
		}
		l, _ = st.ListIncidents(cw, model.IncidentFilter{Q: "张伟"})
		if l.Total != 1 || l.Items[0].ID != got.ID {
			t.Errorf("search a person: %+v", l.Items)
		}
		stats, err := st.IncidentStats(cw, "")
		if err != nil || stats.Open != 2 || stats.Overdue != 1 {
			t.Errorf("stats %+v %v", stats, err)
		}
		// A leader's figures are suppressed: 2 open and 1 overdue are small cells.
		ls, err := st.IncidentStats(f.as("leader_city"), "")
		if err != nil || !ls.Open.IsSuppressed() || !ls.Overdue.IsSuppressed() || ls.Concluded != 0 {
			t.Errorf("leader's stats %+v %v", ls, err)
		}
		if _, err := st.IncidentStats(f.as("worker_zhang"), ""); code(err) != model.EForbidden {
			t.Errorf("worker's stats: %v", err)
		}
	})
}

// TestIncidentBadInput: every field is checked and nothing is written.
func TestIncidentBadInput(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		wk, cw := f.as("worker_zhang"), f.as("cw_haizhou")
		cases := []struct {
			name  string
			ctx   context.Context
			in    model.IncidentInput
			field string
		}{
			{"no date", wk, newIncident(func(in *model.IncidentInput) { in.OccurredOn = "" }), "occurred_on"},
			{"a bad date", wk, newIncident(func(in *model.IncidentInput) { in.OccurredOn = "2026-13-01" }), "occurred_on"},
			{"tomorrow", wk, newIncident(func(in *model.IncidentInput) { in.OccurredOn = clock.Now().Add(48 * time.Hour).Format("2006-01-02") }), "occurred_on"},
			{"no place", wk, newIncident(func(in *model.IncidentInput) { in.Place = " " }), "place"},
			{"no description", wk, newIncident(func(in *model.IncidentInput) { in.Description = "" }), "description"},
			{"no party", wk, newIncident(func(in *model.IncidentInput) { in.Parties = nil }), "parties"},
			{"an unknown party kind", wk, newIncident(func(in *model.IncidentInput) { in.Parties = []model.IncidentParty{{Kind: "police"}} }), "parties"},
			{"another person", wk, newIncident(func(in *model.IncidentInput) { in.PersonID = f.liu.ID }), "person_id"},
			{"another family's relative", wk, newIncident(func(in *model.IncidentInput) { in.FamilyMemberID = &f.liuSon.ID }), "family_member_id"},
			{"a worker opens from a case", wk, newIncident(func(in *model.IncidentInput) { in.NeedID = ptr(int64(1)) }), "need_id"},
			{"team without a reporter", cw, newIncident(func(in *model.IncidentInput) { in.PersonID = f.zhang.ID }), "reporter_name"},
			{"team, a person out of scope", cw, newIncident(func(in *model.IncidentInput) { in.PersonID, in.ReporterName = f.liu.ID, "x" }), "person_id"},
		}
		for _, c := range cases {
			_, err := st.CreateIncident(c.ctx, c.in)
			if code(err) != model.EInvalid || fieldOf(err)[c.field].Key == "" {
				t.Errorf("%s: %v, want invalid %s", c.name, err, c.field)
			}
		}
		if l, _ := st.ListIncidents(cw, model.IncidentFilter{}); l.Total != 0 {
			t.Errorf("bad input wrote %d incidents", l.Total)
		}
		got, err := st.CreateIncident(wk, newIncident())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.AddIncidentStep(cw, got.ID, model.IncidentStepInput{Kind: "shout"}); fieldOf(err)["kind"].Key == "" {
			t.Errorf("an unknown step: %v", err)
		}
		if _, err := st.AddIncidentStep(cw, got.ID, model.IncidentStepInput{Kind: model.StepNote}); fieldOf(err)["note"].Key == "" {
			t.Errorf("a note without text: %v", err)
		}
		if _, err := st.ConcludeIncident(cw, got.ID, model.IncidentOutcomeInput{Outcome: "forgiven", Note: "x"}); fieldOf(err)["outcome"].Key == "" {
			t.Errorf("an unknown outcome: %v", err)
		}
		if _, err := st.ConcludeIncident(cw, got.ID, model.IncidentOutcomeInput{Outcome: model.OutcomePolice}); fieldOf(err)["note"].Key == "" {
			t.Errorf("an outcome without a note: %v", err)
		}
		if _, err := st.ConcludeIncident(cw, got.ID, model.IncidentOutcomeInput{Outcome: model.OutcomePolice, Note: "x", ResolveCase: true, CaseResolution: "x"}); fieldOf(err)["resolve_case"].Key == "" {
			t.Errorf("resolve a case it has none: %v", err)
		}
		if _, err := st.ReopenIncident(cw, got.ID, model.IncidentStepInput{Note: "x"}); code(err) != model.EConflict {
			t.Errorf("reopen an open incident: %v", err)
		}
	})
}

// TestDatabaseFileRevealsNoIncidentReporterOrDescription: a raw read of the
// SQLite file and its WAL shows neither the reporter's name or contact nor
// what happened or where, nor the team's notes.
func TestDatabaseFileRevealsNoIncidentReporterOrDescription(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "h.db"), store.Options{Sealer: testutil.Sealer()})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	w := seed(t, st)
	p, err := st.CreatePerson(testutil.System(), newPerson("吴刚", idNumber(31), w.haizhou.ID))
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.CreateIncident(testutil.System(), newIncident(func(in *model.IncidentInput) {
		in.PersonID, in.ReporterName, in.ReporterContact = p.ID, "举报人孙丽娟", "13566667777"
		in.Place, in.Description = "海州区幸福里小区", "邻居在电梯里张贴告示不许医护家属乘电梯"
	}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddIncidentStep(testutil.System(), got.ID, model.IncidentStepInput{Kind: model.StepNote, Note: "社区主任约谈贴告示的邻居"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, f := range []string{"h.db", "h.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(dir, f))
		for _, secret := range []string{"举报人孙丽娟", "13566667777", "幸福里小区", "张贴告示", "约谈贴告示"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s contains %q in clear", f, secret)
			}
		}
	}
}
