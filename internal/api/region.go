package api

import (
	"net/http"

	"houdun/internal/httpx"
	"houdun/internal/model"
)

type regionList struct {
	Items []model.Region `json:"items"`
	Total int            `json:"total"`
}

func (h *handlers) listRegions(w http.ResponseWriter, r *http.Request) error {
	rs, err := h.Store.ListRegions(r.Context(), r.URL.Query().Get("parent"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, regionList{Items: rs, Total: len(rs)})
	return nil
}

func (h *handlers) getRegion(w http.ResponseWriter, r *http.Request) error {
	reg, err := h.Store.GetRegion(r.Context(), r.PathValue("code"))
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
