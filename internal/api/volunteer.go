package api

import (
	"net/http"
	"strconv"
	"strings"

	"houdun/internal/httpx"
	"houdun/internal/model"
)

// The volunteer registry (志愿者). Phones are masked; ?reveal=true on one
// volunteer shows the full number to a role that may reveal, audited.

// optionalBool reads a boolean query parameter that filters only when given.
func optionalBool(r *http.Request, name string) (*bool, error) {
	if strings.TrimSpace(r.URL.Query().Get(name)) == "" {
		return nil, nil
	}
	b, err := queryBool(r, name)
	return &b, err
}

// listVolunteers reads q (name), region, skill, available, active and paging.
func (h *handlers) listVolunteers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := model.VolunteerFilter{Q: q.Get("q")}
	var err error
	if f.RegionCode, err = queryRegion(r, h.Store, "region"); err != nil {
		return err
	}
	if f.Skill, err = queryChoice(r, "skill", model.VolunteerSkills); err != nil {
		return err
	}
	if f.Available, err = optionalBool(r, "available"); err != nil {
		return err
	}
	if f.Active, err = optionalBool(r, "active"); err != nil {
		return err
	}
	if f.Page, err = httpx.Page(r); err != nil {
		return err
	}
	list, err := h.Store.ListVolunteers(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) getVolunteer(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := h.Store.GetVolunteer(r.Context(), id, reveal(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (h *handlers) createVolunteer(w http.ResponseWriter, r *http.Request) error {
	var in model.VolunteerInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	v, err := h.Store.CreateVolunteer(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/volunteers/"+strconv.FormatInt(v.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, v)
	return nil
}

func (h *handlers) updateVolunteer(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.VolunteerInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	v, err := h.Store.UpdateVolunteer(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (h *handlers) deleteVolunteer(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	version, err := versionParam(r)
	if err != nil {
		return err
	}
	if err := h.Store.DeleteVolunteer(r.Context(), id, version); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
