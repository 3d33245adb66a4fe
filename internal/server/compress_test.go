package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"houdun/internal/config"
	"houdun/internal/server"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestFaviconAndGzip: /favicon.ico is an icon; static files and pages are
// gzipped for a browser that accepts it, and nothing is for one that does
// not; the API, POST answers and answers setting a cookie never are
// (BREACH: they carry tokens and once-shown secrets).
func TestFaviconAndGzip(t *testing.T) {
	st := testutil.NewStore(t, store.SQLite, nil)
	srv := httptest.NewServer(server.New(config.Default(), st, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(method, path, ctype, body string, gz bool) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if gz {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}

	resp, b := do("GET", "/favicon.ico", "", "", true)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/x-icon" || !bytes.HasPrefix(b, []byte{0, 0, 1, 0}) {
		t.Errorf("/favicon.ico: %d %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(b))
	}

	for _, path := range []string{"/static/houdun.css", "/login"} {
		resp, b := do("GET", path, "", "", true)
		if resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("GET %s: Content-Encoding %q, Vary %q; want gzip", path, resp.Header.Get("Content-Encoding"), resp.Header.Get("Vary"))
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil || len(plain) <= len(b) {
			t.Errorf("GET %s: %d bytes gzipped to %d (%v)", path, len(plain), len(b), err)
		}
		if resp, _ := do("GET", path, "", "", false); resp.Header.Get("Content-Encoding") != "" {
			t.Errorf("GET %s without Accept-Encoding: %q", path, resp.Header.Get("Content-Encoding"))
		}
	}
	for _, c := range []struct{ method, path, ctype, body string }{
		{"GET", "/api/v1/openapi.json", "", ""},
		{"POST", "/api/v1/session", "application/json", `{"username":"nobody","password":"wrong-password-1"}`},
		{"POST", "/login", "application/x-www-form-urlencoded", "username=nobody&password=wrong-password-1"},
		{"GET", "/lang?to=en&back=/login", "", ""},
	} {
		if resp, _ := do(c.method, c.path, c.ctype, c.body, true); resp.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s %s: %d, Content-Encoding %q; want none", c.method, c.path, resp.StatusCode, resp.Header.Get("Content-Encoding"))
		}
	}
}
