package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"houdun/internal/auth"
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
			{"sysadmin may not create an auditor", auth.RoleSysadmin, newUser(auth.RoleAuditor), 403, "", "安全管理员"},
			{"sysadmin may not create a security administrator", auth.RoleSysadmin, newUser(auth.RoleSecadmin), 403, "", ""},
			{"sysadmin may not create another sysadmin", auth.RoleSysadmin, newUser(auth.RoleSysadmin), 403, "", ""},
			{"secadmin creates an auditor", auth.RoleSecadmin, newUser(auth.RoleAuditor), 201, "", ""},
			{"secadmin creates a caseworker", auth.RoleSecadmin, newUser(auth.RoleCaseworker), 201, "", ""},
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

		t.Run("sysadmin may not change an administrator, secadmin may", func(t *testing.T) {
			var aud userJSON
			f.send(t, auth.RoleSecadmin, "POST", "/api/v1/users", newUser(auth.RoleAuditor)).want(t, http.StatusCreated).decode(t, &aud)
			f.send(t, auth.RoleSysadmin, "PATCH", "/api/v1/users/"+id(aud.ID), map[string]any{"disabled": true}).want(t, http.StatusForbidden)
			f.send(t, auth.RoleSysadmin, "PATCH", "/api/v1/users/"+id(f.users[auth.RoleSecadmin].ID), map[string]any{"role": auth.RoleSysadmin}).want(t, http.StatusForbidden)
			f.send(t, auth.RoleSecadmin, "PATCH", "/api/v1/users/"+id(aud.ID), map[string]any{"display_name": "审计员乙"}).want(t, http.StatusOK)
		})

		t.Run("sysadmin may not promote a caseworker to an administrator", func(t *testing.T) {
			var cw userJSON
			f.send(t, auth.RoleSysadmin, "POST", "/api/v1/users", newUser(auth.RoleCaseworker)).want(t, http.StatusCreated).decode(t, &cw)
			f.send(t, auth.RoleSysadmin, "PATCH", "/api/v1/users/"+id(cw.ID), map[string]any{"role": auth.RoleAuditor}).want(t, http.StatusForbidden)
		})

		t.Run("disabling an account or resetting its password ends its sessions", func(t *testing.T) {
			for _, change := range []map[string]any{{"disabled": true}, {"password": "Another-2026!"}} {
				var u userJSON
				f.send(t, auth.RoleSysadmin, "POST", "/api/v1/users", newUser(auth.RoleCaseworker)).want(t, http.StatusCreated).decode(t, &u)
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
