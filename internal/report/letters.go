package report

import (
	"context"
	"io"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/region"
	"houdun/internal/store"
)

// The exports of consolation letters, commendations (and the honour roll
// for publicity), the title-evaluation priority list and work-injury
// cases: each the list as its page shows it, through the same store call,
// one sheet, audited with one row. None carries an ID number.

// Audit actions of these exports.
const (
	ActLetterExport        = "letter.export"
	ActCommendationExport  = "commendation.export"
	ActHonourRollExport    = "commendation.honour_roll"
	ActTitlePriorityExport = "title_priority.export"
	ActInjuryExport        = "work_injury.export"
)

// writeList pages through a list (fetch(offset) returns one page) and
// writes each item with row; the export is audited as action.
func writeList[T any](ctx context.Context, st *store.Store, w io.Writer, lang i18n.Lang, perms []auth.Permission, action, filter, sheet string,
	cols []listColumn, title string, fetch func(ctx context.Context, page model.Page) ([]T, error), row func(T) []any) (n int, err error) {
	var perr error
	for _, p := range perms {
		if _, perr = mayExport(ctx, p); perr == nil {
			break
		}
	}
	if perr != nil {
		return 0, perr
	}
	defer func() { err = auditExport(ctx, st, action, filter, n, err) }()
	s, err := newListSheet(ctx, lang, "export.sheet."+sheet, "export.col.", cols, title)
	if err != nil {
		return 0, model.Internal(err)
	}
	cctx := store.Covered(ctx)
	cut := false
	for offset := 0; ; offset += listPage {
		items, err := fetch(cctx, model.Page{Limit: listPage, Offset: offset})
		if err != nil {
			s.x.Close()
			return n, err
		}
		for _, it := range items {
			if n == ListExportMax {
				cut = true
				break
			}
			if err := s.add(row(it)...); err != nil {
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

var letterColumns = []listColumn{{"person", 10}, {"institution", 22}, {"letter_template", 24}, {"frontline_days", 8}, {"letter_date", 12},
	{"letter_status", 10}, {"sent_at", 17}, {"received_at", 17}}

// WriteLetters writes the letters matching f with their delivery.
func WriteLetters(ctx context.Context, st *store.Store, w io.Writer, f model.LetterFilter, filter string, lang i18n.Lang) (int, error) {
	return writeList(ctx, st, w, lang, []auth.Permission{auth.PermLetterManage}, ActLetterExport, filter, "letters", letterColumns,
		lang.T("export.title.letters", dateTime(st.Now())),
		func(ctx context.Context, p model.Page) ([]model.Letter, error) {
			f.Page = p
			l, err := st.ListLetters(ctx, f)
			return l.Items, err
		},
		func(l model.Letter) []any {
			return []any{l.PersonName, l.InstitutionName, l.TemplateName, l.FrontlineDays, l.Date, lang.T("letter.status." + l.Status),
				dateTimePtr(l.SentAt), dateTimePtr(l.ReceivedAt)}
		})
}

func dateTimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return dateTime(*t)
}

var commendationColumns = []listColumn{{"person", 10}, {"occupation", 10}, {"institution", 22}, {"level", 8}, {"deed", 50}, {"deed_on", 12},
	{"commendation_status", 10}, {"reason", 24}, {"nominated_by", 12}, {"decided_by", 12}}

// WriteCommendations writes the commendations matching f.
func WriteCommendations(ctx context.Context, st *store.Store, w io.Writer, f model.CommendationFilter, filter string, lang i18n.Lang) (int, error) {
	return writeList(ctx, st, w, lang, []auth.Permission{auth.PermCommendationNominate, auth.PermCommendationReview}, ActCommendationExport, filter, "commendations", commendationColumns,
		lang.T("export.title.commendations", dateTime(st.Now())),
		func(ctx context.Context, p model.Page) ([]model.Commendation, error) {
			f.Page = p
			l, err := st.ListCommendations(ctx, f)
			return l.Items, err
		},
		func(c model.Commendation) []any {
			return []any{c.PersonName, lang.T("importer.occupation." + c.Occupation), c.InstitutionName, lang.T("commendation.level." + c.Level), c.Deed, c.DeedOn,
				lang.T("commendation.status." + c.Status), c.Reason, c.NominatedByName, c.DecidedByName}
		})
}

var honourColumns = []listColumn{{"person", 10}, {"institution", 26}, {"department", 14}, {"level", 8}, {"deed", 60}}

// WriteHonourRoll writes the honour roll (光荣榜) for publicity: the
// approved commendations matching f with names, institutions, levels and
// deeds; nothing else of the people (no ID number, no phone).
func WriteHonourRoll(ctx context.Context, st *store.Store, w io.Writer, f model.CommendationFilter, filter string, lang i18n.Lang) (int, error) {
	f.Status = model.CommendationApproved
	return writeList(ctx, st, w, lang, []auth.Permission{auth.PermCommendationNominate, auth.PermCommendationReview}, ActHonourRollExport, filter, "honour_roll", honourColumns,
		lang.T("export.title.honour_roll", dateTime(st.Now())),
		func(ctx context.Context, p model.Page) ([]model.Commendation, error) {
			f.Page = p
			l, err := st.ListCommendations(ctx, f)
			return l.Items, err
		},
		func(c model.Commendation) []any {
			return []any{c.PersonName, c.InstitutionName, c.Department, lang.T("commendation.level." + c.Level), c.Deed}
		})
}

var titleColumns = []listColumn{{"person", 10}, {"institution", 22}, {"department", 14}, {"occupation", 10}, {"title", 12},
	{"frontline_days", 8}, {"tier1_days", 8}, {"periods", 40}, {"basis", 50}}

// WriteTitlePriority writes the people with priority in title evaluation
// and the basis of each.
func WriteTitlePriority(ctx context.Context, st *store.Store, w io.Writer, f model.TitlePriorityFilter, filter string, lang i18n.Lang) (int, error) {
	return writeList(ctx, st, w, lang, []auth.Permission{auth.PermTitlePriorityRead}, ActTitlePriorityExport, filter, "title_priority", titleColumns,
		lang.T("export.title.title_priority", dateTime(st.Now())),
		func(ctx context.Context, p model.Page) ([]model.TitlePriority, error) {
			f.Page = p
			l, err := st.ListTitlePriority(ctx, f)
			return l.Items, err
		},
		func(t model.TitlePriority) []any {
			return []any{t.PersonName, t.InstitutionName, t.Department, lang.T("importer.occupation." + t.Occupation), t.Title, t.FrontlineDays, t.Tier1Days,
				PeriodsText(t.Periods), TitleBasis(lang, t)}
		})
}

// PeriodsText lists service periods: 2022-11-20—2022-12-31；….
func PeriodsText(ps []model.DatePeriod) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.From
		if p.To != p.From {
			parts[i] += "—" + p.To
		}
	}
	return strings.Join(parts, "；")
}

// TitleBasis is the basis of a person's priority in words.
func TitleBasis(lang i18n.Lang, t model.TitlePriority) string {
	return lang.T("title_priority.basis", t.FrontlineDays, len(t.Periods), t.Tier1Days)
}

var injuryColumns = []listColumn{{"person", 10}, {"institution", 22}, {"region", 16}, {"infected_on", 12}, {"diagnosed_on", 12}, {"deadline_on", 12},
	{"overdue", 8}, {"injury_status", 10}, {"documents", 10}, {"missing_documents", 40}}

// WriteWorkInjuryCases writes the cases matching f with their checklist's
// progress; the diagnosis (health data) stays out of the file.
func WriteWorkInjuryCases(ctx context.Context, st *store.Store, w io.Writer, f model.WorkInjuryFilter, filter string, lang i18n.Lang) (int, error) {
	return writeList(ctx, st, w, lang, []auth.Permission{auth.PermWorkInjuryManage}, ActInjuryExport, filter, "work_injury", injuryColumns,
		lang.T("export.title.work_injury", dateTime(st.Now())),
		func(ctx context.Context, p model.Page) ([]model.WorkInjuryCase, error) {
			f.Page = p
			l, err := st.ListWorkInjuryCases(ctx, f)
			return l.Items, err
		},
		func(c model.WorkInjuryCase) []any {
			return []any{c.PersonName, c.InstitutionName, region.Label(c.RegionCode), c.InfectedOn, c.DiagnosedOn, c.DeadlineOn, yesNo(lang, c.Overdue),
				lang.T("injury.status." + c.Status), c.DocumentsDone, strings.Join(missingDocuments(lang, c), "、")}
		})
}

// missingDocuments names the documents of the checklist not ticked off.
func missingDocuments(lang i18n.Lang, c model.WorkInjuryCase) []string {
	var out []string
	for _, d := range c.Documents {
		if !d.Done {
			out = append(out, lang.T("injury.document."+d.Code))
		}
	}
	return out
}
