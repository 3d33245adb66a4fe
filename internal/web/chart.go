package web

import (
	"html/template"
	"strconv"
	"strings"
)

// bar is one bar of a chart.
type bar struct {
	Label string
	Value int
	Text  string // the value as shown ("12", "<5"); the number when empty
	Class string // "", "warn", "ok" or "muted": the colour, set in the stylesheet
}

// Chart geometry, in CSS pixels: each bar has its label and value on one
// line and the bar itself below, so labels of any length fit a phone.
const (
	chartRow      = 42
	chartBarY     = 22
	chartBarH     = 12
	chartTextBase = 15
)

// barChart draws a horizontal bar chart as inline SVG, with no script: the
// width follows its container (lengths are percentages of it), the text
// keeps its size, and screen readers get the title and every value from
// <title> and <desc>. Colours and fonts come from the stylesheet (.chart),
// because the CSP forbids inline styles. id must be unique on the page.
func barChart(id, title string, bars []bar) template.HTML {
	esc := template.HTMLEscapeString
	peak := 0
	for _, b := range bars {
		peak = max(peak, b.Value)
	}
	height := max(len(bars), 1) * chartRow
	var desc []string
	var sb strings.Builder
	for i, b := range bars {
		text := b.Text
		if text == "" {
			text = strconv.Itoa(b.Value)
		}
		desc = append(desc, b.Label+": "+text)
		y := i * chartRow
		pct := 0.0
		if peak > 0 && b.Value > 0 {
			pct = max(float64(b.Value)/float64(peak)*100, 0.8)
		}
		class := "bar"
		if b.Class != "" {
			class += " " + b.Class
		}
		sb.WriteString(`<g class="row"><title>` + esc(b.Label+": "+text) + `</title>`)
		sb.WriteString(`<text class="label" x="0" y="` + strconv.Itoa(y+chartTextBase) + `">` + esc(b.Label) + `</text>`)
		sb.WriteString(`<text class="value" x="100%" y="` + strconv.Itoa(y+chartTextBase) + `" text-anchor="end">` + esc(text) + `</text>`)
		sb.WriteString(`<rect class="track" x="0" y="` + strconv.Itoa(y+chartBarY) + `" width="100%" height="` + strconv.Itoa(chartBarH) + `" rx="2"></rect>`)
		if pct > 0 {
			sb.WriteString(`<rect class="` + class + `" x="0" y="` + strconv.Itoa(y+chartBarY) + `" width="` +
				strconv.FormatFloat(pct, 'f', 2, 64) + `%" height="` + strconv.Itoa(chartBarH) + `" rx="2"></rect>`)
		}
		sb.WriteString(`</g>`)
	}
	id = esc(id)
	out := `<svg class="chart" id="` + id + `" role="img" aria-labelledby="` + id + `-t ` + id + `-d" width="100%" height="` +
		strconv.Itoa(height) + `" xmlns="http://www.w3.org/2000/svg">` +
		`<title id="` + id + `-t">` + esc(title) + `</title><desc id="` + id + `-d">` + esc(strings.Join(desc, "; ")) + `</desc>` +
		sb.String() + `</svg>`
	return template.HTML(out)
}
