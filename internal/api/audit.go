package api

import (
	"net/http"
	"strconv"
	"time"

	"houdun/internal/httpx"
	"houdun/internal/model"
)

func (h *handlers) listAudit(w http.ResponseWriter, r *http.Request) error {
	page, err := httpx.Page(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := model.AuditFilter{Action: q.Get("action"), ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"), Page: page}
	if v := q.Get("user_id"); v != "" {
		if f.UserID, err = strconv.ParseInt(v, 10, 64); err != nil {
			return model.Errorf(model.EInvalid, "error.bad_query", "user_id")
		}
	}
	for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if v := q.Get(name); v != "" {
			if *dst, err = time.Parse(time.RFC3339, v); err != nil {
				return model.Errorf(model.EInvalid, "error.bad_query", name)
			}
		}
	}
	list, err := h.Store.ListAudit(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
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
