package report

import (
	"context"
	"io"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/region"
	"houdun/internal/store"
)

// incidentColumns are the handling team's export of its incidents: the
// team's own working list, reporter included (nobody else may export it).
var incidentColumns = []listColumn{
	{"no", 8}, {"status", 10}, {"occurred", 12}, {"region", 18}, {"place", 24}, {"parties", 28}, {"description", 40},
	{"person", 10}, {"relative", 10}, {"reporter_kind", 14}, {"reporter", 12}, {"contact", 16}, {"handler", 12},
	{"contact_due", 17}, {"contacted", 17}, {"conclude_due", 17}, {"overdue", 8}, {"outcome", 12}, {"created", 17},
}

// WriteIncidents writes the incidents of the team's list matching f as an
// .xlsx workbook and audits the export (export.incidents) with one row.
// Returns EUnauthenticated, EForbidden without incident.handle and person.export.
func WriteIncidents(ctx context.Context, st *store.Store, w io.Writer, f model.IncidentFilter, filter string, lang i18n.Lang) (n int, err error) {
	if _, err := mayExport(ctx, auth.PermIncidentHandle); err != nil {
		return 0, err
	}
	defer func() { err = auditExport(ctx, st, store.ActIncidentExport, filter, n, err) }()
	s, err := newListSheet(ctx, lang, "export.sheet.incidents", "export.col.incident.", incidentColumns, lang.T("export.title.incidents", dateTime(st.Now())))
	if err != nil {
		return 0, model.Internal(err)
	}
	cut := false
	for offset := 0; ; offset += listPage {
		f.Page = model.Page{Limit: listPage, Offset: offset}
		list, err := st.ListIncidents(store.Covered(ctx), f)
		if err != nil {
			s.x.Close()
			return n, err
		}
		for _, t := range list.Items {
			if n == ListExportMax {
				cut = true
				break
			}
			if !t.Team {
				continue
			}
			parties := make([]string, len(t.Parties))
			for i, p := range t.Parties {
				parties[i] = lang.T("incident.party." + p.Kind)
				if p.Name != "" {
					parties[i] += " " + p.Name
				}
			}
			outcome, contacted := "", ""
			if t.Outcome != "" {
				outcome = lang.T("incident.outcome." + t.Outcome)
			}
			if t.ContactedAt != nil {
				contacted = dateTime(*t.ContactedAt)
			}
			if err := s.add("#"+strconv.FormatInt(t.ID, 10), lang.T("incident.status."+t.Status), t.OccurredOn, region.Label(t.RegionCode),
				t.Place, strings.Join(parties, lang.T("web.list_sep")), t.Description, t.PersonName, t.FamilyMemberName,
				lang.T("incident.reporter."+t.ReporterKind), t.ReporterName, t.ReporterContact, t.HandlerName, dateTime(t.ContactDueAt),
				contacted, dateTime(t.ConcludeDueAt), yesNo(lang, t.Overdue || t.ContactOverdue), outcome, dateTime(t.CreatedAt)); err != nil {
				s.x.Close()
				return n, model.Internal(err)
			}
			n++
		}
		if cut || len(list.Items) < listPage {
			break
		}
	}
	if err := s.finish(w, lang, cut); err != nil {
		return n, model.Internal(err)
	}
	return n, nil
}
