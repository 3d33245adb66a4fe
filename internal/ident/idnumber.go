package ident

import (
	"strings"
	"time"
	"unicode/utf8"
)

// IDNumber is a validated resident ID number with the data it encodes.
type IDNumber struct {
	Number      string    // normalised: 18 characters, check character upper-case X
	BirthDate   time.Time // UTC midnight
	Male        bool      // the sequence (17th digit) is odd for men
	AddressCode string    // first 6 digits: county of first registration
}

// Sex returns "male" or "female", the keys used in stored records and
// translation catalogues.
func (id IDNumber) Sex() string {
	if id.Male {
		return "male"
	}
	return "female"
}

// idWeights are the GB 11643-1999 weights 2^(18-i) mod 11 for the first 17 digits.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheck maps the weighted sum mod 11 to the check character.
const idCheck = "10X98765432"

// idCheckChar computes the check character of the first 17 digits of d,
// which the caller has verified are ASCII digits.
func idCheckChar(d string) byte {
	sum := 0
	for i, w := range idWeights {
		sum += int(d[i]-'0') * w
	}
	return idCheck[sum%11]
}

// minBirthYear is the year of the earliest birth date accepted: older dates are typing
// errors in practice, and the format cannot express them reliably anyway.
const minBirthYear = 1900

// ParseIDNumber validates a GB 11643-1999 18-character resident ID number
// and extracts what it encodes. Surrounding spaces are trimmed and a
// lower-case x check character is accepted as X, because both are common in
// spreadsheets. today is injected (the package never reads the clock) and
// bounds the birth date; only its calendar date in its own location counts.
//
// Checks run from the cheapest, most general to the most specific: length
// (old 15-digit numbers fail here), characters, province (first two digits
// 11–82; county codes are not checked because they change over time), birth
// date, and finally the check character. Reporting a wrong date before a
// wrong checksum points the user at the digits that are wrong.
//
// The error is always of type Error. Valid input that needs no
// normalisation is parsed without allocating.
func ParseIDNumber(s string, today time.Time) (IDNumber, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return IDNumber{}, errEmpty
	}
	// Count characters, not bytes: 18 bytes with a Chinese character among
	// them is a length problem from the user's point of view.
	// Beyond this point a multi-byte character shows up as a byte >= 0x80
	// within the first 18 bytes and is rejected as a character problem.
	if utf8.RuneCountInString(s) != 18 {
		return IDNumber{}, errLength
	}
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return IDNumber{}, errCharacters
		}
	}
	last := s[17]
	if last == 'x' {
		last = 'X'
	} else if last != 'X' && (last < '0' || last > '9') {
		return IDNumber{}, errCharacters
	}

	// Province codes run from 11 (Beijing) to 82 (Macao); this also rejects
	// a leading 0, a frequent artefact of number-formatted spreadsheet cells.
	if p := num(s[0:2]); p < 11 || p > 82 {
		return IDNumber{}, errFormat
	}

	y, m, d := num(s[6:10]), num(s[10:12]), num(s[12:14])
	if y < minBirthYear || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return IDNumber{}, errBirthDate
	}
	ty, tm, td := today.Date()
	if y > ty || (y == ty && (m > int(tm) || (m == int(tm) && d > td))) {
		return IDNumber{}, errBirthDate
	}

	if idCheckChar(s) != last {
		return IDNumber{}, errChecksum
	}

	number := s
	if s[17] == 'x' {
		number = s[:17] + "X"
	}
	return IDNumber{
		Number:      number,
		BirthDate:   time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC),
		Male:        (s[16]-'0')%2 == 1,
		AddressCode: s[:6],
	}, nil
}

// MakeIDNumber builds a well-formed 18-character ID number, computing the
// check character, for demo data and tests: fake people then pass the same
// validation as real ones. birth is taken as a calendar date in its own
// location; seq (0–999) is the sequence within the day, odd for men.
//
// It panics if addressCode is not 6 ASCII digits, seq is out of range or the
// year does not have 4 digits: these are programming errors, and a silently
// wrong number would only surface later as a confusing rejection. It does
// not check the province or the date range, so tests can also make numbers
// that ParseIDNumber must reject for those reasons.
func MakeIDNumber(addressCode string, birth time.Time, seq int) string {
	if len(addressCode) != 6 {
		panic("ident: MakeIDNumber: address code must have 6 digits")
	}
	for i := 0; i < len(addressCode); i++ {
		if addressCode[i] < '0' || addressCode[i] > '9' {
			panic("ident: MakeIDNumber: address code must have 6 digits")
		}
	}
	if seq < 0 || seq > 999 {
		panic("ident: MakeIDNumber: sequence must be in 0..999")
	}
	y, m, d := birth.Date()
	if y < 0 || y > 9999 {
		panic("ident: MakeIDNumber: birth year must have 4 digits")
	}
	var b [18]byte
	copy(b[:6], addressCode)
	putDigits(b[6:10], y)
	putDigits(b[10:12], int(m))
	putDigits(b[12:14], d)
	putDigits(b[14:17], seq)
	b[17] = idCheckChar(string(b[:17]))
	return string(b[:])
}

// num parses a short run of ASCII digits already checked by the caller.
func num(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// putDigits writes n into b as zero-padded decimal filling all of b.
func putDigits(b []byte, n int) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
}

// daysIn returns the number of days of month m (1–12) in Gregorian year y.
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
