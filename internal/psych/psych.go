// Package psych holds the psychological screening instruments as data and
// their scoring: each instrument is a definition file embedded in the binary
// (instruments/*.json: items in zh-CN and en, the answer scale, the total and
// subscale scoring, severity bands, risk rules, source and licence), and
// adding one is adding a file plus its tests. It is pure: no SQL, no HTTP,
// no clock.
package psych

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"path"
	"regexp"
	"sort"
	"strings"

	"houdun/internal/model"
)

// Text is a user-facing text in each supported language.
type Text map[string]string

// In returns the text in lang, or the Chinese one.
func (t Text) In(lang string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	return t["zh-CN"]
}

// Languages every text of a definition must carry.
var Languages = []string{"zh-CN", "en"}

// Scale is the answer scale shared by every item: whole numbers Min..Max,
// one label per value.
type Scale struct {
	Min    int    `json:"min"`
	Max    int    `json:"max"`
	Labels []Text `json:"labels"`
}

// Item is one question; Subscale names the subscale it counts towards ("" none).
type Item struct {
	ID       string `json:"id"`
	Text     Text   `json:"text"`
	Subscale string `json:"subscale,omitempty"`
}

// Subscale is scored over its items by Method: "sum" or "mean".
type Subscale struct {
	ID     string `json:"id"`
	Method string `json:"method"`
	Label  Text   `json:"label"`
}

// Scoring says how the total is made ("sum" of all items) and which subscales there are.
type Scoring struct {
	Total     string     `json:"total"`
	Subscales []Subscale `json:"subscales,omitempty"`
}

// Band is a severity band of the total, Min..Max inclusive. Refer marks the
// bands at which a referral to a counsellor is proposed (moderate or worse).
type Band struct {
	ID    string `json:"id"`
	Min   int    `json:"min"`
	Max   int    `json:"max"`
	Label Text   `json:"label"`
	Refer bool   `json:"refer,omitempty"`
}

// Risk is a rule on one item that holds whatever the total: the answer to
// Item is greater than Above. Alert rules raise a crisis alert to the
// on-duty counsellors (PHQ-9 item 9).
type Risk struct {
	ID    string `json:"id"`
	Item  string `json:"item"`
	Above int    `json:"above"`
	Alert bool   `json:"alert"`
	Label Text   `json:"label"`
}

// Instrument is one definition file.
type Instrument struct {
	ID        string  `json:"id"`
	Name      Text    `json:"name"`
	Construct Text    `json:"construct"`
	Question  Text    `json:"question"`
	Source    string  `json:"source"`
	Licence   string  `json:"licence"`
	Scale     Scale   `json:"scale"`
	Items     []Item  `json:"items"`
	Scoring   Scoring `json:"scoring"`
	Bands     []Band  `json:"bands"`
	Risks     []Risk  `json:"risks"`
}

// Range is the lowest and highest possible total.
func (in *Instrument) Range() (int, int) {
	return len(in.Items) * in.Scale.Min, len(in.Items) * in.Scale.Max
}

// Band returns the band of id, or nil.
func (in *Instrument) Band(id string) *Band {
	for i := range in.Bands {
		if in.Bands[i].ID == id {
			return &in.Bands[i]
		}
	}
	return nil
}

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// Validate checks a definition: ids, every text in every language, a scale
// with one label per value, items and subscales that refer to each other,
// bands that cover the whole range of the total without gap or overlap, and
// risk rules on existing items with thresholds inside the scale.
func (in *Instrument) Validate() error {
	var errs []string
	bad := func(f string, a ...any) { errs = append(errs, fmt.Sprintf(f, a...)) }
	text := func(what string, t Text) {
		for _, l := range Languages {
			if strings.TrimSpace(t[l]) == "" {
				bad("%s: no %s text", what, l)
			}
		}
	}
	if !idPattern.MatchString(in.ID) {
		bad("id %q: lower-case letters, digits and _", in.ID)
	}
	text("name", in.Name)
	text("construct", in.Construct)
	text("question", in.Question)
	if strings.TrimSpace(in.Source) == "" {
		bad("source: required")
	}
	if strings.TrimSpace(in.Licence) == "" {
		bad("licence: required")
	}
	if in.Scale.Min < 0 || in.Scale.Max <= in.Scale.Min || in.Scale.Max > 10 {
		bad("scale: %d..%d is not a scale", in.Scale.Min, in.Scale.Max)
	} else if len(in.Scale.Labels) != in.Scale.Max-in.Scale.Min+1 {
		bad("scale: %d labels for %d values", len(in.Scale.Labels), in.Scale.Max-in.Scale.Min+1)
	}
	for i, l := range in.Scale.Labels {
		text(fmt.Sprintf("scale label %d", i), l)
	}
	if len(in.Items) == 0 || len(in.Items) > 100 {
		bad("items: %d", len(in.Items))
	}
	subs := map[string]int{}
	for _, s := range in.Scoring.Subscales {
		if !idPattern.MatchString(s.ID) {
			bad("subscale id %q", s.ID)
		}
		if _, dup := subs[s.ID]; dup {
			bad("subscale %s twice", s.ID)
		}
		subs[s.ID] = 0
		if s.Method != "sum" && s.Method != "mean" {
			bad("subscale %s: method %q (sum or mean)", s.ID, s.Method)
		}
		text("subscale "+s.ID, s.Label)
	}
	items := map[string]bool{}
	for _, it := range in.Items {
		if it.ID == "" || items[it.ID] {
			bad("item id %q empty or repeated", it.ID)
		}
		items[it.ID] = true
		text("item "+it.ID, it.Text)
		if it.Subscale != "" {
			if _, ok := subs[it.Subscale]; !ok {
				bad("item %s: unknown subscale %q", it.ID, it.Subscale)
			} else {
				subs[it.Subscale]++
			}
		}
	}
	for id, n := range subs {
		if n == 0 {
			bad("subscale %s has no item", id)
		}
	}
	if in.Scoring.Total != "sum" {
		bad("scoring.total %q (sum)", in.Scoring.Total)
	}
	lo, hi := in.Range()
	next := lo
	bands := map[string]bool{}
	for _, b := range in.Bands {
		if !idPattern.MatchString(b.ID) || bands[b.ID] {
			bad("band id %q bad or repeated", b.ID)
		}
		bands[b.ID] = true
		text("band "+b.ID, b.Label)
		if b.Min != next || b.Max < b.Min {
			bad("band %s: %d..%d does not follow on from %d", b.ID, b.Min, b.Max, next)
		}
		next = b.Max + 1
	}
	if len(in.Bands) == 0 || next != hi+1 {
		bad("bands end at %d, the total at %d", next-1, hi)
	}
	risks := map[string]bool{}
	for _, r := range in.Risks {
		if !idPattern.MatchString(r.ID) || risks[r.ID] {
			bad("risk id %q bad or repeated", r.ID)
		}
		risks[r.ID] = true
		text("risk "+r.ID, r.Label)
		if !items[r.Item] {
			bad("risk %s: unknown item %q", r.ID, r.Item)
		}
		if r.Above < in.Scale.Min || r.Above >= in.Scale.Max {
			bad("risk %s: above %d never or always holds on %d..%d", r.ID, r.Above, in.Scale.Min, in.Scale.Max)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("instrument %s: %s", in.ID, strings.Join(errs, "; "))
	}
	return nil
}

// Result is a scored set of answers.
type Result struct {
	Score     int                `json:"score"`
	Band      string             `json:"band"`
	Subscales map[string]float64 `json:"subscales,omitempty"`
	// Risks are the ids of the risk rules that hold, in definition order; [] for none.
	Risks []string `json:"risks"`
	// Alert: a rule that raises a crisis alert holds.
	Alert bool `json:"alert"`
	// Refer: the band proposes a referral.
	Refer bool `json:"refer"`
}

// AnswerError says what is wrong with a set of answers: the index of the
// first bad answer (-1: their number) and why.
type AnswerError struct {
	Index  int
	Reason string // "count", "range"
}

func (e *AnswerError) Error() string {
	if e.Index < 0 {
		return "psych: wrong number of answers"
	}
	return fmt.Sprintf("psych: answer %d out of range", e.Index+1)
}

// Score scores answers (one per item, in item order). It returns an
// *AnswerError when their number is wrong or one lies outside the scale.
func (in *Instrument) Score(answers []int) (Result, error) {
	if len(answers) != len(in.Items) {
		return Result{}, &AnswerError{Index: -1, Reason: "count"}
	}
	r := Result{Risks: []string{}}
	sums := map[string]int{}
	counts := map[string]int{}
	for i, a := range answers {
		if a < in.Scale.Min || a > in.Scale.Max {
			return Result{}, &AnswerError{Index: i, Reason: "range"}
		}
		r.Score += a
		if s := in.Items[i].Subscale; s != "" {
			sums[s] += a
			counts[s]++
		}
	}
	for _, b := range in.Bands {
		if r.Score >= b.Min && r.Score <= b.Max {
			r.Band, r.Refer = b.ID, b.Refer
		}
	}
	if len(in.Scoring.Subscales) > 0 {
		r.Subscales = map[string]float64{}
		for _, s := range in.Scoring.Subscales {
			v := float64(sums[s.ID])
			if s.Method == "mean" {
				v = math.Round(v/float64(counts[s.ID])*100) / 100
			}
			r.Subscales[s.ID] = v
		}
	}
	for _, rule := range in.Risks {
		for i, it := range in.Items {
			if it.ID == rule.Item && answers[i] > rule.Above {
				r.Risks = append(r.Risks, rule.ID)
				r.Alert = r.Alert || rule.Alert
			}
		}
	}
	return r, nil
}

//go:embed instruments/*.json
var shipped embed.FS

// Set is a loaded set of instruments by id.
type Set struct {
	byID map[string]*Instrument
	ids  []string
}

// Load reads and validates every *.json definition of fsys's root.
func Load(fsys fs.FS, dir string) (*Set, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	s := &Set{byID: map[string]*Instrument{}}
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		in, err := Parse(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		if _, dup := s.byID[in.ID]; dup {
			return nil, fmt.Errorf("%s: instrument %s defined twice", n, in.ID)
		}
		s.byID[in.ID] = in
		s.ids = append(s.ids, in.ID)
	}
	sort.Slice(s.ids, func(i, j int) bool { return order(s.ids[i]) < order(s.ids[j]) })
	return s, nil
}

// order puts PHQ-9 first, GAD-7 second, any other after them by id.
func order(id string) string {
	switch id {
	case "phq9":
		return "0"
	case "gad7":
		return "1"
	}
	return "2" + id
}

// Parse reads one definition, refusing unknown fields, and validates it.
func Parse(b []byte) (*Instrument, error) {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var in Instrument
	if err := dec.Decode(&in); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return &in, nil
}

// Get returns the instrument of id, or nil.
func (s *Set) Get(id string) *Instrument { return s.byID[id] }

// IDs lists the instruments in display order.
func (s *Set) IDs() []string { return append([]string(nil), s.ids...) }

var shippedSet = func() *Set {
	s, err := Load(shipped, "instruments")
	if err != nil {
		panic(err)
	}
	return s
}()

// Shipped is the set of instruments embedded in the binary (PHQ-9, GAD-7).
func Shipped() *Set { return shippedSet }

// View is the instrument in one language, as the API and the pages show it.
func (in *Instrument) View(lang string) model.InstrumentView {
	v := model.InstrumentView{ID: in.ID, Name: in.Name.In(lang), Construct: in.Construct.In(lang), Question: in.Question.In(lang),
		Source: in.Source, Licence: in.Licence, Scale: []model.ScaleValue{}, Items: []model.ItemView{}, Bands: []model.BandView{}}
	for i, l := range in.Scale.Labels {
		v.Scale = append(v.Scale, model.ScaleValue{Value: in.Scale.Min + i, Label: l.In(lang)})
	}
	for _, it := range in.Items {
		v.Items = append(v.Items, model.ItemView{ID: it.ID, Text: it.Text.In(lang), Subscale: it.Subscale})
	}
	for _, b := range in.Bands {
		v.Bands = append(v.Bands, model.BandView{ID: b.ID, Min: b.Min, Max: b.Max, Label: b.Label.In(lang)})
	}
	return v
}
