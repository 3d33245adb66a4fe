package api

import (
	"io"
	"net/http"
	"os"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/report"
	"houdun/internal/tmpdir"
)

// ledgerXLSX downloads the ledger (台账) of a region as an .xlsx workbook,
// one row per case recorded in [from, to): ?region=CODE (default: the
// caller's region; official or stripped form; one outside the caller's
// scope answers 404, a malformed or unknown one 400 naming it), from, to
// (RFC 3339 or YYYY-MM-DD in China time, to inclusive), status (comma list
// or "active"). A role that sees aggregates only (a leader) gets the
// summary sheet alone, suppressed as the dashboard is; the export is
// audited (ledger.export).
func (h *handlers) ledgerXLSX(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r)
	if err != nil {
		return err
	}
	if !p.Can(auth.PermLedgerExport) {
		return httpx.Forbidden("error.forbidden")
	}
	q := r.URL.Query()
	var f model.LedgerFilter
	if f.RegionCode, err = queryRegion(r, h.Store, "region"); err != nil {
		return err
	}
	if f.RegionCode == "" {
		f.RegionCode = p.RegionCode
	} else if p.InstitutionID == 0 && p.PersonID == 0 && !regionInScope(p, f.RegionCode) {
		// An institution's or a person's scope is narrowed by the store.
		return model.NotFound("region")
	}
	var ok bool
	if f.Status, ok = model.ParseNeedStatuses(q.Get("status")); !ok {
		return model.Errorf(model.EInvalid, "error.bad_query", "status")
	}
	if f.From, f.To, err = queryPeriod(r); err != nil {
		return err
	}
	lang := i18n.FromRequest(r)
	// Written to a temporary file first: an error then still answers as an
	// error, not as a truncated download.
	tmp, err := os.CreateTemp(tmpdir.From(r.Context()), "houdun-ledger-*")
	if err != nil {
		return model.Internal(err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if _, err := report.WriteLedger(r.Context(), h.Store, tmp, f, lang); err != nil {
		return err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return model.Internal(err)
	}
	name := lang.T("ledger.title")
	if f.RegionCode != "" {
		name += "-" + f.RegionCode
	}
	name += "-" + h.Store.Now().In(chinaTime).Format("20060102") + ".xlsx"
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", attachment(name))
	_, err = io.Copy(w, tmp)
	return err
}
