package server

import (
	"net/http/httptest"
	"testing"
)

// TestClientIPTrustsOnlyConfiguredProxies: X-Real-IP and X-Forwarded-For
// are believed only from the proxies of HOUDUN_TRUSTED_PROXIES; with none
// configured, a loopback peer's headers are ignored too.
func TestClientIPTrustsOnlyConfiguredProxies(t *testing.T) {
	proxies, err := ParseProxies("10.0.0.0/8, 192.168.1.5")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, peer, realIP, xff string
		trusted                 bool
		want                    string
	}{
		{"no proxy configured, loopback peer", "127.0.0.1:5000", "203.0.113.7", "", false, "127.0.0.1"},
		{"untrusted peer", "198.51.100.2:5000", "203.0.113.7", "203.0.113.8", true, "198.51.100.2"},
		{"trusted proxy, X-Real-IP", "10.1.2.3:5000", "203.0.113.7", "", true, "203.0.113.7"},
		{"trusted proxy, X-Forwarded-For chain", "10.1.2.3:5000", "", "1.2.3.4, 203.0.113.9, 10.9.9.9", true, "203.0.113.9"},
		{"trusted single address", "192.168.1.5:443", "", "203.0.113.10", true, "203.0.113.10"},
		{"trusted proxy, bad header", "10.1.2.3:5000", "not-an-ip", "", true, "10.1.2.3"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		if c.realIP != "" {
			r.Header.Set("X-Real-IP", c.realIP)
		}
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		var tr = proxies
		if !c.trusted {
			tr = nil
		}
		if got := clientIP(r, tr); got != c.want {
			t.Errorf("%s: clientIP = %s, want %s", c.name, got, c.want)
		}
	}
	if _, err := ParseProxies("10.0.0.0/8, proxy.example"); err == nil {
		t.Error("a name among the proxies is accepted")
	}
}
