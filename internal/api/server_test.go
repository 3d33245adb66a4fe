package api_test

import (
	"net/http"
	"strings"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

func TestHealthAndMetrics(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleCaseworker)

		t.Run("healthz answers ok", func(t *testing.T) {
			var h struct{ Status string }
			f.do(t, call{Method: "GET", Path: "/healthz"}).want(t, http.StatusOK).decode(t, &h)
			if h.Status != "ok" {
				t.Errorf("status = %q", h.Status)
			}
		})

		t.Run("metrics count requests by route pattern", func(t *testing.T) {
			f.get(t, auth.RoleCaseworker, "/api/v1/people/"+id(f.atA.ID)).want(t, http.StatusOK)
			f.get(t, auth.RoleCaseworker, "/api/v1/people/"+id(f.atB.ID)).want(t, http.StatusNotFound)
			f.do(t, call{Method: "GET", Path: "/metrics"}).want(t, http.StatusUnauthorized)
			f.do(t, call{Method: "GET", Path: "/metrics", Token: "wrong"}).want(t, http.StatusUnauthorized)
			r := f.do(t, call{Method: "GET", Path: "/metrics", Token: metricsToken}).want(t, http.StatusOK)
			text := string(r.Body)
			if !strings.Contains(text, "houdun_http_requests_total{") {
				t.Fatalf("no houdun_http_requests_total in /metrics")
			}
			for _, want := range []string{
				`houdun_http_requests_total{code="200",route="GET /api/v1/people/{id}"} 1`,
				`houdun_http_requests_total{code="404",route="GET /api/v1/people/{id}"} 1`,
				`houdun_http_requests_total{code="200",route="GET /healthz"}`,
			} {
				if !strings.Contains(text, want) {
					t.Errorf("/metrics lacks %s; it has:\n%s", want, grep(text, "houdun_http_requests_total"))
				}
			}
			// Label values are patterns, never raw paths carrying ids.
			if strings.Contains(text, "/api/v1/people/"+id(f.atA.ID)) {
				t.Error("a raw path with an id is a label value")
			}
		})
	})
}

func grep(text, substr string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

func TestCrossOriginAndHeaders(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleCaseworker)
		token := f.tokens[auth.RoleCaseworker]
		cookie := map[string]string{"Cookie": "houdun_session=" + token}
		body := func() map[string]any {
			return map[string]any{"name": "跨站", "id_number": f.freshIDNumber(), "institution_id": f.instA.ID, "occupation": "doctor"}
		}
		with := func(h map[string]string, extra ...string) map[string]string {
			out := map[string]string{}
			for k, v := range h {
				out[k] = v
			}
			for i := 0; i+1 < len(extra); i += 2 {
				out[extra[i]] = extra[i+1]
			}
			return out
		}

		cases := []struct {
			name   string
			header map[string]string
			status int
		}{
			{"a cross-site POST with the session cookie", with(cookie, "Sec-Fetch-Site", "cross-site"), http.StatusForbidden},
			{"a POST from another origin with the session cookie", with(cookie, "Origin", "https://evil.example"), http.StatusForbidden},
			{"a same-site POST from a sibling site", with(cookie, "Sec-Fetch-Site", "same-site"), http.StatusForbidden},
			{"a same-origin POST with the session cookie", with(cookie, "Sec-Fetch-Site", "same-origin"), http.StatusAccepted},
			{"a script's POST with a bearer token and no browser headers", map[string]string{"Authorization": "Bearer " + token}, http.StatusAccepted},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := f.do(t, call{Method: "POST", Path: "/api/v1/people", JSON: body(), Header: c.header}).want(t, c.status)
				if c.status == http.StatusForbidden {
					if e := r.apiError(t); e.Code != "forbidden" || e.Message != "跨站请求被拒绝" {
						t.Errorf("error = %+v", e)
					}
				}
			})
		}

		t.Run("a cross-site logout is refused and the session survives", func(t *testing.T) {
			f.do(t, call{Method: "DELETE", Path: "/api/v1/session", Header: with(cookie, "Sec-Fetch-Site", "cross-site")}).want(t, http.StatusForbidden)
			f.get(t, auth.RoleCaseworker, "/api/v1/session").want(t, http.StatusOK)
		})

		t.Run("a cross-site GET is allowed (GET changes nothing)", func(t *testing.T) {
			f.do(t, call{Method: "GET", Path: "/api/v1/session", Header: with(cookie, "Sec-Fetch-Site", "cross-site")}).want(t, http.StatusOK)
		})

		t.Run("every answer carries the security headers", func(t *testing.T) {
			for _, path := range []string{"/api/v1/people", "/api/v1/xyz", "/healthz"} {
				r := f.get(t, auth.RoleCaseworker, path)
				for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"} {
					if got := r.Header.Get(h); got != want {
						t.Errorf("%s: %s = %q, want %q", path, h, got, want)
					}
				}
				if !strings.Contains(r.Header.Get("Content-Security-Policy"), "default-src 'self'") {
					t.Errorf("%s: CSP = %q", path, r.Header.Get("Content-Security-Policy"))
				}
			}
		})
	})
}
