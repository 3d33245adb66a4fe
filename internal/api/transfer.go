package api

import (
	"net/http"
	"strconv"

	"houdun/internal/httpx"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/store"
)

// registrationBody is the answer to registering a person who is new to the
// caller's scope: the same status and words whether they were registered or,
// being registered in another area, a transfer request was submitted.
type registrationBody struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

func writeRegistration(w http.ResponseWriter, r *http.Request, reg model.Registration) {
	httpx.WriteJSON(w, http.StatusAccepted, registrationBody{Status: reg.Status, Message: i18n.FromRequest(r).T("person.accepted")})
}

// transferFilter reads the transfer list's query parameters.
func transferFilter(r *http.Request, st *store.Store) (model.TransferFilter, error) {
	q := r.URL.Query()
	f := model.TransferFilter{Status: q.Get("status"), Q: q.Get("q")}
	var err error
	if f.RegionCode, err = queryRegion(r, st, "region"); err != nil {
		return f, err
	}
	if f.Status != "" && !model.Contains(model.TransferStatuses, f.Status) {
		return f, model.Errorf(model.EInvalid, "error.bad_query", "status")
	}
	if f.Kind = q.Get("kind"); f.Kind != "" && !model.Contains(model.TransferKinds, f.Kind) {
		return f, model.Errorf(model.EInvalid, "error.bad_query", "kind")
	}
	if v := q.Get("mine"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, model.Errorf(model.EInvalid, "error.bad_query", "mine")
		}
		f.Mine = b
	}
	page, err := httpx.Page(r)
	f.Page = page
	return f, err
}

func (h *handlers) listTransfers(w http.ResponseWriter, r *http.Request) error {
	f, err := transferFilter(r, h.Store)
	if err != nil {
		return err
	}
	list, err := h.Store.ListTransfers(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) getTransfer(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	t, err := h.Store.GetTransfer(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, t)
	return nil
}

func (h *handlers) decideTransfer(approve bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r, "id")
		if err != nil {
			return err
		}
		var d model.TransferDecision
		if err := h.decodeOptionalJSON(w, r, &d); err != nil {
			return err
		}
		var t model.Transfer
		if approve {
			t, err = h.Store.ApproveTransfer(r.Context(), id, d)
		} else {
			t, err = h.Store.RejectTransfer(r.Context(), id, d)
		}
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, t)
		return nil
	}
}
