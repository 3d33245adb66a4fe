package psych_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"houdun/internal/psych"
)

type scored struct {
	name    string
	answers []int
	score   int
	band    string
	risks   []string
	alert   bool
	refer   bool
	subs    map[string]float64
}

func check(t *testing.T, in *psych.Instrument, cases []scored) {
	t.Helper()
	for _, c := range cases {
		r, err := in.Score(c.answers)
		if err != nil {
			t.Errorf("%s %s: %v", in.ID, c.name, err)
			continue
		}
		if c.risks == nil {
			c.risks = []string{}
		}
		if r.Score != c.score || r.Band != c.band || !reflect.DeepEqual(r.Risks, c.risks) || r.Alert != c.alert || r.Refer != c.refer ||
			(c.subs != nil && !reflect.DeepEqual(r.Subscales, c.subs)) {
			t.Errorf("%s %s %v = %+v, want score %d band %s risks %v alert %v refer %v subscales %v",
				in.ID, c.name, c.answers, r, c.score, c.band, c.risks, c.alert, c.refer, c.subs)
		}
	}
}

// TestPHQ9AtEveryBandEdge: the standard bands 0–4, 5–9, 10–14, 15–19,
// 20–27, scored by hand at both ends of each; item 9 above "not at all"
// raises the self-harm alert whatever the total.
func TestPHQ9AtEveryBandEdge(t *testing.T) {
	phq := psych.Shipped().Get("phq9")
	check(t, phq, []scored{
		{"lowest", []int{0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, "minimal", nil, false, false, nil},
		{"top of minimal", []int{1, 1, 1, 1, 0, 0, 0, 0, 0}, 4, "minimal", nil, false, false, nil},
		{"bottom of mild", []int{1, 1, 1, 1, 1, 0, 0, 0, 0}, 5, "mild", nil, false, false, nil},
		{"top of mild", []int{2, 2, 2, 1, 1, 1, 0, 0, 0}, 9, "mild", nil, false, false, nil},
		{"bottom of moderate", []int{2, 2, 2, 2, 1, 1, 0, 0, 0}, 10, "moderate", nil, false, true, nil},
		{"top of moderate", []int{2, 2, 2, 2, 2, 2, 1, 1, 0}, 14, "moderate", nil, false, true, nil},
		{"bottom of moderately severe", []int{2, 2, 2, 2, 2, 2, 2, 1, 0}, 15, "moderately_severe", nil, false, true, nil},
		{"top of moderately severe", []int{3, 3, 3, 2, 2, 2, 2, 2, 0}, 19, "moderately_severe", nil, false, true, nil},
		{"bottom of severe", []int{3, 3, 3, 3, 2, 2, 2, 2, 0}, 20, "severe", nil, false, true, nil},
		{"highest", []int{3, 3, 3, 3, 3, 3, 3, 3, 3}, 27, "severe", []string{"self_harm"}, true, true, nil},
		{"item 9 alone: minimal total, still an alert", []int{0, 0, 0, 0, 0, 0, 0, 0, 1}, 1, "minimal", []string{"self_harm"}, true, false, nil},
		{"item 9 several days in mild", []int{1, 1, 1, 0, 0, 0, 0, 0, 2}, 5, "mild", []string{"self_harm"}, true, false, nil},
	})
}

// TestGAD7AtEveryBandEdge: 0–4, 5–9, 10–14, 15–21; GAD-7 has no risk rule.
func TestGAD7AtEveryBandEdge(t *testing.T) {
	gad := psych.Shipped().Get("gad7")
	check(t, gad, []scored{
		{"lowest", []int{0, 0, 0, 0, 0, 0, 0}, 0, "minimal", nil, false, false, nil},
		{"top of minimal", []int{1, 1, 1, 1, 0, 0, 0}, 4, "minimal", nil, false, false, nil},
		{"bottom of mild", []int{1, 1, 1, 1, 1, 0, 0}, 5, "mild", nil, false, false, nil},
		{"top of mild", []int{2, 2, 2, 1, 1, 1, 0}, 9, "mild", nil, false, false, nil},
		{"bottom of moderate", []int{2, 2, 2, 2, 1, 1, 0}, 10, "moderate", nil, false, true, nil},
		{"top of moderate", []int{2, 2, 2, 2, 2, 2, 2}, 14, "moderate", nil, false, true, nil},
		{"bottom of severe", []int{3, 2, 2, 2, 2, 2, 2}, 15, "severe", nil, false, true, nil},
		{"highest", []int{3, 3, 3, 3, 3, 3, 3}, 21, "severe", nil, false, true, nil},
	})
}

func testInstrument(t *testing.T) *psych.Instrument {
	t.Helper()
	b, err := os.ReadFile("testdata/iesr_like.json")
	if err != nil {
		t.Fatal(err)
	}
	in, err := psych.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// TestAZeroToFourScaleWithSubscales: the format expresses an IES-R-like
// instrument (0–4 answers, subscales scored as means and as sums, a risk
// rule that does not alert), proved on a test-only definition.
func TestAZeroToFourScaleWithSubscales(t *testing.T) {
	in := testInstrument(t)
	sub := func(i, a, h float64) map[string]float64 {
		return map[string]float64{"intrusion": i, "avoidance": a, "hyperarousal": h}
	}
	check(t, in, []scored{
		{"lowest", []int{0, 0, 0, 0, 0, 0}, 0, "none", nil, false, false, sub(0, 0, 0)},
		{"top of none", []int{2, 2, 1, 1, 1, 1}, 8, "none", nil, false, false, sub(2, 1, 2)},
		{"bottom of mild", []int{2, 2, 2, 1, 1, 1}, 9, "mild", nil, false, false, sub(2, 1.5, 2)},
		{"top of mild", []int{3, 3, 2, 2, 2, 1}, 13, "mild", nil, false, false, sub(3, 2, 3)},
		{"bottom of moderate", []int{3, 3, 2, 2, 2, 2}, 14, "moderate", nil, false, true, sub(3, 2, 4)},
		{"top of moderate", []int{4, 3, 3, 3, 3, 2}, 18, "moderate", nil, false, true, sub(3.5, 3, 5)},
		{"bottom of severe", []int{4, 4, 3, 3, 3, 2}, 19, "severe", nil, false, true, sub(4, 3, 5)},
		{"highest, sleep rule without alert", []int{4, 4, 4, 4, 4, 4}, 24, "severe", []string{"sleep"}, false, true, sub(4, 4, 8)},
		{"a mean of one half", []int{1, 0, 0, 0, 0, 0}, 1, "none", nil, false, false, sub(0.5, 0, 0)},
	})
}

func TestBadAnswersAreRefused(t *testing.T) {
	phq := psych.Shipped().Get("phq9")
	for _, c := range []struct {
		name    string
		answers []int
		index   int
	}{
		{"a missing item", []int{0, 0, 0, 0, 0, 0, 0, 0}, -1},
		{"one too many", []int{0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, -1},
		{"above the scale", []int{0, 0, 4, 0, 0, 0, 0, 0, 0}, 2},
		{"below the scale", []int{0, 0, 0, 0, 0, 0, 0, 0, -1}, 8},
	} {
		_, err := phq.Score(c.answers)
		ae, ok := err.(*psych.AnswerError)
		if !ok || ae.Index != c.index {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

func TestShippedInstruments(t *testing.T) {
	s := psych.Shipped()
	if got := s.IDs(); !reflect.DeepEqual(got, []string{"phq9", "gad7"}) {
		t.Fatalf("shipped = %v", got)
	}
	for _, id := range s.IDs() {
		in := s.Get(id)
		if !strings.Contains(in.Licence, "No permission required") || in.Source == "" {
			t.Errorf("%s: source %q licence %q", id, in.Source, in.Licence)
		}
		if lo, hi := in.Range(); lo != 0 || hi != 3*len(in.Items) {
			t.Errorf("%s range %d..%d", id, lo, hi)
		}
	}
	if n := len(s.Get("phq9").Items); n != 9 {
		t.Errorf("phq9 has %d items", n)
	}
	if n := len(s.Get("gad7").Items); n != 7 {
		t.Errorf("gad7 has %d items", n)
	}
}

// TestADefinitionIsValidated: the loader refuses a definition that could
// score wrongly.
func TestADefinitionIsValidated(t *testing.T) {
	good, err := os.ReadFile("testdata/iesr_like.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, from, to, want string }{
		{"a gap between bands", `"min": 9, "max": 13`, `"min": 10, "max": 13`, "does not follow on"},
		{"bands short of the top", `"min": 19, "max": 24`, `"min": 19, "max": 23`, "bands end at 23"},
		{"an English text missing", `"en": "I tried not to talk about it"`, `"en": ""`, "item 4: no en text"},
		{"a label missing", `{"zh-CN": "极度", "en": "Extremely"}`, ``, "4 labels for 5 values"},
		{"a risk on no item", `"item": "6", "above": 3`, `"item": "60", "above": 3`, "unknown item"},
		{"a risk that always holds", `"item": "6", "above": 3`, `"item": "6", "above": -1`, "never or always"},
		{"an unknown subscale", `"subscale": "avoidance"}`, `"subscale": "avoid"}`, "unknown subscale"},
		{"an unknown field", `"construct":`, `"colour": "red", "construct":`, "unknown field"},
		{"no licence", `"licence": "Test fixture of houdun; not an instrument."`, `"licence": ""`, "licence: required"},
	} {
		b := strings.Replace(string(good), c.from, c.to, 1)
		if c.name == "a label missing" {
			b = strings.Replace(string(good), `,
      {"zh-CN": "极度", "en": "Extremely"}`, "", 1)
		}
		if b == string(good) {
			t.Fatalf("%s: nothing replaced", c.name)
		}
		_, err := psych.Parse([]byte(b))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}
