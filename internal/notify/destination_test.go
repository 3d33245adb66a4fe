package notify_test

import (
	"net/netip"
	"strings"
	"testing"

	"houdun/internal/model"
	"houdun/internal/notify"
	"houdun/internal/testutil"
)

// TestInternalDestinations: loopback, link-local (metadata), private,
// shared and other special addresses are internal, in every spelling;
// public addresses are not.
func TestInternalDestinations(t *testing.T) {
	for _, a := range []string{"127.0.0.1", "127.8.9.10", "::1", "0.0.0.0", "::", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
		"169.254.169.254", "fe80::1", "fd00:ec2::254", "fc00::1", "100.100.100.200", "100.64.0.1", "192.0.0.192", "::ffff:127.0.0.1",
		"::ffff:169.254.169.254", "224.0.0.1", "255.255.255.255", "64:ff9b::a9fe:a9fe"} {
		if !notify.Internal(netip.MustParseAddr(a)) {
			t.Errorf("%s is not refused", a)
		}
	}
	for _, a := range []string{"1.1.1.1", "114.114.114.114", "223.5.5.5", "2400:3200::1", "172.32.0.1", "100.128.0.1"} {
		if notify.Internal(netip.MustParseAddr(a)) {
			t.Errorf("%s is refused", a)
		}
	}
	for _, c := range []struct {
		url     string
		refused bool
	}{
		{"http://127.0.0.1:8080/hook", true}, {"http://[::1]/hook", true}, {"http://169.254.169.254/latest/meta-data/", true},
		{"http://100.100.100.200/latest/meta-data/", true}, {"http://localhost:9000/", true}, {"http://api.localhost/", true},
		{"http://metadata.google.internal/computeMetadata/v1/", true}, {"http://10.0.0.5/hook", true}, {"http://[::ffff:10.0.0.5]/", true},
		{"https://hooks.example.org/houdun", false}, {"https://203.0.113.9/", true}, {"https://1.1.1.1/hook", false},
	} {
		err := notify.CheckDestination(c.url, false)
		if got := err != nil; got != c.refused {
			t.Errorf("CheckDestination(%s) = %v; refused want %v", c.url, err, c.refused)
		}
		if err != nil && model.AsError(err).Fields["url"].Key != "webhook.url_internal" {
			t.Errorf("CheckDestination(%s) = %v; want the url field", c.url, err)
		}
		if err := notify.CheckDestination(c.url, true); err != nil {
			t.Errorf("CheckDestination(%s) with private destinations allowed = %v", c.url, err)
		}
	}
}

// TestDeliveryRefusesInternalAddressesWhenItDials: a webhook whose name
// resolves to loopback at delivery time (as after DNS rebinding) is not
// posted to: the dialer checks the address it connects to.
func TestDeliveryRefusesInternalAddressesWhenItDials(t *testing.T) {
	forEachEngine(t, func(t *testing.T, dsn string, clock *testutil.Clock) {
		st := open(t, dsn, clock)
		recv := newReceiver(t, clock, nil)
		url := strings.Replace(recv.URL, "127.0.0.1", "localhost", 1) // saved behind the API's check
		webhook(t, st, url, "need.created")
		urgentCases(t, st, nurse(t, st), 1)
		run(t, &notify.Deliverer{Store: st, Now: clock.Now, Log: quiet}, 0, 1) // the default client
		if n := len(recv.got()); n != 0 {
			t.Fatalf("%d posts to a loopback receiver, want none", n)
		}
		if dl := deliveries(t, st)[0]; !strings.Contains(dl.LastError, "destination refused") {
			t.Errorf("delivery = %+v; want the refusal as its last error", dl)
		}
	})
}
