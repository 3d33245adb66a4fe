package api

import (
	_ "embed"
	"net/http"
)

// openAPIDocument describes every route of routes.go; TestOpenAPICoversEveryRoute keeps them in step.
//
//go:embed openapi.json
var openAPIDocument []byte

func (h *handlers) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err := w.Write(openAPIDocument)
	return err
}
