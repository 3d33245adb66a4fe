package server

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/tmpdir"
)

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "houdun_http_requests_total", Help: "HTTP requests by route pattern and status."},
			[]string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "houdun_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: prometheus.DefBuckets}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// instrument counts requests by the mux pattern that served them (never by raw
// path, which would carry ids into label values).
func (m *metrics) instrument(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		// Inner middleware passes the mux a copy of r, so ask the mux again.
		_, route := mux.Handler(r)
		if route == "" {
			route = "unmatched"
		}
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		m.requests.WithLabelValues(route, strconv.Itoa(rec.status)).Inc()
		m.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic serving request", "route", r.Pattern, "panic", p, "stack", string(debug.Stack()))
				http.Error(w, "internal server error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets the headers every response carries; personal data is never cached.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		if !strings.HasPrefix(r.URL.Path, "/static/") && r.URL.Path != "/favicon.ico" {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// crossOrigin rejects cross-site state changes from browsers (Sec-Fetch-Site
// and Origin checks, Go's CSRF protection); scripts with a bearer token carry
// neither header and pass.
func crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteError(w, r, httpx.Forbidden("error.cross_origin"))
	}))
	return cop.Handler(next)
}

// authenticate puts the caller's principal into the request context when a
// bearer token or session cookie is valid; handlers decide whether one is needed.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := clientIP(r, s.proxies)
		token := ""
		if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
			token = strings.TrimSpace(h[len("Bearer "):])
		} else if c, err := r.Cookie(httpx.SessionCookie); err == nil {
			token = c.Value
		}
		ctx := r.Context()
		if token != "" {
			p, err := s.st.Authenticate(ctx, token, ip, s.cfg.Session)
			switch code := model.ErrorCode(err); {
			case err == nil:
				ctx = auth.WithPrincipal(ctx, p)
			case code == model.EUnauthenticated:
				// A wrong, ended or unknown token: the caller is anonymous.
			case withoutAuth(r.URL.Path):
			default:
				// The database failed, not the credentials: saying
				// "unauthenticated" would make API clients drop their
				// session and send people to a login that cannot work.
				s.log.Error("authentication failed: the database does not answer", "route", r.URL.Path, "err", err)
				fault := model.Unavailable(err)
				if strings.HasPrefix(r.URL.Path, "/api/") {
					httpx.WriteError(w, r, fault)
					return
				}
				// Pages answer with the "temporarily unavailable" page of
				// package web, which keeps the user's place.
				ctx = httpx.WithAuthFault(ctx, fault)
			}
		}
		ctx = httpx.WithClientIP(ctx, ip)
		if s.tmp != "" {
			ctx = tmpdir.With(ctx, s.tmp)
		}
		rec := &statusRecorder{ResponseWriter: w}
		ctx, note := httpx.WithErrorNote(ctx)
		r = r.WithContext(ctx)
		next.ServeHTTP(rec, r)
		// Denials are audited here, once for the API and the pages alike,
		// with the status and the reason the caller was given.
		if (rec.status == http.StatusForbidden || rec.status == http.StatusTooManyRequests) && r.Pattern != "" {
			detail := strconv.Itoa(rec.status)
			if *note != "" {
				detail += " " + string(*note)
			}
			if err := s.st.Audit(ctx, store.ActDenied, "route", auditedRoute(r), model.OutcomeDenied, detail); err != nil {
				s.log.Warn("audit of a denial failed", "err", err)
			}
		}
	})
}

// withoutAuth lists the paths served alike to everyone, which a database
// outage does not stop: static files, the icon and the health and metrics
// endpoints (/healthz reports the outage itself).
func withoutAuth(path string) bool {
	return strings.HasPrefix(path, "/static/") || path == "/favicon.ico" || path == "/healthz" || path == "/metrics"
}

// auditedRoute names a request in an audit row: method and path, which
// carries the ids asked for; but a path that is itself a credential (a
// family self-service link, /f/{token}) is named by its pattern, so that the
// audit trail holds no usable token.
func auditedRoute(r *http.Request) string {
	if strings.Contains(r.Pattern, "{token}") {
		return r.Pattern
	}
	return r.Method + " " + r.URL.Path
}

// clientIP is the caller's address for audit rows and the login limiter:
// the peer, unless the peer is one of the trusted proxies
// (HOUDUN_TRUSTED_PROXIES). Then it is X-Real-IP when the proxy set one,
// else the right-most address of X-Forwarded-For that is not itself a
// trusted proxy (those to its left may be forged by the client).
func clientIP(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	isTrusted := func(a netip.Addr) bool {
		a = a.Unmap()
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !isTrusted(peer) {
		return host
	}
	if x, err := netip.ParseAddr(strings.TrimSpace(r.Header.Get("X-Real-IP"))); err == nil {
		return x.Unmap().String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !isTrusted(a) {
			return a.Unmap().String()
		}
	}
	return host
}

// ParseProxies reads HOUDUN_TRUSTED_PROXIES: addresses or CIDR ranges
// separated by commas or spaces; "" trusts no one.
func ParseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("HOUDUN_TRUSTED_PROXIES: %q is neither an address nor a CIDR range", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}
