package demo

import (
	"context"
	"testing"
	"time"

	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestFillCheckinsFollowsTheDeployments: the demo holds a week of check-ins
// of the deployments it planned, a few missed and flagged, today's
// stragglers missing, one fever today, and the district teams' contacts with
// the families.
func TestFillCheckinsFollowsTheDeployments(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) // 17:00 in China
	clock := NewClock(func() time.Time { return now })
	st := testutil.NewStore(t, store.SQLite, clock.Now)
	ctx := context.Background()
	sys := testutil.System()
	sum, err := Fill(ctx, st, Options{Seed: 3, People: 600, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	if clock.Offset() != 0 {
		t.Errorf("the clock is left shifted by %v", clock.Offset())
	}
	n, err := st.CheckinCounts(sys, "", "")
	if err != nil || n.Deployed == 0 || n.Missing == 0 || n.Fever != 1 || n.CheckedIn == 0 {
		t.Fatalf("today's counts: %+v, %v", n, err)
	}
	// Every day of the week before has check-ins, and a few days have misses.
	missedDays := 0
	for d := 1; d < checkinDays; d++ {
		day := model.ChinaDay(now.AddDate(0, 0, -d))
		c, err := st.CheckinCounts(sys, day, "")
		if err != nil || c.Fever != 0 || (c.Deployed > 0 && c.CheckedIn == 0) {
			t.Errorf("counts of %s: %+v, %v", day, c, err)
		}
		if c.Missing > 0 {
			missedDays++
		}
	}
	if sum.Checkins == 0 || missedDays == 0 {
		t.Errorf("%d check-ins, %d days with misses", sum.Checkins, missedDays)
	}
	// The scheduler's evening rounds told the teams.
	missed := 0
	for _, who := range []string{"caseworker", "caseworker-city"} {
		u, err := st.ListUsers(sys, model.UserFilter{Q: who, Page: model.Page{Limit: 10}})
		if err != nil {
			t.Fatal(err)
		}
		for _, acc := range u.Items {
			if acc.Username != who {
				continue
			}
			inbox, err := st.ListInbox(actorOf(ctx, acc), false, model.Page{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range inbox.Items {
				if e.Kind == store.NoticeCheckinMissed {
					missed++
				}
			}
		}
	}
	if missed == 0 {
		t.Error("no missed check-in reached a team's inbox")
	}
	fc, err := st.ListFamilyContacts(sys, model.FamilyContactFilter{})
	if err != nil || fc.Total == 0 || fc.Total != sum.FamilyContacts {
		t.Errorf("contacts listed %d, summary %d (%v)", fc.Total, sum.FamilyContacts, err)
	}
	t.Logf("%d deployments, %d check-ins, %d family contacts; today %+v", sum.Deployments, sum.Checkins, sum.FamilyContacts, n)
}
