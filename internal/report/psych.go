package report

import (
	"context"
	"io"
	"strconv"

	"houdun/internal/auth"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/store"
)

var psychCaseColumns = []listColumn{
	{"case", 8}, {"person", 10}, {"institution", 22}, {"status", 10}, {"source", 10}, {"counselor", 12}, {"next", 12},
	{"last_session", 17}, {"created", 17},
}

// WritePsychCases writes the counselor's caseload matching f as an .xlsx
// workbook: who, status, source, counsellor, next re-screening date and last
// session — never a score, a reason or a note — and audits the export
// (export.psych_cases) with the filter and the rows written.
// Returns EUnauthenticated, EForbidden without psych.work.
func WritePsychCases(ctx context.Context, st *store.Store, w io.Writer, f model.PsychCaseFilter, filter string, lang i18n.Lang) (n int, err error) {
	pr := auth.FromContext(ctx)
	if pr == nil {
		return 0, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	if !pr.Can(auth.PermPsychWork) {
		return 0, model.Errorf(model.EForbidden, "error.forbidden")
	}
	defer func() { err = auditExport(ctx, st, "export.psych_cases", filter, n, err) }()
	s, err := newListSheet(ctx, lang, "export.sheet.psych_cases", "export.col.psych.", psychCaseColumns, lang.T("export.title.psych_cases", dateTime(st.Now())))
	if err != nil {
		return 0, model.Internal(err)
	}
	cut := false
	cctx := store.Covered(ctx)
	for offset := 0; ; offset += listPage {
		f.Page = model.Page{Limit: listPage, Offset: offset}
		page, err := st.ListPsychCases(cctx, f)
		if err != nil {
			s.x.Close()
			return n, err
		}
		for _, c := range page.Items {
			if n == ListExportMax {
				cut = true
				break
			}
			last := ""
			if c.LastSessionAt != nil {
				last = dateTime(*c.LastSessionAt)
			}
			if err := s.add("#"+strconv.FormatInt(c.ID, 10), c.PersonName, c.InstitutionName, lang.T("psych.case_status."+c.Status),
				lang.T("psych.source."+c.Source), c.CounselorName, c.NextScreeningOn, last, dateTime(c.CreatedAt)); err != nil {
				s.x.Close()
				return n, model.Internal(err)
			}
			n++
		}
		if cut || len(page.Items) < listPage {
			break
		}
	}
	if err := s.finish(w, lang, cut); err != nil {
		return n, model.Internal(err)
	}
	return n, nil
}
