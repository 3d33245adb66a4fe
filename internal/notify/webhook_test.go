package notify_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"houdun/internal/model"
	"houdun/internal/notify"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestSignatureVector: the documented scheme, checked against a value
// computed with openssl:
//
//	printf '%s' '1772355600.{"event":"need.escalated","outbox_id":7,"need_id":42}' |
//	  openssl dgst -sha256 -hmac 'houdun-test-secret-0123456789'
func TestSignatureVector(t *testing.T) {
	secret, ts := "houdun-test-secret-0123456789", "1772355600"
	body := []byte(`{"event":"need.escalated","outbox_id":7,"need_id":42}`)
	want := "sha256=7123bcf72bdea5c09dee96d9f822624853cc7ae1be56c3fa74dcd0ee671ce72f"
	if got := notify.Sign(secret, ts, body); got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
	h := http.Header{}
	h.Set(notify.HeaderTimestamp, ts)
	h.Set(notify.HeaderSignature, want)
	at := time.Unix(1772355600, 0)
	if err := notify.Verify(secret, h, body, at.Add(time.Minute), 5*time.Minute); err != nil {
		t.Errorf("a good delivery fails: %v", err)
	}
	for name, c := range map[string]struct {
		secret string
		body   string
		now    time.Time
	}{
		"other secret":   {"another-secret-0123456789", string(body), at},
		"changed body":   {secret, strings.Replace(string(body), "42", "43", 1), at},
		"replayed later": {secret, string(body), at.Add(10 * time.Minute)},
	} {
		if err := notify.Verify(c.secret, h, []byte(c.body), c.now, 5*time.Minute); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestWebhookDeliveredOnceAcrossRestarts: every event reaches the receiver
// once, signed, with the payload and the headers; running again, a new
// worker, a restarted server and an expired lease send nothing more.
func TestWebhookDeliveredOnceAcrossRestarts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dsn string, clock *testutil.Clock) {
		st := open(t, dsn, clock)
		recv := newReceiver(t, clock, nil)
		hook := webhook(t, st, recv.URL+"/houdun", "need.created", "need.escalated")
		recv.secret = hook.Secret
		other := newReceiver(t, clock, nil) // subscribes to another event
		webhook(t, st, other.URL, "need.resolved")
		ids := urgentCases(t, st, nurse(t, st), 3)

		d := &notify.Deliverer{Client: local, Store: st, Now: clock.Now, Log: quiet}
		run(t, d, 3, 0)
		run(t, d, 0, 0)
		got := recv.got()
		if len(got) != 3 || len(other.got()) != 0 {
			t.Fatalf("%d requests, %d to the other receiver; want 3, 0", len(got), len(other.got()))
		}
		seen := map[string]bool{}
		pending := map[int64]bool{ids[0]: true, ids[1]: true, ids[2]: true}
		for i, r := range got {
			if r.sigErr != nil {
				t.Errorf("request %d: %v", i, r.sigErr)
			}
			if r.header.Get("Content-Type") != "application/json" || r.header.Get(notify.HeaderEvent) != "need.created" ||
				r.header.Get(notify.HeaderTimestamp) != strconv.FormatInt(clock.Now().Unix(), 10) {
				t.Errorf("request %d headers: %v", i, r.header)
			}
			id := r.header.Get(notify.HeaderDelivery)
			if id == "" || seen[id] {
				t.Errorf("request %d: delivery id %q", i, id)
			}
			seen[id] = true
			p := r.payload
			if !pending[p.NeedID] {
				t.Errorf("request %d: case %d, twice or unknown", i, p.NeedID)
			}
			delete(pending, p.NeedID)
			if p.Event != "need.created" || p.OutboxID == 0 || p.Urgency != "urgent" || p.Category != "living" ||
				p.Status != "open" || p.RegionCode != "210902" || p.DueAt.IsZero() {
				t.Errorf("request %d payload: %s", i, r.body)
			}
			for _, secret := range []string{"张伟", "11010519491231002X", "13912345678", "值班"} {
				if strings.Contains(string(r.body), secret) {
					t.Errorf("the payload carries %q: %s", secret, r.body)
				}
			}
		}

		// A new worker on the same store, then a restarted server, then the
		// leases long gone: nothing is sent again.
		run(t, &notify.Deliverer{Client: local, Store: st, Now: clock.Now, Log: quiet}, 0, 0)
		st.Close()
		restarted := open(t, dsn, clock)
		clock.Advance(time.Hour)
		run(t, &notify.Deliverer{Client: local, Store: restarted, Now: clock.Now, Log: quiet}, 0, 0)
		if n := len(recv.got()); n != 3 {
			t.Fatalf("%d requests after the restart, want 3", n)
		}
		for _, dl := range deliveries(t, restarted) {
			if dl.Status != model.DeliveryDelivered || dl.Attempts != 1 || dl.DeliveredAt == nil {
				t.Errorf("delivery %d: %s after %d attempts", dl.ID, dl.Status, dl.Attempts)
			}
		}
	})
}

// TestFailingReceiverIsRetriedWithBackoff: a receiver that fails twice and
// then succeeds gets three attempts of the same delivery, 30 s and 2 min
// apart; one that never succeeds is given up after the last attempt.
func TestFailingReceiverIsRetriedWithBackoff(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dsn string, clock *testutil.Clock) {
		st := open(t, dsn, clock)
		recv := newReceiver(t, clock, func(n int) int {
			if n <= 2 {
				return http.StatusServiceUnavailable
			}
			return http.StatusOK
		})
		recv.secret = webhook(t, st, recv.URL, "need.created").Secret
		person := nurse(t, st)
		urgentCases(t, st, person, 1)
		d := &notify.Deliverer{Client: local, Store: st, Now: clock.Now, Log: quiet}
		run(t, d, 0, 1)
		step := func(wait time.Duration, delivered, failed, requests int) {
			t.Helper()
			clock.Advance(wait)
			run(t, d, delivered, failed)
			if n := len(recv.got()); n != requests {
				t.Fatalf("%d requests, want %d", n, requests)
			}
		}
		step(0, 0, 0, 1)
		step(29*time.Second, 0, 0, 1) // the first wait is 30 s
		step(time.Second, 0, 1, 2)
		step(2*time.Minute-time.Second, 0, 0, 2) // the second 2 min
		step(time.Second, 1, 0, 3)
		step(24*time.Hour, 0, 0, 3)
		got := recv.got()
		for _, r := range got {
			if r.header.Get(notify.HeaderDelivery) != got[0].header.Get(notify.HeaderDelivery) || r.sigErr != nil {
				t.Errorf("retry with delivery id %s (first %s), signature %v", r.header.Get(notify.HeaderDelivery), got[0].header.Get(notify.HeaderDelivery), r.sigErr)
			}
		}
		dl := deliveries(t, st)[0]
		if dl.Status != model.DeliveryDelivered || dl.Attempts != 3 || dl.LastError != "" {
			t.Errorf("delivery = %+v", dl)
		}

		// A receiver that is always down: three attempts with this backoff, then failed for good.
		down := newReceiver(t, clock, func(int) int { return http.StatusInternalServerError })
		webhook(t, st, down.URL, "need.created")
		clock.Advance(time.Second)
		urgentCases(t, st, person, 1)
		d.Backoff = []time.Duration{time.Minute, time.Minute}
		run(t, d, 1, 1) // the first receiver takes the new event, the second fails
		for range 5 {
			clock.Advance(time.Minute)
			d.RunOnce(t.Context())
		}
		if n := len(down.got()); n != d.MaxAttempts() || n != 3 {
			t.Errorf("%d attempts at a receiver that is down, want %d", n, d.MaxAttempts())
		}
		l, err := st.ListDeliveries(testutil.System(), model.DeliveryFilter{Status: model.DeliveryFailed})
		if err != nil || l.Total != 1 || l.Items[0].LastError != "HTTP 500" || l.Items[0].Attempts != 3 {
			t.Errorf("failed deliveries = %+v, %v", l.Items, err)
		}
	})
}

// TestSlowReceiverTimesOut: a receiver that does not answer within the
// client's timeout counts as a failure and is tried again later.
func TestSlowReceiverTimesOut(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dsn string, clock *testutil.Clock) {
		st := open(t, dsn, clock)
		release := make(chan struct{})
		var calls atomic.Int32
		slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}))
		defer slow.Close()
		defer close(release)
		webhook(t, st, slow.URL, "need.created")
		urgentCases(t, st, nurse(t, st), 1)
		client := notify.NewClient(true)
		client.Timeout = 100 * time.Millisecond
		d := &notify.Deliverer{Store: st, Client: client, Now: clock.Now, Log: quiet}
		run(t, d, 0, 1)
		dl := deliveries(t, st)[0]
		if calls.Load() != 1 || dl.Status != model.DeliveryPending || !strings.Contains(dl.LastError, "timeout") ||
			!dl.NextAttemptAt.Equal(clock.Now().Add(30*time.Second)) {
			t.Errorf("after a timeout: %d calls, delivery %+v", calls.Load(), dl)
		}
	})
}

// TestRedirects: a redirect on the receiver's own host is followed; one to
// another host is refused and counted as a failure.
func TestRedirects(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dsn string, clock *testutil.Clock) {
		st := open(t, dsn, clock)
		elsewhere := newReceiver(t, clock, nil)
		var final atomic.Int32
		mux := http.NewServeMux()
		mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/here", http.StatusPermanentRedirect)
		})
		mux.HandleFunc("/here", func(w http.ResponseWriter, r *http.Request) { final.Add(1) })
		mux.HandleFunc("/away", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, elsewhere.URL+"/steal", http.StatusTemporaryRedirect)
		})
		srv := httptest.NewServer(mux)
		defer srv.Close()
		webhook(t, st, srv.URL+"/moved", "need.created")
		away := webhook(t, st, srv.URL+"/away", "need.created")
		urgentCases(t, st, nurse(t, st), 1)
		run(t, &notify.Deliverer{Client: local, Store: st, Now: clock.Now, Log: quiet}, 1, 1)
		if final.Load() != 1 || len(elsewhere.got()) != 0 {
			t.Errorf("same host reached %d times, the other host %d times", final.Load(), len(elsewhere.got()))
		}
		for _, dl := range deliveries(t, st) {
			if dl.WebhookID == away.ID && (dl.Status != model.DeliveryPending || !strings.Contains(dl.LastError, "redirect")) {
				t.Errorf("redirected delivery = %+v", dl)
			}
		}
	})
}

// TestTwoServersDeliverOnce: two servers on one database, their workers
// running at the same moment, post each event once between them.
func TestTwoServersDeliverOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dsn string, clock *testutil.Clock) {
		first, second := open(t, dsn, clock), open(t, dsn, clock)
		recv := newReceiver(t, clock, nil)
		recv.secret = webhook(t, first, recv.URL, "need.created").Secret
		urgentCases(t, first, nurse(t, first), 30)
		var wg sync.WaitGroup
		var delivered atomic.Int32
		for _, st := range []*store.Store{first, second, first, second} {
			wg.Go(func() {
				n, _, err := (&notify.Deliverer{Client: local, Store: st, Now: clock.Now, Log: quiet, Batch: 5}).RunOnce(t.Context())
				if err != nil {
					t.Error(err)
				}
				delivered.Add(int32(n))
			})
		}
		wg.Wait()
		got := recv.got()
		ids := map[string]bool{}
		for _, r := range got {
			ids[r.header.Get(notify.HeaderDelivery)] = true
		}
		if len(got) != 30 || len(ids) != 30 || delivered.Load() != 30 {
			t.Errorf("%d requests for %d deliveries, %d counted delivered; want 30 each", len(got), len(ids), delivered.Load())
		}
	})
}
