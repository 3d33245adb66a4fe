package demo

import (
	"context"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/testutil"
)

// TestDemoSupplies: the demo city has its stores with stock, donations and
// purchases, weekly hand-outs of the central hospital's lists over three
// weeks (the worker's confirmed but for this week's), and one store under
// its reorder level.
func TestDemoSupplies(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			clock := NewClock(func() time.Time { return ledgerNow })
			st := testutil.NewStore(t, e, clock.Now)
			sum, err := Fill(context.Background(), st, Options{Seed: 3, People: testPeople, Clock: clock})
			if err != nil {
				t.Fatal(err)
			}
			as := func(username string) context.Context {
				return auth.WithPrincipal(context.Background(), login(t, st, username, "Demo-2026-"+username))
			}
			city := as("caseworker-city")
			stores, err := st.ListStores(city, model.StoreFilter{})
			if err != nil || stores.Total != 5 || sum.Stores != 5 {
				t.Fatalf("stores: %d listed, %d in the summary (%v)", stores.Total, sum.Stores, err)
			}
			below, err := st.ListStores(city, model.StoreFilter{BelowReorder: true})
			if err != nil || below.Total != 1 || below.Items[0].Name != storeSecond {
				t.Errorf("stores below their reorder level: %+v (%v)", below.Items, err)
			}
			if sum.HandOvers < 20 {
				t.Errorf("%d hand-overs", sum.HandOvers)
			}
			lists, err := st.ListDistributions(as("institution-admin"), model.DistributionFilter{})
			if err != nil || lists.Total != 6 {
				t.Errorf("%d distribution lists, want 2 plans × 3 weeks (%v)", lists.Total, err)
			}
			mine, err := st.MySupplies(as("worker"), model.Page{})
			if err != nil {
				t.Fatal(err)
			}
			var handed, confirmed int
			for _, l := range mine.Items {
				switch l.Status {
				case model.LineHanded:
					handed++
				case model.LineConfirmed:
					confirmed++
				}
			}
			if handed < 1 || confirmed < 2 {
				t.Errorf("the worker's supplies: %d handed, %d confirmed; want this week's to confirm and the earlier ones confirmed", handed, confirmed)
			}
			counts, err := st.SupplyCounts(as("leader"))
			if err != nil || counts.ProtectiveStock == nil || *counts.ProtectiveStock < 10000 {
				t.Errorf("the leader's figures: %+v (%v)", counts, err)
			}
			stock, err := st.StoreStock(city, stores.Items[0].ID)
			if err != nil || len(stock.Items) == 0 {
				t.Errorf("stock of %s: %+v (%v)", stores.Items[0].Name, stock, err)
			}
		})
	}
}
