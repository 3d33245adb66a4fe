package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

func TestSession(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock)
		cw := f.account(t, auth.RoleCaseworker)
		login := func(t *testing.T, username, pw string, header map[string]string) *response {
			h := map[string]string{"X-Real-IP": f.nextIP()}
			for k, v := range header {
				h[k] = v
			}
			return f.do(t, call{Method: "POST", Path: "/api/v1/session", JSON: map[string]string{"username": username, "password": pw}, Header: h})
		}

		t.Run("login answers 201 with a token and an HttpOnly SameSite cookie", func(t *testing.T) {
			r := login(t, cw.Username, password, nil).want(t, http.StatusCreated)
			var s struct {
				Token string
				User  struct {
					ID         int64
					Username   string
					Role       string
					RegionCode string `json:"region_code"`
				}
			}
			r.decode(t, &s)
			if s.Token == "" || s.User.ID != cw.ID || s.User.Role != auth.RoleCaseworker || s.User.RegionCode != "210902" {
				t.Errorf("session = %+v", s)
			}
			var cookie *http.Cookie
			for _, c := range (&http.Response{Header: r.Header}).Cookies() {
				if c.Name == "houdun_session" {
					cookie = c
				}
			}
			if cookie == nil || cookie.Value != s.Token || !cookie.HttpOnly || cookie.SameSite == http.SameSiteDefaultMode || cookie.SameSite == http.SameSiteNoneMode {
				t.Errorf("session cookie = %+v (Set-Cookie %q)", cookie, r.Header.Values("Set-Cookie"))
			}
			if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store on a token", cc)
			}
			// The token works as a bearer token and as the cookie.
			f.do(t, call{Method: "GET", Path: "/api/v1/session", Token: s.Token}).want(t, http.StatusOK)
			f.do(t, call{Method: "GET", Path: "/api/v1/session", Header: map[string]string{"Cookie": "houdun_session=" + s.Token}}).want(t, http.StatusOK)
		})

		t.Run("wrong password answers 401 in Chinese by default and in English on request", func(t *testing.T) {
			for _, c := range []struct {
				lang, want string
			}{
				{"", "用户名或密码错误"},
				{"zh-CN,zh;q=0.9", "用户名或密码错误"},
				{"en-US,en;q=0.9", "Wrong username or password"},
			} {
				h := map[string]string{}
				if c.lang != "" {
					h["Accept-Language"] = c.lang
				}
				e := login(t, cw.Username, "Wrong-password-1", h).want(t, http.StatusUnauthorized).apiError(t)
				if e.Code != "unauthenticated" || e.Message != c.want {
					t.Errorf("Accept-Language %q: error = %+v, want message %q", c.lang, e, c.want)
				}
			}
			// An unknown user gets the very same answer, so names cannot be probed.
			e := login(t, "no-such-user", "Wrong-password-1", nil).want(t, http.StatusUnauthorized).apiError(t)
			if e.Message != "用户名或密码错误" {
				t.Errorf("unknown user: %+v", e)
			}
		})

		t.Run("missing username or password answers 400 naming the fields", func(t *testing.T) {
			e := login(t, "", "", nil).want(t, http.StatusBadRequest).apiError(t)
			if e.Fields["username"] == "" || e.Fields["password"] == "" {
				t.Errorf("fields = %v", e.Fields)
			}
		})

		t.Run("calls without a token or with a bad one answer 401", func(t *testing.T) {
			for _, c := range []call{
				{Method: "GET", Path: "/api/v1/people"},
				{Method: "GET", Path: "/api/v1/session"},
				{Method: "GET", Path: "/api/v1/people", Token: "not-a-token"},
				{Method: "GET", Path: "/api/v1/people", Header: map[string]string{"Cookie": "houdun_session=forged"}},
				{Method: "POST", Path: "/api/v1/people", JSON: map[string]string{"name": "x"}},
				{Method: "GET", Path: "/api/v1/exports/people.csv"},
			} {
				e := f.do(t, c).want(t, http.StatusUnauthorized).apiError(t)
				if e.Code != "unauthenticated" || e.Message != "请先登录" {
					t.Errorf("%s %s: %+v", c.Method, c.Path, e)
				}
			}
		})

		t.Run("logout ends the session on the server", func(t *testing.T) {
			token := f.login(t, cw.Username)
			r := f.do(t, call{Method: "DELETE", Path: "/api/v1/session", Token: token}).want(t, http.StatusNoContent)
			if sc := strings.Join(r.Header.Values("Set-Cookie"), "; "); !strings.Contains(sc, "houdun_session=;") || !strings.Contains(sc, "Max-Age=0") {
				t.Errorf("logout does not clear the cookie: %q", sc)
			}
			f.do(t, call{Method: "GET", Path: "/api/v1/session", Token: token}).want(t, http.StatusUnauthorized)
			f.do(t, call{Method: "GET", Path: "/api/v1/people", Header: map[string]string{"Cookie": "houdun_session=" + token}}).want(t, http.StatusUnauthorized)
		})

		t.Run("an idle session ends after 30 minutes", func(t *testing.T) {
			token := f.login(t, cw.Username)
			clock.Advance(29 * time.Minute)
			f.do(t, call{Method: "GET", Path: "/api/v1/session", Token: token}).want(t, http.StatusOK)
			clock.Advance(29 * time.Minute) // the last call slid the idle timeout
			f.do(t, call{Method: "GET", Path: "/api/v1/session", Token: token}).want(t, http.StatusOK)
			clock.Advance(31 * time.Minute)
			f.do(t, call{Method: "GET", Path: "/api/v1/session", Token: token}).want(t, http.StatusUnauthorized)
		})

		t.Run("five wrong passwords lock the account, answered exactly as an unknown name is", func(t *testing.T) {
			victim := f.userAt(t, "210902")
			unknown := login(t, "no-such-user", "Wrong-password-1", nil).want(t, http.StatusUnauthorized)
			for i := 1; i <= 5; i++ {
				r := login(t, victim.Username, "Wrong-password-1", nil).want(t, http.StatusUnauthorized)
				if string(r.Body) != string(unknown.Body) {
					t.Errorf("failure %d: %s, an unknown name: %s", i, r.Body, unknown.Body)
				}
			}
			// While locked, even the right password is refused, with the same answer.
			clock.Advance(10*time.Minute + 30*time.Second)
			r := login(t, victim.Username, password, nil).want(t, http.StatusUnauthorized)
			if string(r.Body) != string(unknown.Body) {
				t.Errorf("locked, right password: %s, an unknown name: %s", r.Body, unknown.Body)
			}
			clock.Advance(21 * time.Minute)
			login(t, victim.Username, password, nil).want(t, http.StatusCreated)
		})

		t.Run("logins from one address are rate limited with 429", func(t *testing.T) {
			h := map[string]string{"X-Real-IP": "192.0.2.7"}
			got := 0
			for i := 0; i < 30 && got != http.StatusTooManyRequests; i++ {
				got = f.do(t, call{Method: "POST", Path: "/api/v1/session", JSON: map[string]string{"username": "nobody", "password": "wrong"}, Header: h}).Status
			}
			if got != http.StatusTooManyRequests {
				t.Fatalf("30 logins from one address: last status %d, want 429", got)
			}
			e := f.do(t, call{Method: "POST", Path: "/api/v1/session", JSON: map[string]string{"username": cw.Username, "password": password}, Header: h}).
				want(t, http.StatusTooManyRequests).apiError(t)
			if e.Code != "rate_limited" {
				t.Errorf("error = %+v", e)
			}
			// Another address is not affected.
			login(t, cw.Username, password, nil).want(t, http.StatusCreated)
		})
	})
}
