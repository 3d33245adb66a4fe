package importer

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"houdun/internal/model"
)

// Reading an .xlsx. The workbook is found the way Excel finds it (package
// relationships → workbook → its relationships → first sheet and shared
// strings); the small parts are parsed with encoding/xml, the shared
// strings and the worksheet with xmlScanner, the worksheet streamed straight
// out of the zip. excelize writes our templates and exports, but reading
// through its row iterator cost 2 s of CPU per 100,000 rows — more than the
// import's whole budget — and it ignores inflate and XML errors, so a
// damaged sheet read as a shorter one.

// Limits of the spreadsheet format itself: rows, columns, and the bytes of
// a cell's text (32,767 characters of up to 3 bytes in UTF-8).
const (
	xlsxMaxRows  = 1_048_576
	xlsxMaxCols  = 16_384
	maxCellBytes = 3 * 32_767
)

// xlsxError is the refusal of a damaged or hostile workbook.
func xlsxError(err error) error {
	return &model.Error{Code: model.EInvalid, Msg: model.M("importer.xlsx_corrupt"), Err: err}
}

// workbookParts locates the parts of a workbook inside its zip.
type workbookParts struct {
	files         map[string]*zip.File // by lower-case part name: OOXML part names ignore case
	sheet, shared *zip.File            // shared is nil when the workbook has no shared strings
}

// readXLSX checks the zip's directory against the limits before inflating
// anything, then streams the first sheet's rows.
func readXLSX(data []byte, lim Limits, b *tableBuilder) (*Table, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, xlsxError(err)
	}
	if len(zr.File) > lim.MaxZipEntries {
		return nil, model.Errorf(model.ETooLarge, "importer.xlsx_too_many_parts", lim.MaxZipEntries)
	}
	// The declared sizes are what archive/zip enforces while inflating (a
	// part that inflates past its declared size fails to read), so their
	// sum bounds what a zip bomb can make us inflate.
	wb := workbookParts{files: make(map[string]*zip.File, len(zr.File))}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if f.UncompressedSize64 > uint64(lim.UnzipSizeLimit) || total > uint64(lim.UnzipSizeLimit) {
			return nil, model.Errorf(model.ETooLarge, "importer.xlsx_too_large", mib(lim.UnzipSizeLimit))
		}
		wb.files[strings.ToLower(strings.TrimPrefix(f.Name, "/"))] = f
	}
	if err := wb.locate(lim); err != nil {
		return nil, err
	}
	var sst []string
	if wb.shared != nil {
		if wb.shared.UncompressedSize64 > uint64(lim.UnzipXMLSizeLimit) {
			return nil, model.Errorf(model.ETooLarge, "importer.xlsx_too_large", mib(lim.UnzipXMLSizeLimit))
		}
		if sst, err = readSharedStrings(wb.shared); err != nil {
			return nil, xlsxError(err)
		}
	}
	if err := readSheet(wb.sheet, sst, b); err != nil {
		var me *model.Error
		if errors.As(err, &me) {
			return nil, err
		}
		return nil, xlsxError(err)
	}
	return b.table()
}

// isRelType matches a relationship type by its last segment, which is the
// same in transitional and strict OOXML.
func isRelType(typ, kind string) bool {
	return strings.HasSuffix(typ, "/"+kind)
}

type xmlRels struct {
	Rels []struct {
		ID         string `xml:"Id,attr"`
		Type       string `xml:"Type,attr"`
		Target     string `xml:"Target,attr"`
		TargetMode string `xml:"TargetMode,attr"`
	} `xml:"Relationship"`
}

type xmlWorkbook struct {
	Sheets []struct {
		Attrs []xml.Attr `xml:",any,attr"`
	} `xml:"sheets>sheet"`
}

// locate finds the workbook, its first sheet and its shared strings.
func (wb *workbookParts) locate(lim Limits) error {
	workbook := "xl/workbook.xml"
	var rels xmlRels
	if err := wb.unmarshal("_rels/.rels", &rels, lim); err != nil {
		return err
	}
	for _, r := range rels.Rels {
		if isRelType(r.Type, "officeDocument") && r.TargetMode != "External" {
			workbook = resolvePart("", r.Target)
			break
		}
	}
	var book xmlWorkbook
	if err := wb.unmarshal(workbook, &book, lim); err != nil {
		return err
	}
	if _, ok := wb.files[strings.ToLower(workbook)]; !ok || len(book.Sheets) == 0 {
		return xlsxError(fmt.Errorf("no workbook or no sheet in %s", workbook))
	}
	firstID := ""
	for _, a := range book.Sheets[0].Attrs {
		if a.Name.Local == "id" && a.Name.Space != "" {
			firstID = a.Value
		}
	}
	dir, base := path.Split(workbook)
	rels = xmlRels{}
	if err := wb.unmarshal(dir+"_rels/"+base+".rels", &rels, lim); err != nil {
		return err
	}
	for _, r := range rels.Rels {
		if r.TargetMode == "External" {
			continue
		}
		switch {
		case r.ID == firstID && isRelType(r.Type, "worksheet"):
			wb.sheet = wb.files[strings.ToLower(resolvePart(dir, r.Target))]
		case isRelType(r.Type, "sharedStrings"):
			wb.shared = wb.files[strings.ToLower(resolvePart(dir, r.Target))]
		}
	}
	if wb.sheet == nil {
		// The first sheet is a chart sheet or a dangling relationship.
		return xlsxError(fmt.Errorf("first sheet %q not found", firstID))
	}
	return nil
}

// resolvePart resolves a relationship target against the folder of its source.
func resolvePart(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Clean("/"+dir+target), "/")
}

// unmarshal decodes a small part with encoding/xml; a missing part leaves v empty.
func (wb *workbookParts) unmarshal(name string, v any, lim Limits) error {
	f, ok := wb.files[strings.ToLower(name)]
	if !ok {
		return nil
	}
	if f.UncompressedSize64 > uint64(lim.UnzipXMLSizeLimit) {
		return model.Errorf(model.ETooLarge, "importer.xlsx_too_large", mib(lim.UnzipXMLSizeLimit))
	}
	rc, err := f.Open()
	if err != nil {
		return xlsxError(err)
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return xlsxError(fmt.Errorf("%s: %w", name, err))
	}
	return nil
}

// drain reads the rest of a part, so that archive/zip checks its size and CRC.
func drain(rc io.Reader) error {
	_, err := io.Copy(io.Discard, rc)
	return err
}

// readSharedStrings reads the table of strings that cells of type "s" index.
// A string is the text of its <t> elements, rich-text runs included and
// phonetic guides (<rPh>, furigana over CJK text) left out.
func readSharedStrings(f *zip.File) ([]string, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	sc := newXMLScanner(rc)
	var (
		out      []string
		cur      []byte
		inSI     bool
		phonetic int
	)
	for {
		kind, err := sc.next()
		if err != nil {
			return nil, err
		}
		switch kind {
		case tokEOF:
			return nil, errors.New("shared strings end early")
		case tokStart:
			switch string(sc.name) {
			case "si":
				inSI, cur = true, cur[:0]
				if sc.selfClosing {
					out, inSI = append(out, ""), false
				}
			case "rPh":
				if !sc.selfClosing {
					phonetic++
				}
			case "t":
				sc.keepText = inSI && phonetic == 0 && !sc.selfClosing
			}
		case tokText:
			if sc.keepText {
				cur = append(cur, sc.text...)
			}
		case tokEnd:
			switch string(sc.name) {
			case "t":
				sc.keepText = false
			case "rPh":
				phonetic = max(0, phonetic-1)
			case "si":
				if inSI {
					out = append(out, decodeOOXMLEscapes(string(cur)))
					inSI = false
				}
			case "sst":
				return out, drain(rc)
			}
		}
	}
}

// Cell types, from the t attribute.
const (
	typeNumber = iota // also "str", "b", "e", "d": the raw value is what we want
	typeShared
	typeInline
)

// readSheet streams a worksheet's rows into b.
func readSheet(f *zip.File, sst []string, b *tableBuilder) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	sc := newXMLScanner(rc)
	var (
		cells     []string
		row, col  int  // current row number and cell index (0-based); col -1 before the first cell
		inData    bool // inside <sheetData>
		inRow     bool
		inCell    bool
		cellType  int
		val       []byte // the <v> or inline text of the current cell
		inInline  bool
		phonetic  int
		haveValue bool
	)
	for {
		kind, err := sc.next()
		if err != nil {
			return err
		}
		switch kind {
		case tokEOF:
			return errors.New("worksheet ends early")
		case tokText:
			// A cell longer than Excel allows is cut there: no column takes
			// so much, so the row fails as too long, and one huge cell of a
			// zip bomb costs no more than that.
			if sc.keepText && len(val) < maxCellBytes {
				val = append(val, sc.text[:min(len(sc.text), maxCellBytes-len(val))]...)
			}
		case tokStart:
			if !inData {
				if string(sc.name) == "sheetData" {
					if sc.selfClosing {
						return drain(rc) // an empty sheet
					}
					inData = true
				}
				continue
			}
			switch string(sc.name) {
			case "row":
				if inRow {
					return errors.New("row inside a row")
				}
				n := row + 1
				if r := sc.attr("r"); r != nil {
					if n, err = strconv.Atoi(string(r)); err != nil || n <= row || n > xlsxMaxRows {
						return fmt.Errorf("bad row number %q after %d", r, row)
					}
				}
				row, col, inRow, cells = n, -1, !sc.selfClosing, cells[:0]
			case "c":
				if !inRow || inCell {
					return errors.New("cell outside a row")
				}
				n := col + 1
				if r := sc.attr("r"); r != nil {
					if n = cellColumn(r); n <= col {
						return fmt.Errorf("bad cell reference %q", r)
					}
				}
				col, val, haveValue, inInline, phonetic = n, val[:0], false, false, 0
				inCell = !sc.selfClosing
				switch string(sc.attr("t")) {
				case "s":
					cellType = typeShared
				case "inlineStr":
					cellType = typeInline
				default:
					cellType = typeNumber
				}
			case "v":
				// An inline string's text lives in <is>; a stray <v> beside it is ignored.
				sc.keepText = inCell && !inInline && !sc.selfClosing
				haveValue = haveValue || sc.keepText
			case "is":
				if inCell {
					inInline, val, haveValue = true, val[:0], true
				}
			case "rPh":
				if !sc.selfClosing {
					phonetic++
				}
			case "t":
				sc.keepText = inInline && phonetic == 0 && !sc.selfClosing
			}
		case tokEnd:
			if !inData {
				continue
			}
			switch string(sc.name) {
			case "v", "t":
				sc.keepText = false
			case "rPh":
				phonetic = max(0, phonetic-1)
			case "is":
				inInline = false
			case "c":
				if !inCell {
					return errors.New("cell end without a start")
				}
				inCell = false
				if !haveValue || col >= b.maxCols {
					continue // no value, or a column no template can use
				}
				v, err := cellValue(val, cellType, sst)
				if err != nil {
					return err
				}
				for len(cells) <= col {
					cells = append(cells, "")
				}
				cells[col] = clean(v)
			case "row":
				if !inRow || inCell {
					return errors.New("row end out of place")
				}
				inRow = false
				if err := b.add(row, cells); err != nil {
					return err
				}
			case "sheetData":
				if inRow {
					return errors.New("sheet data ends inside a row")
				}
				// The rest of the sheet (merged cells, validations…) does not
				// matter, but reading it lets archive/zip verify the CRC.
				return drain(rc)
			}
		}
	}
}

// cellValue is a cell's text: a shared string by index, an inline string, or the raw value.
func cellValue(val []byte, typ int, sst []string) (string, error) {
	switch typ {
	case typeShared:
		i, err := strconv.Atoi(string(val))
		if err != nil || i < 0 || i >= len(sst) {
			return "", fmt.Errorf("bad shared string index %q", val)
		}
		return sst[i], nil
	case typeInline:
		return decodeOOXMLEscapes(string(val)), nil
	}
	return string(val), nil
}

// cellColumn returns the 0-based column of a cell reference such as "AB12",
// or -1 when it is malformed.
func cellColumn(ref []byte) int {
	col, i := 0, 0
	for ; i < len(ref) && i < 4; i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
	}
	if i == 0 || col > xlsxMaxCols {
		return -1
	}
	for _, c := range ref[i:] {
		if c < '0' || c > '9' {
			return -1
		}
	}
	return col - 1
}

// decodeOOXMLEscapes decodes the _xHHHH_ escapes Excel writes for characters
// XML cannot hold (a carriage return is _x000D_).
func decodeOOXMLEscapes(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "_x")
		if i < 0 || len(s) < i+7 || s[i+6] != '_' {
			b.WriteString(s)
			return b.String()
		}
		n, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
		if err != nil {
			b.WriteString(s[:i+2])
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteRune(rune(n))
		s = s[i+7:]
	}
}
