package importer

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"houdun/internal/i18n"
	"houdun/internal/model"
)

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"1950-03-01": "1950-03-01", "1950/3/1": "1950-03-01", "1950.3.1": "1950-03-01", "1950年3月1日": "1950-03-01",
		"1950年3月1": "1950-03-01", "19500301": "1950-03-01", "2020/3/1 0:00": "2020-03-01", "2020-03-01T00:00:00Z": "2020-03-01",
		"43891": "2020-03-01", "43891.5": "2020-03-01", "61": "1900-03-01", "59": "1900-02-28", "1": "1900-01-01",
		"2000-02-29": "2000-02-29",
		// Refused: impossible dates, a lone year (it would read as a 1905 serial), Excel's phantom 1900-02-29.
		"1950-02-30": "", "1950-13-01": "", "1950": "", "2024": "", "60": "", "0": "", "-5": "", "1950-3": "",
		"三月": "", "": "", "1950--01": "", "99999999999": "", "1950/03/01/02": "", "50-3-1": "",
	} {
		got, ok := parseDate(in)
		if got != want || ok != (want != "") {
			t.Errorf("parseDate(%q) = %q %t, want %q", in, got, ok, want)
		}
	}
}

func TestParseBool(t *testing.T) {
	yes := []string{"是", "Y", "y", "yes", "YES", "True", "1", "√"}
	no := []string{"", "否", "N", "no", "false", "0", "×"}
	for _, s := range yes {
		if v, ok := parseBool(s); !v || !ok {
			t.Errorf("%q should be yes", s)
		}
	}
	for _, s := range no {
		if v, ok := parseBool(s); v || !ok {
			t.Errorf("%q should be no", s)
		}
	}
	for _, s := range []string{"同住", "maybe", "2"} {
		if _, ok := parseBool(s); ok {
			t.Errorf("%q is neither yes nor no", s)
		}
	}
}

func TestLooksScientific(t *testing.T) {
	for in, want := range map[string]bool{
		"1.10105E+17": true, "1.10105e17": true, "1E+10": true, "1.39123E+10": true,
		"110105194912310021": false, "11010519491231002X": false, "E+17": false, "1.1E": false, "1.1E+": false, "abcE+1": false, "": false,
	} {
		if got := looksScientific(in); got != want {
			t.Errorf("looksScientific(%q) = %t", in, got)
		}
	}
}

func TestChoicesAcceptLabelsValuesAndSynonyms(t *testing.T) {
	tests := []struct {
		c    *choices
		in   string
		want string
	}{
		{occupations, "医生", model.OccDoctor}, {occupations, "doctor", model.OccDoctor}, {occupations, "Community worker", model.OccCommunityWorker},
		{occupations, "community_worker", model.OccCommunityWorker}, {occupations, "技师", model.OccTechnician}, {occupations, "CDC staff", model.OccCDCStaff},
		{relations, "岳父母/公婆", model.RelParentInLaw}, {relations, "婆婆", model.RelParentInLaw}, {relations, "Parent-in-law", model.RelParentInLaw},
		{relations, "妻子", model.RelSpouse}, {relations, "兄弟姐妹", model.RelSibling},
		{careNeeds, "需照护老人", model.CareElderly}, {careNeeds, "未成年", model.CareMinor}, {careNeeds, "chronic illness", model.CareChronicIll},
		{occupations, "保安", ""}, {relations, "朋友", ""},
	}
	for _, tt := range tests {
		got, ok := tt.c.parse(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("%s %q: got %q %t, want %q", tt.c.name, tt.in, got, ok, tt.want)
		}
	}
	if got := splitCare("老人需照护、慢性病,残疾；未成年 minor"); !reflect.DeepEqual(got, []string{"老人需照护", "慢性病", "残疾", "未成年", "minor"}) {
		t.Errorf("splitCare: %q", got)
	}
}

func TestHeadersAreRecognisedInTheirUsualSpellings(t *testing.T) {
	for in, want := range map[string]int{
		"身份证号": pIDNumber, "身份证号码": pIDNumber, "ID Number": pIDNumber, "id-number": pIDNumber, " 手机号（选填） ": pPhone,
		"姓名*": pName, "NAME": pName, "工作单位": pInstitution, "是否一线": pFrontline, "frontline": pFrontline,
	} {
		if got, ok := headerIndex[KindPeople][normHeader(in)]; !ok || got != want {
			t.Errorf("%q: got column %d %t, want %d", in, got, ok, want)
		}
	}
}

func TestMissingAndRepeatedColumns(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		want    []rowErr
	}{
		{"a Chinese file without its phone column", []string{"姓名", "身份证号", "单位", "科室", "职业类别", "职称", "是否一线"},
			[]rowErr{{1, "手机号", "importer.column_missing"}}},
		{"an English file without its title column", []string{"name", "id_number", "phone", "institution", "department", "occupation", "frontline"},
			[]rowErr{{1, "title", "importer.column_missing"}}},
		{"the ID column twice", append(append([]string(nil), peopleHeader...), "身份证号码"),
			[]rowErr{{1, "身份证号码", "importer.column_twice"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := People(&Table{Headers: tt.headers, HeaderRow: 1}, nil, fixedToday)
			if got := keysOf(errs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTooManyErrorsAreCounted(t *testing.T) {
	tab := &Table{Headers: peopleHeader, HeaderRow: 1}
	for i := range 600 {
		tab.Rows = append(tab.Rows, []string{"", "x", "", "", "", "", "", ""})
		tab.RowNumbers = append(tab.RowNumbers, i+2)
	}
	_, errs := People(tab, nil, fixedToday)
	if len(errs) != MaxRowErrors+1 {
		t.Fatalf("%d errors listed, want %d and a summary", len(errs), MaxRowErrors)
	}
	last := errs[len(errs)-1]
	if last.Msg.Key != "importer.more_errors" || last.Msg.Args[0] != 4*600-MaxRowErrors || countErrors(errs) != 4*600 {
		t.Errorf("summary %+v, count %d", last, countErrors(errs))
	}
}

func TestCellColumnAndEscapes(t *testing.T) {
	for in, want := range map[string]int{"A1": 0, "Z9": 25, "AA10": 26, "XFD1": 16383, "XFE1": -1, "1A": -1, "A1B": -1, "AAAA1": -1} {
		if got := cellColumn([]byte(in)); got != want {
			t.Errorf("cellColumn(%q) = %d, want %d", in, got, want)
		}
	}
	for in, want := range map[string]string{"a_x000D_b": "a\rb", "_x0041_": "A", "x_x12": "x_x12", "_xZZZZ_": "_xZZZZ_", "plain": "plain"} {
		if got := decodeOOXMLEscapes(in); got != want {
			t.Errorf("decodeOOXMLEscapes(%q) = %q", in, got)
		}
	}
	for in, want := range map[string]string{"a&amp;b": "a&b", "&lt;&gt;&quot;&apos;": `<>"'`, "&#20013;&#x6587;": "中文"} {
		if got, ok := unescapeXML([]byte(in)); !ok || string(got) != want {
			t.Errorf("unescapeXML(%q) = %q", in, got)
		}
	}
	for _, in := range []string{"&nbsp;", "&#0;", "&#xD800;", "&", "&;"} {
		if _, ok := unescapeXML([]byte(in)); ok {
			t.Errorf("unescapeXML(%q) should fail", in)
		}
	}
}

// TestEveryMessageIsInTheCatalogue checks that each key this package uses
// has both texts: literal keys found in the source, and the keys built from
// the column and value tables.
func TestEveryMessageIsInTheCatalogue(t *testing.T) {
	keys := map[string]bool{}
	files, _ := filepath.Glob("*.go")
	lit := regexp.MustCompile(`"((?:importer|import|field|institution|family|phone|id_number|error)\.[a-z_.]*[a-z_])"`)
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range lit.FindAllStringSubmatch(string(src), -1) {
			keys[m[1]] = true
		}
	}
	for _, k := range []Kind{KindPeople, KindFamilies} {
		keys["importer."+string(k)+".sheet"] = true
		keys["importer.instructions.title."+string(k)] = true
		for _, c := range columnsOf(k) {
			keys[labelKey(k, c)], keys[helpKey(k, c)] = true, true
		}
	}
	for _, c := range []*choices{occupations, relations, careNeeds} {
		keys["importer."+c.name+".allowed"] = true
		for _, v := range c.values {
			keys[c.labelKey(v)] = true
		}
	}
	for _, reason := range []string{"empty", "length", "characters", "checksum", "birth_date", "format"} {
		keys["id_number."+reason] = true
	}
	for k := range keys {
		zh, en := i18n.Texts(k)
		if zh == "" || en == "" {
			t.Errorf("%s lacks a text", k)
		}
	}
	// The allowed-values texts list every label, so they cannot drift apart.
	for _, c := range []*choices{occupations, relations, careNeeds} {
		for _, lang := range i18n.Langs {
			allowed := lang.T("importer." + c.name + ".allowed")
			for _, l := range c.labels(lang) {
				if !strings.Contains(allowed, l) {
					t.Errorf("%s: %q is missing from %q", lang, l, allowed)
				}
			}
		}
	}
}
