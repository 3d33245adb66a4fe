package demo

import (
	"context"
	"testing"
	"time"

	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestFillCheckinsFollowsTheDeployments: with deployments in the city (the
// deployment demo plans them), the demo holds a week of check-ins, a few
// missed and flagged, today's stragglers missing, one fever today, and the
// district teams' contacts with the families.
func TestFillCheckinsFollowsTheDeployments(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) // 17:00 in China
	clock := NewClock(func() time.Time { return now })
	st := testutil.NewStore(t, store.SQLite, clock.Now)
	ctx := context.Background()
	sys := testutil.System()
	if _, err := Fill(ctx, st, Options{Seed: 3, People: 300}); err != nil {
		t.Fatal(err)
	}
	people, err := st.ListPeople(sys, model.PersonFilter{Page: model.Page{Limit: 60}})
	if err != nil || len(people.Items) < 60 {
		t.Fatalf("people: %v", err)
	}
	from, to := model.ChinaDay(now.AddDate(0, 0, -8)), model.ChinaDay(now.AddDate(0, 0, 5)) // 14 days, the rest rule's most
	posts := map[int64]int64{}
	deployed := 0
	for _, p := range people.Items {
		if deployed == 40 {
			break
		}
		post, ok := posts[p.InstitutionID]
		if !ok {
			created, err := st.CreatePost(sys, model.PostInput{Name: ptr("发热门诊"), InstitutionID: &p.InstitutionID, Kind: ptr("fever_clinic"), Tier: ptr(1)})
			if err != nil {
				t.Fatal(err)
			}
			post, posts[p.InstitutionID] = created.ID, created.ID
		}
		_, err := st.CreateDeployment(sys, model.DeploymentInput{PersonID: &p.ID, PostID: &post, StartsOn: from, EndsOn: to})
		switch model.ErrorCode(err) {
		case "":
			deployed++
		case "couple_conflict": // the spouse is deployed already: as a planner would, leave them at home
		default:
			t.Fatalf("deploy %d: %v", p.ID, err)
		}
	}
	users, err := st.ListUsers(sys, model.UserFilter{Page: model.Page{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	as := actors{"": sys}
	for _, u := range users.Items {
		as[u.Username] = actorOf(ctx, u)
	}
	var sum Summary
	if err := fillCheckins(ctx, st, clock, as, &sum); err != nil {
		t.Fatal(err)
	}
	if clock.Offset() != 0 {
		t.Errorf("the clock is left shifted by %v", clock.Offset())
	}
	if max := 40 * checkinDays; sum.Checkins < max*3/4 || sum.Checkins >= max {
		t.Errorf("%d check-ins of at most %d: want most, not all", sum.Checkins, max)
	}
	n, err := st.CheckinCounts(sys, "", "")
	if err != nil || n.Deployed != 40 || n.Missing == 0 || n.Fever != 1 {
		t.Errorf("today's counts: %+v, %v", n, err)
	}
	past, err := st.CheckinCounts(sys, model.ChinaDay(now.AddDate(0, 0, -3)), "")
	if err != nil || past.Fever != 0 || past.CheckedIn == 0 {
		t.Errorf("counts of three days ago: %+v, %v", past, err)
	}
	inbox, err := st.ListInbox(as["caseworker-city"], false, model.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, e := range inbox.Items {
		kinds[e.Kind]++
	}
	if kinds[store.NoticeCheckinMissed] == 0 && kinds[store.NoticeCheckinFever] == 0 {
		// The city team hears only where no district team is; the district's hears the rest.
		inbox, _ = st.ListInbox(as["caseworker"], false, model.Page{Limit: 100})
		for _, e := range inbox.Items {
			kinds[e.Kind]++
		}
	}
	if kinds[store.NoticeCheckinMissed] == 0 {
		t.Errorf("no missed check-in was flagged: %v", kinds)
	}
	if sum.FamilyContacts == 0 {
		t.Error("no family contacts")
	}
	fc, err := st.ListFamilyContacts(sys, model.FamilyContactFilter{})
	if err != nil || fc.Total != sum.FamilyContacts {
		t.Errorf("contacts listed %d, summary %d (%v)", fc.Total, sum.FamilyContacts, err)
	}
}
