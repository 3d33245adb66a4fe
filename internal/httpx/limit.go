package httpx

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// LoginLimiter slows password guessing from one address, on top of the
// per-account lock the store applies. Only failures use up an address's
// bucket (10, then one every 6 s), so a hospital behind one address is not
// locked out at a change of shift by its own successful logins. The API and
// the login page share one, so an address has one budget.
type LoginLimiter struct {
	mu      sync.Mutex
	byIP    map[string]*rate.Limiter
	resetAt time.Time
}

// NewLoginLimiter returns an empty limiter.
func NewLoginLimiter() *LoginLimiter { return &LoginLimiter{byIP: map[string]*rate.Limiter{}} }

// limiter returns ip's bucket, forgetting all addresses hourly so the map
// cannot grow without bound.
func (l *LoginLimiter) limiter(ip string) *rate.Limiter {
	if now := time.Now(); now.After(l.resetAt) {
		l.byIP, l.resetAt = map[string]*rate.Limiter{}, now.Add(time.Hour)
	}
	lim, ok := l.byIP[ip]
	if !ok {
		lim = rate.NewLimiter(rate.Every(6*time.Second), 10)
		l.byIP[ip] = lim
	}
	return lim
}

// Allow reports whether ip may try a login now.
func (l *LoginLimiter) Allow(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limiter(ip).Tokens() >= 1
}

// Failed records a failed login from ip.
func (l *LoginLimiter) Failed(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limiter(ip).Allow()
}
