package importer

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"houdun/internal/i18n"
	"houdun/internal/model"
)

// Kind names a roster: what a template describes and an import expects.
type Kind string

// Kinds of roster.
const (
	KindPeople   Kind = "people"
	KindFamilies Kind = "families"
)

// column describes one column of a roster template.
type column struct {
	name      string   // English header: the API's field name
	errField  string   // the key under which Normalize reports this column's problems
	aliases   []string // other headers met in real rosters, matched like the label
	text      bool     // ID numbers and phones: formatted as text so Excel keeps every digit
	choices   *choices // a closed list of values, offered as a drop-down in the template
	boolean   bool     // yes/no, offered as a drop-down
	required  bool     // the cell must be filled (every column must be present in the header)
	example   string   // shown on the instructions sheet, never as a data row
	exampleEN string   // the example in English, when it differs
}

// labelKey is the catalogue key of the column's header text; the English text is the name.
func labelKey(k Kind, c column) string { return "importer." + string(k) + ".col." + c.name }

// helpKey is the catalogue key of the column's explanation on the instructions sheet.
func helpKey(k Kind, c column) string { return "importer." + string(k) + ".help." + c.name }

// Column positions of the people template.
const (
	pName = iota
	pIDNumber
	pPhone
	pInstitution
	pDepartment
	pOccupation
	pTitle
	pFrontline
)

// Column positions of the families template.
const (
	fWorker = iota
	fName
	fRelation
	fBirthDate
	fIDNumber
	fPhone
	fLivesWith
	fCareNeeds
)

// The example values are a fictitious person: 11010519491231002X is the
// specimen number of GB 11643-1999 itself.
var peopleColumns = []column{
	pName:        {name: "name", errField: "name", required: true, aliases: []string{"姓名", "人员姓名", "职工姓名"}, example: "张三", exampleEN: "Zhang San"},
	pIDNumber:    {name: "id_number", errField: "id_number", required: true, aliases: []string{"身份证号码", "身份证", "公民身份号码", "证件号码"}, text: true, example: "11010519491231002X"},
	pPhone:       {name: "phone", errField: "phone", aliases: []string{"手机", "手机号码", "联系电话", "电话"}, text: true, example: "13912345678"},
	pInstitution: {name: "institution", errField: "institution_id", required: true, aliases: []string{"工作单位", "单位名称", "所在单位", "institution_id"}, example: "阜新市第一人民医院", exampleEN: "Fuxin No. 1 People's Hospital"},
	pDepartment:  {name: "department", errField: "department", aliases: []string{"科室/部门", "部门", "所在科室"}, example: "呼吸内科", exampleEN: "Respiratory medicine"},
	pOccupation:  {name: "occupation", errField: "occupation", required: true, aliases: []string{"职业", "人员类别", "类别"}, choices: occupations},
	pTitle:       {name: "title", errField: "title", aliases: []string{"专业技术职称", "职务/职称"}, example: "主治医师", exampleEN: "Attending physician"},
	pFrontline:   {name: "frontline", errField: "frontline", aliases: []string{"是否一线人员", "一线"}, boolean: true},
}

var familyColumns = []column{
	fWorker:    {name: "worker_id_number", errField: "worker_id_number", required: true, aliases: []string{"职工身份证号码", "医务人员身份证号", "本人身份证号"}, text: true, example: "11010519491231002X"},
	fName:      {name: "name", errField: "name", required: true, aliases: []string{"姓名", "家属"}, example: "李四", exampleEN: "Li Si"},
	fRelation:  {name: "relation", errField: "relation", required: true, aliases: []string{"与职工关系", "与本人关系", "家庭关系"}, choices: relations},
	fBirthDate: {name: "birth_date", errField: "birth_date", aliases: []string{"出生年月日"}, example: "1950-03-01"},
	fIDNumber:  {name: "id_number", errField: "id_number", aliases: []string{"家属身份证号", "身份证号码", "身份证"}, text: true},
	fPhone:     {name: "phone", errField: "phone", aliases: []string{"手机", "手机号码", "联系电话", "电话"}, text: true},
	fLivesWith: {name: "lives_with", errField: "lives_with", aliases: []string{"同住", "是否共同居住"}, boolean: true},
	fCareNeeds: {name: "care_needs", errField: "care_needs", aliases: []string{"照护需要", "特殊需求"}, choices: careNeeds},
}

func columnsOf(k Kind) []column {
	if k == KindFamilies {
		return familyColumns
	}
	return peopleColumns
}

// choices is a closed list of values: the API's English values, shown to
// users as catalogue labels. A cell may hold the label in either language,
// the value itself, or a synonym clerks commonly type.
type choices struct {
	name     string
	values   []string
	synonyms map[string]string
	lookup   map[string]string // normalised spelling → value
}

func newChoices(name string, values []string, synonyms map[string]string) *choices {
	c := &choices{name: name, values: values, synonyms: synonyms}
	c.lookup = map[string]string{}
	for _, v := range values {
		zh, en := i18n.Texts(c.labelKey(v))
		for _, s := range []string{v, zh, en} {
			c.lookup[normValue(s)] = v
		}
	}
	for s, v := range synonyms {
		c.lookup[normValue(s)] = v
	}
	return c
}

func (c *choices) labelKey(v string) string { return "importer." + c.name + "." + v }

// label is the value's text in lang.
func (c *choices) label(lang i18n.Lang, v string) string { return lang.T(c.labelKey(v)) }

// labels lists every value's text in lang, in display order.
func (c *choices) labels(lang i18n.Lang) []string {
	out := make([]string, len(c.values))
	for i, v := range c.values {
		out[i] = c.label(lang, v)
	}
	return out
}

// parse maps a cell to its value.
func (c *choices) parse(s string) (string, bool) {
	if v, ok := c.lookup[s]; ok { // the common case: a label exactly as the drop-down writes it
		return v, true
	}
	v, ok := c.lookup[normValue(s)]
	return v, ok
}

// invalid is the message for a value outside the list; it names the allowed labels.
func (c *choices) invalid() model.Msg {
	return model.M("importer.choice", model.M("importer."+c.name+".allowed"))
}

var (
	occupations = newChoices("occupation", model.Occupations, map[string]string{
		"医师": model.OccDoctor, "护师": model.OccNurse, "技师": model.OccTechnician, "医技": model.OccTechnician,
		"疾控": model.OccCDCStaff, "社区工作人员": model.OccCommunityWorker, "其它": model.OccOther,
	})
	relations = newChoices("relation", model.Relations, map[string]string{
		"丈夫": model.RelSpouse, "妻子": model.RelSpouse, "夫": model.RelSpouse, "妻": model.RelSpouse,
		"儿子": model.RelChild, "女儿": model.RelChild, "子": model.RelChild, "女": model.RelChild,
		"父亲": model.RelParent, "母亲": model.RelParent, "父": model.RelParent, "母": model.RelParent,
		"岳父母": model.RelParentInLaw, "公婆": model.RelParentInLaw, "岳父": model.RelParentInLaw, "岳母": model.RelParentInLaw,
		"公公": model.RelParentInLaw, "婆婆": model.RelParentInLaw,
		"兄弟": model.RelSibling, "姐妹": model.RelSibling, "哥哥": model.RelSibling, "弟弟": model.RelSibling,
		"姐姐": model.RelSibling, "妹妹": model.RelSibling, "其它": model.RelOther,
	})
	careNeeds = newChoices("care_needs", model.CareNeeds, map[string]string{
		"老人需照护": model.CareElderly, "需照护老人": model.CareElderly, "老人照护": model.CareElderly,
		"未成年子女": model.CareMinor, "未成年": model.CareMinor, "未成年人": model.CareMinor,
		"残疾": model.CareDisability, "残疾人": model.CareDisability, "慢性病": model.CareChronicIll,
	})
)

// normValue folds the spellings of one value together: ASCII case, and
// spaces or hyphens for underscores ("Parent-in-law", "cdc staff").
func normValue(s string) string {
	s = strings.ToLower(s)
	if strings.ContainsAny(s, " -") {
		s = strings.NewReplacer(" ", "_", "-", "_").Replace(s)
	}
	return s
}

// parseBool reads the yes/no spellings of Chinese and English spreadsheets.
// A blank cell is no.
func parseBool(s string) (v, ok bool) {
	switch s {
	case "是", "√", "✓", "✔", "Y", "y", "1":
		return true, true
	case "", "否", "×", "✗", "✘", "N", "n", "0":
		return false, true
	}
	switch strings.ToLower(s) {
	case "yes", "true", "是的":
		return true, true
	case "no", "false", "不是":
		return false, true
	}
	return false, false
}

// boolLabel is the text of a yes/no value in lang.
func boolLabel(lang i18n.Lang, v bool) string {
	if v {
		return lang.T("importer.yes")
	}
	return lang.T("importer.no")
}

// splitCare splits a care-needs cell at the separators people type between
// several needs.
func splitCare(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case '、', ',', '，', ';', '；', '/', '|':
			return true
		}
		return isBlank(r)
	})
}

// looksScientific reports whether s is a number in Excel's scientific
// notation (1.10105E+17): what becomes of an ID number typed into a cell
// formatted as a number. The last digits are lost by then.
func looksScientific(s string) bool {
	e := strings.IndexAny(s, "eE")
	if e < 1 || e == len(s)-1 {
		return false
	}
	mant, exp := s[:e], s[e+1:]
	if exp[0] == '+' {
		exp = exp[1:]
	}
	if exp == "" || mant[0] < '0' || mant[0] > '9' {
		return false
	}
	dot := false
	for i := 0; i < len(mant); i++ {
		switch c := mant[i]; {
		case c == '.' && !dot:
			dot = true
		case c < '0' || c > '9':
			return false
		}
	}
	for i := 0; i < len(exp); i++ {
		if exp[i] < '0' || exp[i] > '9' {
			return false
		}
	}
	return true
}

// excelEpoch is day 0 of Excel's date serials for serials from 61 on: Excel
// counts 1900 as a leap year, so 1899-12-30 rather than 12-31.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// parseDate reads a date as clerks write it — 2020-03-01, 2020/3/1,
// 2020.3.1, 2020年3月1日, 20200301 — or as an Excel date serial (a date
// cell read raw), and returns it as YYYY-MM-DD. A time after the date
// ("2020/3/1 0:00", as Excel writes dates into CSV) is ignored.
func parseDate(s string) (string, bool) {
	if i := strings.IndexAny(s, " T"); i > 0 {
		s = s[:i]
	}
	if serial, ok := excelSerial(s); ok {
		return serial, true
	}
	var parts [3]int
	n, cur, digits := 0, 0, 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			cur = cur*10 + int(r-'0')
			digits++
			if digits > 8 {
				return "", false
			}
		case r == '-' || r == '/' || r == '.' || r == '年' || r == '月' || r == '日':
			if digits == 0 || n == 3 {
				return "", false
			}
			parts[n], n, cur, digits = cur, n+1, 0, 0
		default:
			return "", false
		}
	}
	if digits > 0 {
		if n == 3 {
			return "", false
		}
		parts[n], n = cur, n+1
	}
	switch {
	case n == 1 && digits == 8: // 20200301
		parts = [3]int{parts[0] / 10000, parts[0] / 100 % 100, parts[0] % 100}
	case n != 3 || parts[0] < 1000:
		return "", false
	}
	y, m, d := parts[0], parts[1], parts[2]
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if m < 1 || m > 12 || t.Day() != d {
		return "", false // 2月30日 would roll over into March
	}
	return t.Format(time.DateOnly), true
}

// excelSerial converts an Excel date serial ("43891", "43891.5").
// Serials 1900–2100 are refused: a lone year typed into a date column reads
// as one of those, and a silent date in 1905 would be worse than an error.
func excelSerial(s string) (string, bool) {
	if i := strings.IndexByte(s, '.'); i > 0 {
		frac := s[i+1:]
		if strings.Trim(frac, "0123456789") != "" {
			return "", false
		}
		s = s[:i]
	}
	if s == "" || len(s) > 7 || strings.Trim(s, "0123456789") != "" {
		return "", false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n == 60 || (n >= 1900 && n <= 2100) || n > 2958465 {
		return "", false
	}
	t := excelEpoch.AddDate(0, 0, n)
	if n < 60 {
		t = t.AddDate(0, 0, 1) // before Excel's phantom 1900-02-29
	}
	return t.Format(time.DateOnly), true
}

// normHeader folds the spellings of one header together: case, spaces and
// hyphens for underscores, a trailing required-field star and a trailing
// remark in brackets ("手机号（选填）").
func normHeader(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimRight(s, "*＊ ")
	for _, pair := range [][2]string{{"（", "）"}, {"(", ")"}} {
		if strings.HasSuffix(s, pair[1]) {
			if i := strings.LastIndex(s, pair[0]); i > 0 {
				s = strings.TrimSpace(s[:i])
			}
		}
	}
	s = strings.ReplaceAll(s, "\u3000", "")
	return normValue(s)
}

// headerIndex maps every accepted header spelling of a kind to its column.
var headerIndex = map[Kind]map[string]int{
	KindPeople:   buildHeaderIndex(KindPeople),
	KindFamilies: buildHeaderIndex(KindFamilies),
}

func buildHeaderIndex(k Kind) map[string]int {
	m := map[string]int{}
	for i, c := range columnsOf(k) {
		zh, en := i18n.Texts(labelKey(k, c))
		for _, s := range append([]string{c.name, zh, en}, c.aliases...) {
			m[normHeader(s)] = i
		}
	}
	return m
}

// layout is where each template column sits in a file (-1 when absent) and
// the file's own header text for it, which error reports quote.
type layout struct {
	pos    []int
	header []string
}

// mapHeaders finds the template's columns in a file's header. Every column
// is required: the store's import replaces all of a person's values, so an
// omitted column would silently blank it on every updated record. Unknown
// columns are ignored; a column given twice is an error.
func mapHeaders(t *Table, k Kind) (layout, []model.RowError) {
	cols := columnsOf(k)
	idx := headerIndex[k]
	l := layout{pos: make([]int, len(cols)), header: make([]string, len(cols))}
	for i := range l.pos {
		l.pos[i] = -1
	}
	var errs []model.RowError
	chinese, matched := false, false
	for p, h := range t.Headers {
		c, ok := idx[normHeader(h)]
		if !ok {
			continue
		}
		matched = true
		if !chinese {
			chinese = hasNonASCII(h)
		}
		if l.pos[c] >= 0 {
			errs = append(errs, model.RowError{Row: t.HeaderRow, Column: h, Msg: model.M("importer.column_twice", l.header[c])})
			continue
		}
		l.pos[c], l.header[c] = p, h
	}
	for c, p := range l.pos {
		if p >= 0 {
			continue
		}
		// Name the missing column in the language of the file's headers.
		name := cols[c].name
		if chinese || !matched {
			name, _ = i18n.Texts(labelKey(k, cols[c]))
		}
		errs = append(errs, model.RowError{Row: t.HeaderRow, Column: name, Msg: model.M("importer.column_missing")})
	}
	return l, errs
}

func hasNonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	return false
}
