package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"houdun/internal/config"
	"houdun/internal/httpx"
	"houdun/internal/model"
	"houdun/internal/server"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// smallVolume mounts a tmpfs of size bytes for the test, or skips: it takes
// root (CI runs as root on Debian) and a kernel that lets us mount.
func smallVolume(t *testing.T, size int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "volume")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		t.Skip("a small file system needs root to mount a tmpfs: the full-disk test on a real volume is skipped (TestFullDiskIsStorageFull in store injects the fault instead)")
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d,mode=0700", size), "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("mount -t tmpfs is not permitted here (%v: %s): the full-disk test on a real volume is skipped", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

// fill writes a file at path until the volume is full.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return
		}
	}
}

// TestFullDiskAnswersStorageFull: on a volume that fills up, writes answer
// 507 storage_full with a message in the caller's language (not a generic
// 500), /healthz says storage_full, a session still works for reads, and
// once there is space again everything works as before.
func TestFullDiskAnswersStorageFull(t *testing.T) {
	vol := smallVolume(t, 16<<20)
	clock := testutil.NewClock(time.Now())
	st, err := store.Open(context.Background(), filepath.Join(vol, "houdun.db"), store.Options{Sealer: testutil.Sealer(), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateUser(testutil.System(), model.UserInput{Username: ptr("hz-caseworker"), Password: ptr("Houdun-2026!"),
		Role: ptr("caseworker"), RegionCode: ptr("210902")}); err != nil {
		t.Fatal(err)
	}
	token, _, err := st.Login(context.Background(), store.Credentials{Username: "hz-caseworker", Password: "Houdun-2026!", IP: "127.0.0.1"},
		config.Default().Session)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(config.Default(), st, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	do := func(method, path string, body any) (int, string) {
		t.Helper()
		var r io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			r = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, srv.URL+path, r)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept-Language", "en")
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	n := 0
	create := func() (int, string) {
		n++
		return do("POST", "/api/v1/institutions", map[string]string{"name": fmt.Sprintf("第%d社区卫生服务中心", n),
			"type": "community_health_centre", "region_code": "210902"})
	}
	if code, body := create(); code != http.StatusCreated {
		t.Fatalf("before the disk is full: %d %s", code, body)
	}

	filler := filepath.Join(vol, "filler")
	fill(t, filler)
	code, body := 0, ""
	for range 500 { // the pages in hand may take a few rows more
		if code, body = create(); code != http.StatusCreated {
			break
		}
	}
	var eb httpx.ErrorBody
	json.Unmarshal([]byte(body), &eb)
	if code != http.StatusInsufficientStorage || eb.Error.Code != "storage_full" || !strings.Contains(eb.Error.Message, "storage is full") {
		t.Fatalf("a write on a full disk: %d %s; want 507 storage_full in English", code, body)
	}
	if code, body := do("GET", "/healthz", nil); code != http.StatusServiceUnavailable || !strings.Contains(body, "storage_full") {
		t.Errorf("/healthz on a full disk: %d %s", code, body)
	}
	if code, body := do("GET", "/api/v1/institutions", nil); code != http.StatusOK && code != http.StatusInsufficientStorage {
		t.Errorf("a read on a full disk: %d %s; want it served, or refused as storage_full", code, body)
	}

	os.Remove(filler)
	if code, body := create(); code != http.StatusCreated {
		t.Fatalf("once there is space again: %d %s", code, body)
	}
	if code, body := do("GET", "/healthz", nil); code != http.StatusOK {
		t.Errorf("/healthz once there is space again: %d %s", code, body)
	}
}
