package importer

import (
	"archive/zip"
	"bytes"
	"testing"
	"time"

	"houdun/internal/i18n"
)

// How FuzzReadTable uses its bytes. Mutated zips rarely get past the CRC
// check, so two modes wrap the bytes into a valid workbook to reach the XML
// reader.
const (
	fuzzCSV = iota
	fuzzXLSX
	fuzzSheetXML
	fuzzSharedStringsXML
)

// FuzzReadTable feeds arbitrary bytes to the reader as a .csv and as an
// .xlsx: it must answer a table or a *model.Error, never panic, and a table
// it answers must be consistent. Validation runs on what it reads, too.
func FuzzReadTable(f *testing.F) {
	f.Add([]byte(csvText(threePeople())), uint8(fuzzCSV))
	f.Add([]byte("\xEF\xBB\xBF姓名,身份证号\r\n\r\n\"张\n三\",'1\r\n"), uint8(fuzzCSV))
	f.Add([]byte("a,\"b\"\"c\",d\n"), uint8(fuzzCSV))
	f.Add(xlsxBytes(f, threePeople()), uint8(fuzzXLSX))
	var tmpl bytes.Buffer
	if err := WriteTemplate(&tmpl, KindFamilies, i18n.ZH); err != nil {
		f.Fatal(err)
	}
	f.Add(tmpl.Bytes(), uint8(fuzzXLSX))
	f.Add(zipBomb(f, 64<<10), uint8(fuzzXLSX))
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>身份证号</t></is></c></row>`+
		`<row r="3"><c r="A3" t="inlineStr"><is><r><t>x&amp;</t></r><rPh><t>y</t></rPh></is></c><c r="B3"><v>1.1E+17</v></c></row></sheetData></worksheet>`), uint8(fuzzSheetXML))
	f.Add([]byte(`<?xml version="1.0"?><sst><si><t>姓名</t></si><si><r><t>a</t></r><r><t xml:space="preserve"> b</t></r></si><si/></sst>`), uint8(fuzzSharedStringsXML))
	base := xlsxBytes(f, [][]string{{"姓名", "身份证号"}, {"张三", "1"}})
	lim := Limits{MaxRows: 1000, UnzipSizeLimit: 4 << 20, UnzipXMLSizeLimit: 1 << 20, MaxZipEntries: 50}
	today := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		name := "f.xlsx"
		switch mode % 4 {
		case fuzzCSV:
			name = "f.csv"
		case fuzzSheetXML:
			data = replacePart(t, base, "xl/worksheets/sheet1.xml", data)
		case fuzzSharedStringsXML:
			data = replacePart(t, base, "xl/sharedStrings.xml", data)
		}
		tab, err := ReadTable(bytes.NewReader(data), name, lim)
		if err != nil {
			asModelError(t, err)
			return
		}
		if len(tab.Rows) != len(tab.RowNumbers) || len(tab.Rows) > lim.MaxRows {
			t.Fatalf("%d rows, %d numbers", len(tab.Rows), len(tab.RowNumbers))
		}
		prev := tab.HeaderRow
		for i, r := range tab.Rows {
			if tab.RowNumbers[i] <= prev || len(r) > len(tab.Headers) {
				t.Fatalf("row %d: number %d after %d, %d cells for %d headers", i, tab.RowNumbers[i], prev, len(r), len(tab.Headers))
			}
			prev = tab.RowNumbers[i]
		}
		People(tab, nil, today)
		Families(tab, today)
	})
}

// replacePart returns the workbook xlsx with one part's content replaced.
func replacePart(t *testing.T, xlsx []byte, name string, content []byte) []byte {
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if f.Name == name {
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
	w.Write(content)
	zw.Close()
	return buf.Bytes()
}
