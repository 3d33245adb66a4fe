package jobs_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/jobs"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

func ptr[T any](v T) *T { return &v }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// open opens (and migrates) the database at dsn: each call is a server start.
func open(t *testing.T, dsn string, clock *testutil.Clock) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dsn, store.Options{Sealer: testutil.Sealer(), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// overdueCases registers a person of the Haizhou district (210902) and
// records n urgent cases for them (deadline in 4 hours).
func overdueCases(t *testing.T, st *store.Store, n int) []int64 {
	t.Helper()
	sys := testutil.System()
	inst, err := st.CreateInstitution(sys, model.InstitutionInput{Name: ptr("阜新市中心医院"), Type: ptr("hospital"), RegionCode: ptr("210902")})
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.CreatePerson(sys, model.PersonInput{Name: ptr("张伟"), IDNumber: ptr("11010519491231002X"), InstitutionID: &inst.ID,
		Occupation: ptr("nurse"), Frontline: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i := 0; i < n; i++ {
		c, err := st.CreateNeed(sys, model.NeedInput{PersonID: p.ID, Category: "living", Kind: "meals", Urgency: "urgent", Description: "值班期间无人做饭", Source: "hotline"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	return ids
}

type state struct {
	level int
	team  string
	due   time.Time
	esc   int // escalated events
}

func states(t *testing.T, st *store.Store, ids []int64) []state {
	t.Helper()
	var out []state
	for _, id := range ids {
		n, err := st.GetNeed(testutil.System(), id)
		if err != nil {
			t.Fatal(err)
		}
		s := state{level: n.EscalationLevel, team: n.TeamRegionCode, due: n.DueAt}
		for _, e := range n.Events {
			if e.Action == "escalated" {
				s.esc++
			}
		}
		out = append(out, s)
	}
	return out
}

func expect(t *testing.T, got []state, level int, team string, esc int) {
	t.Helper()
	for i, s := range got {
		if s.level != level || s.team != team || s.esc != esc {
			t.Fatalf("case %d: level %d team %s with %d escalations; want level %d team %s with %d", i, s.level, s.team, s.esc, level, team, esc)
		}
	}
}

// TestRestartEscalatesEachOverdueCaseOnce: a server restart (a new store and
// a new scheduler on the same database) while cases are overdue escalates each
// of them exactly once; two schedulers ticking at the same moment (two
// servers) do too; a case overdue again escalates again, step by step up the
// region tree 210902 → 2109 → 21, and stays at the province.
func TestRestartEscalatesEachOverdueCaseOnce(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			dsn := testutil.DSN(t, e)
			clock := testutil.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
			ctx := context.Background()

			first := open(t, dsn, clock)
			ids := overdueCases(t, first, 5)
			city, err := first.CreateUser(testutil.System(), model.UserInput{Username: ptr("cw_city"), Password: ptr("Passw0rd!x"),
				Role: ptr(auth.RoleCaseworker), RegionCode: ptr("2109")})
			if err != nil {
				t.Fatal(err)
			}
			s1 := &jobs.Scheduler{Store: first, Clock: clock.Now, Log: quiet}
			if err := s1.Tick(ctx); err != nil {
				t.Fatal(err)
			}
			expect(t, states(t, first, ids), 0, "210902", 0)

			clock.Advance(4*time.Hour + time.Second)
			if err := s1.Tick(ctx); err != nil {
				t.Fatal(err)
			}
			expect(t, states(t, first, ids), 1, "2109", 1)
			first.Close() // the server goes down while the cases are overdue…

			// …and comes back at the same moment: nothing escalates again.
			second := open(t, dsn, clock)
			defer second.Close()
			s2 := &jobs.Scheduler{Store: second, Clock: clock.Now, Log: quiet}
			if err := s2.Tick(ctx); err != nil {
				t.Fatal(err)
			}
			expect(t, states(t, second, ids), 1, "2109", 1)

			// Overdue again, two servers tick at the same moment: each case moves once.
			clock.Advance(4*time.Hour + time.Second)
			third := open(t, dsn, clock)
			defer third.Close()
			s3 := &jobs.Scheduler{Store: third, Clock: clock.Now, Log: quiet}
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, s := range []*jobs.Scheduler{s2, s3} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = s.Tick(ctx)
				}()
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			expect(t, states(t, second, ids), 2, "21", 2)

			// At the province there is no higher team.
			clock.Advance(4*time.Hour + time.Second)
			for _, s := range []*jobs.Scheduler{s2, s3, {Store: second, Clock: clock.Now, Log: quiet}} {
				if err := s.Tick(ctx); err != nil {
					t.Fatal(err)
				}
			}
			expect(t, states(t, second, ids), 2, "21", 2)

			// The city team was told once per case, the assignee-less cases reminded once per deadline.
			inbox, err := second.ListInbox(testutil.As(&auth.Principal{UserID: city.ID, Username: "cw_city", Role: auth.RoleCaseworker, RegionCode: "2109"}), false, model.Page{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			kinds := map[string]int{}
			for _, n := range inbox.Items {
				kinds[n.Kind]++
			}
			if kinds["escalated"] != len(ids) || kinds["overdue"] != len(ids) {
				t.Errorf("city inbox = %v", kinds)
			}
		})
	}
}

// TestEveryRunsEachJobOnItsInterval: jobs added with Every run at the first
// tick, then once per interval of the injected clock; a failing or panicking
// job is logged and does not stop the others.
func TestEveryRunsEachJobOnItsInterval(t *testing.T) {
	clock := testutil.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	var log bytes.Buffer
	s := &jobs.Scheduler{Clock: clock.Now, Log: slog.New(slog.NewTextHandler(&log, nil))}
	var minute, hourly, failing int
	var sawPrincipal bool
	s.Every("minute", time.Minute, func(ctx context.Context, now time.Time) error {
		minute++
		p := auth.FromContext(ctx)
		sawPrincipal = p != nil && p.System && p.Username == "scheduler"
		return nil
	})
	s.Every("hourly", time.Hour, func(ctx context.Context, now time.Time) error { hourly++; return nil })
	s.Every("failing", time.Minute, func(ctx context.Context, now time.Time) error {
		failing++
		if failing%2 == 0 {
			panic("boom")
		}
		return errors.New("broken")
	})
	ctx := context.Background()
	if err := s.Tick(ctx); err == nil || !strings.Contains(err.Error(), "broken") {
		t.Errorf("tick error = %v", err)
	}
	clock.Advance(30 * time.Second)
	s.Tick(ctx)
	clock.Advance(30 * time.Second)
	if err := s.Tick(ctx); err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Errorf("tick error = %v", err)
	}
	if minute != 2 || hourly != 1 || failing != 2 || !sawPrincipal {
		t.Errorf("minute %d hourly %d failing %d principal %v", minute, hourly, failing, sawPrincipal)
	}
	clock.Advance(time.Hour)
	s.Tick(ctx)
	if minute != 3 || hourly != 2 {
		t.Errorf("after an hour: minute %d hourly %d", minute, hourly)
	}
	if !strings.Contains(log.String(), "job=failing") {
		t.Errorf("log = %s", log.String())
	}
}

// TestRunTicksUntilCancelled: Run ticks at once and on its own, and returns
// when its context ends.
func TestRunTicksUntilCancelled(t *testing.T) {
	s := &jobs.Scheduler{Interval: 5 * time.Millisecond, Log: quiet}
	var n atomic.Int32
	s.Every("count", time.Millisecond, func(ctx context.Context, now time.Time) error { n.Add(1); return nil })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	deadline := time.After(5 * time.Second)
	for n.Load() < 3 {
		select {
		case <-deadline:
			t.Fatal("Run did not tick")
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}
