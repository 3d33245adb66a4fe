package api

import (
	"net/http"
	"strconv"

	"houdun/internal/httpx"
	"houdun/internal/model"
)

// Pairings of volunteers with families in difficulty (对口帮助).

// listPairings reads volunteer_id, person_id, active (true: only pairings
// running today) and paging.
func (h *handlers) listPairings(w http.ResponseWriter, r *http.Request) error {
	var f model.PairingFilter
	var err error
	if f.VolunteerID, err = queryInt64(r, "volunteer_id"); err != nil {
		return err
	}
	if f.PersonID, err = queryInt64(r, "person_id"); err != nil {
		return err
	}
	if f.ActiveOnly, err = queryBool(r, "active"); err != nil {
		return err
	}
	if f.Page, err = httpx.Page(r); err != nil {
		return err
	}
	list, err := h.Store.ListPairings(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) getPairing(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	pa, err := h.Store.GetPairing(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, pa)
	return nil
}

func (h *handlers) createPairing(w http.ResponseWriter, r *http.Request) error {
	var in model.PairingInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	pa, err := h.Store.CreatePairing(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/pairings/"+strconv.FormatInt(pa.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, pa)
	return nil
}

func (h *handlers) updatePairing(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.PairingInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	pa, err := h.Store.UpdatePairing(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, pa)
	return nil
}

func (h *handlers) deletePairing(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	version, err := versionParam(r)
	if err != nil {
		return err
	}
	if err := h.Store.DeletePairing(r.Context(), id, version); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
