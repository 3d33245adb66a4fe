package api

import (
	"net/http"
	"strings"

	"houdun/internal/httpx"
	"houdun/internal/model"
	"houdun/internal/region"
	"houdun/internal/store"
)

type regionList struct {
	Items []model.Region `json:"items"`
	Total int            `json:"total"`
}

func (h *handlers) listRegions(w http.ResponseWriter, r *http.Request) error {
	parent, err := queryRegion(r, h.Store, "parent")
	if err != nil {
		return err
	}
	rs, err := h.Store.ListRegions(r.Context(), parent)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, regionList{Items: rs, Total: len(rs)})
	return nil
}

func (h *handlers) getRegion(w http.ResponseWriter, r *http.Request) error {
	code, ok := region.Normalize(r.PathValue("code"))
	if !ok {
		return model.NotFound("region")
	}
	reg, err := h.Store.GetRegion(r.Context(), code)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, reg)
	return nil
}

type regionInput struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func (h *handlers) createRegion(w http.ResponseWriter, r *http.Request) error {
	var in regionInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	reg, err := h.Store.CreateRegion(r.Context(), model.Region{Code: in.Code, Name: in.Name})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, reg)
	return nil
}

// queryRegion reads a region parameter of the query (?region=, ?parent=,
// ?team=) in any form region.Normalize accepts (210900 as well as 2109); ""
// when absent or empty. A malformed code and an unknown one answer 422
// naming the parameter and the code (store.EnteredRegion).
func queryRegion(r *http.Request, st *store.Store, name string) (string, error) {
	raw := strings.TrimSpace(r.URL.Query().Get(name))
	if raw == "" {
		return "", nil
	}
	return st.EnteredRegion(r.Context(), name, raw)
}
