package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"houdun/internal/config"
	"houdun/internal/server"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestMetricsNeedATokenOrTheirOwnAddress: /metrics is off unless a token
// or an address of its own is set; on its own address the main address
// does not serve it.
func TestMetricsNeedATokenOrTheirOwnAddress(t *testing.T) {
	st := testutil.NewStore(t, store.SQLite, nil)
	quietLog := slog.New(slog.NewTextHandler(io.Discard, nil))
	status := func(url string, header ...string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", url, nil)
		if len(header) == 2 {
			req.Header.Set(header[0], header[1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	off := httptest.NewServer(server.New(config.Default(), st, quietLog))
	defer off.Close()
	if code, _ := status(off.URL + "/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics without a token or address of its own: %d, want 404", code)
	}

	// An address of its own: the free port of a listener just closed.
	probe, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := probe.Addr().String()
	probe.Close()
	cfg := config.Default()
	cfg.MetricsAddr = addr
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- server.New(cfg, st, quietLog).Serve(ctx, ln) }()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("Serve did not return")
		}
	}()
	var code int
	var body string
	eventually(t, "the metrics address answers", func() bool {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			return false
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		code, body = resp.StatusCode, string(b)
		return true
	})
	if code != http.StatusOK || !strings.Contains(body, "go_goroutines") {
		t.Errorf("/metrics on its own address: %d", code)
	}
	if code, _ := status("http://" + ln.Addr().String() + "/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics on the main address beside its own: %d, want 404", code)
	}
}
