package report

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"houdun/internal/auth"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/region"
	"houdun/internal/store"
	"houdun/internal/tmpdir"
)

// The exports of the working lists: the case list as filtered, the visit
// plan and the volunteers. Each is the list as its page shows it — the same
// store call, so the same scope and masking — written as one sheet through
// excelize's streaming writer, every text neutralised, and audited with one
// row naming the filter and the number of rows. Exporting a list of people
// is a function of its own (person.export) on top of reading the list, so
// that volunteers and workers, who read their own cases, and leaders, who
// read aggregates only, get no file of individual rows.

// ListExportMax bounds the rows of one list export (model.ListExportMax):
// beyond it the file ends with a line asking for a narrower filter.
const ListExportMax = model.ListExportMax

// listPage is how many rows one store call returns (the store's maximum).
const listPage = 500

// listColumn is one column of a list export.
type listColumn struct {
	key   string // catalogue key <prefix><key>; the prefix is newListSheet's
	width float64
}

// listSheet writes the rows of one list export.
type listSheet struct {
	x      *excelize.File
	sw     *excelize.StreamWriter
	styles styles
	next   int // the next sheet row
	cols   int
}

// newListSheet starts the one sheet of a list export: its title on row 1,
// the column headers (catalogue keys colPrefix + key) frozen on row 2.
func newListSheet(ctx context.Context, lang i18n.Lang, sheetKey, colPrefix string, cols []listColumn, title string) (*listSheet, error) {
	// What the stream writer spills to disk goes to the server's private folder.
	x := excelize.NewFile(excelize.Options{TmpDir: tmpdir.From(ctx)})
	sheet := lang.T(sheetKey)
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		x.Close()
		return nil, err
	}
	st, err := newStyles(x)
	if err != nil {
		x.Close()
		return nil, err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		x.Close()
		return nil, err
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			x.Close()
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		x.Close()
		return nil, err
	}
	s := &listSheet{x: x, sw: sw, styles: st, next: 3, cols: len(cols)}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.note, Value: Neutralise(title)}}); err != nil {
		x.Close()
		return nil, err
	}
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = excelize.Cell{StyleID: st.header, Value: lang.T(colPrefix + c.key)}
	}
	if err := sw.SetRow("A2", header, excelize.RowOpts{Height: 22}); err != nil {
		x.Close()
		return nil, err
	}
	return s, nil
}

// add writes one row; strings are neutralised, other values kept (numbers stay numbers).
func (s *listSheet) add(values ...any) error {
	row := make([]any, len(values))
	for i, v := range values {
		if t, ok := v.(string); ok {
			v = Neutralise(t)
		}
		row[i] = excelize.Cell{StyleID: s.styles.text, Value: v}
	}
	cell, err := excelize.CoordinatesToCellName(1, s.next)
	if err != nil {
		return err
	}
	s.next++
	return s.sw.SetRow(cell, row)
}

// finish writes the note on a cut list, and the workbook to w.
func (s *listSheet) finish(w io.Writer, lang i18n.Lang, cut bool) error {
	defer s.x.Close()
	if cut {
		cell, _ := excelize.CoordinatesToCellName(1, s.next)
		if err := s.sw.SetRow(cell, []any{excelize.Cell{StyleID: s.styles.note, Value: lang.T("export.cut", ListExportMax)}}); err != nil {
			return err
		}
	}
	if err := s.sw.Flush(); err != nil {
		return err
	}
	return s.x.Write(w)
}

// mayExport checks that the caller may export a list they read with perm.
func mayExport(ctx context.Context, perm auth.Permission) (*auth.Principal, error) {
	pr := auth.FromContext(ctx)
	if pr == nil {
		return nil, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	if !pr.Can(perm) || !pr.Can(auth.PermPersonExport) {
		return nil, model.Errorf(model.EForbidden, "error.forbidden")
	}
	return pr, nil
}

// auditExport writes the export's one audit row: the filter and the rows
// written, failed when the file was not finished (part of it may have left).
func auditExport(ctx context.Context, st *store.Store, action, filter string, n int, err error) error {
	outcome := model.OutcomeOK
	if err != nil {
		outcome = model.OutcomeFailed
	}
	detail := fmt.Sprintf("rows=%d", n)
	if filter != "" {
		detail = "filter=" + filter + "; " + detail
	}
	if aerr := st.Audit(ctx, action, "export", "xlsx", outcome, detail); aerr != nil && err == nil {
		return aerr
	}
	return err
}

// FilterText is a list filter as the audit row names it: its parameters
// in a fixed order, words searched for shown as * (they may be a name, and
// audit details hold ids and codes only).
func FilterText(q map[string][]string) string {
	var parts []string
	for k, vs := range q {
		for _, v := range vs {
			if v == "" || k == "page" || k == "lang" {
				continue
			}
			if k == "q" {
				v = "*"
			}
			parts = append(parts, k+"="+v)
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, "&")
}

func dateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(chinaTime).Format("2006-01-02 15:04")
}

var caseColumns = []listColumn{
	{"case", 8}, {"urgency", 8}, {"category", 10}, {"kind", 12}, {"description", 40}, {"person", 10}, {"relative", 10},
	{"institution", 22}, {"status", 10}, {"due", 17}, {"overdue", 8}, {"escalation", 8}, {"assignee", 12}, {"created", 17},
}

// WriteCases writes the cases of the caller's list matching f (its order
// too) as an .xlsx workbook, as the list shows them, and audits the export
// (need.export) naming filter (FilterText) and the rows written. It returns
// the number of cases written.
// Returns EUnauthenticated, EForbidden without need.read and person.export.
func WriteCases(ctx context.Context, st *store.Store, w io.Writer, f model.NeedFilter, filter string, lang i18n.Lang) (n int, err error) {
	if _, err := mayExport(ctx, auth.PermNeedRead); err != nil {
		return 0, err
	}
	defer func() { err = auditExport(ctx, st, store.ActNeedExport, filter, n, err) }()
	s, err := newListSheet(ctx, lang, "export.sheet.cases", "export.col.", caseColumns, lang.T("export.title.cases", dateTime(st.Now())))
	if err != nil {
		return 0, model.Internal(err)
	}
	return writePages(ctx, s, w, lang, func(ctx context.Context, p model.Page) ([]model.Need, error) {
		f.Page = p
		list, err := st.ListNeeds(ctx, f)
		return list.Items, err
	}, func(c model.Need) error {
		assignee := ""
		if c.Assignee != nil {
			assignee = c.Assignee.Name
		}
		return s.add("#"+strconv.FormatInt(c.ID, 10), lang.T("need.urgency."+c.Urgency), lang.T("need.category."+c.Category),
			lang.T("need.kind."+c.Kind), c.Description, c.PersonName, c.FamilyMemberName, c.InstitutionName,
			lang.T("need.status."+c.Status), dateTime(c.DueAt), yesNo(lang, c.Overdue), c.EscalationLevel, assignee,
			dateTime(c.CreatedAt))
	})
}

var visitColumns = []listColumn{
	{"person", 10}, {"care", 10}, {"institution", 22}, {"last_visit", 17}, {"interval", 8}, {"next_visit", 17}, {"visit_state", 10},
}

// WriteVisitPlan writes the visit plan matching f, most overdue first, as
// an .xlsx workbook and audits the export (visit.export).
// Returns EUnauthenticated, EForbidden without visit.read and person.export.
func WriteVisitPlan(ctx context.Context, st *store.Store, w io.Writer, f model.VisitDueFilter, filter string, lang i18n.Lang) (n int, err error) {
	if _, err := mayExport(ctx, auth.PermVisitRead); err != nil {
		return 0, err
	}
	defer func() { err = auditExport(ctx, st, store.ActVisitExport, filter, n, err) }()
	s, err := newListSheet(ctx, lang, "export.sheet.visits", "export.col.", visitColumns, lang.T("export.title.visits", dateTime(st.Now())))
	if err != nil {
		return 0, model.Internal(err)
	}
	return writePages(ctx, s, w, lang, func(ctx context.Context, p model.Page) ([]model.VisitDue, error) {
		f.Page = p
		list, err := st.VisitsDue(ctx, f)
		return list.Items, err
	}, func(d model.VisitDue) error {
		last := ""
		if d.LastVisitAt != nil {
			last = dateTime(*d.LastVisitAt)
		}
		state := ""
		switch {
		case d.Overdue:
			state = lang.T("visit.plan.overdue")
		case d.Due:
			state = lang.T("visit.plan.due")
		}
		care := ""
		if d.Care {
			care = lang.T("visit.plan.care")
		}
		return s.add(d.PersonName, care, d.InstitutionName, last, d.IntervalDays, dateTime(d.NextDueAt), state)
	})
}

var volunteerColumns = []listColumn{
	{"volunteer", 10}, {"phone", 14}, {"region", 18}, {"skills", 24}, {"available", 8}, {"active", 8},
}

// WriteVolunteers writes the volunteers matching f, phones masked, as an
// .xlsx workbook and audits the export (volunteer.export).
// Returns EUnauthenticated, EForbidden without volunteer.manage and person.export.
func WriteVolunteers(ctx context.Context, st *store.Store, w io.Writer, f model.VolunteerFilter, filter string, lang i18n.Lang) (n int, err error) {
	if _, err := mayExport(ctx, auth.PermVolunteerManage); err != nil {
		return 0, err
	}
	defer func() { err = auditExport(ctx, st, store.ActVolunteerExport, filter, n, err) }()
	s, err := newListSheet(ctx, lang, "export.sheet.volunteers", "export.col.", volunteerColumns, lang.T("export.title.volunteers", dateTime(st.Now())))
	if err != nil {
		return 0, model.Internal(err)
	}
	return writePages(ctx, s, w, lang, func(ctx context.Context, p model.Page) ([]model.Volunteer, error) {
		f.Page = p
		list, err := st.ListVolunteers(ctx, f)
		return list.Items, err
	}, func(v model.Volunteer) error {
		skills := make([]string, len(v.Skills))
		for i, k := range v.Skills {
			skills[i] = lang.T("volunteer.skill." + k)
		}
		return s.add(v.Name, v.PhoneMasked, region.Label(v.RegionCode), strings.Join(skills, lang.T("web.list_sep")),
			yesNo(lang, v.Available), yesNo(lang, v.Active))
	})
}

func yesNo(lang i18n.Lang, b bool) string {
	if b {
		return lang.T("export.yes")
	}
	return lang.T("export.no")
}

// writePages writes every page of a list into s and finishes the workbook
// into w. The pages are read under store.Covered: the export writes one audit
// row for all of them, so they are listPage rows long, not a screen's (a
// list read as a screen is cut at store.MaxPage, which stopped the exports
// after one page). At most ListExportMax rows; the sheet says when it was
// cut. page reads one page, row writes one item's cells. It returns the rows
// written.
func writePages[T any](ctx context.Context, s *listSheet, w io.Writer, lang i18n.Lang,
	page func(ctx context.Context, p model.Page) ([]T, error), row func(T) error) (int, error) {
	covered := store.Covered(ctx)
	n, cut := 0, false
	for offset := 0; ; offset += listPage {
		items, err := page(covered, model.Page{Limit: listPage, Offset: offset})
		if err != nil {
			s.x.Close()
			return n, err
		}
		for _, it := range items {
			if n == ListExportMax {
				cut = true
				break
			}
			if err := row(it); err != nil {
				s.x.Close()
				return n, model.Internal(err)
			}
			n++
		}
		if cut || len(items) < listPage {
			break
		}
	}
	if err := s.finish(w, lang, cut); err != nil {
		return n, model.Internal(err)
	}
	return n, nil
}
