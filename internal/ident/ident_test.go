package ident_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"houdun/internal/ident"
)

// today is fixed so that "future" and age results never depend on the clock.
var today = time.Date(2024, 6, 15, 0, 0, 0, 0, time.UTC)

// withIDCheck appends the GB 11643-1999 check character to 17 digits. It is
// written independently of the package so that the tests cross-check it, and
// it can build numbers with impossible dates that MakeIDNumber cannot.
func withIDCheck(first17 string) string {
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range first17 {
		sum += int(c-'0') * w[i]
	}
	return first17 + string("10X98765432"[sum%11])
}

// reasonOf extracts the Reason of an error, failing the test if the error is
// not an ident.Error: callers rely on mapping every rejection to a message.
func reasonOf(t testing.TB, err error) ident.Reason {
	t.Helper()
	if err == nil {
		return ""
	}
	var e ident.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an ident.Error", err, err)
	}
	return e.Reason
}

func TestParseIDNumber(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   ident.Reason // "" means valid
		number string
		birth  string
		male   bool
	}{
		{name: "valid with X", in: "11010519491231002X", number: "11010519491231002X", birth: "1949-12-31", male: false},
		{name: "lower-case x", in: "11010519491231002x", number: "11010519491231002X", birth: "1949-12-31"},
		{name: "spaces around", in: "  11010519491231002X\t", number: "11010519491231002X", birth: "1949-12-31"},
		{name: "ideographic space around", in: "\u300011010519491231002X\u3000", number: "11010519491231002X", birth: "1949-12-31"},
		{name: "male", in: withIDCheck("44030419900101001"), number: withIDCheck("44030419900101001"), birth: "1990-01-01", male: true},
		{name: "unknown county code accepted", in: withIDCheck("82999919900101002"), number: withIDCheck("82999919900101002"), birth: "1990-01-01"},
		{name: "Feb 29 in a leap year", in: withIDCheck("11010520000229123"), number: withIDCheck("11010520000229123"), birth: "2000-02-29", male: true},
		{name: "born today", in: withIDCheck("11010520240615000"), number: withIDCheck("11010520240615000"), birth: "2024-06-15"},
		{name: "born 1900-01-01", in: withIDCheck("11010519000101000"), number: withIDCheck("11010519000101000"), birth: "1900-01-01"},

		{name: "empty", in: "", want: ident.ReasonEmpty},
		{name: "only spaces", in: "   ", want: ident.ReasonEmpty},
		{name: "17 characters", in: "11010519491231002", want: ident.ReasonLength},
		{name: "19 characters", in: "11010519491231002X1", want: ident.ReasonLength},
		{name: "old 15-digit number", in: "110105491231002", want: ident.ReasonLength},
		{name: "Chinese character counts as one", in: "1101051949123100中", want: ident.ReasonLength},
		{name: "letters inside", in: "1101051949A231002X", want: ident.ReasonCharacters},
		{name: "space inside", in: "110105 949123100 X", want: ident.ReasonCharacters},
		{name: "X not last", in: "X1010519491231002X", want: ident.ReasonCharacters},
		{name: "other letter last", in: "11010519491231002Y", want: ident.ReasonCharacters},
		{name: "full-width X last", in: "11010519491231002Ｘ", want: ident.ReasonCharacters},
		{name: "wrong check digit", in: "110105194912310021", want: ident.ReasonChecksum},
		{name: "X where a digit belongs", in: withIDCheck("11010519491231003")[:17] + "X", want: ident.ReasonChecksum},
		{name: "swapped digits", in: "11010519491213002X", want: ident.ReasonChecksum},
		{name: "Feb 29 in a non-leap year", in: withIDCheck("11010520230229123"), want: ident.ReasonBirthDate},
		{name: "Feb 29 1900 is not a leap day", in: withIDCheck("11010519000229123"), want: ident.ReasonBirthDate},
		{name: "Feb 30", in: withIDCheck("11010520000230123"), want: ident.ReasonBirthDate},
		{name: "April 31", in: withIDCheck("11010520000431123"), want: ident.ReasonBirthDate},
		{name: "month 13", in: withIDCheck("11010520001301123"), want: ident.ReasonBirthDate},
		{name: "month 0", in: withIDCheck("11010520000001123"), want: ident.ReasonBirthDate},
		{name: "day 0", in: withIDCheck("11010520000100123"), want: ident.ReasonBirthDate},
		{name: "future date", in: withIDCheck("11010520240616000"), want: ident.ReasonBirthDate},
		{name: "next year", in: withIDCheck("11010520250101000"), want: ident.ReasonBirthDate},
		{name: "before 1900", in: withIDCheck("11010518991231000"), want: ident.ReasonBirthDate},
		{name: "address starts with 0", in: withIDCheck("01010519491231002"), want: ident.ReasonFormat},
		{name: "province 10", in: withIDCheck("10010519491231002"), want: ident.ReasonFormat},
		{name: "province 83", in: withIDCheck("83010519491231002"), want: ident.ReasonFormat},
		{name: "province 99", in: withIDCheck("99010519491231002"), want: ident.ReasonFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ident.ParseIDNumber(tt.in, today)
			if r := reasonOf(t, err); r != tt.want {
				t.Fatalf("ParseIDNumber(%q) reason = %q, want %q", tt.in, r, tt.want)
			}
			if tt.want != "" {
				if got != (ident.IDNumber{}) {
					t.Errorf("rejected input returned non-zero value %+v", got)
				}
				return
			}
			if got.Number != tt.number {
				t.Errorf("Number = %q, want %q", got.Number, tt.number)
			}
			if b := got.BirthDate.Format(time.DateOnly); b != tt.birth {
				t.Errorf("BirthDate = %s, want %s", b, tt.birth)
			}
			if got.BirthDate.Location() != time.UTC || got.BirthDate.Hour() != 0 {
				t.Errorf("BirthDate = %v, want UTC midnight", got.BirthDate)
			}
			if got.Male != tt.male {
				t.Errorf("Male = %v, want %v", got.Male, tt.male)
			}
			if got.AddressCode != tt.number[:6] {
				t.Errorf("AddressCode = %q, want %q", got.AddressCode, tt.number[:6])
			}
		})
	}
}

// TestParseIDNumberTodayLocation checks that only today's calendar date in
// its own location counts: at 01:00 in Beijing it is still the previous day
// in UTC, and a baby born that Beijing morning must be accepted.
func TestParseIDNumberTodayLocation(t *testing.T) {
	beijing := time.FixedZone("CST", 8*60*60)
	now := time.Date(2024, 6, 15, 1, 0, 0, 0, beijing)
	n := withIDCheck("11010520240615000")
	if _, err := ident.ParseIDNumber(n, now); err != nil {
		t.Errorf("born today (Beijing): %v", err)
	}
	if _, err := ident.ParseIDNumber(n, now.UTC()); reasonOf(t, err) != ident.ReasonBirthDate {
		t.Errorf("born tomorrow (UTC): err = %v, want birth date", err)
	}
}

func TestSex(t *testing.T) {
	for _, tt := range []struct {
		seq  int
		want string
	}{{0, "female"}, {1, "male"}, {2, "female"}, {999, "male"}} {
		n := ident.MakeIDNumber("110105", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), tt.seq)
		id, err := ident.ParseIDNumber(n, today)
		if err != nil {
			t.Fatalf("seq %d: %v", tt.seq, err)
		}
		if got := id.Sex(); got != tt.want {
			t.Errorf("seq %d: Sex() = %q, want %q", tt.seq, got, tt.want)
		}
	}
}

func TestMakeIDNumberKnown(t *testing.T) {
	got := ident.MakeIDNumber("110105", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), 2)
	if got != "11010519491231002X" {
		t.Errorf("MakeIDNumber = %q, want 11010519491231002X", got)
	}
}

// TestMakeIDNumberRoundTrip checks that generated numbers, whatever the date
// and sequence, always parse and give back their birth date and sex: the
// demo data and other packages' tests depend on it.
func TestMakeIDNumberRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	first := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	days := int(today.Sub(first).Hours()/24) + 1
	check := func(addr string, birth time.Time, seq int) {
		t.Helper()
		n := ident.MakeIDNumber(addr, birth, seq)
		id, err := ident.ParseIDNumber(n, today)
		if err != nil {
			t.Fatalf("MakeIDNumber(%q, %s, %d) = %q rejected: %v", addr, birth.Format(time.DateOnly), seq, n, err)
		}
		if !id.BirthDate.Equal(birth) || id.Male != (seq%2 == 1) || id.AddressCode != addr || id.Number != n {
			t.Fatalf("round trip of %q: got %+v, want birth %s, male %v", n, id, birth.Format(time.DateOnly), seq%2 == 1)
		}
	}
	// Boundaries first, then a random sample of the whole range.
	check("110000", first, 0)
	check("820000", today, 999)
	check("110105", time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC), 1)
	for range 20000 {
		addr := fmt.Sprintf("%02d%04d", 11+rng.IntN(82-11+1), rng.IntN(10000))
		check(addr, first.AddDate(0, 0, rng.IntN(days)), rng.IntN(1000))
	}
}

// TestMakeIDNumberLocalDate checks that the birth is taken as a calendar
// date in its own location, not converted to UTC first.
func TestMakeIDNumberLocalDate(t *testing.T) {
	beijing := time.FixedZone("CST", 8*60*60)
	n := ident.MakeIDNumber("110105", time.Date(1990, 5, 1, 0, 30, 0, 0, beijing), 1)
	if n[6:14] != "19900501" {
		t.Errorf("MakeIDNumber date part = %q, want 19900501", n[6:14])
	}
}

func TestMakeIDNumberPanics(t *testing.T) {
	birth := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name  string
		addr  string
		birth time.Time
		seq   int
	}{
		{"short address", "11010", birth, 1},
		{"letter in address", "11010A", birth, 1},
		{"negative sequence", "110105", birth, -1},
		{"sequence 1000", "110105", birth, 1000},
		{"five-digit year", "110105", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("MakeIDNumber did not panic")
				}
			}()
			ident.MakeIDNumber(tt.addr, tt.birth, tt.seq)
		})
	}
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
		err  ident.Reason
	}{
		{name: "plain", in: "13912345678", want: "13912345678"},
		{name: "with +86", in: "+8613912345678", want: "13912345678"},
		{name: "with +86 and space", in: "+86 139 1234 5678", want: "13912345678"},
		{name: "with 0086", in: "008613912345678", want: "13912345678"},
		{name: "with 0086 and dashes", in: "0086-139-1234-5678", want: "13912345678"},
		{name: "dashes", in: "139-1234-5678", want: "13912345678"},
		{name: "spaces around", in: "  13912345678 ", want: "13912345678"},
		{name: "ideographic space inside", in: "139\u300012345678", want: "13912345678"},
		{name: "starting 19", in: "19912345678", want: "19912345678"},

		{name: "empty", in: "", err: ident.ReasonEmpty},
		{name: "blank", in: " \t ", err: ident.ReasonEmpty},
		{name: "12 digits", in: "139123456789", err: ident.ReasonLength},
		{name: "10 digits", in: "1391234567", err: ident.ReasonLength},
		{name: "bare 86 prefix", in: "8613912345678", err: ident.ReasonLength},
		{name: "+86 alone", in: "+86", err: ident.ReasonLength},
		{name: "two prefixes", in: "+86 0086 13912345678", err: ident.ReasonLength},
		{name: "starting 12", in: "12912345678", err: ident.ReasonFormat},
		{name: "starting 2", in: "23912345678", err: ident.ReasonFormat},
		{name: "landline with 0", in: "01012345678", err: ident.ReasonFormat},
		{name: "other country code", in: "+4413912345678", err: ident.ReasonFormat},
		{name: "letter", in: "1391234567a", err: ident.ReasonCharacters},
		{name: "plus inside", in: "139+12345678", err: ident.ReasonCharacters},
		{name: "parentheses", in: "(139)12345678", err: ident.ReasonCharacters},
		{name: "full-width digits", in: "１３９１２３４５６７８", err: ident.ReasonCharacters},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ident.NormalizePhone(tt.in)
			if r := reasonOf(t, err); r != tt.err {
				t.Fatalf("NormalizePhone(%q) reason = %q, want %q", tt.in, r, tt.err)
			}
			if got != tt.want {
				t.Errorf("NormalizePhone(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidateCreditCode(t *testing.T) {
	const valid = "91350100M000100Y43"
	tests := []struct {
		name string
		in   string
		want string
		err  ident.Reason
	}{
		{name: "valid", in: valid, want: valid},
		{name: "lower case", in: strings.ToLower(valid), want: valid},
		{name: "spaces around", in: " " + valid + "\t", want: valid},

		{name: "empty", in: "", err: ident.ReasonEmpty},
		{name: "blank", in: "  ", err: ident.ReasonEmpty},
		{name: "17 characters", in: valid[:17], err: ident.ReasonLength},
		{name: "19 characters", in: valid + "0", err: ident.ReasonLength},
		{name: "one character changed", in: "91350100M000101Y43", err: ident.ReasonChecksum},
		{name: "check character changed", in: "91350100M000100Y44", err: ident.ReasonChecksum},
		{name: "two characters swapped", in: "91351000M000100Y43", err: ident.ReasonChecksum},
		{name: "forbidden I", in: "91350100I000100Y43", err: ident.ReasonCharacters},
		{name: "forbidden O", in: "91350100O000100Y43", err: ident.ReasonCharacters},
		{name: "forbidden S", in: "91350100S000100Y43", err: ident.ReasonCharacters},
		{name: "forbidden V", in: "91350100V000100Y43", err: ident.ReasonCharacters},
		{name: "forbidden Z", in: "91350100Z000100Y43", err: ident.ReasonCharacters},
		{name: "forbidden lower-case o", in: "91350100o000100Y43", err: ident.ReasonCharacters},
		{name: "dash inside", in: "91350100-000100Y43", err: ident.ReasonCharacters},
		{name: "Chinese character", in: "91350100中000100Y43", err: ident.ReasonCharacters},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ident.ValidateCreditCode(tt.in)
			if r := reasonOf(t, err); r != tt.err {
				t.Fatalf("ValidateCreditCode(%q) reason = %q, want %q", tt.in, r, tt.err)
			}
			if got != tt.want {
				t.Errorf("ValidateCreditCode(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMask(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) string
		in   string
		want string
	}{
		{"ID number", ident.MaskIDNumber, "210102199001013721", "210***********3721"},
		{"ID number with X", ident.MaskIDNumber, "11010519491231002X", "110***********002X"},
		{"ID shortest shown", ident.MaskIDNumber, "12345678", "123*5678"},
		{"ID 7 characters", ident.MaskIDNumber, "1234567", "*******"},
		{"ID empty", ident.MaskIDNumber, "", ""},
		{"ID Chinese characters", ident.MaskIDNumber, "一二三四五六七八九", "一二三**六七八九"},
		{"phone", ident.MaskPhone, "13912345678", "139****5678"},
		{"phone short", ident.MaskPhone, "12345", "*****"},
		{"phone 8 digits", ident.MaskPhone, "12345678", "123*5678"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.fn(tt.in); got != tt.want {
				t.Errorf("mask(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestAgeOn(t *testing.T) {
	d := func(s string) time.Time {
		v, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name       string
		birth, day string
		want       int
	}{
		{"day before birthday", "1990-06-15", "2024-06-14", 33},
		{"on birthday", "1990-06-15", "2024-06-15", 34},
		{"day after birthday", "1990-06-15", "2024-06-16", 34},
		{"newborn", "2024-06-15", "2024-06-15", 0},
		{"leap day birth, Feb 28 of non-leap year", "2000-02-29", "2023-02-28", 22},
		{"leap day birth, Mar 1 of non-leap year", "2000-02-29", "2023-03-01", 23},
		{"leap day birth, leap year", "2000-02-29", "2024-02-29", 24},
		{"before birth", "2000-06-01", "2000-05-01", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ident.AgeOn(d(tt.birth), d(tt.day)); got != tt.want {
				t.Errorf("AgeOn(%s, %s) = %d, want %d", tt.birth, tt.day, got, tt.want)
			}
		})
	}
}

func TestError(t *testing.T) {
	_, err := ident.ParseIDNumber("110105194912310021", today)
	if !errors.Is(err, ident.Error{Reason: ident.ReasonChecksum}) {
		t.Errorf("errors.Is(%v, checksum) = false", err)
	}
	for _, r := range []ident.Reason{ident.ReasonEmpty, ident.ReasonLength, ident.ReasonCharacters,
		ident.ReasonChecksum, ident.ReasonBirthDate, ident.ReasonFormat, "other"} {
		if msg := (ident.Error{Reason: r}).Error(); msg == "" || !strings.HasPrefix(msg, "ident: ") {
			t.Errorf("Error{%q}.Error() = %q", r, msg)
		}
	}
}

// knownReasons are all the reasons a rejection may carry.
var knownReasons = map[ident.Reason]bool{
	ident.ReasonEmpty: true, ident.ReasonLength: true, ident.ReasonCharacters: true,
	ident.ReasonChecksum: true, ident.ReasonBirthDate: true, ident.ReasonFormat: true,
}

func FuzzParseIDNumber(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", " 11010519491231002X ",
		"110105194912310021", "110105491231002", "11010520000229123X",
		withIDCheck("11010520240615000"), withIDCheck("82999919000101999"),
		"1101051949123100中", "", "\u3000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ident.ParseIDNumber(s, today)
		if err != nil {
			if r := reasonOf(t, err); !knownReasons[r] {
				t.Fatalf("unknown reason %q", r)
			}
			return
		}
		again, err := ident.ParseIDNumber(id.Number, today)
		if err != nil || again != id {
			t.Fatalf("%q parsed to %+v; re-parsing gives %+v, %v", s, id, again, err)
		}
		if m := ident.MaskIDNumber(id.Number); len(m) != 18 || m[:3] != id.Number[:3] || m[14:] != id.Number[14:] {
			t.Fatalf("MaskIDNumber(%q) = %q", id.Number, m)
		}
		if id.Number != withIDCheck(id.Number[:17]) {
			t.Fatalf("%q accepted with a wrong check character", id.Number)
		}
		seq := int(id.Number[14]-'0')*100 + int(id.Number[15]-'0')*10 + int(id.Number[16]-'0')
		if made := ident.MakeIDNumber(id.AddressCode, id.BirthDate, seq); made != id.Number {
			t.Fatalf("MakeIDNumber from the parts of %q = %q", id.Number, made)
		}
		if id.BirthDate.Year() < 1900 || id.BirthDate.After(today) {
			t.Fatalf("%q accepted with birth date %v", s, id.BirthDate)
		}
		if strings.TrimSpace(s) != id.Number && strings.TrimSpace(s) != id.Number[:17]+"x" {
			t.Fatalf("%q normalised to unrelated %q", s, id.Number)
		}
	})
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{
		"13912345678", "+86 139 1234 5678", "0086-139-1234-5678", "8613912345678",
		"12912345678", "+4413912345678", "+86", "0086", "１３９", "", "+",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ident.NormalizePhone(s)
		if err != nil {
			if r := reasonOf(t, err); !knownReasons[r] {
				t.Fatalf("unknown reason %q", r)
			}
			if got != "" {
				t.Fatalf("rejected %q but returned %q", s, got)
			}
			return
		}
		if len(got) != 11 || got[0] != '1' || got[1] < '3' || got[1] > '9' {
			t.Fatalf("NormalizePhone(%q) = %q does not match ^1[3-9]\\d{9}$", s, got)
		}
		for i := 2; i < len(got); i++ {
			if got[i] < '0' || got[i] > '9' {
				t.Fatalf("NormalizePhone(%q) = %q has a non-digit", s, got)
			}
		}
		if again, err := ident.NormalizePhone(got); err != nil || again != got {
			t.Fatalf("NormalizePhone(%q) = %q, %v; want idempotent", got, again, err)
		}
		if !strings.HasSuffix(digitsOf(s), got) {
			t.Fatalf("NormalizePhone(%q) = %q is not the input's digits", s, got)
		}
		if m := ident.MaskPhone(got); len(m) != 11 || m[:3] != got[:3] || m[7:] != got[7:] || m[3:7] != "****" {
			t.Fatalf("MaskPhone(%q) = %q", got, m)
		}
	})
}

// digitsOf returns the ASCII digits of s in order.
func digitsOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func FuzzValidateCreditCode(f *testing.F) {
	for _, s := range []string{
		"91350100M000100Y43", "91350100m000100y43", " 91350100M000100Y43 ",
		"91350100M000101Y43", "91350100I000100Y43", "91350100M000100Y4", "91350100中000100Y43", "",
	} {
		f.Add(s)
	}
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	weights := []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ident.ValidateCreditCode(s)
		if err != nil {
			if r := reasonOf(t, err); !knownReasons[r] {
				t.Fatalf("unknown reason %q", r)
			}
			if got != "" {
				t.Fatalf("rejected %q but returned %q", s, got)
			}
			return
		}
		if len(got) != 18 || !utf8.ValidString(got) {
			t.Fatalf("ValidateCreditCode(%q) = %q, want 18 characters", s, got)
		}
		sum := 0
		for i := 0; i < 17; i++ {
			v := strings.IndexByte(alphabet, got[i])
			if v < 0 {
				t.Fatalf("ValidateCreditCode(%q) = %q has forbidden %q", s, got, got[i])
			}
			sum += v * weights[i]
		}
		if want := alphabet[(31-sum%31)%31]; got[17] != want {
			t.Fatalf("ValidateCreditCode(%q) = %q, check should be %c", s, got, want)
		}
		if again, err := ident.ValidateCreditCode(got); err != nil || again != got {
			t.Fatalf("ValidateCreditCode(%q) = %q, %v; want idempotent", got, again, err)
		}
		if !strings.EqualFold(strings.TrimSpace(s), got) {
			t.Fatalf("ValidateCreditCode(%q) = %q is not the input", s, got)
		}
	})
}

func BenchmarkParseIDNumber(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ident.ParseIDNumber("11010519491231002X", today); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseIDNumberLowerX(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ident.ParseIDNumber(" 11010519491231002x ", today); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseIDNumberInvalid(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ident.ParseIDNumber("110105194912310021", today); err == nil {
			b.Fatal("accepted a wrong check digit")
		}
	}
}

func TestMaskBankAccount(t *testing.T) {
	for in, want := range map[string]string{"6222021234567891234": "6222***********1234", "12345678": "********", "123456789": "1234*6789"} {
		if got := ident.MaskBankAccount(in); got != want {
			t.Errorf("MaskBankAccount(%q) = %q, want %q", in, got, want)
		}
	}
}
