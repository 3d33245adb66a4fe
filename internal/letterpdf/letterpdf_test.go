package letterpdf_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"rsc.io/pdf"

	"houdun/internal/letterpdf"
	"houdun/internal/letters"
)

// fontOrSkip loads the Debian font the README names, or skips.
func fontOrSkip(t testing.TB) []byte {
	b, err := letterpdf.LoadFont(letterpdf.DefaultFontPath)
	if err != nil {
		t.Skipf("no letter font (apt-get install fonts-wqy-microhei): %v", err)
	}
	return b
}

func sampleLetter() letterpdf.Letter {
	tf := letters.FuxinTemplate
	values := map[string]string{"name": "王晓梅", "institution": "阜新市中心医院", "department": "发热门诊", "frontline_days": "46",
		"periods": "2022-11-20—2022-12-31，2023-01-02—2023-01-05", "date": "2023年1月6日"}
	paras := letters.Paragraphs(letters.Fill(tf.Body, values))
	return letterpdf.Letter{Title: tf.Title, Salutation: paras[0], Paragraphs: paras[1:], Sender: tf.Sender, Date: values["date"]}
}

func TestWriteLetter(t *testing.T) {
	font := fontOrSkip(t)
	r := letterpdf.NewRenderer(font, func() time.Time { return time.Date(2023, 1, 6, 0, 0, 0, 0, time.UTC) })
	var buf bytes.Buffer
	if err := r.Write(&buf, "慰问信", []letterpdf.Letter{sampleLetter()}); err != nil {
		t.Fatal(err)
	}
	if out := os.Getenv("LETTER_PDF_OUT"); out != "" {
		os.WriteFile(out, buf.Bytes(), 0o644)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", buf.Bytes())
	}
	doc, err := pdf.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if doc.NumPage() != 1 {
		t.Errorf("%d pages, want 1", doc.NumPage())
	}
	page := doc.Page(1)
	// The font is embedded (a TrueType subset under FontFile2), so the
	// letter shows the same on a machine without Chinese fonts.
	for _, name := range page.Fonts() {
		desc := page.Font(name).V.Key("DescendantFonts").Index(0).Key("FontDescriptor")
		if desc.Key("FontFile2").Kind() != pdf.Stream {
			t.Errorf("font %s is not embedded: %v", name, desc)
		}
		if page.Font(name).V.Key("ToUnicode").Kind() != pdf.Stream {
			t.Errorf("font %s has no ToUnicode map: copied text would be garbage", name)
		}
	}
	// The text reads back line by line: rsc.io/pdf parses the file and
	// tokenises the page's content stream; its own text decoding reads
	// Identity-H codes as UTF-8, so the codes of each Tj (the characters'
	// UTF-16BE, as the font's ToUnicode map says) are decoded here.
	lines := map[float64]string{}
	var ys []float64
	var y float64
	pdf.Interpret(page.V.Key("Contents"), func(stk *pdf.Stack, op string) {
		args := make([]pdf.Value, stk.Len())
		for i := len(args) - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		switch op {
		case "Td":
			y = args[1].Float64()
		case "Tj":
			if _, ok := lines[y]; !ok {
				ys = append(ys, y)
			}
			lines[y] += utf16be(args[0].RawString())
		}
	})
	sort.Sort(sort.Reverse(sort.Float64Slice(ys)))
	var all []string
	for i, y := range ys {
		all = append(all, lines[y])
		if r, _ := utf8.DecodeRuneInString(lines[y]); i > 0 && letters.NoLineStart(r) {
			t.Errorf("line %d starts with %q: %q", i, r, lines[y])
		}
	}
	text := strings.Join(all, "")
	for _, want := range []string{"慰问信", "尊敬的王晓梅同志：", "阜新市中心医院发热门诊", "46天", "中共阜新市委", "2023年1月6日"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, strings.Join(all, "\n"))
		}
	}
}

func TestLoadFontExtractsOneFaceOfTheCollection(t *testing.T) {
	font := fontOrSkip(t)
	if binary.BigEndian.Uint32(font) != 0x00010000 {
		t.Fatalf("not a TrueType font: % x", font[:4])
	}
	ttc, _ := os.ReadFile(letterpdf.DefaultFontPath)
	if len(font) >= len(ttc) || len(font) < len(ttc)/3 {
		t.Errorf("face of %d bytes from a collection of %d", len(font), len(ttc))
	}
	if _, err := letterpdf.ExtractFace(ttc, 9); !errors.Is(err, letterpdf.ErrNoFont) {
		t.Errorf("face 9: %v", err)
	}
	if _, err := letterpdf.LoadFont(filepath.Join(t.TempDir(), "missing.ttc")); !errors.Is(err, letterpdf.ErrNoFont) {
		t.Errorf("missing font: %v", err)
	}
}

func BenchmarkWriteOneLetter(b *testing.B) {
	font := fontOrSkip(b)
	r := letterpdf.NewRenderer(font, time.Now)
	l := sampleLetter()
	for i := 0; i < b.N; i++ {
		var buf bytes.Buffer
		if err := r.Write(&buf, "慰问信", []letterpdf.Letter{l}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteMerged100(b *testing.B) {
	font := fontOrSkip(b)
	r := letterpdf.NewRenderer(font, time.Now)
	ls := make([]letterpdf.Letter, 100)
	for i := range ls {
		ls[i] = sampleLetter()
	}
	for i := 0; i < b.N; i++ {
		var buf bytes.Buffer
		if err := r.Write(&buf, "慰问信", ls); err != nil {
			b.Fatal(err)
		}
	}
}

func utf16be(s string) string {
	b := []byte(s)
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.BigEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}
