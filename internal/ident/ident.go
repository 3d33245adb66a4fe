// Package ident validates, derives data from and masks Chinese identifiers:
// the 18-character resident ID number (GB 11643-1999), mainland mobile phone
// numbers and the unified social credit code of organisations (GB 32100-2015).
//
// The package is pure: it must do no I/O and never read the clock. Callers
// pass "today" explicitly so that results are reproducible in tests, in
// imports that run across midnight and in demo-data generation. Keeping it
// free of I/O also lets the importer call it on its hot path for every row.
package ident

import (
	"time"
	"unicode/utf8"
)

// Reason tells why a value was rejected. It is a stable, language-neutral
// key: callers map it to a translated message instead of showing Error's
// English text to users.
type Reason string

// Rejection reasons.
const (
	ReasonEmpty      Reason = "empty"      // nothing left after trimming spaces
	ReasonLength     Reason = "length"     // wrong number of characters
	ReasonCharacters Reason = "characters" // characters not allowed
	ReasonChecksum   Reason = "checksum"   // check character wrong
	ReasonBirthDate  Reason = "birth_date" // impossible date (Feb 30, month 13), before 1900-01-01, or after today
	ReasonFormat     Reason = "format"     // anything else (phone prefix, ID province code)
)

// Error is returned for every rejected value. It carries only a Reason so
// that it stays comparable: errors.Is(err, Error{Reason: ReasonChecksum})
// works, as does errors.As with a variable of type Error.
type Error struct {
	Reason Reason
}

// Error returns an English description, meant for logs rather than users.
func (e Error) Error() string {
	switch e.Reason {
	case ReasonEmpty:
		return "ident: the value is empty"
	case ReasonLength:
		return "ident: the value has the wrong number of characters"
	case ReasonCharacters:
		return "ident: the value contains characters that are not allowed"
	case ReasonChecksum:
		return "ident: the check character does not match the rest of the value"
	case ReasonBirthDate:
		return "ident: the birth date is impossible, before 1900 or in the future"
	case ReasonFormat:
		return "ident: the value does not have the expected format"
	}
	return "ident: the value is invalid (" + string(e.Reason) + ")"
}

// Prebuilt errors: converting a non-pointer struct to the error interface
// allocates, and the importer rejects many rows, so each Reason is boxed once.
var (
	errEmpty      error = Error{Reason: ReasonEmpty}
	errLength     error = Error{Reason: ReasonLength}
	errCharacters error = Error{Reason: ReasonCharacters}
	errChecksum   error = Error{Reason: ReasonChecksum}
	errBirthDate  error = Error{Reason: ReasonBirthDate}
	errFormat     error = Error{Reason: ReasonFormat}
)

// MaskIDNumber hides the middle of an ID number for display, keeping the
// first 3 and last 4 characters ("210***********3721") so that staff can
// still tell records apart without seeing the birth date. The length is kept
// so that the masked value still looks like an ID number. Inputs shorter
// than 8 characters would reveal almost everything, so they become all '*'.
// Pass the normalised number; the input is not trimmed or validated.
func MaskIDNumber(s string) string {
	return mask(s, 3, 4)
}

// MaskPhone hides the middle of a phone number for display, keeping the
// first 3 and last 4 characters ("139****5678"). Inputs shorter than 8
// characters become all '*'. Pass the normalised number from NormalizePhone;
// the input is not trimmed or validated.
func MaskPhone(s string) string {
	return mask(s, 3, 4)
}

// mask keeps head and tail characters (runes, so that odd input cannot be
// cut inside a UTF-8 sequence) and replaces the rest by '*', one per
// character. With fewer than head+tail+1 characters everything is masked:
// showing nearly all of a short value would defeat the purpose.
func mask(s string, head, tail int) string {
	n := utf8.RuneCountInString(s)
	if n < head+tail+1 {
		b := make([]byte, n)
		for i := range b {
			b[i] = '*'
		}
		return string(b)
	}
	b := make([]byte, 0, len(s))
	i := 0
	for _, r := range s {
		if i < head || i >= n-tail {
			b = utf8.AppendRune(b, r)
		} else {
			b = append(b, '*')
		}
		i++
	}
	return string(b)
}

// AgeOn returns the whole years of age on day of someone born on birth:
// the number of birthdays that have passed, the birthday itself counting.
// Both are compared as calendar dates, each in its own location, so pass
// values that mean dates (ParseIDNumber returns UTC midnight). Someone born
// on 29 February becomes a year older on 1 March in non-leap years. If day is
// before birth the result is negative (rounded towards minus infinity), so a
// caller checking a minimum age never mistakes it for a valid age.
func AgeOn(birth, day time.Time) int {
	by, bm, bd := birth.Date()
	dy, dm, dd := day.Date()
	age := dy - by
	if dm < bm || (dm == bm && dd < bd) {
		age--
	}
	return age
}
