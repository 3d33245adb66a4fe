package server_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"houdun/internal/config"
	"houdun/internal/httpx"
	"houdun/internal/model"
	"houdun/internal/server"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// outage is a database that can be made to stop answering: on PostgreSQL
// for real (the store's own login role is refused and its connections are
// ended by the server, as when PostgreSQL stops), on SQLite by closing the
// store under the server (an injected fault: a file cannot be taken away
// from a root process). restore is nil where the outage cannot be undone.
type outage struct {
	st            *store.Store
	stop, restore func()
}

func newOutage(t *testing.T, e store.Engine, now func() time.Time) outage {
	t.Helper()
	if e == store.SQLite {
		st := testutil.NewStore(t, e, now)
		return outage{st: st, stop: func() { st.Close() }}
	}
	dsn := testutil.DSN(t, e) // a fresh schema, dropped at cleanup
	admin, err := sql.Open("pgx", os.Getenv("HOUDUN_TEST_POSTGRES"))
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	role := "houdun_outage_" + hex.EncodeToString(b)
	u, _ := url.Parse(dsn)
	schema := u.Query().Get("search_path")
	for _, q := range []string{"CREATE ROLE " + role + " LOGIN", "GRANT ALL ON SCHEMA " + schema + " TO " + role} {
		if _, err := admin.Exec(q); err != nil {
			t.Skipf("cannot make a login role of the store's own (%v): the PostgreSQL outage is not tried", err)
		}
	}
	t.Cleanup(func() {
		admin.Exec("ALTER ROLE " + role + " LOGIN")
		admin.Exec("DROP OWNED BY " + role)
		admin.Exec("DROP ROLE " + role)
		admin.Close()
	})
	u.User = url.User(role)
	st, err := store.Open(context.Background(), u.String(), store.Options{Sealer: testutil.Sealer(), Now: now})
	if err != nil {
		t.Skipf("cannot log in as the store's own role (%v): the PostgreSQL outage is not tried", err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	exec := func(q string) {
		t.Helper()
		if _, err := admin.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return outage{st: st,
		stop: func() {
			exec("ALTER ROLE " + role + " NOLOGIN")
			exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'")
		},
		restore: func() { exec("ALTER ROLE " + role + " LOGIN") },
	}
}

// TestDatabaseOutageIsNotALogout: while the database does not answer, a
// valid token gets 503 with Retry-After and an error in the caller's
// language (never 401, which makes clients drop their session), a page
// says "temporarily unavailable" with a link back to the same page (never
// the login), /healthz is 503, and static files are still served; once the
// database is back the same token and cookie work again.
func TestDatabaseOutageIsNotALogout(t *testing.T) {
	for _, e := range testutil.Engines() {
		t.Run(string(e), func(t *testing.T) {
			clock := testutil.NewClock(time.Now())
			o := newOutage(t, e, clock.Now)
			sys := testutil.System()
			if _, err := o.st.CreateUser(sys, model.UserInput{Username: ptr("hz-caseworker"), Password: ptr("Houdun-2026!"),
				Role: ptr("caseworker"), RegionCode: ptr("210902")}); err != nil {
				t.Fatal(err)
			}
			token, _, err := o.st.Login(context.Background(), store.Credentials{Username: "hz-caseworker", Password: "Houdun-2026!", IP: "127.0.0.1"},
				config.Default().Session)
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(server.New(config.Default(), o.st, slog.New(slog.NewTextHandler(io.Discard, nil))))
			defer srv.Close()
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			get := func(path string, header ...string) (*http.Response, string) {
				t.Helper()
				req, _ := http.NewRequest("GET", srv.URL+path, nil)
				for i := 0; i+1 < len(header); i += 2 {
					req.Header.Set(header[i], header[i+1])
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return resp, string(b)
			}
			bearer := []string{"Authorization", "Bearer " + token, "Accept-Language", "en"}
			cookie := []string{"Cookie", httpx.SessionCookie + "=" + token, "Accept-Language", "en"}
			if resp, body := get("/api/v1/people", bearer...); resp.StatusCode != http.StatusOK {
				t.Fatalf("before the outage: %d %s", resp.StatusCode, body)
			}

			o.stop()
			resp, body := get("/api/v1/people", bearer...)
			var eb httpx.ErrorBody
			json.Unmarshal([]byte(body), &eb)
			if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || eb.Error.Code != "unavailable" ||
				!strings.Contains(eb.Error.Message, "still signed in") {
				t.Errorf("API during the outage: %d Retry-After=%q %s; want 503 unavailable with Retry-After, in English",
					resp.StatusCode, resp.Header.Get("Retry-After"), body)
			}
			resp, body = get("/people?q=%E5%BC%A0&offset=50", cookie...)
			if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" ||
				!strings.Contains(body, "Service temporarily unavailable") || !strings.Contains(body, `href="/people?offset=50&amp;q=%E5%BC%A0"`) &&
				!strings.Contains(body, `href="/people?q=%E5%BC%A0&amp;offset=50"`) {
				t.Errorf("page during the outage: %d Location=%q\n%s\nwant 503, the unavailable page and a retry link to the same page",
					resp.StatusCode, resp.Header.Get("Location"), body)
			}
			if resp, body := get("/healthz"); resp.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("/healthz during the outage: %d %s", resp.StatusCode, body)
			}
			if resp, _ := get("/static/houdun.css", cookie...); resp.StatusCode != http.StatusOK {
				t.Errorf("a static file during the outage: %d", resp.StatusCode)
			}
			if resp, _ := get("/api/v1/people"); resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("no token during the outage: %d, want 401", resp.StatusCode)
			}
			if o.restore == nil {
				return
			}
			o.restore()
			deadline := time.Now().Add(10 * time.Second)
			for {
				resp, body := get("/api/v1/people", bearer...)
				if resp.StatusCode == http.StatusOK {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after the outage: %d %s; want the same token to work", resp.StatusCode, body)
				}
				time.Sleep(50 * time.Millisecond)
			}
			if resp, body := get("/people", cookie...); resp.StatusCode != http.StatusOK {
				t.Errorf("page after the outage: %d %s", resp.StatusCode, body)
			}
			if resp, body := get("/healthz"); resp.StatusCode != http.StatusOK {
				t.Errorf("/healthz after the outage: %d %s", resp.StatusCode, body)
			}
		})
	}
}
