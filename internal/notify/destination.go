package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"houdun/internal/model"
)

// Webhook destinations. A webhook is a URL the sysadmin types in and the
// server then posts to from inside the network, so unless the setting
// allows it (HOUDUN_WEBHOOK_ALLOW_PRIVATE, for a receiver on the same
// machine or network) it may not reach loopback, link-local (the cloud
// metadata services at 169.254.169.254 and fd00:ec2::254), private,
// shared (100.64.0.0/10, where Alibaba Cloud's metadata service
// 100.100.100.200 lives) or other special addresses. The URL is checked
// when the webhook is saved (CheckDestination: addresses written as such,
// and localhost), and every connection is checked again when it is made
// (the dialer's Control function), after the name has been resolved, so a
// name that resolves elsewhere at delivery time (DNS rebinding) is refused
// too.

// errDestination is the cause of a refused connection.
var errDestination = errors.New("destination refused: a loopback, link-local, private or metadata address (HOUDUN_WEBHOOK_ALLOW_PRIVATE allows them)")

// special lists the ranges netip's predicates do not cover.
var special = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // shared address space (carrier NAT; Alibaba Cloud metadata)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments (Oracle Cloud metadata 192.0.0.192)
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and the broadcast address
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64: may reach any IPv4 address
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local NAT64
	netip.MustParsePrefix("2002::/16"),       // 6to4: embeds an IPv4 address
	netip.MustParsePrefix("fec0::/10"),       // deprecated site-local
	netip.MustParsePrefix("100::/64"),        // discard
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("::ffff:0:0/96"),   // IPv4-mapped, once unmapped below
	netip.MustParsePrefix("::/128"),          // unspecified
	netip.MustParsePrefix("2001::/32"),       // Teredo: embeds an IPv4 address
	netip.MustParsePrefix("192.88.99.0/24"),  // 6to4 relay anycast
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
}

// Internal reports whether a webhook may not reach addr unless private
// destinations are allowed.
func Internal(addr netip.Addr) bool {
	addr = addr.Unmap()
	if !addr.IsValid() || addr.IsLoopback() || addr.IsPrivate() || addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast() ||
		addr.IsInterfaceLocalMulticast() || addr.IsMulticast() || addr.IsUnspecified() {
		return true
	}
	for _, p := range special {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// CheckDestination refuses, unless allowPrivate, a webhook URL whose host is
// an address Internal refuses or a name of this machine (localhost,
// *.localhost) or of a metadata service. Names are not resolved here: the
// delivery's dialer checks the addresses they resolve to. It returns an
// EInvalid error on the url field.
func CheckDestination(raw string, allowPrivate bool) error {
	if allowPrivate {
		return nil
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil // the store's validation answers for a malformed URL
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	refused := host == "localhost" || strings.HasSuffix(host, ".localhost") || host == "metadata.google.internal" || host == "metadata"
	if addr, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil && Internal(addr) {
		refused = true
	}
	if refused {
		fe := model.FieldErrors{}
		fe.Add("url", "webhook.url_internal")
		return fe.Err()
	}
	return nil
}

// guard is the dialer's Control function: it refuses a connection to an
// address that Internal refuses, after the name was resolved.
func guard(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", errDestination, err)
	}
	if Internal(ap.Addr()) {
		return errDestination
	}
	return nil
}

// guardedTransport is http.DefaultTransport whose connections go through
// guard. A proxy from the environment (HTTPS_PROXY) is dialled instead of
// the receiver, and then must itself refuse internal destinations.
func guardedTransport(allowPrivate bool) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = guard
	}
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}
	return t
}
