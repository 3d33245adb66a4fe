package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestEscalationClimbsOneLevelPerMissedDeadline: an urgent case of the
// Haizhou district (210902) missed deadline by missed deadline goes to the
// Fuxin city team (2109), then the Liaoning province team (21), and stays
// there; each deadline escalates once however often the job runs.
func TestEscalationClimbsOneLevelPerMissedDeadline(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		n := f.create(t, cw, f.newNeed())
		done := f.create(t, cw, f.newNeed())
		if _, err := st.RejectNeed(cw, done.ID, model.NeedStep{Reason: "重复"}); err != nil {
			t.Fatal(err)
		}
		sys := testutil.System()
		run := func(want int) {
			t.Helper()
			got, err := st.EscalateOverdue(sys, clock.Now())
			if err != nil || got != want {
				t.Fatalf("EscalateOverdue = %d, %v; want %d", got, err, want)
			}
		}
		run(0) // nothing is due yet
		clock.Advance(4*time.Hour - time.Second)
		run(0)
		clock.Advance(2 * time.Second)
		run(1)
		run(0) // the same deadline again: nothing
		got, _ := st.GetNeed(f.as("cw_city"), n.ID)
		if got.EscalationLevel != 1 || got.TeamRegionCode != "2109" || got.Status != "open" || got.Version != 2 {
			t.Fatalf("after the first escalation: level %d team %s status %s version %d", got.EscalationLevel, got.TeamRegionCode, got.Status, got.Version)
		}
		mustDuration(t, got.DueAt, clock.Now().Add(4*time.Hour))
		// Within its new deadline, the escalated case still counts on the
		// dashboard as a missed deadline, as the inbox says.
		if stats, err := st.NeedStats(f.as("cw_city"), model.NeedStatsFilter{}); err != nil || stats.Overdue != 1 || stats.Escalated != 1 {
			t.Errorf("dashboard after an escalation: overdue %d, escalated %d, %v", stats.Overdue, stats.Escalated, err)
		}
		last := got.Events[len(got.Events)-1]
		if last.Action != "escalated" || last.TeamRegionCode != "2109" || last.Username != "system" {
			t.Errorf("escalation event = %+v", last)
		}
		if k := f.inbox(t, "cw_city", n.ID); strings.Join(k, ",") != "escalated" {
			t.Errorf("city team inbox = %v", k)
		}
		if k := f.inbox(t, "cw_province", n.ID); len(k) != 0 {
			t.Errorf("province told too early: %v", k)
		}
		// The district still sees its case (it is in its region), now escalated.
		if l, _ := st.ListNeeds(cw, model.NeedFilter{Escalated: true}); l.Total != 1 {
			t.Errorf("escalated filter: %d", l.Total)
		}
		clock.Advance(4*time.Hour + time.Second)
		run(1)
		got, _ = st.GetNeed(f.as("cw_province"), n.ID)
		if got.EscalationLevel != 2 || got.TeamRegionCode != "21" {
			t.Fatalf("after the second escalation: level %d team %s", got.EscalationLevel, got.TeamRegionCode)
		}
		if k := f.inbox(t, "cw_province", n.ID); strings.Join(k, ",") != "escalated" {
			t.Errorf("province team inbox = %v", k)
		}
		// At the province there is no higher team: the deadline is marked, nothing moves.
		clock.Advance(4*time.Hour + time.Second)
		run(0)
		run(0)
		got, _ = st.GetNeed(f.as("cw_province"), n.ID)
		if got.EscalationLevel != 2 || got.TeamRegionCode != "21" || !got.Overdue || eventActions(got.Events) != "created,escalated,escalated" {
			t.Fatalf("at the top: level %d team %s overdue %v history %s", got.EscalationLevel, got.TeamRegionCode, got.Overdue, eventActions(got.Events))
		}
		// A reopened case starts again with the district team.
		st.AssignNeed(f.as("cw_province"), n.ID, model.NeedAssign{UserID: ptr(f.uid("cw_haizhou"))})
		st.ResolveNeed(cw, n.ID, model.NeedStep{Resolution: "已解决"})
		got, err := st.ReopenNeed(cw, n.ID, model.NeedStep{})
		if err != nil || got.EscalationLevel != 0 || got.TeamRegionCode != "210902" {
			t.Fatalf("reopened: level %d team %s, %v", got.EscalationLevel, got.TeamRegionCode, err)
		}
		// The job refuses a user's context.
		if _, err := st.EscalateOverdue(cw, clock.Now()); code(err) != model.EForbidden {
			t.Errorf("a user ran the job: %v", err)
		}
	})
}

// TestEscalationEventsCarryTheirLevel: each "escalated" event says the level
// it raised the case to and the team it went to, with no machine note; the
// count starts again after a reopening. Rows as earlier versions wrote them
// (the level only in the note "level=N") read the same way.
func TestEscalationEventsCarryTheirLevel(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		n := f.create(t, cw, f.newNeed())
		sys := testutil.System()
		for range 2 {
			clock.Advance(4*time.Hour + time.Second)
			if _, err := st.EscalateOverdue(sys, clock.Now()); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.RejectNeed(f.as("cw_province"), n.ID, model.NeedStep{Reason: "已由单位解决"}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ReopenNeed(cw, n.ID, model.NeedStep{Note: "回访时问题仍在"}); err != nil {
			t.Fatal(err)
		}
		clock.Advance(4*time.Hour + time.Second)
		if _, err := st.EscalateOverdue(sys, clock.Now()); err != nil {
			t.Fatal(err)
		}
		events, err := st.ListNeedEvents(cw, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range events {
			if e.Action == model.EventEscalated {
				got = append(got, fmt.Sprintf("%s@%d%s", e.TeamRegionCode, e.EscalationLevel, e.Note))
			} else if e.EscalationLevel != 0 {
				t.Errorf("a %s event with a level: %+v", e.Action, e)
			}
		}
		if strings.Join(got, " ") != "2109@1 21@2 2109@1" {
			t.Errorf("escalations = %v, want 2109@1 21@2 2109@1 without notes", got)
		}

		// Rows of earlier versions: the level in the note, or (should one lack
		// it) counted.
		old := f.create(t, cw, f.newNeed())
		for _, note := range []string{"level=1", "", "level=3"} {
			if err := st.AppendNeedEventForTest(sys, old.ID, model.EventEscalated, model.NeedOpen, note, "2109", clock.Now()); err != nil {
				t.Fatal(err)
			}
		}
		got2, err := st.GetNeed(cw, old.ID)
		if err != nil {
			t.Fatal(err)
		}
		var levels []string
		for _, e := range got2.Events[1:] {
			levels = append(levels, fmt.Sprintf("%d%q", e.EscalationLevel, e.Note))
		}
		if strings.Join(levels, " ") != `1"" 2"" 3""` {
			t.Errorf("old rows read as %v", levels)
		}
	})
}

// TestDeadlineReminders: the assignee is reminded once two hours before the
// deadline and once when it passes; a case nobody works yet reminds its team.
func TestDeadlineReminders(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newNeedFixture(t, st, clock)
		cw := f.as("cw_haizhou")
		mine := f.create(t, cw, f.newNeed())
		if _, err := st.AssignNeed(cw, mine.ID, model.NeedAssign{VolunteerID: &f.wang.ID}); err != nil {
			t.Fatal(err)
		}
		nobodys := f.create(t, f.as("cw_city"), f.newNeed())
		sys := testutil.System()
		run := func(want int) {
			t.Helper()
			got, err := st.NotifyDeadlines(sys, clock.Now())
			if err != nil || got != want {
				t.Fatalf("NotifyDeadlines = %d, %v; want %d", got, err, want)
			}
		}
		run(0)
		clock.Advance(2*time.Hour - time.Minute) // 2 h 1 min left
		run(0)
		clock.Advance(2 * time.Minute)
		run(2)
		run(0)
		if k := f.inbox(t, "vol_wang", mine.ID); strings.Join(k, ",") != "assigned,due_soon" && strings.Join(k, ",") != "due_soon,assigned" {
			t.Errorf("volunteer inbox = %v", k)
		}
		for _, who := range []string{"cw_haizhou", "cw_haizhou2"} {
			if k := f.inbox(t, who, nobodys.ID); strings.Join(k, ",") != "due_soon" {
				t.Errorf("%s inbox = %v", who, k)
			}
		}
		clock.Advance(2 * time.Hour)
		run(2)
		run(0)
		if k := f.inbox(t, "vol_wang", mine.ID); len(k) != 3 {
			t.Errorf("volunteer inbox = %v", k)
		}
		// Escalation gives a new deadline, and with it new reminders.
		if _, err := st.EscalateOverdue(sys, clock.Now()); err != nil {
			t.Fatal(err)
		}
		clock.Advance(4*time.Hour + time.Second)
		run(2) // overdue again for both; the due-soon window was jumped over
		// Outbox events carry no names, ID numbers or phones.
		payloads := outboxPayloads(t, st)
		if len(payloads) < 10 {
			t.Fatalf("only %d outbox events", len(payloads))
		}
		for _, p := range payloads {
			for _, secret := range []string{"张伟", "李秀英", "1391234", "1380000", "王芳", f.zhang.IDNumberMasked[:6]} {
				if strings.Contains(p, secret) {
					t.Errorf("outbox payload leaks %q: %s", secret, p)
				}
			}
		}
	})
}

// outboxPayloads returns every outbox payload.
func outboxPayloads(t *testing.T, st *store.Store) []string {
	t.Helper()
	rows, err := st.OutboxForTest(testutil.System())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r[1])
	}
	return out
}
