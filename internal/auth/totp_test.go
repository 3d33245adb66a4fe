package auth

import (
	"bytes"
	"image/png"
	"net/url"
	"strings"
	"testing"
	"time"
)

// rfc6238Secret is the SHA-1 seed of RFC 6238's test vectors, "12345678901234567890", in base32.
const rfc6238Secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func TestTOTPCodesAreRFC6238s(t *testing.T) {
	// RFC 6238 Appendix B gives 8-digit values; a 6-digit code is their last six digits.
	for _, c := range []struct {
		unix int64
		want string
	}{
		{59, "287082"},          // 94287082
		{1111111109, "081804"},  // 07081804
		{1111111111, "050471"},  // 14050471
		{1234567890, "005924"},  // 89005924
		{2000000000, "279037"},  // 69279037
		{20000000000, "353130"}, // 65353130
	} {
		got, err := TOTPCode(rfc6238Secret, time.Unix(c.unix, 0))
		if err != nil || got != c.want {
			t.Errorf("code at %d = %q, %v; want %q", c.unix, got, err, c.want)
		}
	}
}

func TestMatchTOTPAllowsOneStepOfSkewAndNoReplay(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 10, 0, time.UTC)
	cur := TOTPStep(now)
	code := func(step int64) string {
		c, err := TOTPCode(rfc6238Secret, time.Unix(step*TOTPPeriod, 0))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, c := range []struct {
		name     string
		code     string
		last     int64
		wantStep int64
		wantOK   bool
	}{
		{"the current code", code(cur), 0, cur, true},
		{"the previous step's code (a slow typist)", code(cur - 1), 0, cur - 1, true},
		{"the next step's code (a fast phone clock)", code(cur + 1), 0, cur + 1, true},
		{"two steps back is too old", code(cur - 2), 0, 0, false},
		{"two steps ahead is too far", code(cur + 2), 0, 0, false},
		{"a code already used is refused", code(cur), cur, 0, false},
		{"an older code after a newer one was used is refused", code(cur - 1), cur, 0, false},
		{"the next code after the current one was used is fine", code(cur + 1), cur, cur + 1, true},
		{"spaces inside a typed code are ignored", code(cur)[:3] + " " + code(cur)[3:], 0, cur, true},
		{"letters are no code", "12a456", 0, 0, false},
		{"five digits are no code", code(cur)[:5], 0, 0, false},
		{"an empty code", "", 0, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			step, ok := MatchTOTP(rfc6238Secret, c.code, now, c.last)
			if ok != c.wantOK || step != c.wantStep {
				t.Errorf("MatchTOTP(%q, last %d) = %d, %v; want %d, %v", c.code, c.last, step, ok, c.wantStep, c.wantOK)
			}
		})
	}
}

func TestNewTOTPKeyIsForAuthenticatorApps(t *testing.T) {
	k, err := NewTOTPKey("sec.admin")
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Secret) != 32 || strings.Trim(k.Secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != "" {
		t.Errorf("secret %q is not 160 bits of base32", k.Secret)
	}
	u, err := url.Parse(k.URI)
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" {
		t.Fatalf("URI %q", k.URI)
	}
	q := u.Query()
	if q.Get("secret") != k.Secret || q.Get("issuer") != TOTPIssuer || q.Get("algorithm") != "SHA1" || q.Get("digits") != "6" || q.Get("period") != "30" {
		t.Errorf("URI parameters %v", q)
	}
	if !strings.Contains(u.Path, "sec.admin") {
		t.Errorf("URI path %q lacks the account", u.Path)
	}
	other, _ := NewTOTPKey("sec.admin")
	if other.Secret == k.Secret {
		t.Error("two keys share a secret")
	}
	img, err := k.QRCode(200)
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(img)); err != nil || cfg.Width != 200 || cfg.Height != 200 {
		t.Errorf("QR code: %+v, %v", cfg, err)
	}
}

func TestDemoSecretsAreFixedAndUsable(t *testing.T) {
	s := DemoTOTPSecret("sysadmin")
	if s != DemoTOTPSecret("sysadmin") || s == DemoTOTPSecret("secadmin") {
		t.Fatal("demo secrets are not fixed per name")
	}
	k, err := TOTPKeyFor("sysadmin", strings.ToLower(s[:8])+" "+s[8:])
	if err != nil || k.Secret != s {
		t.Fatalf("TOTPKeyFor = %+v, %v", k, err)
	}
	if _, err := TOTPKeyFor("x", "not base32!"); err == nil {
		t.Error("a malformed secret was accepted")
	}
}

func TestOnlyAdministratorsNeedASecondFactor(t *testing.T) {
	for _, role := range Roles {
		if got, want := RequiresTOTP(role), role == RoleSysadmin || role == RoleSecadmin || role == RoleAuditor; got != want {
			t.Errorf("RequiresTOTP(%s) = %v", role, got)
		}
	}
}
