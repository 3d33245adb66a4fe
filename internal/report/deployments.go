package report

import (
	"context"
	"io"

	"houdun/internal/auth"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/region"
	"houdun/internal/store"
)

var deploymentColumns = []listColumn{
	{"person", 10}, {"occupation", 10}, {"institution", 22}, {"place", 22}, {"role", 10}, {"tier", 8},
	{"starts_on", 12}, {"ends_on", 12}, {"shift_hours", 8}, {"status", 10}, {"override", 30},
}

// WriteDeployments writes the deployments of the caller's list matching f
// as an .xlsx workbook and audits the export with one row (export.deployments).
// Returns EForbidden without deploy.read and person.export.
func WriteDeployments(ctx context.Context, st *store.Store, w io.Writer, f model.DeploymentFilter, filter string, lang i18n.Lang) (n int, err error) {
	if _, err := mayExport(ctx, auth.PermDeployRead); err != nil {
		return 0, err
	}
	defer func() { err = auditExport(ctx, st, store.ActDeploymentExport, filter, n, err) }()
	s, err := newListSheet(ctx, lang, "export.sheet.deployments", "export.col.", deploymentColumns, lang.T("export.title.deployments", dateTime(st.Now())))
	if err != nil {
		return 0, model.Internal(err)
	}
	cut := false
	covered := store.Covered(ctx)
	for offset := 0; ; offset += listPage {
		f.Page = model.Page{Limit: listPage, Offset: offset}
		list, err := st.ListDeployments(covered, f)
		if err != nil {
			s.x.Close()
			return n, err
		}
		for _, d := range list.Items {
			if n == ListExportMax {
				cut = true
				break
			}
			place := d.PostName
			if d.BatchID != nil {
				place = d.BatchName
			}
			if err := s.add(d.PersonName, lang.T("importer.occupation."+d.Occupation), d.InstitutionName, place, d.Role, lang.T("deploy.tier_short."+itoa(d.Tier)),
				d.StartsOn, d.EndsOn, d.ShiftHours, lang.T("deploy.status."+d.Status), d.OverrideReason); err != nil {
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

var daysColumns = []listColumn{{"person", 10}, {"occupation", 10}, {"institution", 22}, {"region", 16}, {"tier1_days", 10}, {"tier2_days", 10}}

// WriteDeploymentDays writes the days report of [from, to] (tier-1 and
// tier-2 days per person, numbers with halves) and audits it with one row.
// Returns EForbidden without deploy.days and person.export, EInvalid for a bad period.
func WriteDeploymentDays(ctx context.Context, st *store.Store, w io.Writer, from, to string, f model.DaysFilter, filter string, lang i18n.Lang) (n int, err error) {
	if _, err := mayExport(ctx, auth.PermDeployDays); err != nil {
		return 0, err
	}
	defer func() { err = auditExport(ctx, st, store.ActDaysExport, filter, n, err) }()
	days, err := st.DeploymentDays(store.Covered(ctx), from, to, f)
	if err != nil {
		return 0, err
	}
	s, err := newListSheet(ctx, lang, "export.sheet.deployment_days", "export.col.", daysColumns, lang.T("export.title.deployment_days", from, to, dateTime(st.Now())))
	if err != nil {
		return 0, model.Internal(err)
	}
	for _, d := range days {
		if n == ListExportMax {
			break
		}
		if err := s.add(d.PersonName, lang.T("importer.occupation."+d.Occupation), d.InstitutionName, region.Label(d.RegionCode),
			float64(d.Tier1HalfDays)/2, float64(d.Tier2HalfDays)/2); err != nil {
			s.x.Close()
			return n, model.Internal(err)
		}
		n++
	}
	if err := s.finish(w, lang, n < len(days)); err != nil {
		return n, model.Internal(err)
	}
	return n, nil
}

func itoa(n int) string {
	if n >= 0 && n < 10 {
		return string(rune('0' + n))
	}
	return "?"
}
