package ident

import (
	"strings"
	"unicode/utf8"
)

// creditAlphabet is the GB 32100-2015 character set: digits and capital
// letters without I, O, S, V and Z, which are easily confused with digits.
// A character's position is its value in the checksum.
const creditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditWeights are the weights 3^i mod 31 of the first 17 characters.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// creditValue maps an upper-case byte to its value in creditAlphabet, or -1.
var creditValue = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(creditAlphabet); i++ {
		t[creditAlphabet[i]] = int8(i)
	}
	return t
}()

// ValidateCreditCode validates a GB 32100-2015 unified social credit code
// and returns it normalised: spaces trimmed and letters upper-cased, since
// codes are copied from documents in either case. Only the character set
// and the check character are verified; the registration authority, type
// and region parts are not, because their code lists change over time.
// The error is always of type Error.
func ValidateCreditCode(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errEmpty
	}
	if utf8.RuneCountInString(s) != 18 {
		return "", errLength
	}
	// From here any multi-byte character appears as a byte >= 0x80 among
	// the first 18 bytes and has no value in the alphabet.
	var vals [18]int8
	lower := false
	for i := range vals {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
			lower = true
		}
		v := creditValue[c]
		if v < 0 {
			return "", errCharacters
		}
		vals[i] = v
	}
	sum := 0
	for i, w := range creditWeights {
		sum += int(vals[i]) * w
	}
	if int(vals[17]) != (31-sum%31)%31 {
		return "", errChecksum
	}
	if lower {
		return strings.ToUpper(s), nil
	}
	return s, nil
}
