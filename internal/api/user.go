package api

import (
	"net/http"

	"houdun/internal/httpx"
	"houdun/internal/model"
)

func (h *handlers) listUsers(w http.ResponseWriter, r *http.Request) error {
	page, err := httpx.Page(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	list, err := h.Store.ListUsers(r.Context(), model.UserFilter{Q: q.Get("q"), Role: q.Get("role"), Page: page})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) getUser(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	u, err := h.Store.GetUser(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, u)
	return nil
}

func (h *handlers) createUser(w http.ResponseWriter, r *http.Request) error {
	var in model.UserInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	u, err := h.Store.CreateUser(r.Context(), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, u)
	return nil
}

func (h *handlers) updateUser(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.UserInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	u, err := h.Store.UpdateUser(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, u)
	return nil
}
