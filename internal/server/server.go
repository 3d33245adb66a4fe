// Package server assembles the HTTP handler of houdun: the JSON API, the web
// pages, /healthz and /metrics behind one chain of middleware (recovery,
// metrics, security headers, cross-origin protection, authentication), and
// runs it with a graceful shutdown. Business rules live elsewhere.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"houdun/internal/api"
	"houdun/internal/config"
	"houdun/internal/httpx"
	"houdun/internal/importer"
	"houdun/internal/store"
	"houdun/internal/web"
)

// Server is the assembled HTTP handler and what it needs.
type Server struct {
	cfg     config.Config
	st      *store.Store
	log     *slog.Logger
	handler http.Handler
	reg     *prometheus.Registry
}

// New builds the handler.
func New(cfg config.Config, st *store.Store, log *slog.Logger) *Server {
	s := &Server{cfg: cfg, st: st, log: log, reg: prometheus.NewRegistry()}
	s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := newMetrics(s.reg)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}))
	login := httpx.NewLoginLimiter()
	imports := importer.NewGate(0)
	api.Register(mux, api.Deps{Store: st, Config: cfg, Log: log, Login: login, Imports: imports})
	web.Register(mux, web.Deps{Store: st, Config: cfg, Log: log, Login: login, Imports: imports})

	var h http.Handler = mux
	h = s.authenticate(h)
	h = crossOrigin(h)
	h = securityHeaders(h)
	h = m.instrument(mux, h)
	h = s.recoverPanics(h)
	s.handler = h
	return s
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "application/json")
	if err := s.st.Ping(ctx); err != nil {
		s.log.Error("healthz: database does not answer", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"status":"unavailable"}`))
		return
	}
	w.Write([]byte(`{"status":"ok"}`))
}

// Serve runs the server on ln, with the scheduler and the outbox worker
// beside it, until ctx ends, then lets in-flight requests finish within the
// grace period. It returns only after its background work has stopped, so
// the caller may close the database then.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	if err := s.startJobs(ctx, &wg); err != nil {
		ln.Close()
		return err
	}
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // large roster uploads on slow links
		WriteTimeout:      10 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
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
		return err
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
