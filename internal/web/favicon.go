package web

import (
	"net/http"
)

// Favicon serves /favicon.ico, which browsers ask for on every site: the
// shield of static/favicon.ico (32×32, brand blue), cached for a day. It is
// served by package server beside /healthz, outside the page routes,
// because it is the same for everyone and needs no session.
func Favicon() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := staticFS.ReadFile("static/favicon.ico")
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/x-icon")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Write(b)
	})
}
