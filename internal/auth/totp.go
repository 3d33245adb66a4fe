package auth

import (
	"bytes"
	"crypto/sha1"
	"encoding/base32"
	"errors"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// Two-factor authentication (TOTP, RFC 6238) with the parameters every
// authenticator app assumes when it scans a code: 30-second steps, 6 digits,
// HMAC-SHA-1. The arithmetic is github.com/pquerna/otp's; this file only
// fixes the parameters and says which time step a code belonged to, so that
// the store can refuse a code used before.
const (
	TOTPPeriod = 30 // seconds per step
	TOTPSkew   = 1  // steps accepted either side of now, for clocks that drift
	TOTPIssuer = "houdun"
)

// RequiresTOTP reports whether accounts of role log in with a second factor.
// It is all three separated administrators (三员: sysadmin, secadmin and
// auditor), as MLPS level 3 asks of the administrators' identity checks:
// the auditor reads no business data, but the audit trail tells who looked
// at whom, from where and when, and it is the one record that shows an
// intrusion, so an auditor's account deserves the same guard as the others.
func RequiresTOTP(role string) bool { return IsAdminRole(role) }

// TOTPKey is an authenticator secret as enrolment shows it, once.
type TOTPKey struct {
	Secret string // base32 without padding, for typing into an app
	URI    string // otpauth://totp/…, for a QR code
}

var errBadSecret = errors.New("auth: malformed TOTP secret")

// b32 is the secret's text form: RFC 4648 base32 without padding, as apps take it.
var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPKey makes a random 160-bit secret (RFC 4226's recommended length)
// for account.
func NewTOTPKey(account string) (TOTPKey, error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: TOTPIssuer, AccountName: account, Period: TOTPPeriod,
		SecretSize: 20, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return TOTPKey{}, err
	}
	return TOTPKey{Secret: k.Secret(), URI: k.URL()}, nil
}

// TOTPKeyFor describes an existing secret of account (the demo's fixed ones).
func TOTPKeyFor(account, secret string) (TOTPKey, error) {
	raw, err := b32.DecodeString(normalSecret(secret))
	if err != nil || len(raw) < 10 {
		return TOTPKey{}, errBadSecret
	}
	k, err := totp.Generate(totp.GenerateOpts{Issuer: TOTPIssuer, AccountName: account, Period: TOTPPeriod,
		Secret: raw, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return TOTPKey{}, err
	}
	return TOTPKey{Secret: k.Secret(), URI: k.URL()}, nil
}

// DemoTOTPSecret is a fixed secret derived from a name, for demo accounts
// whose keys are printed beside their passwords. Never for real accounts.
func DemoTOTPSecret(name string) string {
	sum := sha1.Sum([]byte("houdun demo authenticator " + name))
	return b32.EncodeToString(sum[:])
}

// QRCode renders the key's URI as a PNG QR code of size×size pixels.
func (k TOTPKey) QRCode(size int) ([]byte, error) {
	key, err := otp.NewKeyFromURL(k.URI)
	if err != nil {
		return nil, err
	}
	img, err := key.Image(size, size)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// TOTPStep is the time step t falls in.
func TOTPStep(t time.Time) int64 { return t.Unix() / TOTPPeriod }

// normalSecret accepts a secret as people copy it: spaces, lower case, padding.
func normalSecret(s string) string {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	return strings.TrimRight(s, "=")
}

// NormalTOTPCode strips the spaces and dashes people type inside a code
// ("123 456"); what is left must be six digits.
func NormalTOTPCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u00a0' || r == '\u3000' {
			return -1
		}
		return r
	}, strings.TrimSpace(code))
}

// ValidTOTPFormat reports whether code (normalised) looks like a code at all.
func ValidTOTPFormat(code string) bool {
	if len(code) != int(otp.DigitsSix) {
		return false
	}
	for _, r := range code {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// MatchTOTP returns the time step whose code is code, looking at now's step
// and TOTPSkew steps either side, and only at steps after lastStep: a code
// once accepted (and every older one) is refused, so a code seen over a
// shoulder or replayed from a log cannot be used again. ok is false when no
// step matches.
func MatchTOTP(secret, code string, now time.Time, lastStep int64) (step int64, ok bool) {
	code = NormalTOTPCode(code)
	if !ValidTOTPFormat(code) {
		return 0, false
	}
	secret = normalSecret(secret)
	cur := TOTPStep(now)
	for s := cur - TOTPSkew; s <= cur+TOTPSkew; s++ {
		if s <= lastStep || s < 0 {
			continue
		}
		good, err := hotp.ValidateCustom(code, uint64(s), secret, hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && good {
			return s, true
		}
	}
	return 0, false
}

// TOTPCode is the code of secret at t, as an authenticator app shows it. The
// server never needs it; the demo prints it and tests log in with it.
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(normalSecret(secret), t, totp.ValidateOpts{Period: TOTPPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}
