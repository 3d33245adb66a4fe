package importer

import (
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"houdun/internal/i18n"
	"houdun/internal/model"
)

// headerText is a column's header in lang: the Chinese label, or the API's
// field name in English (both are accepted on import).
func headerText(lang i18n.Lang, k Kind, c column) string {
	if lang == i18n.EN {
		return c.name
	}
	zh, _ := i18n.Texts(labelKey(k, c))
	return zh
}

// sheetStyles are the cell styles the template and the export share.
type sheetStyles struct {
	header, text, wrap int
}

func newStyles(f *excelize.File) (sheetStyles, error) {
	var s sheetStyles
	var err error
	if s.header, err = f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Vertical: "center"},
		NumFmt:    49,
	}); err != nil {
		return s, err
	}
	// Number format 49 is "@", text: Excel then keeps an 18-digit ID number
	// or a phone number as typed instead of rounding it to 15 digits.
	if s.text, err = f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil {
		return s, err
	}
	s.wrap, err = f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	return s, err
}

// maxTemplateRow is how far down the template's formats and drop-downs reach.
const maxTemplateRow = DefaultMaxRows + 1

// WriteTemplate writes a blank roster of kind as .xlsx: a header row in
// lang, the ID and phone columns formatted as text, drop-down lists for the
// closed columns, and a second sheet explaining every column with an
// example. The example stays on that sheet: a sample row in the roster gets
// uploaded by mistake.
func WriteTemplate(w io.Writer, kind Kind, lang i18n.Lang) error {
	if kind != KindPeople && kind != KindFamilies {
		return model.Errorf(model.EInvalid, "importer.kind_unknown")
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return model.Internal(err)
	}
	sheet := lang.T("importer." + string(kind) + ".sheet")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return model.Internal(err)
	}
	cols := columnsOf(kind)
	for i, c := range cols {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetCellStr(sheet, name+"1", headerText(lang, kind, c)); err != nil {
			return model.Internal(err)
		}
		width := 14.0
		if c.text {
			width = 22
			if err := f.SetColStyle(sheet, name, st.text); err != nil {
				return model.Internal(err)
			}
		}
		if c.name == "institution" || c.name == "care_needs" {
			width = 28
		}
		if err := f.SetColWidth(sheet, name, name, width); err != nil {
			return model.Internal(err)
		}
		if err := addDropDown(f, sheet, name, lang, c); err != nil {
			return model.Internal(err)
		}
	}
	last, _ := excelize.ColumnNumberToName(len(cols))
	if err := f.SetCellStyle(sheet, "A1", last+"1", st.header); err != nil {
		return model.Internal(err)
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return model.Internal(err)
	}
	if err := writeInstructions(f, st, kind, lang); err != nil {
		return model.Internal(err)
	}
	f.SetActiveSheet(0)
	if err := f.Write(w); err != nil {
		return model.Internal(err)
	}
	return nil
}

// addDropDown offers the allowed values of a closed column as a list. Care
// needs take several values in one cell, which a list cannot express.
func addDropDown(f *excelize.File, sheet, col string, lang i18n.Lang, c column) error {
	var values []string
	switch {
	case c.boolean:
		values = []string{boolLabel(lang, true), boolLabel(lang, false)}
	case c.choices != nil && c.name != "care_needs":
		values = c.choices.labels(lang)
	default:
		return nil
	}
	dv := excelize.NewDataValidation(true)
	dv.SetSqref(col + "2:" + col + itoa(maxTemplateRow))
	if err := dv.SetDropList(values); err != nil {
		return err
	}
	dv.SetError(excelize.DataValidationErrorStyleStop, lang.T("importer.dropdown_title"), lang.T("importer.dropdown_error"))
	return f.AddDataValidation(sheet, dv)
}

// writeInstructions fills the 说明 sheet: general rules, then one line per
// column with whether it must be filled, what it holds and the allowed
// values, then an example row.
func writeInstructions(f *excelize.File, st sheetStyles, kind Kind, lang i18n.Lang) error {
	sheet := lang.T("importer.instructions.sheet")
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	sep := "、"
	if lang == i18n.EN {
		sep = ", "
	}
	var rows [][]string
	rows = append(rows, []string{lang.T("importer.instructions.title." + string(kind))})
	for _, k := range []string{"header", "one_row", "text_format", "all_or_nothing", "reimport"} {
		rows = append(rows, []string{lang.T("importer.instructions." + k)})
	}
	if kind == KindFamilies {
		rows = append(rows, []string{lang.T("importer.instructions.families_worker")})
	}
	rows = append(rows, nil)
	tableStart := len(rows) + 1
	rows = append(rows, []string{lang.T("importer.instructions.column"), lang.T("importer.instructions.required"),
		lang.T("importer.instructions.meaning"), lang.T("importer.instructions.allowed")})
	cols := columnsOf(kind)
	example := make([]string, len(cols))
	headers := make([]string, len(cols))
	for i, c := range cols {
		required := lang.T("importer.no")
		if c.required {
			required = lang.T("importer.yes")
		}
		allowed := ""
		switch {
		case c.boolean:
			allowed = boolLabel(lang, true) + sep + boolLabel(lang, false)
		case c.choices != nil:
			allowed = strings.Join(c.choices.labels(lang), sep)
		}
		headers[i] = headerText(lang, kind, c)
		rows = append(rows, []string{headers[i], required, lang.T(helpKey(kind, c)), allowed})
		example[i] = c.example
		if lang == i18n.EN && c.exampleEN != "" {
			example[i] = c.exampleEN
		}
		switch {
		case c.boolean:
			example[i] = boolLabel(lang, true)
		case c.choices != nil:
			example[i] = c.choices.label(lang, c.choices.values[0])
		}
	}
	rows = append(rows, nil, []string{lang.T("importer.instructions.example")}, headers, example)
	for r, row := range rows {
		cells := make([]any, len(row))
		for i, v := range row {
			cells[i] = v
		}
		if err := f.SetSheetRow(sheet, "A"+itoa(r+1), &cells); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(sheet, "A", "A", 22); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", "B", 10); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "C", "C", 60); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "D", "D", 40); err != nil {
		return err
	}
	end := tableStart + len(cols)
	if err := f.SetCellStyle(sheet, "A"+itoa(tableStart+1), "D"+itoa(end), st.wrap); err != nil {
		return err
	}
	for _, r := range []int{1, tableStart, len(rows) - 1} {
		if err := f.SetCellStyle(sheet, "A"+itoa(r), "H"+itoa(r), st.header); err != nil {
			return err
		}
	}
	// The example's ID number must show as typed, not as 1.10105E+17.
	return f.SetCellStyle(sheet, "A"+itoa(len(rows)), "H"+itoa(len(rows)), st.text)
}
