package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters (RFC 9106's second recommended set, lighter memory for a 2-core server).
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
	saltLen      = 16
)

// HashPassword returns an encoded argon2id hash in the PHC string format.
func HashPassword(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

var errBadHash = errors.New("auth: malformed password hash")

// CheckPassword reports whether password matches the encoded hash, in constant time.
func CheckPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, errBadHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// PasswordPolicy is the configurable strength rule.
type PasswordPolicy struct {
	MinLength  int
	MinClasses int // of lower, upper, digit, symbol
}

// DefaultPasswordPolicy: at least 8 characters from at least 3 classes.
var DefaultPasswordPolicy = PasswordPolicy{MinLength: 8, MinClasses: 3}

// Check returns a message key when password breaks the policy or is one of
// the common passwords (IsCommonPassword), "" when it is fine.
func (pp PasswordPolicy) Check(password string) string {
	if len([]rune(password)) < pp.MinLength {
		return "password.too_short"
	}
	if len(password) > 128 {
		return "password.too_long"
	}
	var lower, upper, digit, other bool
	for _, r := range password {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	n := 0
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			n++
		}
	}
	if n < pp.MinClasses {
		return "password.too_simple"
	}
	if IsCommonPassword(password) {
		return "password.common"
	}
	return ""
}

// NewToken returns a random URL-safe token of 32 bytes of entropy.
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system's random source failing is not recoverable
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// oneTimeAlphabet leaves out the characters read alike (0/O, 1/l/I), since a
// one-time password is read out or copied by hand.
const oneTimeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

// OneTimePassword returns a random password for an administrator's reset:
// four groups of four characters joined by "-" (about 90 bits), with an
// upper-case letter, a lower-case letter and a digit, so that it passes the
// password policy. The owner must change it at their next login.
func OneTimePassword() string {
	for {
		var sb strings.Builder
		var upper, lower, digit bool
		for n := 0; n < 16; {
			var c [1]byte
			if _, err := rand.Read(c[:]); err != nil {
				panic("auth: no randomness: " + err.Error())
			}
			if int(c[0]) >= 256/len(oneTimeAlphabet)*len(oneTimeAlphabet) {
				continue // rejected, so that every character is as likely
			}
			if n > 0 && n%4 == 0 {
				sb.WriteByte('-')
			}
			ch := rune(oneTimeAlphabet[int(c[0])%len(oneTimeAlphabet)])
			upper, lower, digit = upper || unicode.IsUpper(ch), lower || unicode.IsLower(ch), digit || unicode.IsDigit(ch)
			sb.WriteRune(ch)
			n++
		}
		if upper && lower && digit {
			return sb.String()
		}
	}
}
