package demo

import (
	"context"
	"testing"

	"houdun/internal/living"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestFillHousesStaffAndArrangesTrips: the demo city has its three sites,
// tonight's board of the hotel holds the worker account's person, some
// stays are over, one was corrected and one cancelled, and there is a
// transport request in every status.
func TestFillHousesStaffAndArrangesTrips(t *testing.T) {
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		sys := testutil.System()
		sum, err := Fill(context.Background(), st, Options{Seed: 7, People: testPeople})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Sites != 3 || sum.Beds != 80+24+32 || sum.Stays < 30 || sum.Trips != 9 {
			t.Errorf("summary: %d sites, %d beds, %d stays, %d trips", sum.Sites, sum.Beds, sum.Stays, sum.Trips)
		}
		sites, err := st.ListSites(sys, model.SiteFilter{})
		if err != nil || sites.Total != 3 {
			t.Fatalf("sites = %+v, %v", sites, err)
		}
		occupied := 0
		for _, s := range sites.Items {
			occupied += s.Occupied
		}
		if occupied < 20 {
			t.Errorf("%d beds occupied tonight, want a full-looking board", occupied)
		}
		byStatus := map[string]int{}
		for _, status := range model.StayStatuses {
			l, err := st.ListStays(sys, model.StayFilter{Status: status})
			if err != nil {
				t.Fatal(err)
			}
			byStatus[status] = l.Total
		}
		if byStatus[model.StayIn] < 20 || byStatus[model.StayOut] < 5 || byStatus[model.StayCancelled] != 1 {
			t.Errorf("stays by status: %v", byStatus)
		}
		for _, status := range living.TripStatuses {
			if l, err := st.ListTrips(sys, model.TripFilter{Status: status}); err != nil || l.Total == 0 {
				t.Errorf("no transport request %s: %v", status, err)
			}
		}
	})
}
