package api

import (
	"net/http"
	"strconv"

	"houdun/internal/httpx"
	"houdun/internal/model"
)

// Visits (走访慰问) with the needs heard during them, and the visit plan.

func (h *handlers) createVisit(w http.ResponseWriter, r *http.Request) error {
	var in model.VisitInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	v, err := h.Store.CreateVisit(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/visits/"+strconv.FormatInt(v.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, v)
	return nil
}

// listVisits reads person_id, institution, region, from, to (visit time) and paging.
func (h *handlers) listVisits(w http.ResponseWriter, r *http.Request) error {
	var f model.VisitFilter
	var err error
	if f.RegionCode, err = queryRegion(r, h.Store, "region"); err != nil {
		return err
	}
	if f.PersonID, err = queryInt64(r, "person_id"); err != nil {
		return err
	}
	if f.InstitutionID, err = queryInt64(r, "institution"); err != nil {
		return err
	}
	if f.From, f.To, err = queryPeriod(r); err != nil {
		return err
	}
	if f.Page, err = httpx.Page(r); err != nil {
		return err
	}
	list, err := h.Store.ListVisits(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) getVisit(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := h.Store.GetVisit(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, v)
	return nil
}

// visitsDue is the visit plan: region, institution, status (due or overdue) and paging.
func (h *handlers) visitsDue(w http.ResponseWriter, r *http.Request) error {
	var f model.VisitDueFilter
	var err error
	if f.RegionCode, err = queryRegion(r, h.Store, "region"); err != nil {
		return err
	}
	if f.InstitutionID, err = queryInt64(r, "institution"); err != nil {
		return err
	}
	if f.Status, err = queryChoice(r, "status", []string{model.VisitPlanDue, model.VisitPlanOverdue}); err != nil {
		return err
	}
	if f.Page, err = httpx.Page(r); err != nil {
		return err
	}
	plan, err := h.Store.VisitsDue(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, plan)
	return nil
}
