package region

import (
	"slices"
	"sort"
	"strings"
	"testing"
)

func TestNationalList(t *testing.T) {
	all := National()
	if len(all) < 3000 {
		t.Fatalf("National() has %d rows, want 3000+", len(all))
	}
	byCode := map[string]Region{}
	counts := map[Level]int{}
	for i, r := range all {
		if _, dup := byCode[r.Code]; dup {
			t.Errorf("duplicate code %s", r.Code)
		}
		if i > 0 && all[i-1].Code >= r.Code {
			t.Errorf("not sorted: %s before %s", all[i-1].Code, r.Code)
		}
		if r.Level != LevelOfCode(r.Code) || r.Level < LevelProvince || r.Level > LevelCounty {
			t.Errorf("%s: level %d", r.Code, r.Level)
		}
		if r.ParentCode != ParentOf(r.Code) {
			t.Errorf("%s: parent %q, want %q", r.Code, r.ParentCode, ParentOf(r.Code))
		}
		if r.Level == LevelProvince {
			if r.ParentCode != "" {
				t.Errorf("province %s has parent %q", r.Code, r.ParentCode)
			}
		} else if _, ok := byCode[r.ParentCode]; !ok { // parents come first
			t.Errorf("%s: parent %q missing or after it", r.Code, r.ParentCode)
		}
		if !ValidChildCode(r.ParentCode, r.Code) {
			t.Errorf("%s: not a valid child of %q", r.Code, r.ParentCode)
		}
		if r.Name == "" || strings.ContainsAny(r.Name, "\t\n") {
			t.Errorf("%s: bad name %q", r.Code, r.Name)
		}
		byCode[r.Code] = r
		counts[r.Level]++
	}
	t.Logf("%d rows: %d provinces, %d cities, %d counties", len(all), counts[LevelProvince], counts[LevelCity], counts[LevelCounty])
	if counts[LevelProvince] < 31 || counts[LevelCity] < 300 || counts[LevelCounty] < 2800 {
		t.Errorf("level counts %v look too small", counts)
	}

	for _, want := range []Region{
		{"11", "北京市", "", LevelProvince},
		{"1101", "市辖区", "11", LevelCity},
		{"110101", "东城区", "1101", LevelCounty},
		{"21", "辽宁省", "", LevelProvince},
		{"2109", "阜新市", "21", LevelCity},
		{"210902", "海州区", "2109", LevelCounty},
		{"210921", "阜新蒙古族自治县", "2109", LevelCounty},
		{"31", "上海市", "", LevelProvince},
		{"310101", "黄浦区", "3101", LevelCounty},
		{"4290", "省直辖县级行政区划", "42", LevelCity},
		{"429004", "仙桃市", "4290", LevelCounty},
		{"4419", "东莞市", "44", LevelCity},
		{"5002", "县", "50", LevelCity},
	} {
		if got, ok := byCode[want.Code]; !ok || got != want {
			t.Errorf("row %s = %+v (present %v), want %+v", want.Code, got, ok, want)
		}
	}
	for _, code := range []string{"71", "81", "82"} {
		if r, ok := byCode[code]; ok {
			t.Logf("%s present: %s", code, r.Name)
		}
	}
}

func TestNationalReturnsCopy(t *testing.T) {
	a := National()
	a[0].Name = "changed"
	if b := National(); b[0].Name == "changed" {
		t.Fatal("National() shares its slice with callers")
	}
}

func TestParseTSVRejects(t *testing.T) {
	for name, in := range map[string]string{
		"no tab":         "11 北京市\n",
		"empty name":     "11\t\n",
		"bad code":       "1\t北\n",
		"street code":    "11\t北京市\n1101\t市辖区\n110101\t东城区\n110101001\t街道\n",
		"unsorted":       "12\t天津市\n11\t北京市\n",
		"duplicate":      "11\t北京市\n11\t北京市\n",
		"missing parent": "11\t北京市\n110101\t东城区\n",
	} {
		if _, err := parseTSV(in); err == nil {
			t.Errorf("%s: parseTSV accepted %q", name, in)
		}
	}
	rs, err := parseTSV("# header\n\n11\t北京市\r\n1101\t市辖区\n")
	if err != nil || len(rs) != 2 || rs[1] != (Region{"1101", "市辖区", "11", LevelCity}) {
		t.Errorf("parseTSV = %+v, %v", rs, err)
	}
}

func TestLevelOfCode(t *testing.T) {
	for _, c := range []struct {
		code string
		want Level
	}{
		{"21", LevelProvince},
		{"2109", LevelCity},
		{"210902", LevelCounty},
		{"210902001", LevelStreet},
		{"210902001001", LevelCommunity},
		{"", 0},
		{"2", 0},
		{"210", 0},
		{"21090", 0},
		{"2109020", 0},
		{"21090200", 0},
		{"2109020010", 0},
		{"21090200100", 0},
		{"2109020010010", 0},
		{"21090a", 0},
		{"２１", 0}, // full-width digits
		{" 21", 0},
		{"-1", 0},
	} {
		if got := LevelOfCode(c.code); got != c.want {
			t.Errorf("LevelOfCode(%q) = %d, want %d", c.code, got, c.want)
		}
	}
}

func TestParentOf(t *testing.T) {
	for _, c := range []struct{ code, want string }{
		{"21", ""},
		{"2109", "21"},
		{"210902", "2109"},
		{"210902001", "210902"},
		{"210902001001", "210902001"},
		{"", ""},
		{"210", ""},
		{"21090x", ""},
		{"2109020010010", ""},
	} {
		if got := ParentOf(c.code); got != c.want {
			t.Errorf("ParentOf(%q) = %q, want %q", c.code, got, c.want)
		}
	}
	// Walking up always ends.
	n := 0
	for c := "210902001001"; c != ""; c = ParentOf(c) {
		n++
	}
	if n != 5 {
		t.Errorf("walk up took %d steps, want 5", n)
	}
}

func TestValidChildCode(t *testing.T) {
	for _, c := range []struct {
		parent, child string
		want          bool
	}{
		{"210902", "210902001", true},
		{"210902001", "210902001001", true},
		{"210902001", "210902001999", true},
		{"2109", "210902", true},
		{"21", "2109", true},
		{"", "21", true},
		{"4419", "441900", true}, // stand-in county of 东莞市
		{"441900", "441900003", true},
		{"210902", "210902000", false},       // padding of the parent
		{"210902001", "210902001000", false}, // padding of the parent
		{"21", "2100", false},
		{"", "00", false},
		{"210902", "210903001", false},    // other county
		{"210902", "2109020011", false},   // 4 digits added
		{"210902", "21090201", false},     // 2 digits added
		{"210902", "210902001001", false}, // two levels down
		{"2109", "210902001", false},      // two levels down
		{"210902", "210902", false},
		{"210902", "21090a001", false},
		{"210902", "210902a01", false},
		{"21090", "210902001", false},
		{"", "210902", false},
		{"210902", "", false},
		{"210902001001", "210902001001001", false}, // nothing below community
	} {
		if got := ValidChildCode(c.parent, c.child); got != c.want {
			t.Errorf("ValidChildCode(%q, %q) = %v, want %v", c.parent, c.child, got, c.want)
		}
	}
}

func TestPrefixUpperBound(t *testing.T) {
	for _, c := range []struct{ prefix, want string }{
		{"2109", "210:"},
		{"21", "22"},
		{"210902001", "210902002"},
		{"9", ":"},
		{"a", "b"},
		{"", ""},
		{"21\xff", "22"},
		{"\xff\xff", ""},
	} {
		got := PrefixUpperBound(c.prefix)
		if got != c.want {
			t.Errorf("PrefixUpperBound(%q) = %q, want %q", c.prefix, got, c.want)
		}
		if c.prefix == "" || got == "" {
			continue
		}
		// got is above every extension of prefix.
		for _, ext := range []string{"", "0", "9", "999999999999", "\xff\xff"} {
			if s := c.prefix + ext; s >= got {
				t.Errorf("PrefixUpperBound(%q) = %q not above %q", c.prefix, got, s)
			}
		}
	}
}

// A range scan code >= prefix AND code < PrefixUpperBound(prefix) over the
// sorted list returns exactly the codes that start with prefix.
func TestPrefixRangeScan(t *testing.T) {
	all := National()
	codes := make([]string, len(all))
	for i, r := range all {
		codes[i] = r.Code
	}
	if !sort.StringsAreSorted(codes) {
		t.Fatal("codes not sorted")
	}
	prefixes := []string{"", "1", "2", "21", "2109", "210902", "11", "1101", "4290", "4419", "65", "6590", "99", "0"}
	for _, r := range all { // every region as a scope
		prefixes = append(prefixes, r.Code)
	}
	for _, p := range prefixes {
		var want []string
		for _, c := range codes {
			if strings.HasPrefix(c, p) {
				want = append(want, c)
			}
		}
		lo := sort.SearchStrings(codes, p)
		hi := len(codes)
		if ub := PrefixUpperBound(p); ub != "" {
			hi = sort.SearchStrings(codes, ub)
		}
		if got := codes[lo:hi]; !slices.Equal(got, want) {
			t.Errorf("prefix %q: range scan gives %d codes, want %d", p, len(got), len(want))
		}
	}
}

func TestLabelNamesThePath(t *testing.T) {
	for code, want := range map[string]string{"210902": "辽宁省阜新市海州区", "2109": "辽宁省阜新市", "21": "辽宁省",
		"210902001": "辽宁省阜新市海州区 210902001", "99": "99", "": ""} {
		if got := Label(code); got != want {
			t.Errorf("Label(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestNormalizeAcceptsTheOfficialPaddedForm(t *testing.T) {
	for in, want := range map[string]string{
		"210000": "21", "21": "21", " 2109 ": "2109", "210900": "2109", "210902": "210902",
		"210000000": "21", "210900000": "2109", "210902000": "210902", "210902001": "210902001",
		"210000000000": "21", "210902000000": "210902", "210902001000": "210902001", "210902001001": "210902001001",
		"2100":   "21",
		"441900": "441900", "441900000000": "441900", "441900003000": "441900003", // 东莞市's stand-in county stays
	} {
		if got, ok := Normalize(in); !ok || got != want {
			t.Errorf("Normalize(%q) = %q, %t; want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "2", "21090", "2109021", "21a900", "２１０９００", "-210900"} {
		if got, ok := Normalize(bad); ok {
			t.Errorf("Normalize(%q) = %q, accepted", bad, got)
		}
	}
}
