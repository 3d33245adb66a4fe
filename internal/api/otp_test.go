package api_test

import (
	"net/http"
	"strings"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// sessionAs posts a login body and returns the answer.
func (f *fixture) sessionAs(t *testing.T, body map[string]string, lang string) *response {
	t.Helper()
	h := map[string]string{"X-Real-IP": f.nextIP()}
	if lang != "" {
		h["Accept-Language"] = lang
	}
	return f.do(t, call{Method: "POST", Path: "/api/v1/session", JSON: body, Header: h})
}

func TestAdministratorsLogInWithTheirAuthenticatorsCode(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleSecadmin, auth.RoleSysadmin, auth.RoleAuditor)
		sys := f.users[auth.RoleSysadmin]

		t.Run("the password alone answers 401 otp_required in the caller's language", func(t *testing.T) {
			for lang, want := range map[string]string{"": "请输入身份验证器上的 6 位动态验证码", "en": "Enter the 6-digit code of your authenticator app"} {
				e := f.sessionAs(t, map[string]string{"username": sys.Username, "password": password}, lang).want(t, http.StatusUnauthorized).apiError(t)
				if e.Code != "otp_required" || e.Message != want {
					t.Errorf("lang %q: %+v", lang, e)
				}
			}
		})

		t.Run("a wrong password with a code is just a wrong password", func(t *testing.T) {
			e := f.sessionAs(t, map[string]string{"username": sys.Username, "password": "Wrong-pass-1", "otp": f.otp(t, sys.Username)}, "").
				want(t, http.StatusUnauthorized).apiError(t)
			if e.Code != "unauthenticated" {
				t.Errorf("error = %+v", e)
			}
		})

		t.Run("a code is good once", func(t *testing.T) {
			body := f.credentials(t, sys.Username)
			f.sessionAs(t, body, "").want(t, http.StatusCreated)
			e := f.sessionAs(t, body, "").want(t, http.StatusUnauthorized).apiError(t)
			if e.Code != "otp_invalid" {
				t.Errorf("replayed code: %+v", e)
			}
		})

		t.Run("a new administrator is sent to enrol on the web first", func(t *testing.T) {
			var u struct {
				ID int64 `json:"id"`
			}
			f.send(t, auth.RoleSysadmin, "POST", "/api/v1/users", map[string]any{"username": "new-auditor", "password": password, "role": "auditor",
				"region_code": "210902"}).want(t, http.StatusCreated).decode(t, &u)
			f.send(t, auth.RoleSecadmin, "PATCH", "/api/v1/users/"+id(u.ID), map[string]any{"role": "auditor"}).want(t, http.StatusOK)
			var got struct {
				TOTPEnrolled bool `json:"totp_enrolled"`
			}
			f.get(t, auth.RoleSecadmin, "/api/v1/users/"+id(u.ID)).want(t, http.StatusOK).decode(t, &got)
			if got.TOTPEnrolled {
				t.Error("a new account shows totp_enrolled")
			}
			e := f.sessionAs(t, map[string]string{"username": "new-auditor", "password": password}, "en").want(t, http.StatusUnauthorized).apiError(t)
			if e.Code != "otp_enrolment_required" || !strings.Contains(e.Message, "web login page") {
				t.Errorf("error = %+v", e)
			}
			f.get(t, auth.RoleSecadmin, "/api/v1/users/"+id(sys.ID)).want(t, http.StatusOK).decode(t, &got)
			if !got.TOTPEnrolled {
				t.Error("an enrolled account does not show totp_enrolled")
			}
		})

		t.Run("a new administrator enrols through the API: the key once, its first code logs in", func(t *testing.T) {
			enrol := func(body map[string]string) *response {
				return f.do(t, call{Method: "POST", Path: "/api/v1/session/enrolment", JSON: body, Header: map[string]string{"X-Real-IP": f.nextIP()}})
			}
			enrol(map[string]string{"username": "new-auditor", "password": "Wrong-pass-1"}).want(t, http.StatusUnauthorized)
			var k struct {
				Pending    string `json:"pending"`
				Secret     string `json:"secret"`
				OTPAuthURI string `json:"otpauth_uri"`
			}
			enrol(map[string]string{"username": "new-auditor", "password": password}).want(t, http.StatusCreated).decode(t, &k)
			if k.Pending == "" || k.Secret == "" || !strings.HasPrefix(k.OTPAuthURI, "otpauth://totp/") {
				t.Fatalf("enrolment = %+v", k)
			}
			confirm := func(otp string) *response {
				return f.do(t, call{Method: "POST", Path: "/api/v1/session/enrolment/confirm", JSON: map[string]string{"pending": k.Pending, "otp": otp},
					Header: map[string]string{"X-Real-IP": f.nextIP()}})
			}
			if e := confirm("000000").want(t, http.StatusUnauthorized).apiError(t); e.Code != "otp_invalid" {
				t.Errorf("a wrong first code: %+v", e)
			}
			code, err := auth.TOTPCode(k.Secret, f.clock.Now())
			if err != nil {
				t.Fatal(err)
			}
			var s struct {
				Token string `json:"token"`
			}
			confirm(code).want(t, http.StatusCreated).decode(t, &s)
			f.do(t, call{Method: "GET", Path: "/api/v1/session", Token: s.Token}).want(t, http.StatusOK)
			// Enrolled now: the step answers 409, and the login wants the code.
			if e := enrol(map[string]string{"username": "new-auditor", "password": password}).want(t, http.StatusConflict).apiError(t); e.Code != "conflict" {
				t.Errorf("enrolling twice: %+v", e)
			}
			f.sessionAs(t, map[string]string{"username": "new-auditor", "password": password}, "").want(t, http.StatusUnauthorized)
			// An account that logs in without an authenticator has none to enrol, and keeps no session from asking.
			cw := f.userAt(t, "210902")
			enrol(map[string]string{"username": cw.Username, "password": password}).want(t, http.StatusConflict)
		})

		t.Run("only the security administrator resets another's authenticator, and it ends their sessions", func(t *testing.T) {
			sec := f.users[auth.RoleSecadmin]
			f.send(t, auth.RoleSysadmin, "POST", "/api/v1/users/"+id(sec.ID)+"/otp/reset", nil).want(t, http.StatusForbidden)
			f.send(t, auth.RoleAuditor, "POST", "/api/v1/users/"+id(sys.ID)+"/otp/reset", nil).want(t, http.StatusForbidden)
			token := f.login(t, sys.Username)
			f.send(t, auth.RoleSecadmin, "POST", "/api/v1/users/"+id(sys.ID)+"/otp/reset", nil).want(t, http.StatusNoContent)
			f.do(t, call{Method: "GET", Path: "/api/v1/session", Token: token}).want(t, http.StatusUnauthorized)
			f.get(t, auth.RoleSysadmin, "/api/v1/session").want(t, http.StatusUnauthorized)
			e := f.sessionAs(t, f.credentials(t, sys.Username), "").want(t, http.StatusUnauthorized).apiError(t)
			if e.Code != "otp_enrolment_required" {
				t.Errorf("login after the reset: %+v", e)
			}
			var audit struct {
				Items []struct {
					Username string `json:"username"`
				} `json:"items"`
			}
			f.get(t, auth.RoleAuditor, "/api/v1/audit?action=user.otp_reset").want(t, http.StatusOK).decode(t, &audit)
			if len(audit.Items) != 1 || audit.Items[0].Username != sec.Username {
				t.Errorf("audit = %+v", audit)
			}
		})

		t.Run("one's own authenticator is reset only with its current code", func(t *testing.T) {
			me := f.users[auth.RoleAuditor]
			path := "/api/v1/users/" + id(me.ID) + "/otp/reset"
			e := f.send(t, auth.RoleAuditor, "POST", path, nil).want(t, http.StatusBadRequest).apiError(t)
			if e.Fields["otp"] == "" {
				t.Errorf("no code: %+v", e)
			}
			if e := f.send(t, auth.RoleAuditor, "POST", path, map[string]string{"otp": "000000"}).want(t, http.StatusUnauthorized).apiError(t); e.Code != "otp_invalid" {
				t.Errorf("wrong code: %+v", e)
			}
			f.send(t, auth.RoleAuditor, "POST", path, map[string]string{"otp": f.otp(t, me.Username)}).want(t, http.StatusNoContent)
			f.get(t, auth.RoleAuditor, "/api/v1/session").want(t, http.StatusUnauthorized)
		})

		t.Run("five wrong codes lock the account", func(t *testing.T) {
			sec := f.users[auth.RoleSecadmin]
			for i := 1; i <= 5; i++ {
				r := f.sessionAs(t, map[string]string{"username": sec.Username, "password": password, "otp": "123456"}, "")
				want := http.StatusUnauthorized
				if i == 5 {
					want = http.StatusLocked
				}
				if r.Status != want {
					t.Fatalf("wrong code %d: %d %s", i, r.Status, r.Body)
				}
			}
			// Locked: the right password and code answer as an unknown name does.
			if e := f.sessionAs(t, f.credentials(t, sec.Username), "").want(t, http.StatusUnauthorized).apiError(t); e.Code != "unauthenticated" {
				t.Errorf("right code while locked: %+v", e)
			}
		})
	})
}

func TestUsersChangeTheirOwnPassword(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleCaseworker, auth.RoleAuditor)
		cw := f.users[auth.RoleCaseworker]
		other := f.login(t, cw.Username)
		change := func(body any, lang string) *response {
			h := map[string]string{}
			if lang != "" {
				h["Accept-Language"] = lang
			}
			return f.do(t, call{Method: "POST", Path: "/api/v1/session/password", Token: f.tokens[auth.RoleCaseworker], JSON: body, Header: h})
		}

		t.Run("bad input answers 400 naming the field in the caller's language and changes nothing", func(t *testing.T) {
			for _, c := range []struct {
				name        string
				body        map[string]string
				lang, field string
				want        string
			}{
				{"a wrong current password", map[string]string{"current_password": "Wrong-pass-1", "new_password": "Brand-new-2026"}, "", "current_password", "当前密码不正确"},
				{"a wrong current password, in English", map[string]string{"current_password": "Wrong-pass-1", "new_password": "Brand-new-2026"}, "en", "current_password", "The current password is wrong"},
				{"a short new password", map[string]string{"current_password": password, "new_password": "Ab1!"}, "", "new_password", "密码至少 8 位"},
				{"a simple new password", map[string]string{"current_password": password, "new_password": "abcdefghij"}, "en", "new_password", "Password needs at least three of: upper case, lower case, digits, symbols"},
				{"the same password", map[string]string{"current_password": password, "new_password": password}, "", "new_password", "新密码不能与当前密码相同"},
				{"no current password", map[string]string{"new_password": "Brand-new-2026"}, "", "current_password", "必填"},
			} {
				t.Run(c.name, func(t *testing.T) {
					e := change(c.body, c.lang).want(t, http.StatusBadRequest).apiError(t)
					if e.Code != "invalid" || e.Fields[c.field] != c.want {
						t.Errorf("error = %+v, want %s: %q", e, c.field, c.want)
					}
				})
			}
			if e := change(map[string]any{"current_password": password, "new_password": "Brand-new-2026", "confirm": true}, "").want(t, http.StatusBadRequest).apiError(t); e.Fields["confirm"] == "" {
				t.Errorf("unknown field: %+v", e)
			}
			f.do(t, call{Method: "GET", Path: "/api/v1/session", Token: other}).want(t, http.StatusOK)
			f.sessionAs(t, map[string]string{"username": cw.Username, "password": password}, "").want(t, http.StatusCreated)
		})

		t.Run("a change ends the other sessions and keeps this one", func(t *testing.T) {
			change(map[string]string{"current_password": password, "new_password": "Brand-new-2026"}, "").want(t, http.StatusNoContent)
			f.get(t, auth.RoleCaseworker, "/api/v1/session").want(t, http.StatusOK)
			f.do(t, call{Method: "GET", Path: "/api/v1/session", Token: other}).want(t, http.StatusUnauthorized)
			f.sessionAs(t, map[string]string{"username": cw.Username, "password": password}, "").want(t, http.StatusUnauthorized)
			f.sessionAs(t, map[string]string{"username": cw.Username, "password": "Brand-new-2026"}, "").want(t, http.StatusCreated)
			var audit struct {
				Items []struct {
					ObjectID string `json:"object_id"`
					Outcome  string `json:"outcome"`
				} `json:"items"`
			}
			f.get(t, auth.RoleAuditor, "/api/v1/audit?action=user.password_change").want(t, http.StatusOK).decode(t, &audit)
			var outcomes []string
			for _, it := range audit.Items {
				if it.ObjectID != id(cw.ID) {
					t.Errorf("audit row on %s", it.ObjectID)
				}
				outcomes = append(outcomes, it.Outcome)
			}
			if strings.Join(outcomes, ",") != "ok,failed,failed" {
				t.Errorf("audit outcomes (newest first) = %v", outcomes)
			}
		})

		t.Run("without a session it answers 401", func(t *testing.T) {
			f.do(t, call{Method: "POST", Path: "/api/v1/session/password", JSON: map[string]string{"current_password": "x", "new_password": "y"}}).
				want(t, http.StatusUnauthorized)
		})
	})
}
