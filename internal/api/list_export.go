package api

import (
	"context"
	"io"
	"net/http"
	"os"

	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/report"
	"houdun/internal/tmpdir"
)

// The exports of the working lists (.xlsx): the case list with the list's
// own query, the visit plan and the volunteers. Package report writes them
// through the same store calls as the lists and audits each with one row.

// exportNeedsXLSX is GET /api/v1/exports/needs.xlsx with the query of GET /api/v1/needs.
func (h *handlers) exportNeedsXLSX(w http.ResponseWriter, r *http.Request) error {
	f, err := needFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	return h.sendExport(w, r, "export.file.cases", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
		_, err := report.WriteCases(ctx, h.Store, out, f, report.FilterText(r.URL.Query()), lang)
		return err
	})
}

// exportVisitsDueXLSX is GET /api/v1/exports/visits-due.xlsx with the query of GET /api/v1/visits/due.
func (h *handlers) exportVisitsDueXLSX(w http.ResponseWriter, r *http.Request) error {
	f, err := visitDueFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	return h.sendExport(w, r, "export.file.visits", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
		_, err := report.WriteVisitPlan(ctx, h.Store, out, f, report.FilterText(r.URL.Query()), lang)
		return err
	})
}

// exportVolunteersXLSX is GET /api/v1/exports/volunteers.xlsx with the query of GET /api/v1/volunteers.
func (h *handlers) exportVolunteersXLSX(w http.ResponseWriter, r *http.Request) error {
	f, err := volunteerFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	return h.sendExport(w, r, "export.file.volunteers", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
		_, err := report.WriteVolunteers(ctx, h.Store, out, f, report.FilterText(r.URL.Query()), lang)
		return err
	})
}

// sendExport writes an export to a temporary file first, so that an error
// still answers as an error rather than a truncated download, then sends it
// named by the catalogue's fileKey and today's date.
func (h *handlers) sendExport(w http.ResponseWriter, r *http.Request, fileKey string, write func(context.Context, io.Writer, i18n.Lang) error) error {
	lang := i18n.FromRequest(r)
	tmp, err := os.CreateTemp(tmpdir.From(r.Context()), "houdun-list-*")
	if err != nil {
		return model.Internal(err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err := write(r.Context(), tmp, lang); err != nil {
		return err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return model.Internal(err)
	}
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", attachment(lang.T(fileKey)+"-"+h.Store.Now().In(chinaTime).Format("20060102")+".xlsx"))
	_, err = io.Copy(w, tmp)
	return err
}
