package notify_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
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

func ptr[T any](v T) *T { return &v }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// local is the delivery client of the tests, whose receivers listen on
// loopback: webhooks may reach it only where private destinations are allowed.
var local = notify.NewClient(true)

// open opens (and migrates) the database at dsn: each call is a server start.
func open(t *testing.T, dsn string, clock *testutil.Clock) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), dsn, store.Options{Sealer: testutil.Sealer(), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// forEachEngine runs fn per engine with the DSN of a fresh database, so that
// a test can reopen it as a restarted server would.
func forEachEngine(t *testing.T, fn func(t *testing.T, dsn string, clock *testutil.Clock)) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			fn(t, testutil.DSN(t, e), testutil.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)))
		})
	}
}

// nurse registers a nurse of the Haizhou district (210902) and returns her id.
func nurse(t *testing.T, st *store.Store) int64 {
	t.Helper()
	sys := testutil.System()
	inst, err := st.CreateInstitution(sys, model.InstitutionInput{Name: ptr("阜新市中心医院"), Type: ptr("hospital"), RegionCode: ptr("210902")})
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.CreatePerson(sys, model.PersonInput{Name: ptr("张伟"), IDNumber: ptr("11010519491231002X"), InstitutionID: &inst.ID,
		Occupation: ptr("nurse"), Frontline: ptr(true), Phone: ptr("13912345678")})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// urgentCases records n urgent cases (deadline in 4 hours) for the person.
func urgentCases(t *testing.T, st *store.Store, personID int64, n int) []int64 {
	t.Helper()
	var ids []int64
	for range n {
		c, err := st.CreateNeed(testutil.System(), model.NeedInput{PersonID: personID, Category: "living", Kind: "meals", Urgency: "urgent",
			Description: "值班期间无人做饭", Source: "hotline"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	return ids
}

// webhook subscribes a webhook at url to events.
func webhook(t *testing.T, st *store.Store, url string, events ...string) model.Webhook {
	t.Helper()
	w, err := st.CreateWebhook(testutil.System(), model.WebhookInput{URL: &url, Events: &events})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// deliveries lists every delivery, newest first.
func deliveries(t *testing.T, st *store.Store) []model.Delivery {
	t.Helper()
	l, err := st.ListDeliveries(testutil.System(), model.DeliveryFilter{Page: model.Page{Limit: 500}})
	if err != nil {
		t.Fatal(err)
	}
	return l.Items
}

// request is what a receiver saw.
type request struct {
	header  http.Header
	body    []byte
	payload model.OutboxPayload
	sigErr  error
}

// receiver is a local webhook endpoint that records what it receives and
// answers with status(n) for the n-th request (1-based).
type receiver struct {
	*httptest.Server
	secret string
	clock  *testutil.Clock
	status func(n int) int

	mu       sync.Mutex
	requests []request
}

func newReceiver(t *testing.T, clock *testutil.Clock, status func(n int) int) *receiver {
	r := &receiver{clock: clock, status: status}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		rq := request{header: req.Header.Clone(), body: body}
		json.Unmarshal(body, &rq.payload)
		r.mu.Lock()
		rq.sigErr = notify.Verify(r.secret, req.Header, body, r.clock.Now(), 5*time.Minute)
		r.requests = append(r.requests, rq)
		n := len(r.requests)
		r.mu.Unlock()
		code := http.StatusNoContent
		if r.status != nil {
			code = r.status(n)
		}
		w.WriteHeader(code)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) got() []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]request(nil), r.requests...)
}

// run runs the deliverer once and checks its counts.
func run(t *testing.T, d *notify.Deliverer, wantDelivered, wantFailed int) {
	t.Helper()
	delivered, failed, err := d.RunOnce(context.Background())
	if err != nil || delivered != wantDelivered || failed != wantFailed {
		t.Fatalf("RunOnce = %d delivered, %d failed, %v; want %d, %d", delivered, failed, err, wantDelivered, wantFailed)
	}
}
