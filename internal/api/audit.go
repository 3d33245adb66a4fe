package api

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"

	"houdun/internal/httpx"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/report"
)

func (h *handlers) listAudit(w http.ResponseWriter, r *http.Request) error {
	page, err := httpx.Page(r)
	if err != nil {
		return err
	}
	f, err := auditQuery(r)
	if err != nil {
		return err
	}
	f.Page = page
	list, err := h.Store.ListAudit(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

// auditQuery reads the audit filter of the query string: action,
// object_type, object_id, user_id, username (the account), from and to
// (RFC 3339, or YYYY-MM-DD in China time with to inclusive).
func auditQuery(r *http.Request) (model.AuditFilter, error) {
	q := r.URL.Query()
	f := model.AuditFilter{Action: q.Get("action"), ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"),
		Username: strings.TrimSpace(q.Get("username"))}
	var err error
	if v := q.Get("user_id"); v != "" {
		if f.UserID, err = strconv.ParseInt(v, 10, 64); err != nil {
			return f, model.Errorf(model.EInvalid, "error.bad_query", "user_id")
		}
	}
	f.From, f.To, err = queryPeriod(r)
	return f, err
}

// exportAuditXLSX downloads the audit entries matching the filter of
// GET /api/v1/audit (every one, not a page) as an .xlsx workbook; the
// export is audited (export.audit). Auditor only.
func (h *handlers) exportAuditXLSX(w http.ResponseWriter, r *http.Request) error {
	f, err := auditQuery(r)
	if err != nil {
		return err
	}
	return h.sendExport(w, r, "audit_export.file", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
		_, err := report.WriteAuditLog(ctx, h.Store, out, f, lang)
		return err
	})
}

// auditVerification is the newest check of the audit chain; checked is false
// before the first.
type auditVerification struct {
	Checked bool `json:"checked"`
	*model.AuditVerification
}

func (h *handlers) getAuditVerification(w http.ResponseWriter, r *http.Request) error {
	v, ok, err := h.Store.LastAuditVerification(r.Context())
	if err != nil {
		return err
	}
	out := auditVerification{Checked: ok}
	if ok {
		out.AuditVerification = &v
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}
