package server

import (
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzhttp"
)

// compress gzips the answers where that is safe (gzhttp, of
// github.com/klauspost/compress: Accept-Encoding, Vary, Content-Length,
// ranges and flushing done right): the static files, and pages answering a
// GET, which are large and repetitive HTML.
//
// Not compressed, because of BREACH (a compressed answer's length tells
// whether attacker-chosen text reflected in it matches a secret beside it):
// the API (its answers hand out tokens and once-shown secrets, and its
// clients are scripts), answers to a POST (the pages that show a new family
// link token, an authenticator key or a one-time password once), answers
// setting a cookie (a login), family self-service pages (/f/{token}, whose
// token is in the page), /metrics (promhttp compresses by itself) and
// /healthz. The GET pages compressed carry no token: sessions live in
// HttpOnly cookies, and cross-site request protection uses Sec-Fetch-Site
// and Origin rather than a token in the page. Their bodies still carry
// personal data beside reflected search text, so a random padding (up to
// 32 bytes, gzhttp's RandomJitter) blurs their length as well.
func compress(next http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.MinSize(1024), gzhttp.RandomJitter(32, 0, false))
	if err != nil {
		panic(err) // fixed options: a build defect
	}
	zipped := wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(cookieGuard{w}, r)
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if compressible(r) {
			zipped.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// compressible says whether the answer to r may be gzipped.
func compressible(r *http.Request) bool {
	p := r.URL.Path
	if strings.HasPrefix(p, "/static/") {
		return true
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	return !strings.HasPrefix(p, "/api/") && !strings.HasPrefix(p, "/f/") && p != "/metrics" && p != "/healthz" && p != "/favicon.ico"
}

// cookieGuard turns compression off for an answer that sets a cookie.
type cookieGuard struct{ http.ResponseWriter }

func (c cookieGuard) guard() {
	if len(c.Header()["Set-Cookie"]) > 0 {
		c.Header().Set(gzhttp.HeaderNoCompression, "1")
	}
}

func (c cookieGuard) WriteHeader(code int) {
	c.guard()
	c.ResponseWriter.WriteHeader(code)
}

func (c cookieGuard) Write(b []byte) (int, error) {
	c.guard()
	return c.ResponseWriter.Write(b)
}

func (c cookieGuard) Unwrap() http.ResponseWriter { return c.ResponseWriter }
