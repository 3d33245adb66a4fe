package letterpdf_test

import (
	"bytes"
	"os"
	"testing"
	"time"

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
