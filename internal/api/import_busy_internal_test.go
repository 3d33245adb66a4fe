package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/config"
	"houdun/internal/importer"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestImportWhenBusyAnswers503WithRetryAfter: with every import slot taken,
// an upload is refused at once with 503, Retry-After and a "busy, try again"
// in the caller's language; once a slot is free the same upload runs.
func TestImportWhenBusyAnswers503WithRetryAfter(t *testing.T) {
	st := testutil.NewStore(t, store.SQLite, time.Now)
	gate := importer.NewGate(1)
	mux := http.NewServeMux()
	Register(mux, Deps{Store: st, Config: config.Default(), Imports: gate})
	caller := &auth.Principal{UserID: 1, Username: "cw", Role: auth.RoleCaseworker, RegionCode: "2109"}
	upload := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/api/v1/imports/people?dry_run=true", bytes.NewReader([]byte("姓名,身份证号\n张三,1\n")))
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("Accept-Language", "en")
		req = req.WithContext(auth.WithPrincipal(context.Background(), caller))
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		return rec
	}
	leave, err := gate.Enter()
	if err != nil {
		t.Fatal(err)
	}
	rec := upload()
	var body struct {
		Error struct{ Code, Message string }
	}
	json.Unmarshal(rec.Body.Bytes(), &body)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" || body.Error.Code != "unavailable" ||
		!strings.Contains(body.Error.Message, "busy") {
		t.Errorf("busy: %d Retry-After %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	leave()
	if rec := upload(); rec.Code == http.StatusServiceUnavailable {
		t.Errorf("after the slot is free: %d %s", rec.Code, rec.Body)
	}
}
