package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestAdministratorsChangeAnAccountOnItsPage: on an account's page the
// security administrator changes role and scope (padded region codes
// accepted, one scope only, a business account kept business), the system
// administrator resets the password to a one-time password shown once that
// works once, and neither sees the other's forms or forms on their own
// account.
func TestAdministratorsChangeAnAccountOnItsPage(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		s.user("sys_fx", auth.RoleSysadmin, "2109")
		s.user("sec_fx", auth.RoleSecadmin, "2109")
		s.user("cw_move", auth.RoleCaseworker, "210902")
		sys, sec := s.as("sys_fx"), s.as("sec_fx")
		users, err := st.ListUsers(testutil.System(), model.UserFilter{Q: "cw_move"})
		if err != nil || len(users.Items) != 1 {
			t.Fatalf("users: %+v, %v", users, err)
		}
		u := users.Items[0]
		path := "/users/" + strconv.FormatInt(u.ID, 10)
		contains(t, sec.get("/users?q=cw_move"), `href="`+path+`"`)

		page := sec.get(path)
		contains(t, page, `action="`+path+`/scope"`, `<option value="leader">`)
		lacks(t, page, `action="`+path+`/password"`, `<option value="sysadmin">`, `<option value="auditor">`)
		// Two scopes at once, an unknown region: the page again, with the message.
		r := sec.postForm(path+"/scope", url.Values{"role": {"caseworker"}, "region_code": {"210903"}, "institution_id": {"5"}, "version": {strconv.FormatInt(u.Version, 10)}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "三项只填一项") {
			t.Fatalf("two scopes: %d %v", r.status, errorsOf(r.body))
		}
		r = sec.postForm(path+"/scope", url.Values{"role": {"caseworker"}, "region_code": {"219999"}, "version": {strconv.FormatInt(u.Version, 10)}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("unknown region: %d", r.status)
		}
		// The padded official code of 新邱区, and the role of a leader.
		r = sec.postForm(path+"/scope", url.Values{"role": {"leader"}, "region_code": {"210903"}, "version": {strconv.FormatInt(u.Version, 10)}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("scope change: %d\n%.400s", r.status, r.body)
		}
		if got, err := st.GetUser(testutil.System(), u.ID); err != nil || got.Role != auth.RoleLeader || got.RegionCode != "210903" {
			t.Errorf("after the change: %+v, %v", got, err)
		}
		// An administrator account does not become a business one here either.
		r = sec.postForm(path+"/scope", url.Values{"role": {"sysadmin"}, "region_code": {"2109"}, "version": {"99"}})
		if r.status < 400 {
			t.Errorf("a business account made an administrator: %d", r.status)
		}

		// The system administrator: no role form; the reset needs the tick, then shows the password once.
		page = sys.get(path)
		lacks(t, page, `action="`+path+`/scope"`)
		contains(t, page, `action="`+path+`/password"`, `action="`+path+`/name"`)
		cur, _ := st.GetUser(testutil.System(), u.ID)
		if r := sys.postForm(path+"/password", url.Values{"version": {strconv.FormatInt(cur.Version, 10)}}); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("reset without the tick: %d", r.status)
		}
		r = sys.postForm(path+"/password", url.Values{"version": {strconv.FormatInt(cur.Version, 10)}, "confirm": {"1"}})
		if r.status != http.StatusOK {
			t.Fatalf("reset: %d\n%.400s", r.status, r.body)
		}
		m := regexp.MustCompile(`id="one-time-password">([^<]+)<`).FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("no one-time password on the page:\n%.600s", r.body)
		}
		lacks(t, sys.get(path), m[1])
		// The reset puts the role back to pending (the administrator knows the password) until granted again.
		g := sec.postForm(path+"/grant", nil)
		if g.status != http.StatusSeeOther {
			t.Fatalf("grant after the reset: %d", g.status)
		}
		owner := s.browser()
		if r := owner.postForm("/login", url.Values{"username": {"cw_move"}, "password": {m[1]}}); r.status != http.StatusSeeOther {
			t.Fatalf("login with the one-time password: %d\n%.300s", r.status, r.body)
		}
		if r := owner.get("/"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/account") {
			t.Errorf("with a one-time password: %d to %q", r.status, r.location)
		}

		// One's own account: the facts, no forms.
		self, _ := st.ListUsers(testutil.System(), model.UserFilter{Q: "sec_fx"})
		own := sec.get("/users/" + strconv.FormatInt(self.Items[0].ID, 10))
		lacks(t, own, `/scope"`, `/password"`)
	})
}
