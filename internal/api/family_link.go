package api

import (
	"net/http"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/model"
)

// A worker's family self-service links (家属自助链接) over JSON: the same
// store calls as the page /me/family-links. A case worker hands out links
// of the families in scope on the person's page; the API has the worker's
// own only.

// myFamily returns the worker's own person, or 403 for a caller that is not
// a worker's account (a case worker included: /me is the caller's family).
func myFamily(r *http.Request) (int64, error) {
	p, err := httpx.Require(r)
	if err != nil {
		return 0, err
	}
	if !p.Can(auth.PermFamilyLinkManage) || p.PersonID == 0 {
		return 0, httpx.Forbidden("error.forbidden")
	}
	return p.PersonID, nil
}

type familyLinkList struct {
	Items []model.FamilyLink `json:"items"`
	Total int                `json:"total"`
}

func (h *handlers) listMyFamilyLinks(w http.ResponseWriter, r *http.Request) error {
	person, err := myFamily(r)
	if err != nil {
		return err
	}
	links, err := h.Store.ListFamilyLinks(r.Context(), person)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, familyLinkList{Items: links, Total: len(links)})
	return nil
}

func (h *handlers) createMyFamilyLink(w http.ResponseWriter, r *http.Request) error {
	person, err := myFamily(r)
	if err != nil {
		return err
	}
	var in model.FamilyLinkInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	link, err := h.Store.CreateFamilyLink(r.Context(), person, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, link)
	return nil
}

func (h *handlers) revokeMyFamilyLink(w http.ResponseWriter, r *http.Request) error {
	person, err := myFamily(r)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.Store.RevokeFamilyLink(r.Context(), person, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
