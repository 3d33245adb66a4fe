package api

import (
	"net/http"

	"houdun/internal/httpx"
	"houdun/internal/model"
	"houdun/internal/store"
)

func (h *handlers) listInstitutions(w http.ResponseWriter, r *http.Request) error {
	page, err := httpx.Page(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	code, err := queryRegion(r, h.Store, "region")
	if err != nil {
		return err
	}
	list, err := h.Store.ListInstitutions(r.Context(), store.InstitutionFilter{Q: q.Get("q"), Type: q.Get("type"), RegionCode: code, Page: page})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) getInstitution(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	in, err := h.Store.GetInstitution(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, in)
	return nil
}

func (h *handlers) createInstitution(w http.ResponseWriter, r *http.Request) error {
	var in model.InstitutionInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	inst, err := h.Store.CreateInstitution(r.Context(), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, inst)
	return nil
}

func (h *handlers) updateInstitution(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.InstitutionInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	inst, err := h.Store.UpdateInstitution(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, inst)
	return nil
}
