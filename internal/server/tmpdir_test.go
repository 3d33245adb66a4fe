package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"houdun/internal/config"
	"houdun/internal/httpx"
	"houdun/internal/model"
	"houdun/internal/server"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestShutdownLeavesNoTemporaryFiles: the server keeps its temporary files
// in a private folder (0700), empties it at start (what a crash left), and
// removes it at shutdown, also when the grace runs out with an upload of a
// roster still under way; a shutdown that was asked for returns nil.
func TestShutdownLeavesNoTemporaryFiles(t *testing.T) {
	clock := testutil.NewClock(time.Now())
	st := testutil.NewStore(t, store.SQLite, clock.Now)
	if _, err := st.CreateUser(testutil.System(), model.UserInput{Username: ptr("hz-caseworker"), Password: ptr("Houdun-2026!"),
		Role: ptr("caseworker"), RegionCode: ptr("210902")}); err != nil {
		t.Fatal(err)
	}
	token, _, err := st.Login(context.Background(), store.Credentials{Username: "hz-caseworker", Password: "Houdun-2026!", IP: "127.0.0.1"},
		config.Default().Session)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "private")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "excelize-1234")
	os.WriteFile(stale, []byte("张伟,值班期间无人做饭"), 0o644)

	cfg := config.Default()
	cfg.TempDir = dir
	cfg.ShutdownGrace = 300 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, shutdown := context.WithCancel(context.Background())
	defer shutdown()
	done := make(chan error, 1)
	go func() { done <- server.New(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil))).Serve(ctx, ln) }()
	eventually(t, "the server answers", func() bool {
		resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("a temporary file left before the start is still there (%v)", err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("private folder: %v, %v; want mode 0700", fi.Mode(), err)
	}

	// An upload that stalls half-way: its roster is in a temporary file.
	pr, pw := io.Pipe()
	defer pw.Close()
	req, _ := http.NewRequest("POST", "http://"+ln.Addr().String()+"/import/people", pr)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=XX")
	req.Header.Set("Cookie", httpx.SessionCookie+"="+token)
	go func() {
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	fmt.Fprint(pw, "--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"roster.csv\"\r\nContent-Type: text/csv\r\n\r\n")
	fmt.Fprint(pw, "姓名,身份证号\r\n张伟,11010519491231002X\r\n")
	eventually(t, "the upload is in the private folder", func() bool {
		m, _ := filepath.Glob(filepath.Join(dir, "houdun-upload-*"))
		return len(m) == 1
	})

	shutdown()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after a shutdown whose grace ran out = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		entries, _ := os.ReadDir(dir)
		t.Errorf("after the shutdown the private folder is still there with %d entries (%v)", len(entries), err)
	}
}
