package notify_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"houdun/internal/model"
	"houdun/internal/notify"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// heldReceiver answers 204 to each request only once release is closed (or
// never, when hold is true), and counts the requests by delivery id.
type heldReceiver struct {
	*httptest.Server
	arrived chan struct{}
	release chan struct{}
	mu      sync.Mutex
	ids     []string
}

func newHeldReceiver(t *testing.T) *heldReceiver {
	h := &heldReceiver{arrived: make(chan struct{}, 10), release: make(chan struct{})}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.ids = append(h.ids, r.Header.Get(notify.HeaderDelivery))
		h.mu.Unlock()
		h.arrived <- struct{}{}
		select {
		case <-h.release:
			w.WriteHeader(http.StatusNoContent)
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() {
		select {
		case <-h.release:
		default:
			close(h.release)
		}
		h.Close()
	})
	return h
}

func (h *heldReceiver) got() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.ids...)
}

// TestShutdownLetsADeliveryInFlightFinish: a graceful shutdown while a
// webhook POST is under way lets it finish within the grace and records the
// answer, so the event is posted once and not again after the restart and
// the lease; a shutdown whose grace runs out leaves the delivery pending, and
// after the restart the receiver gets it again with the same
// X-Houdun-Delivery id, its key for dropping the repeat (at least once).
func TestShutdownLetsADeliveryInFlightFinish(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dsn string, clock *testutil.Clock) {
		st := open(t, dsn, clock)
		recv := newHeldReceiver(t)
		webhook(t, st, recv.URL, "need.created")
		urgentCases(t, st, nurse(t, st), 1)

		ctx, shutdown := context.WithCancel(context.Background())
		done := make(chan error, 1)
		d := &notify.Deliverer{Client: local, Store: st, Now: clock.Now, Log: quiet, Grace: 5 * time.Second}
		go func() { _, _, err := d.RunOnce(ctx); done <- err }()
		<-recv.arrived
		shutdown()
		time.Sleep(50 * time.Millisecond) // the shutdown is under way when the answer comes
		close(recv.release)
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("RunOnce did not return after the shutdown")
		}
		if dl := deliveries(t, st)[0]; dl.Status != model.DeliveryDelivered || dl.Attempts != 1 {
			t.Fatalf("after a graceful shutdown during the POST: %+v; want delivered after one attempt", dl)
		}
		// The restart, after the lease: nothing is posted again.
		clock.Advance(store.DeliveryLease + time.Minute)
		st2 := open(t, dsn, clock)
		run(t, &notify.Deliverer{Client: local, Store: st2, Now: clock.Now, Log: quiet}, 0, 0)
		if n := len(recv.got()); n != 1 {
			t.Errorf("%d posts of one event across a graceful restart, want 1", n)
		}
	})
}

func TestShutdownWhoseGraceRunsOutRepeatsWithTheSameID(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dsn string, clock *testutil.Clock) {
		st := open(t, dsn, clock)
		recv := newHeldReceiver(t)
		webhook(t, st, recv.URL, "need.created")
		urgentCases(t, st, nurse(t, st), 1)

		ctx, shutdown := context.WithCancel(context.Background())
		done := make(chan struct{})
		d := &notify.Deliverer{Client: local, Store: st, Now: clock.Now, Log: quiet, Grace: 100 * time.Millisecond}
		go func() { d.RunOnce(ctx); close(done) }()
		<-recv.arrived
		start := time.Now()
		shutdown()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("RunOnce outlived its grace")
		}
		if time.Since(start) < 100*time.Millisecond {
			t.Errorf("the send was cut off at once, not after the grace")
		}
		if dl := deliveries(t, st)[0]; dl.Status != model.DeliveryPending {
			t.Fatalf("after the grace ran out: %+v; want still pending", dl)
		}
		close(recv.release)
		clock.Advance(store.DeliveryLease + time.Minute)
		st2 := open(t, dsn, clock)
		run(t, &notify.Deliverer{Client: local, Store: st2, Now: clock.Now, Log: quiet}, 1, 0)
		got := recv.got()
		if len(got) != 2 || got[0] == "" || got[0] != got[1] {
			t.Errorf("delivery ids of the post and its repeat: %q; want two, the same", got)
		}
	})
}
