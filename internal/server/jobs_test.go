package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"houdun/internal/config"
	"houdun/internal/model"
	"houdun/internal/server"
	"houdun/internal/testutil"
)

func ptr[T any](v T) *T { return &v }

// logBuffer collects the server's log lines; handlers write from many goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// events counts the webhook events a receiver got, by event name.
type events struct {
	mu sync.Mutex
	n  map[string]int
}

func (e *events) count(name string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.n[name]
}

// eventually polls cond for up to 5 seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after 5 s: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestServeRunsTheSchedulerAndStopsIt: the running server escalates an
// overdue case on its own, exactly once, posts the event to a webhook once,
// sends the next reminder when the clock moves on, and when its context ends
// it stops the scheduler and the outbox worker before Serve returns.
func TestServeRunsTheSchedulerAndStopsIt(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			clock := testutil.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
			st := testutil.NewStore(t, e, clock.Now)
			sys := testutil.System()

			got := &events{n: map[string]int{}}
			recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var p model.OutboxPayload
				json.NewDecoder(r.Body).Decode(&p)
				got.mu.Lock()
				got.n[p.Event]++
				got.mu.Unlock()
			}))
			defer recv.Close()
			if _, err := st.CreateWebhook(sys, model.WebhookInput{URL: ptr(recv.URL), Events: ptr([]string{"need.escalated", "need.due_soon"})}); err != nil {
				t.Fatal(err)
			}
			inst, err := st.CreateInstitution(sys, model.InstitutionInput{Name: ptr("阜新市中心医院"), Type: ptr("hospital"), RegionCode: ptr("210902")})
			if err != nil {
				t.Fatal(err)
			}
			p, err := st.CreatePerson(sys, model.PersonInput{Name: ptr("张伟"), IDNumber: ptr("11010519491231002X"), InstitutionID: &inst.ID,
				Occupation: ptr("nurse"), Frontline: ptr(true)})
			if err != nil {
				t.Fatal(err)
			}
			need, err := st.CreateNeed(sys, model.NeedInput{PersonID: p.ID, Category: "living", Kind: "meals", Urgency: "urgent",
				Description: "值班期间无人做饭", Source: "hotline"})
			if err != nil {
				t.Fatal(err)
			}
			clock.Advance(4*time.Hour + time.Second) // overdue before the server starts

			cfg := config.Default()
			cfg.JobInterval = 20 * time.Millisecond
			cfg.ShutdownGrace = 5 * time.Second
			cfg.WebhookAllowPrivate = true // the receiver listens on loopback
			var logs logBuffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- server.New(cfg, st, log).Serve(ctx, ln) }()

			resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("healthz = %d", resp.StatusCode)
			}

			escalations := func() (level, events int) {
				n, err := st.GetNeed(sys, need.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, ev := range n.Events {
					if ev.Action == model.EventEscalated {
						events++
					}
				}
				return n.EscalationLevel, events
			}
			eventually(t, "the overdue case is escalated", func() bool { l, _ := escalations(); return l == 1 })
			eventually(t, "the escalation reaches the webhook", func() bool { return got.count("need.escalated") == 1 })

			// Two hours before the new deadline the team is reminded; the
			// ticks since have not escalated the case again.
			clock.Advance(2*time.Hour + time.Minute)
			eventually(t, "the due-soon reminder reaches the webhook", func() bool { return got.count("need.due_soon") == 1 })
			for deadline := time.Now().Add(10 * cfg.JobInterval); time.Now().Before(deadline); time.Sleep(cfg.JobInterval) {
				if l, n := escalations(); l != 1 || n != 1 || got.count("need.escalated") != 1 {
					t.Fatalf("escalated to level %d with %d events, %d webhook posts; want once", l, n, got.count("need.escalated"))
				}
			}

			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("Serve = %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Serve did not return")
			}
			out := logs.String()
			for _, line := range []string{"scheduler stopped", "outbox worker stopped"} {
				if !strings.Contains(out, line) {
					t.Errorf("no %q before Serve returned:\n%s", line, out)
				}
			}
			// Nothing runs any more: with the database closed, a job would log an error.
			st.Close()
			time.Sleep(10 * cfg.JobInterval)
			if after := logs.String(); after != out {
				t.Errorf("the server logged after Serve returned:\n%s", after[len(out):])
			}
			if strings.Contains(out, "level=ERROR") {
				t.Errorf("errors in the log:\n%s", out)
			}
		})
	}
}

// TestServeRefusesBadMailSettings: half-configured SMTP stops the start.
func TestServeRefusesBadMailSettings(t *testing.T) {
	clock := testutil.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	st := testutil.NewStore(t, testutil.Engines()[0], clock.Now)
	cfg := config.Default()
	cfg.SMTP.Addr = "smtp.example.cn:587" // no sender, no mailboxes
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	err = server.New(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil))).Serve(context.Background(), ln)
	if err == nil || !strings.Contains(err.Error(), "HOUDUN_SMTP_FROM") {
		t.Errorf("Serve = %v", err)
	}
}
