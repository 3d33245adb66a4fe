package web

import (
	"bytes"
	"context"
	"mime/multipart"
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

// TestImportWhenBusyShowsTheImportPageWithTheMessage: with every import slot
// taken, the upload answers the import page (503, Retry-After) saying the
// server is busy, and no job starts.
func TestImportWhenBusyShowsTheImportPageWithTheMessage(t *testing.T) {
	st := testutil.NewStore(t, store.SQLite, time.Now)
	gate := importer.NewGate(1)
	mux := http.NewServeMux()
	Register(mux, Deps{Store: st, Config: config.Default(), Imports: gate})
	leave, err := gate.Enter()
	if err != nil {
		t.Fatal(err)
	}
	defer leave()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "people.csv")
	fw.Write([]byte("姓名,身份证号\n张三,1\n"))
	mw.Close()
	req := httptest.NewRequest("POST", "/import/people", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req = req.WithContext(auth.WithPrincipal(context.Background(), &auth.Principal{UserID: 1, Username: "cw", Role: auth.RoleCaseworker, RegionCode: "2109"}))
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "当前导入任务较多，请稍后再试") ||
		!strings.Contains(rec.Body.String(), `action="/import/people"`) {
		t.Errorf("busy: %d %q\n%.600s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
}
