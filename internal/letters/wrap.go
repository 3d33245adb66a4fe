package letters

import (
	"strings"
	"unicode"
)

// noLineStart are the marks that must not begin a line in Chinese text
// (行首禁则): closing punctuation and brackets. A line that would begin with
// one takes the character before it down with it instead.
const noLineStart = "，。、；：！？）》」』】〕〉”’…—·,.;:!?)]}%"

// noLineEnd are the opening brackets and quotes that must not end a line
// (行尾禁则): they go down to the next line with what they open.
const noLineEnd = "（《「『【〔〈“‘([{"

// NoLineStart reports whether r may not begin a line.
func NoLineStart(r rune) bool { return strings.ContainsRune(noLineStart, r) }

// NoLineEnd reports whether r may not end a line.
func NoLineEnd(r rune) bool { return strings.ContainsRune(noLineEnd, r) }

// Wrap breaks one paragraph into lines no wider than width, measuring with
// widthOf (the PDF writer's string width). Chinese text breaks between any
// two characters; a run of Latin letters or digits (a name, a number, a
// date) stays whole where it fits; a line never begins with a closing mark
// of noLineStart nor ends with an opening one of noLineEnd. first is the
// indent of the first line, counted against its width.
func Wrap(text string, width, first float64, widthOf func(string) float64) []string {
	units := breakUnits(text)
	var lines []string
	var cur []string
	curW := first
	flush := func() {
		line := strings.TrimRightFunc(strings.Join(cur, ""), unicode.IsSpace)
		lines = append(lines, line)
		cur, curW = nil, 0
	}
	for _, u := range units {
		w := widthOf(u)
		if len(cur) > 0 && curW+w > width && !(strings.TrimSpace(u) == "") {
			// u starts the next line. If it may not start one, bring the
			// unit before it down with it (and any closing marks between).
			carry := 0
			if r0, _ := firstRune(u); NoLineStart(r0) {
				carry = 1
				for carry < len(cur) {
					if r, _ := firstRune(cur[len(cur)-carry]); !NoLineStart(r) {
						break
					}
					carry++
				}
				if carry >= len(cur) {
					// Nothing to bring down (one long word fills the line):
					// the mark hangs past the margin instead (悬挂).
					cur = append(cur, u)
					curW += w
					continue
				}
			}
			// An opening mark at the end of the line goes down too.
			for carry < len(cur)-1 {
				r := lastRune(cur[len(cur)-1-carry])
				if !NoLineEnd(r) {
					break
				}
				carry++
			}
			moved := append([]string(nil), cur[len(cur)-carry:]...)
			cur = cur[:len(cur)-carry]
			flush()
			for _, m := range moved {
				if len(cur) == 0 && strings.TrimSpace(m) == "" {
					continue
				}
				cur = append(cur, m)
				curW += widthOf(m)
			}
		}
		if len(cur) == 0 && strings.TrimSpace(u) == "" && len(lines) > 0 {
			continue // no space at the start of a wrapped line
		}
		cur = append(cur, u)
		curW += w
	}
	if len(cur) > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// breakUnits splits text into the pieces a line may break between: one
// Chinese character or mark each, a run of Latin letters and digits, or a
// run of spaces.
func breakUnits(text string) []string {
	var units []string
	var word strings.Builder
	flushWord := func() {
		if word.Len() > 0 {
			units = append(units, word.String())
			word.Reset()
		}
	}
	for _, r := range text {
		switch {
		case r < 0x2E80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' || r == '@' || r == '/' || r == '\'' || r == '¥' || r == '.' && word.Len() > 0):
			word.WriteRune(r)
		default:
			flushWord()
			units = append(units, string(r))
		}
	}
	flushWord()
	return units
}

func firstRune(s string) (rune, bool) {
	for _, r := range s {
		return r, true
	}
	return 0, false
}

func lastRune(s string) rune {
	rs := []rune(s)
	if len(rs) == 0 {
		return 0
	}
	return rs[len(rs)-1]
}
