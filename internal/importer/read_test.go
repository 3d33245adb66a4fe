package importer

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"io"
	"reflect"
	"strings"
	"testing"

	"houdun/internal/model"
)

func TestReadTableKeepsTheSpreadsheetsRowNumbers(t *testing.T) {
	rows := [][]string{
		{"姓名", "身份证号"},
		{"", ""},
		{" 张三\u3000", "'110105194912310021"},
		{},
		{"李四", ""},
	}
	want := &Table{
		Headers:    []string{"姓名", "身份证号"},
		HeaderRow:  1,
		Rows:       [][]string{{"张三", "110105194912310021"}, {"李四"}},
		RowNumbers: []int{3, 5},
	}
	csvWithQuotedLineBreak := "姓名,身份证号\r\n\r\n\"张\n三\",1\r\n\r\n李四,\r\n"
	tests := []struct {
		name, filename string
		content        []byte
		want           *Table
	}{
		{"xlsx", "a.xlsx", xlsxBytes(t, rows), want},
		{"csv", "a.csv", []byte(csvText(rows)), want},
		{"csv with a line break inside a quoted cell", "a.csv", []byte(csvWithQuotedLineBreak), &Table{
			Headers: []string{"姓名", "身份证号"}, HeaderRow: 1,
			Rows: [][]string{{"张\n三", "1"}, {"李四"}}, RowNumbers: []int{3, 5},
		}},
		{"blank rows above the header", "a.csv", []byte("\r\n,\r\n姓名\r\n张三\r\n"), &Table{
			Headers: []string{"姓名"}, HeaderRow: 3, Rows: [][]string{{"张三"}}, RowNumbers: []int{4},
		}},
		{"cells beyond the header are dropped", "a.csv", []byte("姓名\r\n张三,多余\r\n"), &Table{
			Headers: []string{"姓名"}, HeaderRow: 1, Rows: [][]string{{"张三"}}, RowNumbers: []int{2},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadTable(bytes.NewReader(tt.content), tt.filename, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			tt.want.DataRows = len(tt.want.Rows)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

// zipOf builds a zip archive holding the named parts.
func zipOf(t testing.TB, parts map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// xlsxWithSheetData is a valid one-sheet workbook whose sheetData is the
// given XML, written as Excel would write it.
func xlsxWithSheetData(t testing.TB, sheetData string) []byte {
	t.Helper()
	return xlsxWithParts(t, map[string]string{"xl/worksheets/sheet1.xml": `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		sheetData + `</sheetData></worksheet>`})
}

// xlsxWithParts is a one-sheet workbook made by excelize with some parts replaced.
func xlsxWithParts(t testing.TB, replace map[string]string) []byte {
	t.Helper()
	base := xlsxBytes(t, [][]string{{"姓名"}})
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, _ := f.Open()
		parts[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	for name, content := range replace {
		parts[name] = []byte(content)
	}
	return zipOf(t, parts)
}

// zipBomb is a valid workbook whose sheet XML inflates to about size bytes
// from a few kilobytes.
func zipBomb(t testing.TB, size int) []byte {
	row := `<row><c t="inlineStr"><is><t>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</t></is></c></row>`
	return xlsxWithSheetData(t, strings.Repeat(row, size/len(row)))
}

// lyingZip is a workbook whose sheet declares 100 bytes but inflates to 10 MB.
func lyingZip(t testing.TB) []byte {
	t.Helper()
	base := xlsxBytes(t, [][]string{{"姓名"}})
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestCompression)
	fw.Write([]byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`))
	fw.Write(bytes.Repeat([]byte(`<row><c t="inlineStr"><is><t>A</t></is></c></row>`), 10<<20/48))
	fw.Write([]byte(`</sheetData></worksheet>`))
	fw.Close()
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CompressedSize64: uint64(deflated.Len()), UncompressedSize64: 100})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(deflated.Bytes())
	zw.Close()
	return buf.Bytes()
}

func TestReadTableRefusesFilesThatAreNotWhatTheySay(t *testing.T) {
	small := Limits{UnzipSizeLimit: 1 << 20, UnzipXMLSizeLimit: 256 << 10}
	tests := []struct {
		name, filename string
		content        []byte
		lim            Limits
		code           model.Code
		key            string
	}{
		{"an .xlsx that is really a text file", "名单.xlsx", []byte("姓名,身份证号\n张三,1\n"), Limits{}, model.EUnsupported, "importer.not_xlsx"},
		{"an old .xls or encrypted workbook renamed .xlsx", "名单.xlsx", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), Limits{}, model.EUnsupported, "importer.xlsx_encrypted_or_xls"},
		{"an .xlsx renamed .csv", "名单.csv", xlsxBytes(t, [][]string{{"姓名"}}), Limits{}, model.EUnsupported, "importer.csv_is_binary"},
		{"an old .xls", "名单.xls", []byte{0xD0, 0xCF}, Limits{}, model.EUnsupported, "importer.xls_old"},
		{"a Word document", "名单.docx", []byte("PK\x03\x04"), Limits{}, model.EUnsupported, "importer.file_type"},
		{"a zip that is not a workbook", "名单.xlsx", zipOf(t, map[string][]byte{"a.txt": []byte("hello")}), Limits{}, model.EInvalid, "importer.xlsx_corrupt"},
		{"a truncated workbook", "名单.xlsx", xlsxBytes(t, [][]string{{"姓名"}})[:200], Limits{}, model.EInvalid, "importer.xlsx_corrupt"},
		{"a zip bomb", "名单.xlsx", zipBomb(t, 8<<20), small, model.ETooLarge, "importer.xlsx_too_large"},
		{"a zip that lies about its sizes", "名单.xlsx", lyingZip(t), small, model.EInvalid, "importer.xlsx_corrupt"},
		{"a zip of too many parts", "名单.xlsx", manyParts(t, 50), Limits{MaxZipEntries: 20}, model.ETooLarge, "importer.xlsx_too_many_parts"},
		{"a file over the size limit", "名单.csv", []byte(strings.Repeat("a\n", 1000)), Limits{MaxBytes: 1000}, model.ETooLarge, "importer.file_too_large"},
		{"too many rows", "名单.csv", []byte("姓名\n" + strings.Repeat("张三\n", 11)), Limits{MaxRows: 10}, model.ETooLarge, "importer.too_many_rows"},
		{"neither UTF-8 nor GB18030", "名单.csv", []byte("\x80\x81,\xff\n"), Limits{}, model.EInvalid, "importer.encoding"},
		{"UTF-8 with a damaged byte", "名单.csv", []byte("姓名,身份证号,单位\n张三,1,阜新市第一人民医院\xff\n"), Limits{}, model.EInvalid, "importer.encoding"},
		{"UTF-16 from \"Unicode text\"", "名单.csv", []byte("\xff\xfe\x59\x5b"), Limits{}, model.EInvalid, "importer.encoding_utf16"},
		{"binary content in a .csv", "名单.csv", []byte("a,b\x00c\n"), Limits{}, model.EInvalid, "importer.encoding"},
		{"a stray quote in a CSV", "名单.csv", []byte("姓名,身份证号\n张\"三,1\n"), Limits{}, model.EInvalid, "importer.csv_syntax"},
		{"an empty file", "名单.csv", []byte("\xEF\xBB\xBF\r\n,,\r\n"), Limits{}, model.EInvalid, "importer.empty_file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadTable(bytes.NewReader(tt.content), tt.filename, tt.lim)
			me := asModelError(t, err)
			if me.Code != tt.code || me.Msg.Key != tt.key {
				t.Errorf("got %s %s (%v), want %s %s", me.Code, me.Msg.Key, err, tt.code, tt.key)
			}
		})
	}
}

func manyParts(t testing.TB, n int) []byte {
	parts := map[string][]byte{}
	for i := range n {
		parts["part"+itoa(i)] = []byte("x")
	}
	return zipOf(t, parts)
}

func TestReadTableRefusesAReaderThatFails(t *testing.T) {
	_, err := ReadTable(io.MultiReader(strings.NewReader("姓名\n"), failingReader{}), "a.csv", Limits{})
	if me := asModelError(t, err); me.Code != model.EInvalid || me.Err != errBroken {
		t.Errorf("got %v; the cause must stay reachable for errors.As", err)
	}
}

var errBroken = io.ErrClosedPipe

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errBroken }

func TestReadTableReadsRawCellValues(t *testing.T) {
	// Excel keeps 15 significant digits of a number and writes larger ones
	// in E notation; a date cell holds a serial with a date format.
	file := xlsxWithSheetData(t, `<row r="1"><c r="A1" t="inlineStr"><is><t>身份证号</t></is></c><c r="B1" t="inlineStr"><is><t>出生日期</t></is></c></row>`+
		`<row r="2"><c r="A2"><v>1.1010519491231E+17</v></c><c r="B2" s="0"><v>18323</v></c></row>`+
		`<row r="4"><c r="A4"><v>110105194912310021</v></c><c r="B4" t="s"><v>0</v></c></row>`)
	tab, err := ReadTable(bytes.NewReader(file), "a.xlsx", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"1.1010519491231E+17", "18323"}, {"110105194912310021", "姓名"}}
	if !reflect.DeepEqual(tab.Rows, want) || !reflect.DeepEqual(tab.RowNumbers, []int{2, 4}) {
		t.Errorf("got %q %v, want %q [2 4]", tab.Rows, tab.RowNumbers, want)
	}
}

func TestReadTableReadsWorkbooksFromOtherProgrammes(t *testing.T) {
	sst := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4">
  <si><t>姓名</t></si>
  <si><r><rPr><b/></rPr><t>张</t></r><r><t xml:space="preserve">三 </t></r><rPh sb="0" eb="1"><t>ちょう</t></rPh><phoneticPr fontId="1"/></si>
  <si><t>A&amp;B_x000D_</t></si>
  <si/>
</sst>`
	tests := []struct {
		name  string
		parts map[string]string
		want  [][]string
	}{
		{"shared strings with rich text and phonetic guides", map[string]string{
			"xl/sharedStrings.xml":     sst,
			"xl/worksheets/sheet1.xml": `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row><row r="3"><c t="s"><v>2</v></c><c t="s"><v>3</v></c></row></sheetData></worksheet>`,
		}, [][]string{{"张三"}, {"A&B"}}},
		{"namespace prefixes, comments, CDATA, cells without references", map[string]string{
			"xl/worksheets/sheet1.xml": `<?xml version="1.0"?><!-- made by a tool --><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
				<x:row><x:c t="inlineStr"><x:is><x:t>姓名</x:t></x:is></x:c></x:row>
				<x:row><x:c t="inlineStr"><x:is><x:t><![CDATA[李<四>]]></x:t></x:is></x:c><x:c t="b"><x:v>1</x:v></x:c></x:row>
				<x:row><x:c t="str"><x:f>A2&amp;"!"</x:f><x:v>李&#x56DB;!</x:v></x:c><x:c s="3"/></x:row>
			</x:sheetData></x:worksheet>`,
		}, [][]string{{"李<四>"}, {"李四!"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := ReadTable(bytes.NewReader(xlsxWithParts(t, tt.parts)), "a.xlsx", Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tab.Rows, tt.want) {
				t.Errorf("got %q, want %q", tab.Rows, tt.want)
			}
		})
	}
}

func TestReadTableRefusesADamagedSheet(t *testing.T) {
	sheet := `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c></row>`
	for name, part := range map[string]string{
		"a sheet cut short":                 sheet,
		"a sheet cut inside a tag":          sheet + `<row r="3"><c r="A3" t="inl`,
		"rows out of order":                 sheet + `<row r="2"></row></sheetData></worksheet>`,
		"a shared string that is not there": `<worksheet><sheetData><row><c t="s"><v>7</v></c></row></sheetData></worksheet>`,
		"a DTD":                             `<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet><sheetData></sheetData></worksheet>`,
		"an unknown entity":                 `<worksheet><sheetData><row><c t="inlineStr"><is><t>&a;</t></is></c></row></sheetData></worksheet>`,
		"a bad cell reference":              `<worksheet><sheetData><row><c r="B1"><v>1</v></c><c r="A1"><v>1</v></c></row></sheetData></worksheet>`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ReadTable(bytes.NewReader(xlsxWithParts(t, map[string]string{"xl/worksheets/sheet1.xml": part})), "a.xlsx", Limits{})
			if me := asModelError(t, err); me.Code != model.EInvalid || me.Msg.Key != "importer.xlsx_corrupt" {
				t.Errorf("got %v", err)
			}
		})
	}
}
