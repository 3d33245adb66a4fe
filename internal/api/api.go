// Package api is the JSON API under /api/v1: one file per area, routes.go
// listing every route (the OpenAPI test reads it), and openapi.json
// describing them. Handlers parse and answer; rules live in model and store.
package api

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/config"
	"houdun/internal/httpx"
	"houdun/internal/importer"
	"houdun/internal/model"
	"houdun/internal/store"
)

// Deps is what the handlers need.
type Deps struct {
	Store  *store.Store
	Config config.Config
	Log    *slog.Logger
	// Login is shared with the login page so that an address has one budget.
	Login *httpx.LoginLimiter
	// Imports bounds the imports running at once, shared with the pages.
	Imports *importer.Gate
}

type handlers struct {
	Deps
}

// handlerFunc is a handler that returns its error to one wrapper.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// wrap turns a handlerFunc into an http.Handler that renders errors as JSON.
func wrap(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			httpx.WriteError(w, r, err)
		}
	})
}

// authed wraps a handler that needs a logged-in caller.
func authed(perm []auth.Permission, h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := httpx.Require(r)
		if err != nil {
			return err
		}
		if len(perm) > 0 && !slices.ContainsFunc(perm, p.Can) {
			return model.Errorf(model.EForbidden, "error.forbidden")
		}
		return h(w, r)
	}
}

// oneTimePasswordRoutes are what a session whose password an administrator
// set may call: look at itself, change the password, log out.
var oneTimePasswordRoutes = map[string]bool{
	"GET /api/v1/session": true, "DELETE /api/v1/session": true, "POST /api/v1/session/password": true,
}

// passwordChanged answers 403 password_change_required to a session whose
// password was set by an administrator, until the owner changes it (the store
// refuses such a caller too; this names the reason on every route alike).
func passwordChanged(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if p := auth.FromContext(r.Context()); p != nil && p.PasswordChangeRequired {
			return model.Errorf(model.EPasswordChange, "password.change_required")
		}
		return h(w, r)
	}
}

// Register adds every API route to mux.
func Register(mux *http.ServeMux, d Deps) {
	if d.Login == nil {
		d.Login = httpx.NewLoginLimiter()
	}
	if d.Imports == nil {
		d.Imports = importer.NewGate(0)
	}
	h := &handlers{Deps: d}
	for _, rt := range h.routes() {
		fn := rt.Handler
		if !rt.Public && !oneTimePasswordRoutes[rt.Method+" "+rt.Path] {
			fn = passwordChanged(fn)
		}
		mux.Handle(rt.Method+" "+rt.Path, wrap(fn))
	}
	// Unknown API paths answer JSON, not the web pages' HTML 404; a known
	// path with the wrong method answers 405 with the methods it has.
	mux.Handle("/api/", wrap(func(w http.ResponseWriter, r *http.Request) error {
		var allowed []string
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "" && pattern != "/api/" {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			return model.Errorf(model.EMethodNotAllowed, "error.method")
		}
		return notFoundPage()
	}))
}
