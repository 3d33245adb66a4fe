// Package letters holds the rules of the consolation letters (慰问信), the
// commendations (表彰), the priority in title evaluation and the
// work-injury determination cases (工伤认定) of frontline staff: template
// placeholders and their substitution, Chinese line breaking, commendation
// levels and the one-reward-per-deed key, the work-injury checklist and
// its deadline, and the settings they read. It is pure: no SQL, no HTTP,
// no PDF (package letterpdf draws the letters).
package letters

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"houdun/internal/model"
)

// Placeholder names. Each has a Chinese and an English spelling; a template
// may use either ({{姓名}} or {{name}}).
const (
	FieldName          = "name"
	FieldInstitution   = "institution"
	FieldDepartment    = "department"
	FieldOccupation    = "occupation"
	FieldRegion        = "region"
	FieldFrontlineDays = "frontline_days"
	FieldPeriods       = "periods"
	FieldDate          = "date"
)

// Placeholder is one placeholder a template may use.
type Placeholder struct {
	Name    string `json:"name"`    // the English spelling
	Chinese string `json:"chinese"` // the Chinese spelling
}

// Placeholders lists every placeholder, in display order.
var Placeholders = []Placeholder{
	{FieldName, "姓名"},
	{FieldInstitution, "单位"},
	{FieldDepartment, "科室"},
	{FieldOccupation, "岗位"},
	{FieldRegion, "地区"},
	{FieldFrontlineDays, "一线天数"},
	{FieldPeriods, "一线时段"},
	{FieldDate, "日期"},
}

// placeholderOf maps both spellings to the English name.
var placeholderOf = func() map[string]string {
	m := map[string]string{}
	for _, p := range Placeholders {
		m[p.Name], m[p.Chinese] = p.Name, p.Name
	}
	return m
}()

var placeholderRE = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// Limits of a template's texts, in characters.
const (
	MaxTemplateName  = 100
	MaxTemplateTitle = 100
	MaxTemplateBody  = 5000
	MaxSender        = 200
)

// CheckPlaceholders checks every {{…}} of text: each must name a known
// placeholder, and no brace may stand unpaired. It returns the message key
// and the offending text for a field error, or "" when the text is good.
func CheckPlaceholders(text string) (key, bad string) {
	for _, m := range placeholderRE.FindAllStringSubmatch(text, -1) {
		if _, ok := placeholderOf[m[1]]; !ok {
			return "letter.placeholder_unknown", m[0]
		}
	}
	rest := placeholderRE.ReplaceAllString(text, "")
	if i := strings.Index(rest, "{{"); i >= 0 {
		return "letter.placeholder_unclosed", cut(rest[i:], 12)
	}
	if i := strings.Index(rest, "}}"); i >= 0 {
		return "letter.placeholder_unopened", cut(rest[max(0, i-10):], 12)
	}
	return "", ""
}

func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// UsedFields returns the placeholders (English names) that text uses.
func UsedFields(text string) map[string]bool {
	out := map[string]bool{}
	for _, m := range placeholderRE.FindAllStringSubmatch(text, -1) {
		if n, ok := placeholderOf[m[1]]; ok {
			out[n] = true
		}
	}
	return out
}

// Fill replaces every placeholder of a checked text with its value (by
// English name); a placeholder without a value becomes empty, and brackets
// it leaves empty go with it (（{{一线时段}}） without periods).
func Fill(text string, values map[string]string) string {
	filled := placeholderRE.ReplaceAllStringFunc(text, func(m string) string {
		sub := placeholderRE.FindStringSubmatch(m)
		if v := values[placeholderOf[sub[1]]]; v != "" {
			return v
		}
		return "\x00"
	})
	return strings.NewReplacer("（\x00）", "", "(\x00)", "", "\x00", "").Replace(filled)
}

// TemplateFields are a letter template's texts after normalisation.
type TemplateFields struct {
	Name   string
	Title  string
	Body   string
	Sender string
}

// Normalize trims the texts, unifies line ends and checks lengths and
// placeholders, naming the field of each error.
func (t *TemplateFields) Normalize() model.FieldErrors {
	fe := model.FieldErrors{}
	t.Name, t.Title, t.Sender = strings.TrimSpace(t.Name), strings.TrimSpace(t.Title), strings.TrimSpace(t.Sender)
	t.Body = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(t.Body, "\r\n", "\n"), "\r", "\n"))
	for _, f := range []struct {
		field    string
		v        string
		max      int
		required bool
	}{{"name", t.Name, MaxTemplateName, true}, {"title", t.Title, MaxTemplateTitle, true}, {"body", t.Body, MaxTemplateBody, true}, {"sender", t.Sender, MaxSender, true}} {
		n := utf8.RuneCountInString(f.v)
		switch {
		case f.required && n == 0:
			fe.Add(f.field, "field.required")
		case n > f.max:
			fe.Add(f.field, "field.too_long", f.max)
		default:
			if key, bad := CheckPlaceholders(f.v); key != "" {
				fe.Add(f.field, key, bad)
			}
		}
	}
	return fe
}

// Paragraphs splits a filled body into paragraphs: one a line, blank lines dropped.
func Paragraphs(body string) []string {
	var out []string
	for _, line := range strings.Split(body, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}
