// Package web serves the server-rendered HTML pages.
package web

import (
	"log/slog"
	"net/http"

	"houdun/internal/config"
	"houdun/internal/store"
)

// Deps is what the pages need.
type Deps struct {
	Store  *store.Store
	Config config.Config
	Log    *slog.Logger
}

// Register adds every page route to mux.
func Register(mux *http.ServeMux, d Deps) {}
