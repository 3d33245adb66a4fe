package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// benchNeeds fills a registry of people (see benchRegistry) with n cases: a year of
// history, mostly closed, with about 13 % still active and a fifth of those
// overdue — the shape of a ledger in its second year.
func benchNeeds(b *testing.B, st *store.Store, n int, now time.Time) {
	b.Helper()
	people, err := st.PeopleForTest(testutil.System())
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	urgencies := []string{"urgent", "high", "high", "normal", "normal", "normal", "normal", "low", "low", "urgent"}
	durations := map[string]time.Duration{"urgent": 4 * time.Hour, "high": 24 * time.Hour, "normal": 72 * time.Hour, "low": 7 * 24 * time.Hour}
	batch := make([]store.BenchNeed, 0, n)
	for i := 0; i < n; i++ {
		p := people[r.IntN(len(people))]
		u := urgencies[r.IntN(len(urgencies))]
		created := now.Add(-time.Duration(r.Int64N(int64(365 * 24 * time.Hour))))
		due := created.Add(durations[u])
		status := "closed"
		switch x := r.IntN(100); {
		case x < 5:
			status = "open"
		case x < 9:
			status = "assigned"
		case x < 13:
			status = "in_progress"
		case x < 17:
			status = "resolved"
		case x < 20:
			status = "rejected"
		}
		if status == "open" || status == "assigned" || status == "in_progress" {
			// Active cases were recorded lately; a fifth are past their deadline.
			created = now.Add(-time.Duration(r.Int64N(int64(durations[u]))))
			due = created.Add(durations[u])
			if r.IntN(5) == 0 {
				due = now.Add(-time.Duration(r.Int64N(int64(72 * time.Hour))))
			}
		}
		batch = append(batch, store.BenchNeed{PersonID: p.ID, InstitutionID: p.InstitutionID, RegionCode: p.RegionCode,
			Category: model.NeedCategories[r.IntN(len(model.NeedCategories))], Kind: model.NeedKinds[r.IntN(len(model.NeedKinds))],
			Urgency: u, Status: status, DueAt: due.UnixMilli(), CreatedAt: created.UnixMilli(), Handled: due.Before(now.Add(2 * time.Hour))})
	}
	if err := st.BulkInsertNeedsForTest(testutil.System(), batch); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkListNeeds measures the case lists of a district team on 1,000,000
// cases over 200,000 people (SQLite): the open cases by deadline (the list a
// team lead opens first), by urgency, the overdue ones, and the heavier
// variants; plus the scheduler's tick when nothing is due and a case's
// creation with the million cases present. Building the database takes about
// a minute or two.
func BenchmarkListNeeds(b *testing.B) {
	const people, cases = 200_000, 1_000_000
	now := time.Now() // the store's clock is the wall clock
	start := time.Now()
	st, _ := benchRegistry(b, people)
	registry := time.Since(start)
	benchNeeds(b, st, cases, now)
	b.Logf("built %d people in %v, %d cases in %v", people, registry.Round(time.Second), cases, (time.Since(start) - registry).Round(time.Second))
	district := testutil.As(&auth.Principal{UserID: 99, Username: "cw", Role: auth.RoleCaseworker, RegionCode: "210902"})
	city := testutil.As(&auth.Principal{UserID: 98, Username: "cw_city", Role: auth.RoleCaseworker, RegionCode: "2109"})
	list := []struct {
		name string
		ctx  context.Context
		f    model.NeedFilter
	}{
		{"district open by deadline", district, model.NeedFilter{Status: []string{"open"}, Sort: model.NeedSortDueAt}},
		{"district open by urgency", district, model.NeedFilter{Status: []string{"open"}}},
		{"district overdue", district, model.NeedFilter{Overdue: true, Sort: model.NeedSortDueAt}},
		{"district active by deadline", district, model.NeedFilter{Status: model.NeedActiveStatuses, Sort: model.NeedSortDueAt}},
		{"district open psychological", district, model.NeedFilter{Status: []string{"open"}, Category: "psychological"}},
		{"district open page 20", district, model.NeedFilter{Status: []string{"open"}, Sort: model.NeedSortDueAt, Page: model.Page{Limit: 50, Offset: 950}}},
		{"district all newest", district, model.NeedFilter{Sort: model.NeedSortNewest}},
		{"city open by deadline", city, model.NeedFilter{Status: []string{"open"}, Sort: model.NeedSortDueAt}},
		{"city overdue", city, model.NeedFilter{Overdue: true}},
	}
	for _, c := range list {
		b.Run(c.name, func(b *testing.B) {
			var total int
			for b.Loop() {
				l, err := st.ListNeeds(c.ctx, c.f)
				if err != nil {
					b.Fatal(err)
				}
				total = l.Total
			}
			b.ReportMetric(float64(total), "matching")
		})
	}
	// At the moment the data describes, every past deadline has been dealt
	// with: a tick finds nothing to do, however many cases are open.
	b.Run("scheduler tick, nothing due", func(b *testing.B) {
		sys := testutil.System()
		for b.Loop() {
			if _, err := st.NotifyDeadlines(sys, now); err != nil {
				b.Fatal(err)
			}
			if _, err := st.EscalateOverdue(sys, now); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("create with 1M present", func(b *testing.B) {
		mine, err := st.ListPeople(district, model.PersonFilter{Page: model.Page{Limit: 500}})
		if err != nil || len(mine.Items) == 0 {
			b.Fatalf("district people: %d, %v", len(mine.Items), err)
		}
		i := 0
		for b.Loop() {
			i++
			if _, err := st.CreateNeed(district, model.NeedInput{PersonID: mine.Items[i%len(mine.Items)].ID, Category: "living", Kind: "meals",
				Urgency: "normal", Description: "值班期间需要送餐", Source: "hotline"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCreateNeed measures recording a case at store level (with its
// event, outbox row and audit row in one transaction), one at a time and
// from 64 parallel callers (as an HTTP server under load has) sharing the
// single SQLite writer, whose cases are then group-committed.
func BenchmarkCreateNeed(b *testing.B) {
	const people = 10_000
	st, _ := benchRegistry(b, people)
	ctx := testutil.As(&auth.Principal{UserID: 99, Username: "cw", Role: auth.RoleCaseworker, RegionCode: "2109"})
	in := func(i int) model.NeedInput {
		return model.NeedInput{PersonID: int64(i%people + 1), Category: "living", Kind: "supplies", Urgency: "high",
			Description: fmt.Sprintf("家中缺少生活物资 %d", i), Source: "hotline"}
	}
	b.Run("serial", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			if _, err := st.CreateNeed(ctx, in(i)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.SetParallelism(32)
		b.RunParallel(func(pb *testing.PB) {
			i := rand.IntN(people)
			for pb.Next() {
				i++
				if _, err := st.CreateNeed(ctx, in(i)); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
