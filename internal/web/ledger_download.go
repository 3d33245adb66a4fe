package web

import (
	"io"
	"mime"
	"net/http"
	"os"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/report"
)

// ledgerDownload is the dashboard's ledger form (GET /dashboard/ledger.xlsx):
// the same workbook as GET /api/v1/ledger.xlsx, but a mistake — a malformed
// or unknown region, one outside the caller's scope, a date that is not one,
// an end before the start — answers with the dashboard and the message
// beside the field, not with the API's JSON.
func (h *handlers) ledgerDownload(w http.ResponseWriter, r *http.Request) error {
	p := auth.FromContext(r.Context())
	q := r.URL.Query()
	fe := model.FieldErrors{}
	f := model.LedgerFilter{RegionCode: strings.TrimSpace(q.Get("region"))}
	switch {
	case f.RegionCode == "":
		f.RegionCode = p.RegionCode
	case !regionCodePattern(f.RegionCode):
		fe.Add("region", "web.dashboard.region_invalid")
	case p.InstitutionID == 0 && p.PersonID == 0 && !p.System && !strings.HasPrefix(f.RegionCode, p.RegionCode):
		// Outside the scope reads as unknown, as the API's 404 does.
		fe.Add("region", "web.ledger.region_unknown")
	}
	from, okFrom := parseDay(q.Get("from"))
	if !okFrom {
		fe.Add("from", "field.date")
	}
	to, okTo := parseDay(q.Get("to"))
	if !okTo {
		fe.Add("to", "field.date")
	}
	if okFrom && okTo && !from.IsZero() && !to.IsZero() && to.Before(from) {
		fe.Add("to", "web.ledger.to_before_from")
	}
	f.From = from
	if !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // the whole last day
	}
	if len(fe) > 0 {
		return h.dashboardPage(w, r, fe)
	}
	lang := i18n.FromRequest(r)
	// Written to a temporary file first, so that an error still answers as
	// the page with its message, not as a truncated download.
	tmp, err := os.CreateTemp("", "houdun-ledger-*")
	if err != nil {
		return model.Internal(err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if _, err := report.WriteLedger(r.Context(), h.Store, tmp, f, lang); err != nil {
		e := model.AsError(err)
		switch {
		case e.Code == model.ENotFound:
			fe.Add("region", "web.ledger.region_unknown")
		case e.Code == model.EInvalid && len(e.Fields) > 0:
			for k, m := range e.Fields {
				fe[k] = m
			}
		case e.Code == model.EInvalid:
			fe.Add("region", e.Msg.Key, e.Msg.Args...)
		default:
			return err
		}
		return h.dashboardPage(w, r, fe)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return model.Internal(err)
	}
	name := lang.T("ledger.title")
	if f.RegionCode != "" {
		name += "-" + f.RegionCode
	}
	name += "-" + h.Store.Now().In(chinaTime).Format("20060102") + ".xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	_, err = io.Copy(w, tmp)
	return err
}
