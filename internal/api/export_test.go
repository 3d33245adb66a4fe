package api

import "houdun/internal/auth"

// RoutePerms maps "METHOD path" of every route that needs a login to the
// rights its Perm names, for tests.
func RoutePerms() map[string][]auth.Permission {
	h := &handlers{}
	out := map[string][]auth.Permission{}
	for _, rt := range h.routes() {
		if !rt.Public {
			out[rt.Method+" "+rt.Path] = rt.Perm
		}
	}
	return out
}
