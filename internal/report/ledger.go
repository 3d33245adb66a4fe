// Package report writes the workbooks that are reported upward: the needs
// ledger (需求困难台账) in the layout a Chinese ledger uses. It reads through
// the store's methods, which decide scope and masking and audit the export;
// it holds no SQL and no rules of who may see what.
package report

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/region"
	"houdun/internal/store"
	"houdun/internal/tmpdir"
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
// status. 家庭情况 describes each relative (FamilySituation), 采取措施 lists
// the dated steps taken so far, open cases included (MeasuresTaken). ID
// numbers and phones are never in it. A role that sees aggregates only (a
// leader) gets the summary sheet alone, under the title, with the small
// cells and their complements hidden as the dashboard hides them
// (store.LedgerSummary), and no case: it returns 0 then. The store audits
// the export. It returns the number of cases written.
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
	// What the stream writer spills to disk goes to the server's private folder.
	x := excelize.NewFile(excelize.Options{TmpDir: tmpdir.From(ctx)})
	defer x.Close()
	if !pr.Can(auth.PermNeedRead) {
		// A role that sees aggregates only (a leader) gets the summary, the
		// one sheet, as the dashboard suppresses it.
		return 0, writeSummaryOnly(ctx, st, x, w, f, lang, place)
	}
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
	exact := model.NeedTable(func(c, st string) int { return counts[[2]string{c, st}] }).Publish(false)
	if _, err := x.NewSheet(lang.T("ledger.summary_sheet")); err != nil {
		return written, model.Internal(err)
	}
	if err := summarySheet(x, lang.T("ledger.summary_sheet"), 1, lang, styles, exact); err != nil {
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
	put(text(MeasuresTaken(lang, lr)))
	put(center(responsible))
	put(center(lr.CreatedAt.In(chinaTime).Format(time.DateOnly)))
	put(center(lr.DueAt.In(chinaTime).Format("2006-01-02 15:04")))
	put(center(closed))
	put(center(status))
	put(satisfaction)
}

// FamilySituation describes a person's family for the ledger, one relative
// after another in the order registered, and which relative the case
// concerns: 母亲（78岁，需照护，同住）；女儿（8岁，未成年）；本需求涉及：母亲 李某.
func FamilySituation(lang i18n.Lang, lr *model.LedgerRow) string {
	var b strings.Builder
	if len(lr.Family) == 0 {
		b.WriteString(lang.T("ledger.family.none"))
	}
	for i, r := range lr.Family {
		if i > 0 {
			b.WriteString(lang.T("ledger.family.sep"))
		}
		b.WriteString(Kin(lang, r, lr.Sex))
		var about []string
		if r.Age != nil {
			about = append(about, lang.T("ledger.family.age", *r.Age))
		}
		for _, c := range model.CareNeeds { // in display order
			if model.Contains(r.CareNeeds, c) {
				about = append(about, lang.T("ledger.care."+c))
			}
		}
		if r.LivesWith {
			about = append(about, lang.T("ledger.family.lives"))
		}
		if len(about) > 0 {
			b.WriteString(lang.T("ledger.family.about", strings.Join(about, lang.T("ledger.family.attr_sep"))))
		}
	}
	if lr.FamilyMemberName != "" || lr.FamilyRelation != "" {
		rel := ""
		for _, r := range lr.Family {
			if r.Concerned {
				rel = Kin(lang, r, lr.Sex)
			}
		}
		if rel == "" && lr.FamilyRelation != "" {
			rel = Kin(lang, model.LedgerRelative{Relation: lr.FamilyRelation}, lr.Sex)
		}
		b.WriteString(lang.T("ledger.family.concerns", strings.TrimSpace(rel+" "+lr.FamilyMemberName)))
	}
	return b.String()
}

// Kin names a relative as a Chinese ledger does: by relation and sex (母亲,
// 女儿), an in-law also by the person's sex (personSex: 岳母 of a man, 婆婆 of a
// woman), a sibling as elder or younger (哥哥, 妹妹); without the sex, by the
// relation alone (父母, 子女).
func Kin(lang i18n.Lang, r model.LedgerRelative, personSex string) string {
	base := "ledger.kin." + r.Relation
	var variants []string
	switch r.Relation {
	case model.RelSpouse, model.RelChild, model.RelParent:
		variants = []string{r.Sex}
	case model.RelParentInLaw:
		if personSex != "" {
			variants = []string{r.Sex + "_of_" + personSex, "of_" + personSex}
		}
	case model.RelSibling:
		if r.Sex != "" && r.Older != nil {
			if *r.Older {
				variants = append(variants, r.Sex+"_older")
			} else {
				variants = append(variants, r.Sex+"_younger")
			}
		}
		variants = append(variants, r.Sex)
	}
	for _, v := range variants {
		if v != "" && !strings.HasPrefix(v, "_") && i18n.Has(base+"."+v) {
			return lang.T(base + "." + v)
		}
	}
	if !i18n.Has(base) {
		return lang.T("ledger.kin.other")
	}
	return lang.T(base)
}

// MeasuresTaken lists the measures taken on a case, one line per step of
// its history with its date: 3月1日 分派给志愿者赵某（请今天联系）/ 3月2日 办理完成：已送达.
// A row without steps shows its outcome (the resolution or the reason of a
// rejection).
func MeasuresTaken(lang i18n.Lang, lr *model.LedgerRow) string {
	if len(lr.Steps) == 0 {
		return lr.Measures
	}
	lines := make([]string, 0, len(lr.Steps))
	for _, st := range lr.Steps {
		note := oneLine(lang, st.Note)
		var text string
		switch st.Action {
		case model.EventAssigned:
			text = lang.T("ledger.step.assigned_"+st.AssigneeKind, st.AssigneeName)
		case model.EventResolved, model.EventRejected:
			text, note = lang.T("ledger.step."+st.Action, note), ""
		case model.EventClosed:
			sat := 0
			if st.Satisfaction != nil {
				sat = *st.Satisfaction
			}
			text = lang.T("ledger.step.closed", sat)
		default:
			text = lang.T("ledger.step." + st.Action)
		}
		if note != "" {
			text += lang.T("ledger.step.note", note)
		}
		lines = append(lines, st.At.In(chinaTime).Format(lang.T("ledger.date_short"))+" "+text)
	}
	return strings.Join(lines, "\n")
}

// oneLine joins the non-empty lines of a note with the ledger's separator,
// so that each step keeps one line of the cell.
func oneLine(lang i18n.Lang, s string) string {
	var parts []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, lang.T("ledger.step.sep"))
}

// writeSummaryOnly writes the workbook of a role that sees aggregates only:
// a title, the period, the summary table as the store publishes it to the
// caller (suppressed) and what the mark of a hidden cell means.
func writeSummaryOnly(ctx context.Context, st *store.Store, x *excelize.File, w io.Writer, f model.LedgerFilter, lang i18n.Lang, place string) error {
	fig, err := st.LedgerSummary(ctx, f)
	if err != nil {
		return err
	}
	name := lang.T("ledger.summary_sheet")
	if err := x.SetSheetName("Sheet1", name); err != nil {
		return model.Internal(err)
	}
	styles, err := newStyles(x)
	if err != nil {
		return model.Internal(err)
	}
	title := lang.T("ledger.title_all")
	if place != "" {
		title = lang.T("ledger.title_region", place)
	}
	last, _ := excelize.ColumnNumberToName(len(model.NeedStatuses) + 2)
	for _, c := range []struct {
		cell, value string
		style       int
	}{
		{"A1", title, styles.title},
		{"A2", lang.T("ledger.subtitle", period(lang, f.From, f.To), st.Now().In(chinaTime).Format("2006-01-02 15:04")) + "　" + lang.T("ledger.summary_only"), styles.note},
	} {
		if err := x.SetCellValue(name, c.cell, c.value); err != nil {
			return model.Internal(err)
		}
		if err := x.SetCellStyle(name, c.cell, c.cell, c.style); err != nil {
			return model.Internal(err)
		}
		if err := x.MergeCell(name, c.cell, last+c.cell[1:]); err != nil {
			return model.Internal(err)
		}
	}
	if err := x.SetRowHeight(name, 1, 30); err != nil {
		return model.Internal(err)
	}
	if err := summarySheet(x, name, headerRow, lang, styles, fig); err != nil {
		return model.Internal(err)
	}
	if hasHidden(fig) {
		cell := "A" + strconv.Itoa(headerRow+len(model.NeedCategories)+3)
		if err := x.SetCellValue(name, cell, lang.T("aggregate.hidden_note", lang.T("aggregate.hidden"), model.SmallCell)); err != nil {
			return model.Internal(err)
		}
		if err := x.SetCellStyle(name, cell, cell, styles.note); err != nil {
			return model.Internal(err)
		}
	}
	if err := x.Write(w); err != nil {
		return model.Internal(err)
	}
	return nil
}

// hasHidden reports whether any figure of fig is hidden.
func hasHidden(fig model.TableFigures) bool {
	all := append(append([]model.Count{fig.Total}, fig.RowTotals...), fig.ColTotals...)
	for _, row := range fig.Cells {
		all = append(all, row...)
	}
	for _, c := range all {
		if c.IsSuppressed() {
			return true
		}
	}
	return false
}

// summarySheet writes, into sheet name from row top on, the table counting
// cases per category (rows) and status (columns) with totals, as fig
// publishes it: a hidden figure shows the mark aggregate.hidden.
func summarySheet(x *excelize.File, name string, top int, lang i18n.Lang, s styles, fig model.TableFigures) error {
	set := func(col, row int, v any, style int) error {
		cell, err := excelize.CoordinatesToCellName(col, top-1+row)
		if err != nil {
			return err
		}
		if c, ok := v.(model.Count); ok {
			if c.IsSuppressed() {
				v = lang.T("aggregate.hidden")
			} else {
				v = int(c)
			}
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
	for i, c := range model.NeedCategories {
		if err := set(1, i+2, lang.T("need.category."+c), s.center); err != nil {
			return err
		}
		for j := range model.NeedStatuses {
			if err := set(j+2, i+2, fig.Cells[i][j], s.center); err != nil {
				return err
			}
		}
		if err := set(totalCol, i+2, fig.RowTotals[i], s.center); err != nil {
			return err
		}
	}
	last := len(model.NeedCategories) + 2
	if err := set(1, last, lang.T("ledger.total"), s.header); err != nil {
		return err
	}
	for j, v := range fig.ColTotals {
		if err := set(j+2, last, v, s.center); err != nil {
			return err
		}
	}
	if err := set(totalCol, last, fig.Total, s.center); err != nil {
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
