package ident

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormalizePhone validates a mainland China mobile number and returns its
// 11 digits, the form stored and compared. Spaces and dashes anywhere are
// removed, as is one leading +86 or 0086 country prefix, since numbers are
// typed in all these ways. A bare leading 86 is not removed: it is
// indistinguishable from a typing error. The rest must match ^1[3-9]\d{9}$.
//
// Reasons: ReasonEmpty for blank input, ReasonCharacters for anything other
// than digits, ReasonLength when the digit count is not 11, and ReasonFormat
// for a foreign country code or a number not starting with 13–19.
func NormalizePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errEmpty
	}
	var buf [11]byte
	n := 0         // digits seen; only the first len(buf) are kept
	prefix := true // no digit seen yet, so a country prefix may follow
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '-':
			i++
			continue
		case c >= '0' && c <= '9':
		case c == '+' && prefix:
			// Only a leading +86 is accepted; any other country code
			// means a number this function cannot validate.
			if !strings.HasPrefix(s[i:], "+86") {
				return "", errFormat
			}
			i += 3
			prefix = false
			continue
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) {
				i += size
				continue
			}
			return "", errCharacters
		}
		if prefix && c == '0' && strings.HasPrefix(s[i:], "0086") {
			i += 4
			prefix = false
			continue
		}
		prefix = false
		if n < len(buf) {
			buf[n] = c
		}
		n++
		i++
	}
	if n != len(buf) {
		return "", errLength
	}
	if buf[0] != '1' || buf[1] < '3' {
		return "", errFormat
	}
	if len(s) == len(buf) {
		return s, nil // only digits, nothing stripped: avoid allocating
	}
	return string(buf[:]), nil
}
