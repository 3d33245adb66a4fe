package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

func TestUsers(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleSysadmin, auth.RoleSecadmin)
		newUser := func(role string, extra ...any) map[string]any {
			u := map[string]any{"username": fmt.Sprintf("user-%d", f.next()), "display_name": "新同事", "password": password, "role": role, "region_code": "210902"}
			for i := 0; i+1 < len(extra); i += 2 {
				u[extra[i].(string)] = extra[i+1]
			}
			return u
		}
		type userJSON struct {
			ID       int64
			Username string
			Role     string
			Version  int64
			Disabled bool
			// RolePending: the role waits for secadmin's grant.
			RolePending bool `json:"role_pending"`
		}

		cases := []struct {
			name   string
			who    string
			body   map[string]any
			status int
			field  string // a field the error must name
			msg    string // text the error or field message must contain
		}{
			{"sysadmin creates a caseworker", auth.RoleSysadmin, newUser(auth.RoleCaseworker), 201, "", ""},
			{"sysadmin creates an institution admin", auth.RoleSysadmin, newUser(auth.RoleInstitutionAdmin, "region_code", nil, "institution_id", f.instA.ID), 201, "", ""},
			{"sysadmin creates a worker tied to their record", auth.RoleSysadmin, newUser(auth.RoleWorker, "region_code", nil, "person_id", f.atA.ID), 201, "", ""},
			{"sysadmin makes an auditor account, its role for secadmin to grant", auth.RoleSysadmin, newUser(auth.RoleAuditor), 201, "", ""},
			{"sysadmin makes a security administrator account", auth.RoleSysadmin, newUser(auth.RoleSecadmin), 201, "", ""},
			{"secadmin may not make an auditor account", auth.RoleSecadmin, newUser(auth.RoleAuditor), 403, "", "系统管理员新建"},
			{"secadmin may not make a caseworker account", auth.RoleSecadmin, newUser(auth.RoleCaseworker), 403, "", "安全管理员授予角色"},
			{"a common password is refused", auth.RoleSysadmin, newUser(auth.RoleCaseworker, "password", "P@ssw0rd"), 400, "password", "过于常见"},
			{"a short password breaks the policy", auth.RoleSysadmin, newUser(auth.RoleCaseworker, "password", "Ab1!"), 400, "password", "至少 8 位"},
			{"a password of one class breaks the policy", auth.RoleSysadmin, newUser(auth.RoleCaseworker, "password", "abcdefghijkl"), 400, "password", "三类"},
			{"no password breaks the policy", auth.RoleSysadmin, newUser(auth.RoleCaseworker, "password", nil), 400, "password", ""},
			{"an unknown role", auth.RoleSysadmin, newUser("superuser"), 400, "role", ""},
			{"a bad username", auth.RoleSysadmin, newUser(auth.RoleCaseworker, "username", "张 三"), 400, "username", ""},
			{"a taken username", auth.RoleSysadmin, newUser(auth.RoleCaseworker, "username", f.users[auth.RoleSecadmin].Username), 409, "username", ""},
			{"two scopes at once", auth.RoleSysadmin, newUser(auth.RoleCaseworker, "institution_id", f.instA.ID), 400, "region_code", ""},
			{"a worker without a person", auth.RoleSysadmin, newUser(auth.RoleWorker), 400, "person_id", ""},
			{"a region outside the caller's scope", auth.RoleSysadmin, newUser(auth.RoleCaseworker, "region_code", "210903"), 400, "region_code", ""},
			{"a wider region than the caller's", auth.RoleSysadmin, newUser(auth.RoleCaseworker, "region_code", "2109"), 400, "region_code", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := f.send(t, c.who, "POST", "/api/v1/users", c.body).want(t, c.status)
				if strings.Contains(string(r.Body), "argon2") || strings.Contains(string(r.Body), "password_hash") {
					t.Errorf("answer leaks the password hash: %s", r.Body)
				}
				if c.status == http.StatusCreated {
					var u userJSON
					r.decode(t, &u)
					if u.ID == 0 || u.Username != c.body["username"] || u.Role != c.body["role"] {
						t.Errorf("created %+v from %v", u, c.body)
					}
					return
				}
				e := r.apiError(t)
				msg := e.Message
				if c.field != "" {
					if _, ok := e.Fields[c.field]; !ok {
						t.Fatalf("fields %v do not name %s", e.Fields, c.field)
					}
					msg = e.Fields[c.field]
				}
				if !strings.Contains(msg, c.msg) {
					t.Errorf("message %q does not contain %q", msg, c.msg)
				}
			})
		}

		t.Run("sysadmin keeps accounts, secadmin grants roles, neither does the other's part", func(t *testing.T) {
			var aud userJSON
			f.send(t, auth.RoleSysadmin, "POST", "/api/v1/users", newUser(auth.RoleAuditor)).want(t, http.StatusCreated).decode(t, &aud)
			if !aud.RolePending {
				t.Errorf("a new account %+v: want role_pending", aud)
			}
			f.send(t, auth.RoleSysadmin, "PATCH", "/api/v1/users/"+id(aud.ID), map[string]any{"role": auth.RoleAuditor}).want(t, http.StatusForbidden)
			f.send(t, auth.RoleSysadmin, "PATCH", "/api/v1/users/"+id(f.users[auth.RoleSecadmin].ID), map[string]any{"role": auth.RoleSysadmin}).want(t, http.StatusForbidden)
			f.send(t, auth.RoleSecadmin, "PATCH", "/api/v1/users/"+id(aud.ID), map[string]any{"display_name": "审计员乙"}).want(t, http.StatusForbidden)
			f.send(t, auth.RoleSecadmin, "PATCH", "/api/v1/users/"+id(aud.ID), map[string]any{"role": auth.RoleAuditor, "disabled": true}).want(t, http.StatusForbidden)
			var granted userJSON
			f.send(t, auth.RoleSecadmin, "PATCH", "/api/v1/users/"+id(aud.ID), map[string]any{"role": auth.RoleAuditor}).want(t, http.StatusOK).decode(t, &granted)
			if granted.RolePending {
				t.Errorf("granted %+v: still pending", granted)
			}
			f.send(t, auth.RoleSysadmin, "PATCH", "/api/v1/users/"+id(aud.ID), map[string]any{"display_name": "审计员乙", "disabled": true}).want(t, http.StatusOK)
		})

		t.Run("an administrator account never becomes a business one, nor the reverse: make a new account", func(t *testing.T) {
			var cw userJSON
			f.send(t, auth.RoleSysadmin, "POST", "/api/v1/users", newUser(auth.RoleCaseworker)).want(t, http.StatusCreated).decode(t, &cw)
			f.send(t, auth.RoleSysadmin, "PATCH", "/api/v1/users/"+id(cw.ID), map[string]any{"role": auth.RoleAuditor}).want(t, http.StatusForbidden)
			e := f.send(t, auth.RoleSecadmin, "PATCH", "/api/v1/users/"+id(cw.ID), map[string]any{"role": auth.RoleAuditor}).want(t, http.StatusBadRequest).apiError(t)
			if !strings.Contains(e.Fields["role"], "新建账号") {
				t.Errorf("caseworker to auditor: %+v", e)
			}
			var aud userJSON
			f.send(t, auth.RoleSysadmin, "POST", "/api/v1/users", newUser(auth.RoleAuditor)).want(t, http.StatusCreated).decode(t, &aud)
			f.send(t, auth.RoleSecadmin, "PATCH", "/api/v1/users/"+id(aud.ID), map[string]any{"role": auth.RoleCaseworker}).want(t, http.StatusBadRequest)
		})

		t.Run("secadmin cannot PATCH its own role to caseworker, nor sysadmin disable itself; both are audited", func(t *testing.T) {
			sec, sys := f.users[auth.RoleSecadmin], f.users[auth.RoleSysadmin]
			e := f.send(t, auth.RoleSecadmin, "PATCH", "/api/v1/users/"+id(sec.ID), map[string]any{"role": auth.RoleCaseworker}).want(t, http.StatusForbidden).apiError(t)
			if !strings.Contains(e.Message, "自己") {
				t.Errorf("own role: %+v", e)
			}
			f.send(t, auth.RoleSecadmin, "PATCH", "/api/v1/users/"+id(sec.ID), map[string]any{"region_code": "21"}).want(t, http.StatusForbidden)
			f.send(t, auth.RoleSysadmin, "PATCH", "/api/v1/users/"+id(sys.ID), map[string]any{"disabled": true}).want(t, http.StatusForbidden)
			f.send(t, auth.RoleSysadmin, "PATCH", "/api/v1/users/"+id(sys.ID), map[string]any{"password": "Self-reset!2026"}).want(t, http.StatusForbidden)
			var got userJSON
			f.get(t, auth.RoleSecadmin, "/api/v1/users/"+id(sec.ID)).want(t, http.StatusOK).decode(t, &got)
			if got.Role != auth.RoleSecadmin {
				t.Errorf("secadmin is now %+v", got)
			}
			rows, err := f.st.ListAudit(testutil.As(&auth.Principal{Role: auth.RoleAuditor}), model.AuditFilter{Action: store.ActDenied, ObjectType: "user", ObjectID: id(sec.ID)})
			own := 0
			for _, e := range rows.Items {
				if e.Detail == "own_account" && e.Username == sec.Username {
					own++
				}
			}
			if err != nil || own != 2 {
				t.Errorf("secadmin's attempts on its own account audited %d times, want 2: %+v, %v", own, rows.Items, err)
			}
		})

		t.Run("sysadmin resets a caseworker's password and cannot log in as them: the role waits, then the password must change first", func(t *testing.T) {
			cw := f.userAt(t, "210902")
			token := f.login(t, cw.Username)
			f.send(t, auth.RoleSysadmin, "PATCH", "/api/v1/users/"+id(cw.ID), map[string]any{"password": "Reset-by-sys!1"}).want(t, http.StatusOK)
			f.do(t, call{Method: "GET", Path: "/api/v1/people", Token: token}).want(t, http.StatusUnauthorized)
			creds := map[string]string{"username": cw.Username, "password": "Reset-by-sys!1"}
			if e := f.sessionAs(t, creds, "").want(t, http.StatusForbidden).apiError(t); !strings.Contains(e.Message, "尚待安全管理员授予") {
				t.Errorf("login after the reset: %+v", e)
			}
			f.send(t, auth.RoleSecadmin, "PATCH", "/api/v1/users/"+id(cw.ID), map[string]any{"role": auth.RoleCaseworker}).want(t, http.StatusOK)
			var s struct{ Token string }
			f.sessionAs(t, creds, "").want(t, http.StatusCreated).decode(t, &s)
			for _, c := range []call{{Method: "GET", Path: "/api/v1/people"}, {Method: "GET", Path: "/api/v1/inbox"}, {Method: "GET", Path: "/api/v1/openapi.json"},
				{Method: "GET", Path: "/api/v1/imports/people/template.xlsx"}} {
				c.Token = s.Token
				if c.Path == "/api/v1/openapi.json" { // public: no session needed, none refused
					f.do(t, c).want(t, http.StatusOK)
					continue
				}
				if e := f.do(t, c).want(t, http.StatusForbidden).apiError(t); e.Code != "password_change_required" {
					t.Errorf("%s %s: %+v", c.Method, c.Path, e)
				}
			}
			// Each refusal is audited with its reason, not only its status.
			rows, err := f.st.ListAudit(testutil.As(&auth.Principal{Role: auth.RoleAuditor}), model.AuditFilter{Action: store.ActDenied, ObjectType: "route"})
			reasons := 0
			for _, e := range rows.Items {
				if e.Username == cw.Username && e.Detail == "403 password_change_required" {
					reasons++
				}
			}
			if err != nil || reasons != 3 {
				t.Errorf("%d refusals audited with the reason password_change_required, want 3: %+v, %v", reasons, rows.Items, err)
			}
			f.do(t, call{Method: "GET", Path: "/api/v1/session", Token: s.Token}).want(t, http.StatusOK)
			f.do(t, call{Method: "POST", Path: "/api/v1/session/password", Token: s.Token,
				JSON: map[string]string{"current_password": "Reset-by-sys!1", "new_password": "Mine-again!2026"}}).want(t, http.StatusNoContent)
			f.do(t, call{Method: "GET", Path: "/api/v1/people", Token: s.Token}).want(t, http.StatusOK)
			var inbox struct {
				Items []struct{ Kind string }
			}
			f.do(t, call{Method: "GET", Path: "/api/v1/inbox", Token: s.Token}).want(t, http.StatusOK).decode(t, &inbox)
			if len(inbox.Items) != 1 || inbox.Items[0].Kind != "password_reset" {
				t.Errorf("inbox = %+v, want the reset", inbox)
			}
		})

		t.Run("disabling an account or resetting its password ends its sessions", func(t *testing.T) {
			for _, change := range []map[string]any{{"disabled": true}, {"password": "Another-2026!"}} {
				u := f.userAt(t, "210902")
				token := f.login(t, u.Username)
				f.do(t, call{Method: "GET", Path: "/api/v1/people", Token: token}).want(t, http.StatusOK)
				f.send(t, auth.RoleSysadmin, "PATCH", "/api/v1/users/"+id(u.ID), change).want(t, http.StatusOK)
				f.do(t, call{Method: "GET", Path: "/api/v1/people", Token: token}).want(t, http.StatusUnauthorized)
			}
		})

		t.Run("a PATCH with a stale version answers 409", func(t *testing.T) {
			var u userJSON
			f.send(t, auth.RoleSysadmin, "POST", "/api/v1/users", newUser(auth.RoleCaseworker)).want(t, http.StatusCreated).decode(t, &u)
			f.send(t, auth.RoleSysadmin, "PATCH", "/api/v1/users/"+id(u.ID), map[string]any{"display_name": "甲", "version": u.Version}).want(t, http.StatusOK)
			e := f.send(t, auth.RoleSysadmin, "PATCH", "/api/v1/users/"+id(u.ID), map[string]any{"display_name": "乙", "version": u.Version}).
				want(t, http.StatusConflict).apiError(t)
			if e.Code != "version_conflict" {
				t.Errorf("error = %+v", e)
			}
		})

		t.Run("a weak password on reset answers 400 naming the field", func(t *testing.T) {
			var u userJSON
			f.send(t, auth.RoleSysadmin, "POST", "/api/v1/users", newUser(auth.RoleCaseworker)).want(t, http.StatusCreated).decode(t, &u)
			e := f.send(t, auth.RoleSysadmin, "PATCH", "/api/v1/users/"+id(u.ID), map[string]any{"password": "short"}).want(t, http.StatusBadRequest).apiError(t)
			if e.Fields["password"] == "" {
				t.Errorf("fields = %v", e.Fields)
			}
		})

		t.Run("the username cannot change", func(t *testing.T) {
			var u userJSON
			f.send(t, auth.RoleSysadmin, "POST", "/api/v1/users", newUser(auth.RoleCaseworker)).want(t, http.StatusCreated).decode(t, &u)
			e := f.send(t, auth.RoleSysadmin, "PATCH", "/api/v1/users/"+id(u.ID), map[string]any{"username": "renamed"}).want(t, http.StatusBadRequest).apiError(t)
			if e.Fields["username"] == "" {
				t.Errorf("fields = %v", e.Fields)
			}
		})

		t.Run("the user list filters by role and text", func(t *testing.T) {
			var l struct {
				Total int
				Items []userJSON
			}
			f.get(t, auth.RoleSecadmin, "/api/v1/users?role=auditor").want(t, http.StatusOK).decode(t, &l)
			for _, u := range l.Items {
				if u.Role != auth.RoleAuditor {
					t.Errorf("role filter let %+v through", u)
				}
			}
			if l.Total == 0 {
				t.Error("no auditors listed")
			}
			f.get(t, auth.RoleSecadmin, "/api/v1/users?q=sysadmin").want(t, http.StatusOK).decode(t, &l)
			if l.Total != 1 || l.Items[0].Username != "sysadmin" {
				t.Errorf("q=sysadmin: %+v", l)
			}
		})
	})
}
