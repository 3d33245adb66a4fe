package letters_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"houdun/internal/letters"
)

// width counts a Chinese character as 1, a Latin one as 0.5.
func width(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r < 0x2E80 {
			w += 0.5
		} else {
			w++
		}
	}
	return w
}

func TestWrapKeepsClosingMarksOffTheStartOfALine(t *testing.T) {
	for _, c := range []struct {
		name, text string
		width      float64
		want       []string
	}{
		{"plain", "白衣执甲负重前行舍小家顾大家", 5, []string{"白衣执甲负", "重前行舍小", "家顾大家"}},
		// The comma would start line 2: the character before it comes down with it.
		{"comma", "白衣执甲负，重前行", 5, []string{"白衣执甲", "负，重前行"}},
		{"full stop", "你们辛苦了。感谢有你们！", 5, []string{"你们辛苦", "了。感谢有", "你们！"}},
		// Two closing marks in a row go down with the character before them.
		{"bracket and comma", "一线工作四六（天），白衣", 7, []string{"一线工作四六", "（天），白衣"}},
		{"closing quote", "他说「好」》再见", 4, []string{"他说", "「好」》", "再见"}},
		{"enumeration comma", "防控一线、医疗救治", 4, []string{"防控一", "线、医疗", "救治"}},
		{"colon and question", "同志：您好吗？是的", 2, []string{"同", "志：", "您好", "吗？", "是的"}},
		// An opening bracket never ends a line.
		{"opening bracket", "天数为（四十六）", 4, []string{"天数为", "（四十", "六）"}},
		// A mark after a word that fills the line hangs past the margin.
		{"hanging", "2022-12-31，完", 5, []string{"2022-12-31，", "完"}},
		// Latin runs stay whole.
		{"latin word", "日期2022-12-31止", 6, []string{"日期", "2022-12-31止"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := letters.Wrap(c.text, c.width, 0, width)
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("Wrap(%q, %v) = %q, want %q", c.text, c.width, got, c.want)
			}
			if strings.Join(got, "") != c.text {
				t.Errorf("text lost: %q", got)
			}
		})
	}
}

// Whatever the width, no line but the first starts with a closing mark,
// no line ends with an opening one unless it is alone, and no text is lost.
func TestWrapNeverStartsALineWithAClosingMark(t *testing.T) {
	text := letters.Fill(letters.FuxinTemplate.Body, map[string]string{"name": "王晓梅", "institution": "阜新市中心医院", "frontline_days": "46",
		"periods": "2022-11-20至2022-12-31，2023-01-02至2023-01-05"})
	for _, p := range letters.Paragraphs(text) {
		for w := 3.0; w <= 30; w++ {
			lines := letters.Wrap(p, w, 2, width)
			if strings.Join(lines, "") != strings.ReplaceAll(p, " ", "") && strings.Join(lines, "") != p {
				t.Fatalf("width %v: text changed: %q", w, lines)
			}
			for i, l := range lines {
				r, _ := utf8.DecodeRuneInString(l)
				if i > 0 && letters.NoLineStart(r) {
					t.Errorf("width %v line %d starts with %q: %q", w, i, r, l)
				}
				last, _ := utf8.DecodeLastRuneInString(l)
				if utf8.RuneCountInString(l) > 1 && letters.NoLineEnd(last) {
					t.Errorf("width %v line %d ends with %q: %q", w, i, last, l)
				}
			}
		}
	}
}

func TestDeedKeyIgnoresSpacesAndPunctuation(t *testing.T) {
	a := letters.DeedKey("2022年12月连续坚守发热门诊42天，带病坚持接诊。")
	b := letters.DeedKey(" 2022年12月 连续坚守发热门诊42天,带病坚持接诊 ")
	if a != b || a == "" {
		t.Errorf("%q != %q", a, b)
	}
	if a == letters.DeedKey("2022年12月连续坚守隔离病区42天") {
		t.Error("different deeds share a key")
	}
}

func TestInjurySteps(t *testing.T) {
	for _, c := range []struct {
		from, to string
		all      bool
		want     string
	}{
		{"open", "submitted", false, "injury.documents_missing"},
		{"open", "submitted", true, ""},
		{"open", "recognised", true, "injury.bad_step"},
		{"submitted", "recognised", true, ""},
		{"submitted", "not_recognised", true, ""},
		{"submitted", "open", true, ""},
		{"recognised", "open", true, "injury.bad_step"},
	} {
		if got := letters.InjuryStep(c.from, c.to, c.all); got != c.want {
			t.Errorf("%s → %s (all %v): %q, want %q", c.from, c.to, c.all, got, c.want)
		}
	}
	if letters.InjuryDeadline("2023-01-02", 30) != "2023-02-01" || !letters.InjuryOverdue("open", "2023-02-01", "2023-02-02") || letters.InjuryOverdue("submitted", "2023-02-01", "2023-02-02") {
		t.Error("deadline arithmetic")
	}
}

func TestFillDropsBracketsLeftEmpty(t *testing.T) {
	got := letters.Fill("工作{{一线天数}}天（{{一线时段}}），{{姓名}}同志", map[string]string{"frontline_days": "0", "name": "王"})
	if got != "工作0天，王同志" {
		t.Errorf("%q", got)
	}
}
