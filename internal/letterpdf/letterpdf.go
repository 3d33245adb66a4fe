// Package letterpdf draws consolation letters (慰问信) as PDF with
// codeberg.org/go-pdf/fpdf, the maintained successor of gofpdf: pure Go,
// TrueType fonts embedded as subsets, a ToUnicode map so that the text can
// be searched and copied. Lines are broken by letters.Wrap, which keeps
// closing punctuation off the start of a line; fpdf itself knows no Chinese
// line-breaking rules. It does no I/O but reading the font once.
package letterpdf

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"houdun/internal/letters"
	"houdun/internal/model"
)

// Letter is one filled letter.
type Letter struct {
	Title      string
	Salutation string   // the first line, flush left (尊敬的…同志：); may be empty
	Paragraphs []string // each indented by two characters
	Sender     string   // right-aligned below the text (may hold lines)
	Date       string   // right-aligned below the sender
}

// Page geometry, in millimetres: A4 with the margins of an official letter
// (GB/T 9704 uses 37 mm top, 28 mm left; a letter is a little looser).
const (
	pageW, pageH = 210.0, 297.0
	marginTop    = 35.0
	marginSide   = 27.0
	marginBottom = 30.0
	titleSize    = 22.0 // 二号
	bodySize     = 16.0 // 三号, the size of official letters
	lineHeight   = 10.0 // about 1.8 lines
)

const family = "wqy"

// Renderer draws letters in one font. It is safe for concurrent use.
type Renderer struct {
	font   []byte
	tables []sfntTable     // the font's tables
	cmap   map[rune]uint16 // its character map; nil: the font is used whole
	// Modified dates in the PDF info dictionary; fixed for reproducible output.
	now func() time.Time
}

// NewRenderer makes a renderer for a TrueType font (see LoadFont).
func NewRenderer(font []byte, now func() time.Time) *Renderer {
	r := &Renderer{font: font, now: now}
	if tables, err := readTables(font); err == nil {
		if cmap, err := readCmap(tables); err == nil {
			r.tables, r.cmap = tables, cmap
		}
	}
	return r
}

var (
	defaultOnce sync.Once
	defaultFont []byte
	defaultErr  error
)

// Default returns the renderer of the font at path (DefaultFontPath when
// empty), loading it once; ErrNoFont when it is missing.
func Default(path string, now func() time.Time) (*Renderer, error) {
	if path == "" || path == DefaultFontPath {
		defaultOnce.Do(func() { defaultFont, defaultErr = LoadFont(DefaultFontPath) })
		if defaultErr != nil {
			return nil, defaultErr
		}
		return NewRenderer(defaultFont, now), nil
	}
	b, err := LoadFont(path)
	if err != nil {
		return nil, err
	}
	return NewRenderer(b, now), nil
}

// Write draws the letters into one PDF, each starting on a new page, and
// writes it to w. Title is the document's title in its properties.
func (r *Renderer) Write(w io.Writer, title string, ls []Letter) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetAutoPageBreak(false, marginBottom)
	pdf.SetMargins(marginSide, marginTop, marginSide)
	font := r.font
	if r.cmap != nil {
		texts := []string{title}
		for _, l := range ls {
			texts = append(texts, l.Title, l.Salutation, l.Sender, l.Date)
			texts = append(texts, l.Paragraphs...)
		}
		font = r.forText(texts...)
	}
	pdf.AddUTF8FontFromBytes(family, "", font)
	pdf.SetTitle(title, true)
	pdf.SetCreator("houdun", true)
	t := r.now()
	pdf.SetCreationDate(t)
	pdf.SetModificationDate(t)
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("letterpdf: font: %w", err)
	}
	for _, l := range ls {
		r.draw(pdf, l)
	}
	if len(ls) == 0 {
		pdf.AddPage()
	}
	return pdf.Output(w)
}

func (r *Renderer) draw(pdf *fpdf.Fpdf, l Letter) {
	textW := pageW - 2*marginSide
	pdf.AddPage()
	y := marginTop
	newLine := func(h float64) {
		y += h
		if y > pageH-marginBottom {
			pdf.AddPage()
			y = marginTop + h
		}
	}
	// The title, centred, wrapped if long.
	pdf.SetFont(family, "", titleSize)
	for _, line := range letters.Wrap(l.Title, textW, 0, pdf.GetStringWidth) {
		lw := pdf.GetStringWidth(line)
		pdf.Text(marginSide+(textW-lw)/2, y+titleSize*0.3528, line)
		newLine(titleSize * 0.3528 * 1.6)
	}
	newLine(lineHeight * 0.6)
	pdf.SetFont(family, "", bodySize)
	indent := pdf.GetStringWidth("中中")
	if l.Salutation != "" {
		for _, line := range letters.Wrap(l.Salutation, textW, 0, pdf.GetStringWidth) {
			newLine(lineHeight)
			pdf.Text(marginSide, y, line)
		}
	}
	for _, p := range l.Paragraphs {
		for i, line := range letters.Wrap(p, textW, indent, pdf.GetStringWidth) {
			newLine(lineHeight)
			x := marginSide
			if i == 0 {
				x += indent
			}
			pdf.Text(x, y, line)
		}
	}
	newLine(lineHeight)
	for _, block := range []string{l.Sender, l.Date} {
		for _, p := range letters.Paragraphs(block) {
			for _, line := range letters.Wrap(p, textW-indent, 0, pdf.GetStringWidth) {
				newLine(lineHeight)
				lw := pdf.GetStringWidth(line)
				pdf.Text(pageW-marginSide-indent-lw, y, line)
			}
		}
	}
}

// FromLetter lays out a stored letter: its first line is the salutation
// when it ends with a colon (尊敬的…同志：), the rest are paragraphs.
func FromLetter(l model.Letter) Letter {
	paras := letters.Paragraphs(l.Body)
	out := Letter{Title: l.Title, Sender: l.Sender, Date: letters.ChineseDate(l.Date)}
	if len(paras) > 0 && (strings.HasSuffix(paras[0], "：") || strings.HasSuffix(paras[0], ":")) {
		out.Salutation, paras = paras[0], paras[1:]
	}
	out.Paragraphs = paras
	return out
}

// Unavailable is the error a caller gets when the font is missing: the
// server's administrator must install it (or set HOUDUN_LETTER_FONT).
func Unavailable(err error) error {
	return &model.Error{Code: model.EUnavailable, Msg: model.M("letter.font_missing"), Err: err}
}
