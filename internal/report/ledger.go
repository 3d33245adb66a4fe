// Package report writes the workbooks that are reported upward: the needs
// ledger (需求困难台账) in the layout a Chinese ledger uses. It reads through
// the store's methods, which decide scope and masking and audit the export;
// it holds no SQL and no rules of who may see what.
package report

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/region"
	"houdun/internal/store"
)

// chinaTime is the zone dates are written in.
var chinaTime = time.FixedZone("UTC+8", 8*3600)

// ledgerColumns are the ledger's columns in order, with their widths.
var ledgerColumns = []struct {
	key   string
	width float64
}{
	{"seq", 6}, {"name", 10}, {"institution", 22}, {"family", 28}, {"need", 40}, {"category", 10}, {"kind", 12},
	{"urgency", 8}, {"measures", 40}, {"responsible", 12}, {"created", 12}, {"due", 17}, {"closed", 12},
	{"status", 14}, {"satisfaction", 8},
}

// The ledger sheet's rows: a title, a line saying what it covers, the
// header, then one row per case.
const (
	titleRow  = 1
	headerRow = 3
)

// Neutralise makes a cell inert for spreadsheet programs: a text starting
// with = + - @, a tab, CR or LF would be read as a formula once the sheet is
// saved as CSV or pasted, so a single quote goes in front. Descriptions and
// names come from users.
func Neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return "'" + s
	}
	return s
}

// WriteLedger writes the ledger of the cases the caller may export that
// match f to w as an .xlsx workbook: a title row naming the region, then
// one row per case (序号, 姓名, 单位, 家庭情况, 需求内容, 保障类别, 需求类型,
// 紧急程度, 采取措施, 责任人, 登记日期, 办理期限, 办结日期, 状态, 满意度) under a
// frozen header, and a second sheet counting the cases per category and
// status. ID numbers and phones are never in it; names are masked when the
// store masks them (roles that see aggregates only). The store audits the
// export. It returns the number of cases written.
//
// Returns EUnauthenticated, EForbidden without ledger.export, ENotFound for
// an unknown region, EInternal.
func WriteLedger(ctx context.Context, st *store.Store, w io.Writer, f model.LedgerFilter, lang i18n.Lang) (int, error) {
	pr := auth.FromContext(ctx)
	if pr == nil {
		return 0, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	if !pr.Can(auth.PermLedgerExport) {
		return 0, model.Errorf(model.EForbidden, "error.forbidden")
	}
	place, err := regionTitle(ctx, st, f.RegionCode)
	if err != nil {
		return 0, err
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := lang.T("ledger.sheet")
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
	for i, c := range ledgerColumns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return 0, model.Internal(err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: "A4", ActivePane: "bottomLeft"}); err != nil {
		return 0, model.Internal(err)
	}
	last, _ := excelize.ColumnNumberToName(len(ledgerColumns))
	title := lang.T("ledger.title_all")
	if place != "" {
		title = lang.T("ledger.title_region", place)
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: styles.title, Value: title}}, excelize.RowOpts{Height: 30}); err != nil {
		return 0, model.Internal(err)
	}
	note := lang.T("ledger.subtitle", period(lang, f.From, f.To), st.Now().In(chinaTime).Format("2006-01-02 15:04"))
	if !pr.Can(auth.PermNeedRead) {
		// The store masks the names of roles that may not read cases; say so.
		note += "　" + lang.T("ledger.masked")
	}
	if err := sw.SetRow("A2", []any{excelize.Cell{StyleID: styles.note, Value: note}}); err != nil {
		return 0, model.Internal(err)
	}
	header := make([]any, len(ledgerColumns))
	for i, c := range ledgerColumns {
		header[i] = excelize.Cell{StyleID: styles.header, Value: lang.T("ledger.col." + c.key)}
	}
	if err := sw.SetRow("A3", header, excelize.RowOpts{Height: 22}); err != nil {
		return 0, model.Internal(err)
	}
	if err := sw.MergeCell("A1", last+"1"); err != nil {
		return 0, model.Internal(err)
	}
	if err := sw.MergeCell("A2", last+"2"); err != nil {
		return 0, model.Internal(err)
	}

	now := st.Now()
	counts := map[[2]string]int{}
	row := make([]any, len(ledgerColumns))
	n := 0
	written, err := st.LedgerRows(ctx, f, func(lr model.LedgerRow) error {
		n++
		counts[[2]string{lr.Category, lr.Status}]++
		ledgerRow(lang, styles, &lr, n, now, row)
		cell, err := excelize.CoordinatesToCellName(1, headerRow+n)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, row)
	})
	if err != nil {
		return written, keepModelError(err)
	}
	if err := sw.Flush(); err != nil {
		return written, model.Internal(err)
	}
	if err := x.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sheet + "'!$1:$3", Scope: sheet}); err != nil {
		return written, model.Internal(err)
	}
	if err := summarySheet(x, lang, styles, counts); err != nil {
		return written, model.Internal(err)
	}
	if err := x.Write(w); err != nil {
		return written, model.Internal(err)
	}
	return written, nil
}

// regionTitle names a region as a ledger's title does: the city and below
// (阜新市海州区), or the province alone; "" for the whole country.
func regionTitle(ctx context.Context, st *store.Store, code string) (string, error) {
	if code == "" {
		return "", nil
	}
	path, err := st.RegionPath(ctx, code)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, r := range path {
		if r.Level == int(region.LevelProvince) && len(path) > 1 {
			continue
		}
		b.WriteString(r.Name)
	}
	return b.String(), nil
}

// period renders the ledger's period, [from, to) with to shown as its last day.
func period(lang i18n.Lang, from, to time.Time) string {
	day := func(t time.Time) string { return t.In(chinaTime).Format(time.DateOnly) }
	switch {
	case from.IsZero() && to.IsZero():
		return lang.T("ledger.period_all")
	case to.IsZero():
		return lang.T("ledger.period_from", day(from))
	case from.IsZero():
		return lang.T("ledger.period_to", day(to.Add(-time.Millisecond)))
	}
	return lang.T("ledger.period", day(from), day(to.Add(-time.Millisecond)))
}

// ledgerRow renders one case into row; every text is neutralised.
func ledgerRow(lang i18n.Lang, s styles, lr *model.LedgerRow, seq int, now time.Time, row []any) {
	text := func(v string) excelize.Cell { return excelize.Cell{StyleID: s.text, Value: Neutralise(v)} }
	center := func(v string) excelize.Cell { return excelize.Cell{StyleID: s.center, Value: Neutralise(v)} }
	responsible := lr.Responsible
	if responsible == "" {
		responsible = lang.T("ledger.unassigned")
	}
	status := lang.T("need.status." + lr.Status)
	if casework.Overdue(lr.Status, lr.DueAt, now) {
		status += lang.T("ledger.overdue_suffix")
	}
	if lr.EscalationLevel > 0 {
		status += "\n" + lang.T("need.escalation_level", lr.EscalationLevel)
	}
	closed := ""
	if lr.ClosedAt != nil {
		closed = lr.ClosedAt.In(chinaTime).Format(time.DateOnly)
	}
	var satisfaction any = excelize.Cell{StyleID: s.center, Value: ""}
	if lr.Satisfaction != nil {
		satisfaction = excelize.Cell{StyleID: s.center, Value: *lr.Satisfaction}
	}
	i := 0
	put := func(v any) { row[i] = v; i++ }
	put(excelize.Cell{StyleID: s.center, Value: seq})
	put(center(lr.PersonName))
	put(text(lr.InstitutionName))
	put(text(FamilySituation(lang, lr)))
	put(text(lr.Description))
	put(center(lang.T("need.category." + lr.Category)))
	put(center(lang.T("need.kind." + lr.Kind)))
	put(center(lang.T("need.urgency." + lr.Urgency)))
	put(text(lr.Measures))
	put(center(responsible))
	put(center(lr.CreatedAt.In(chinaTime).Format(time.DateOnly)))
	put(center(lr.DueAt.In(chinaTime).Format("2006-01-02 15:04")))
	put(center(closed))
	put(center(status))
	put(satisfaction)
}

// FamilySituation summarises a person's family for the ledger: how many
// relatives are registered, the care they need, and which relative the case
// concerns (家属3人（老人需照护、未成年子女）；本需求涉及：父母 李某).
func FamilySituation(lang i18n.Lang, lr *model.LedgerRow) string {
	var b strings.Builder
	if lr.FamilyCount == 0 {
		b.WriteString(lang.T("ledger.family.none"))
	} else {
		b.WriteString(lang.T("ledger.family.count", lr.FamilyCount))
		var care []string
		for _, c := range model.CareNeeds { // in display order
			if model.Contains(lr.FamilyCareNeeds, c) {
				care = append(care, lang.T("importer.care_needs."+c))
			}
		}
		if len(care) > 0 {
			b.WriteString(lang.T("ledger.family.care", strings.Join(care, lang.T("ledger.list_sep"))))
		}
	}
	if lr.FamilyMemberName != "" || lr.FamilyRelation != "" {
		rel := ""
		if lr.FamilyRelation != "" {
			rel = lang.T("importer.relation." + lr.FamilyRelation)
		}
		b.WriteString(lang.T("ledger.family.concerns", strings.TrimSpace(rel+" "+lr.FamilyMemberName)))
	}
	return b.String()
}

// summarySheet adds the sheet counting cases per category (rows) and status
// (columns), with totals.
func summarySheet(x *excelize.File, lang i18n.Lang, s styles, counts map[[2]string]int) error {
	name := lang.T("ledger.summary_sheet")
	if _, err := x.NewSheet(name); err != nil {
		return err
	}
	set := func(col, row int, v any, style int) error {
		cell, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		if err := x.SetCellValue(name, cell, v); err != nil {
			return err
		}
		return x.SetCellStyle(name, cell, cell, style)
	}
	if err := set(1, 1, lang.T("ledger.col.category"), s.header); err != nil {
		return err
	}
	for j, st := range model.NeedStatuses {
		if err := set(j+2, 1, lang.T("need.status."+st), s.header); err != nil {
			return err
		}
	}
	totalCol := len(model.NeedStatuses) + 2
	if err := set(totalCol, 1, lang.T("ledger.total"), s.header); err != nil {
		return err
	}
	colTotals := make([]int, len(model.NeedStatuses))
	grand := 0
	for i, c := range model.NeedCategories {
		if err := set(1, i+2, lang.T("need.category."+c), s.center); err != nil {
			return err
		}
		rowTotal := 0
		for j, st := range model.NeedStatuses {
			v := counts[[2]string{c, st}]
			rowTotal += v
			colTotals[j] += v
			if err := set(j+2, i+2, v, s.center); err != nil {
				return err
			}
		}
		grand += rowTotal
		if err := set(totalCol, i+2, rowTotal, s.center); err != nil {
			return err
		}
	}
	last := len(model.NeedCategories) + 2
	if err := set(1, last, lang.T("ledger.total"), s.header); err != nil {
		return err
	}
	for j, v := range colTotals {
		if err := set(j+2, last, v, s.center); err != nil {
			return err
		}
	}
	if err := set(totalCol, last, grand, s.center); err != nil {
		return err
	}
	return x.SetColWidth(name, "A", "A", 14)
}

// styles are the cell styles of the workbook.
type styles struct {
	title, note, header, text, center int
}

func newStyles(x *excelize.File) (styles, error) {
	var s styles
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	defs := []struct {
		dst   *int
		style excelize.Style
	}{
		{&s.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 16},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&s.note, excelize.Style{Font: &excelize.Font{Size: 10, Color: "555555"}, Alignment: &excelize.Alignment{Horizontal: "left"}}},
		{&s.header, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&s.text, excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&s.center, excelize.Style{Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top", WrapText: true}}},
	}
	for _, d := range defs {
		id, err := x.NewStyle(&d.style)
		if err != nil {
			return s, err
		}
		*d.dst = id
	}
	return s, nil
}

// keepModelError keeps the store's errors and hides a writer's failure
// behind the internal error.
func keepModelError(err error) error {
	var me *model.Error
	if errors.As(err, &me) {
		return err
	}
	return model.Internal(err)
}
