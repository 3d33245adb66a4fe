package api_test

import (
	"sort"
	"testing"

	"houdun/internal/api"
)

// openRoutes are the routes that need a login but name no right in the
// route table, and why: everyone's own session, the empty import templates,
// and two whose right depends on more than the role (the store decides).
var openRoutes = map[string]string{
	"GET /api/v1/session":                        "one's own session",
	"DELETE /api/v1/session":                     "one's own session",
	"POST /api/v1/session/password":              "one's own password",
	"GET /api/v1/imports/people/template.xlsx":   "an empty template",
	"GET /api/v1/imports/families/template.xlsx": "an empty template",
	"POST /api/v1/users/{id}/otp/reset":          "secadmin for another account; the store checks it with the account",
	"GET /api/v1/settings":                       "the policy in force, read by every role that works in a region (store.canReadSettings)",
}

// TestEveryRouteNamesItsRight: a new route states in routes.go which rights
// may use it, so that the wrapper refuses everyone else before the handler
// runs, or is listed above with the reason it names none.
func TestEveryRouteNamesItsRight(t *testing.T) {
	perms := api.RoutePerms()
	var keys []string
	for k := range perms {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		_, open := openRoutes[k]
		switch {
		case len(perms[k]) == 0 && !open:
			t.Errorf("%s names no Perm in routes.go", k)
		case len(perms[k]) > 0 && open:
			t.Errorf("%s names a Perm but is listed as open", k)
		}
	}
	for k := range openRoutes {
		if _, ok := perms[k]; !ok {
			t.Errorf("open route %s is not a route", k)
		}
	}
}
