package web

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/i18n"
)

// TestTheMenuOffersOnlyPagesTheRouteTableAllows keeps navAllowed and the
// route table's permissions in step: every menu entry a role sees leads to
// a page whose route permission the role holds (no menu entry into a 403),
// and a role that holds a menu page's route permission sees its entry,
// except where navAllowed says why not (a worker's cases are /me/needs).
func TestTheMenuOffersOnlyPagesTheRouteTableAllows(t *testing.T) {
	perms := map[string]auth.Permission{}
	for _, rt := range (&handlers{}).routes() {
		perms[rt.pattern] = rt.perm
	}
	principal := func(role string) *auth.Principal {
		u := &auth.Principal{UserID: 1, Role: role, RegionCode: "210902"}
		if role == auth.RoleWorker {
			u.RegionCode, u.PersonID = "", 1
		}
		return u
	}
	all := map[string]bool{} // every menu entry of some role
	for _, role := range auth.Roles {
		for _, n := range navFor(principal(role), i18n.ZH) {
			all[n.Href] = true
		}
	}
	for _, role := range auth.Roles {
		u := principal(role)
		shown := map[string]bool{}
		for _, n := range navFor(u, i18n.ZH) {
			shown[n.Href] = true
			perm, ok := perms["GET "+n.Href]
			if !ok {
				t.Errorf("%s: the menu links to %s, which no route serves", role, n.Href)
				continue
			}
			if perm != "" && !u.Can(perm) {
				t.Errorf("%s: the menu shows %s, whose route needs %s", role, n.Href, perm)
			}
			if n.Href == "/dashboard" && !dashboardAllowed(u) {
				t.Errorf("%s: the menu shows the dashboard, which refuses the role", role)
			}
		}
		for href := range all {
			perm := perms["GET "+href]
			exempt := (href == "/needs" && u.Can(auth.PermNeedReport)) || href == "/dashboard" ||
				(href == "/checkins" && u.Can(auth.PermCheckinSubmit)) || // a team leader's batch: linked from /checkin
				(href == "/deployments/days" && u.Can(auth.PermDeployRead)) // planners reach it from the deployment pages
			if perm != "" && u.Can(perm) && !shown[href] && !exempt {
				t.Errorf("%s may open %s (%s) but the menu does not offer it", role, href, perm)
			}
		}
	}
}

// TestNoPageFormPostsToTheAPI: a page form that can fail must answer with
// the page and its message, which only a page route does; the API answers
// JSON. Links to the API's downloads (templates, exports) are not forms.
func TestNoPageFormPostsToTheAPI(t *testing.T) {
	files, err := filepath.Glob("templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v %v", files, err)
	}
	form := regexp.MustCompile(`<form[^>]*action="/api/`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := form.Find(b); m != nil {
			t.Errorf("%s: %s", f, m)
		}
	}
}
