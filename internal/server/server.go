// Package server assembles the HTTP handler of houdun: the JSON API, the web
// pages, /healthz and /metrics behind one chain of middleware (recovery,
// metrics, security headers, cross-origin protection, authentication), and
// runs it with a graceful shutdown. Business rules live elsewhere.
package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"houdun/internal/api"
	"houdun/internal/config"
	"houdun/internal/httpx"
	"houdun/internal/importer"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/tmpdir"
	"houdun/internal/web"
)

// Server is the assembled HTTP handler and what it needs.
type Server struct {
	cfg     config.Config
	st      *store.Store
	log     *slog.Logger
	handler http.Handler
	reg     *prometheus.Registry
	tmp     string // the private folder for temporary files, set by Serve
	proxies []netip.Prefix
	metrics http.Handler // /metrics behind its token, if one is set
	badCfg  error        // a setting that stops Serve
}

// New builds the handler.
func New(cfg config.Config, st *store.Store, log *slog.Logger) *Server {
	s := &Server{cfg: cfg, st: st, log: log, reg: prometheus.NewRegistry()}
	if s.proxies, s.badCfg = ParseProxies(cfg.TrustedProxies); s.badCfg != nil {
		log.Error("bad setting", "err", s.badCfg)
	}
	s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := newMetrics(s.reg)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /favicon.ico", web.Favicon())
	s.metrics = s.metricsHandler()
	if cfg.MetricsAddr == "" && cfg.MetricsToken != "" {
		mux.Handle("GET /metrics", s.metrics)
	}
	login := httpx.NewLoginLimiter()
	imports := importer.NewGate(0)
	api.Register(mux, api.Deps{Store: st, Config: cfg, Log: log, Login: login, Imports: imports})
	web.Register(mux, web.Deps{Store: st, Config: cfg, Log: log, Login: login, Imports: imports})

	var h http.Handler = mux
	h = s.authenticate(h)
	h = crossOrigin(h)
	h = securityHeaders(h)
	h = compress(h)
	h = m.instrument(mux, h)
	h = s.recoverPanics(h)
	s.handler = h
	return s
}

// metricsHandler is /metrics: Prometheus text, behind the bearer token
// HOUDUN_METRICS_TOKEN when one is set (compared in constant time). On the
// main address a token is required; on HOUDUN_METRICS_ADDR, an address of
// its own that the operator keeps off the public network, it is optional.
func (s *Server) metricsHandler() http.Handler {
	h := promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})
	want := s.cfg.MetricsToken
	if want == "" {
		return h
	}
	sum := sha256.Sum256([]byte(want))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := sha256.Sum256([]byte(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")))
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") || subtle.ConstantTimeCompare(got[:], sum[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// serveMetrics serves /metrics alone on HOUDUN_METRICS_ADDR until ctx ends.
func (s *Server) serveMetrics(ctx context.Context, ln net.Listener) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", s.metrics)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		s.log.Error("metrics listener stopped", "err", err)
	}
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "application/json")
	switch err := s.st.Health(ctx); model.ErrorCode(err) {
	case "":
		w.Write([]byte(`{"status":"ok"}`))
	case model.EStorageFull:
		// The database answers and reads go on, but it takes no writes.
		s.log.Error("healthz: storage full", "err", err)
		httpx.SetRetryAfter(w, http.StatusServiceUnavailable)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"status":"storage_full"}`))
	default:
		s.log.Error("healthz: database does not answer", "err", err)
		httpx.SetRetryAfter(w, http.StatusServiceUnavailable)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"status":"unavailable"}`))
	}
}

// Serve runs the server on ln, with the scheduler and the outbox worker
// beside it, until ctx ends, then lets in-flight requests finish within the
// grace period. It returns only after its background work has stopped, so
// the caller may close the database then.
//
// Temporary files (exports before they are sent, uploads while they are
// imported, excelize's spill files) go to a private folder of the server's,
// emptied at start and removed when Serve returns, also when the grace ran
// out. A shutdown that was asked for returns nil even then: the
// connections still open are closed and their requests cancelled.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if s.badCfg != nil {
		ln.Close()
		return s.badCfg
	}
	dir := s.cfg.TempDir
	if dir == "" && s.st.Path() != "" {
		dir = s.st.Path() + ".tmp"
	}
	tmp, err := tmpdir.Prepare(dir)
	if err != nil {
		ln.Close()
		return err
	}
	s.tmp = tmp
	defer func() {
		if err := os.RemoveAll(tmp); err != nil {
			s.log.Error("temporary folder not removed", "dir", tmp, "err", err)
		}
	}()
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	if s.cfg.MetricsAddr != "" {
		mln, err := net.Listen("tcp", s.cfg.MetricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("HOUDUN_METRICS_ADDR: %w", err)
		}
		s.log.Info("metrics on their own address", "addr", mln.Addr().String())
		wg.Go(func() { s.serveMetrics(ctx, mln) })
	} else if s.cfg.MetricsToken == "" {
		s.log.Info("metrics are off: set HOUDUN_METRICS_TOKEN or HOUDUN_METRICS_ADDR")
	}
	if err := s.startJobs(ctx, &wg); err != nil {
		ln.Close()
		return err
	}
	// Requests outlive ctx by the grace, then they are cancelled.
	reqCtx, cancelRequests := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRequests()
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // large roster uploads on slow links
		WriteTimeout:      10 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return reqCtx },
	}
	wg.Go(func() { s.sweepSessions(ctx) })
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down; letting requests finish", "grace", s.cfg.ShutdownGrace)
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		s.log.Warn("shutdown grace ran out; closing the connections still open", "err", err)
		cancelRequests()
		hs.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// sweepSessions deletes ended sessions every few minutes.
func (s *Server) sweepSessions(ctx context.Context) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.st.DeleteExpiredSessions(ctx, s.cfg.Session); err != nil {
				s.log.Warn("session sweep failed", "err", err)
			} else if n > 0 {
				s.log.Info("ended idle sessions", "count", n)
			}
		}
	}
}
