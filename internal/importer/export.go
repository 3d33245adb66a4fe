package importer

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"houdun/internal/auth"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/tmpdir"
)

func itoa(n int) string { return strconv.Itoa(n) }

// exportPage is how many people one ListPeople call returns (the store's maximum).
const exportPage = 500

// neutralise makes a cell inert for spreadsheet programs: a value starting
// with = + - @ (or a tab, CR or LF, which some programs skip before looking
// for those) would run as a formula when the file is opened, so a single
// quote goes in front. Names and departments come from users, so
// "=cmd|' /C calc'!A0" is a name like any other until here.
func neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return "'" + s
	}
	return s
}

// exportHeaders are the template's people columns and the derived ones.
func exportHeaders(lang i18n.Lang) []string {
	h := make([]string, 0, len(peopleColumns)+3)
	for _, c := range peopleColumns {
		h = append(h, headerText(lang, KindPeople, c))
	}
	for _, name := range []string{"birth_date", "sex", "family_count"} {
		if lang == i18n.EN {
			h = append(h, name)
		} else {
			h = append(h, lang.T("importer.export.col."+name))
		}
	}
	return h
}

// exportRow renders a person as the export's cells, every text neutralised.
// The ID number and phone are the masked forms ListPeople returns.
func exportRow(lang i18n.Lang, p *model.Person, cells []string) []string {
	cells = append(cells[:0],
		p.Name, p.IDNumberMasked, p.PhoneMasked, p.InstitutionName, p.Department,
		occupations.label(lang, p.Occupation), p.Title, boolLabel(lang, p.Frontline),
		p.BirthDate, sexLabel(lang, p.Sex), strconv.Itoa(p.FamilyCount))
	for i, c := range cells {
		cells[i] = neutralise(c)
	}
	return cells
}

func sexLabel(lang i18n.Lang, sex string) string {
	if sex == "" {
		return ""
	}
	return lang.T("importer.sex." + sex)
}

// ExportPeople writes the people in the caller's scope that match f as
// "xlsx" or "csv", with the template's columns in lang plus birth date, sex
// and number of relatives. ID numbers and phones are masked. It returns the
// number of people written, and audits the export (also a failed one: part
// of the file may have left already).
//
// Returns EForbidden for a role without the export permission, EInvalid for
// an unknown format.
func ExportPeople(ctx context.Context, st *store.Store, w io.Writer, format string, f model.PersonFilter, lang i18n.Lang) (int, error) {
	// ListPeople checks only the read permission; exporting a whole list is a
	// function of its own that some readers (counsellors) do not have.
	if p := auth.FromContext(ctx); p == nil {
		return 0, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	} else if !p.Can(auth.PermPersonExport) {
		return 0, model.Errorf(model.EForbidden, "error.forbidden")
	}
	var n int
	var err error
	switch format {
	case "csv":
		n, err = exportCSV(ctx, st, w, f, lang)
	case "xlsx":
		n, err = exportXLSX(ctx, st, w, f, lang)
	default:
		return 0, model.Errorf(model.EInvalid, "importer.export_format")
	}
	outcome := model.OutcomeOK
	if err != nil {
		outcome = model.OutcomeFailed
	}
	if aerr := st.Audit(ctx, store.ActExportPeople, "export", format, outcome, fmt.Sprintf("rows=%d", n)); aerr != nil && err == nil {
		err = aerr
	}
	return n, err
}

// eachPerson pages through ListPeople and calls fn for every person.
func eachPerson(ctx context.Context, st *store.Store, f model.PersonFilter, fn func(p *model.Person) error) (int, error) {
	n := 0
	for offset := 0; ; offset += exportPage {
		f.Page = model.Page{Limit: exportPage, Offset: offset}
		page, err := st.ListPeople(ctx, f)
		if err != nil {
			return n, err
		}
		for i := range page.Items {
			if err := fn(&page.Items[i]); err != nil {
				return n, err
			}
			n++
		}
		if len(page.Items) < exportPage {
			return n, nil
		}
	}
}

func exportCSV(ctx context.Context, st *store.Store, w io.Writer, f model.PersonFilter, lang i18n.Lang) (int, error) {
	bw := bufio.NewWriter(w)
	// The BOM makes Excel read the file as UTF-8; without it Chinese shows as mojibake.
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return 0, model.Internal(err)
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	if err := cw.Write(exportHeaders(lang)); err != nil {
		return 0, model.Internal(err)
	}
	var cells []string
	n, err := eachPerson(ctx, st, f, func(p *model.Person) error {
		cells = exportRow(lang, p, cells)
		return cw.Write(cells)
	})
	if err != nil {
		return n, wrapWriteErr(err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, model.Internal(err)
	}
	if err := bw.Flush(); err != nil {
		return n, model.Internal(err)
	}
	return n, nil
}

func exportXLSX(ctx context.Context, st *store.Store, w io.Writer, f model.PersonFilter, lang i18n.Lang) (int, error) {
	// What the stream writer spills to disk goes to the server's private folder.
	x := excelize.NewFile(excelize.Options{TmpDir: tmpdir.From(ctx)})
	defer x.Close()
	sheet := lang.T("importer.people.sheet")
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return 0, model.Internal(err)
	}
	styles, err := newStyles(x)
	if err != nil {
		return 0, model.Internal(err)
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return 0, model.Internal(err)
	}
	headers := exportHeaders(lang)
	if err := sw.SetColWidth(1, len(headers), 14); err != nil {
		return 0, model.Internal(err)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return 0, model.Internal(err)
	}
	row := make([]any, len(headers))
	for i, h := range headers {
		row[i] = excelize.Cell{StyleID: styles.header, Value: h}
	}
	if err := sw.SetRow("A1", row); err != nil {
		return 0, model.Internal(err)
	}
	sheetRow := 2
	var cells []string
	n, err := eachPerson(ctx, st, f, func(p *model.Person) error {
		cells = exportRow(lang, p, cells)
		for i, c := range cells {
			row[i] = c
		}
		// The number of relatives stays a number, so that Excel can sum it.
		row[len(row)-1] = p.FamilyCount
		cell, err := excelize.CoordinatesToCellName(1, sheetRow)
		if err != nil {
			return err
		}
		sheetRow++
		return sw.SetRow(cell, row)
	})
	if err != nil {
		return n, wrapWriteErr(err)
	}
	if err := sw.Flush(); err != nil {
		return n, model.Internal(err)
	}
	if err := x.Write(w); err != nil {
		return n, model.Internal(err)
	}
	return n, nil
}

// wrapWriteErr keeps the store's errors as they are and hides a writer's
// failure (a client that went away) behind the internal error.
func wrapWriteErr(err error) error {
	var me *model.Error
	if errors.As(err, &me) {
		return err
	}
	return model.Internal(err)
}
