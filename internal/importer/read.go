// Package importer reads and writes roster files: it turns an uploaded .xlsx
// or .csv into rows, validates every row with the same rules the forms and
// the API use, and hands the valid rows to the store; it also writes the
// blank templates and the people export. It has no SQL of its own — every
// read and write goes through the store, which applies the caller's scope and
// writes the audit rows — and it never logs a cell's content.
package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"houdun/internal/model"
)

// Limits bound what reading one file may cost. Zero fields take the defaults.
type Limits struct {
	// MaxBytes caps the file as uploaded. The HTTP layer caps uploads too;
	// this is the backstop for the command line, which reads any local file.
	MaxBytes int64
	// MaxRows caps the data rows (blank rows and the header do not count).
	MaxRows int
	// UnzipSizeLimit caps the total unzipped size of an .xlsx: a few kilobytes
	// of zip can inflate to gigabytes (a zip bomb).
	UnzipSizeLimit int64
	// UnzipXMLSizeLimit caps each XML part read whole into memory (the
	// shared strings, the workbook); the worksheet itself is streamed.
	UnzipXMLSizeLimit int64
	// MaxZipEntries caps the parts of an .xlsx; a real workbook has a few dozen.
	MaxZipEntries int
	// MaxColumns is how many columns from the left are read; cells further
	// right are ignored. A template has 8; the cap keeps a file of sparse
	// far-right cells (a few bytes of XML each) from costing a wide row each.
	MaxColumns int
}

// Default limits.
const (
	DefaultMaxBytes          = 100 << 20
	DefaultMaxRows           = 200_000
	DefaultUnzipSizeLimit    = 200 << 20
	DefaultUnzipXMLSizeLimit = 50 << 20
	DefaultMaxZipEntries     = 2000
	DefaultMaxColumns        = 32
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = DefaultMaxRows
	}
	if l.UnzipSizeLimit <= 0 {
		l.UnzipSizeLimit = DefaultUnzipSizeLimit
	}
	if l.UnzipXMLSizeLimit <= 0 {
		l.UnzipXMLSizeLimit = DefaultUnzipXMLSizeLimit
	}
	l.UnzipXMLSizeLimit = min(l.UnzipXMLSizeLimit, l.UnzipSizeLimit)
	if l.MaxZipEntries <= 0 {
		l.MaxZipEntries = DefaultMaxZipEntries
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = DefaultMaxColumns
	}
	return l
}

// Table is the content of the first sheet of a file: the header row and the
// non-blank rows below it, every cell trimmed.
type Table struct {
	Headers   []string
	HeaderRow int // 1-based row number of the header: 1 unless blank rows precede it
	// Rows holds the data rows, each cut to at most len(Headers) cells (a cell
	// without a header belongs to no column) and possibly shorter.
	Rows [][]string
	// RowNumbers holds each data row's 1-based number as the spreadsheet
	// shows it: blank rows are skipped but still counted, so that an error
	// message points at the row the user sees.
	RowNumbers []int
	// DataRows counts the data rows read; StreamTable keeps none of them.
	DataRows int
}

// Signatures of the formats we accept or recognise to refuse clearly.
var (
	zipSignature = []byte("PK\x03\x04")
	oleSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1} // .xls and password-protected .xlsx
)

// ReadTable reads the first sheet of an .xlsx file or a .csv file. The kind
// comes from the file name's extension and must agree with the content's
// signature. It returns a *model.Error: EUnsupported for a file of another
// kind, ETooLarge past a limit, EInvalid for a damaged file or an unknown
// text encoding. A failure of r itself is wrapped, so the caller can still
// recognise e.g. *http.MaxBytesError with errors.As.
func ReadTable(r io.Reader, filename string, lim Limits) (*Table, error) {
	return readTable(r, filename, lim, nil)
}

// StreamTable reads a file as ReadTable does, but hands each data row to
// row as soon as it is read instead of keeping it, so that a file costs the
// memory of its rows only while they are looked at. The Table passed along
// (and returned) has the header; its Rows stay empty. cells is cut to the
// header's width and valid during the call only (the strings in it may be
// kept). Errors as ReadTable.
func StreamTable(r io.Reader, filename string, lim Limits, row func(t *Table, num int, cells []string)) (*Table, error) {
	return readTable(r, filename, lim, row)
}

func readTable(r io.Reader, filename string, lim Limits, sink func(t *Table, num int, cells []string)) (*Table, error) {
	lim = lim.withDefaults()
	b := &tableBuilder{maxRows: lim.MaxRows, maxCols: lim.MaxColumns, sink: sink}
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return nil, &model.Error{Code: model.EInvalid, Msg: model.M("importer.read_failed"), Err: err}
	}
	if int64(len(data)) > lim.MaxBytes {
		return nil, model.Errorf(model.ETooLarge, "importer.file_too_large", mib(lim.MaxBytes))
	}
	switch strings.ToLower(filepath.Ext(filename)) {
	case ".xlsx":
		if bytes.HasPrefix(data, oleSignature) {
			return nil, model.Errorf(model.EUnsupported, "importer.xlsx_encrypted_or_xls")
		}
		if !bytes.HasPrefix(data, zipSignature) {
			return nil, model.Errorf(model.EUnsupported, "importer.not_xlsx")
		}
		return readXLSX(data, lim, b)
	case ".csv":
		if bytes.HasPrefix(data, zipSignature) || bytes.HasPrefix(data, oleSignature) {
			return nil, model.Errorf(model.EUnsupported, "importer.csv_is_binary")
		}
		return readCSV(data, lim, b)
	case ".xls":
		return nil, model.Errorf(model.EUnsupported, "importer.xls_old")
	}
	return nil, model.Errorf(model.EUnsupported, "importer.file_type")
}

// mib renders a byte count for messages.
func mib(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", max(1, n>>10))
}

// tableBuilder collects rows, skipping blank ones, and carves the cells of
// kept rows out of shared blocks: one allocation per few thousand cells
// instead of one slice per row.
type tableBuilder struct {
	t       Table
	maxRows int
	maxCols int
	slab    []string
	// sink, when set, takes each data row instead of the table keeping it.
	sink func(t *Table, num int, cells []string)
}

// add takes the cells of spreadsheet row num. The cells must be cleaned and
// may be reused by the caller afterwards. It returns an error past MaxRows.
func (b *tableBuilder) add(num int, cells []string) error {
	cells = cells[:min(len(cells), b.maxCols)]
	last := -1
	for i, c := range cells {
		if c != "" {
			last = i
		}
	}
	if last < 0 {
		return nil // a blank row: skipped, but its number stays used
	}
	if b.t.Headers == nil {
		b.t.Headers = append([]string(nil), cells[:last+1]...)
		b.t.HeaderRow = num
		return nil
	}
	if b.t.DataRows >= b.maxRows {
		return model.Errorf(model.ETooLarge, "importer.too_many_rows", b.maxRows)
	}
	b.t.DataRows++
	n := min(last+1, len(b.t.Headers))
	if b.sink != nil {
		b.sink(&b.t, num, cells[:n])
		return nil
	}
	if len(b.slab) < n {
		b.slab = make([]string, max(4096, n))
	}
	row := b.slab[:n:n]
	b.slab = b.slab[n:]
	copy(row, cells)
	b.t.Rows = append(b.t.Rows, row)
	b.t.RowNumbers = append(b.t.RowNumbers, num)
	return nil
}

func (b *tableBuilder) table() (*Table, error) {
	if b.t.Headers == nil {
		return nil, model.Errorf(model.EInvalid, "importer.empty_file")
	}
	return &b.t, nil
}

// clean trims a cell and drops the leading apostrophe Excel users type to
// keep a number as text ('110105…). Trimming covers Unicode spaces (the
// full-width space of Chinese input methods, no-break spaces from web pages)
// and the zero-width characters that come with copied text.
func clean(s string) string {
	if s == "" {
		return s
	}
	// Fast path: most cells start and end with a visible ASCII character.
	if c, d := s[0], s[len(s)-1]; c > ' ' && c < utf8.RuneSelf && c != '\'' && d > ' ' && d < utf8.RuneSelf {
		return s
	}
	s = strings.TrimFunc(s, isBlank)
	if strings.HasPrefix(s, "'") {
		s = strings.TrimLeftFunc(s[1:], isBlank)
	}
	return s
}

func isBlank(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u200c' || r == '\u200d'
}

// readCSV decodes the text (UTF-8 with or without BOM, else GB18030, the
// encoding Excel uses for "CSV" on a Chinese Windows) and parses it strictly.
func readCSV(data []byte, lim Limits, b *tableBuilder) (*Table, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(text))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = false
	cr.ReuseRecord = true
	// encoding/csv skips empty lines and counts the lines inside quoted
	// fields, so the spreadsheet row is derived: each record is one row, and
	// every line between the end of one record and the start of the next is
	// a blank row.
	row, endLine := 0, 0
	var cells []string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &model.Error{Code: model.EInvalid, Msg: model.M("importer.csv_syntax", pe.StartLine), Err: err}
			}
			return nil, &model.Error{Code: model.EInvalid, Msg: model.M("importer.read_failed"), Err: err}
		}
		start, _ := cr.FieldPos(0)
		row += start - endLine
		endLine = start
		cells = cells[:0]
		for _, f := range rec {
			endLine += strings.Count(f, "\n")
			cells = append(cells, clean(f))
		}
		if err := b.add(row, cells); err != nil {
			return nil, err
		}
	}
	return b.table()
}

// decodeText returns data as UTF-8 without a BOM.
func decodeText(data []byte) ([]byte, error) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, model.Errorf(model.EInvalid, "importer.encoding_utf16")
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		// UTF-8 with a few damaged bytes decodes as GB18030 without a
		// replacement character, but into nonsense: refuse it instead.
		if mostlyUTF8(data) {
			return nil, model.Errorf(model.EInvalid, "importer.encoding")
		}
		// Chinese Excel saves "CSV" in the system code page, GBK; GB18030 is
		// its superset. Invalid sequences decode to U+FFFD, which a real
		// roster never contains, so their presence means a wrong guess.
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || bytes.ContainsRune(dec, utf8.RuneError) {
			return nil, &model.Error{Code: model.EInvalid, Msg: model.M("importer.encoding"), Err: err}
		}
		data = dec
	}
	// A NUL never occurs in text: this is a binary file or UTF-16 without a BOM.
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, model.Errorf(model.EInvalid, "importer.encoding")
	}
	return data, nil
}

// mostlyUTF8 reports whether most of the non-ASCII bytes of data form valid
// UTF-8 sequences. GBK text almost never does: its lead bytes are rarely
// followed by UTF-8 continuation bytes in the right number.
func mostlyUTF8(data []byte) bool {
	valid, invalid := 0, 0
	for i := 0; i < len(data); {
		if data[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			invalid++
		} else {
			valid += size
		}
		i += size
	}
	return valid > 4*invalid
}
