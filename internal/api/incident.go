package api

import (
	"context"
	"io"
	"net/http"
	"strconv"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/report"
	"houdun/internal/store"
)

// Discrimination incidents (歧视孤立事件): a worker reports and follows their
// own; the region's team (incident.handle) records, reads, handles and
// exports them. The store decides who sees what; an incident outside the
// caller's team or reports answers 404.

// incidentRoutes are the routes of the incidents, appended in routes.go.
func (h *handlers) incidentRoutes() []route {
	see := perms(auth.PermIncidentReport, auth.PermIncidentHandle)
	team := perms(auth.PermIncidentHandle)
	return []route{
		{Method: "GET", Path: "/api/v1/incidents", Handler: h.listIncidents, Perm: see},
		{Method: "POST", Path: "/api/v1/incidents", Handler: h.createIncident, Perm: see},
		{Method: "GET", Path: "/api/v1/incidents/stats", Handler: h.incidentStats, Perm: perms(auth.PermIncidentHandle, auth.PermAggregateRead)},
		// Any signed-in caller: outside the handling team and one's own
		// reports an incident answers 404, as a missing one (the store).
		{Method: "GET", Path: "/api/v1/incidents/{id}", Handler: h.getIncident},
		{Method: "POST", Path: "/api/v1/incidents/{id}/assign", Handler: h.assignIncident, Perm: team},
		{Method: "POST", Path: "/api/v1/incidents/{id}/steps", Handler: h.addIncidentStep, Perm: team},
		{Method: "POST", Path: "/api/v1/incidents/{id}/outcome", Handler: h.concludeIncident, Perm: team},
		{Method: "POST", Path: "/api/v1/incidents/{id}/reopen", Handler: h.reopenIncident, Perm: team},
		{Method: "GET", Path: "/api/v1/exports/incidents.xlsx", Handler: h.exportIncidentsXLSX, Perm: team},
	}
}

// incidentFilterOf reads the incident list's query parameters.
func incidentFilterOf(r *http.Request, st *store.Store) (model.IncidentFilter, error) {
	q := r.URL.Query()
	f := model.IncidentFilter{Q: q.Get("q")}
	var err error
	if f.Status, err = queryChoice(r, "status", model.IncidentStatuses); err != nil {
		return f, err
	}
	if f.Outcome, err = queryChoice(r, "outcome", model.IncidentOutcomes); err != nil {
		return f, err
	}
	if f.PartyKind, err = queryChoice(r, "party", model.PartyKinds); err != nil {
		return f, err
	}
	if f.Overdue, err = queryBool(r, "overdue"); err != nil {
		return f, err
	}
	if f.Mine, err = queryBool(r, "mine"); err != nil {
		return f, err
	}
	if f.RegionCode, err = queryRegion(r, st, "region"); err != nil {
		return f, err
	}
	if v := q.Get("need_id"); v != "" {
		if f.NeedID, err = strconv.ParseInt(v, 10, 64); err != nil || f.NeedID <= 0 {
			return f, model.Errorf(model.EInvalid, "error.bad_query", "need_id")
		}
	}
	f.Page, err = httpx.Page(r)
	return f, err
}

func (h *handlers) listIncidents(w http.ResponseWriter, r *http.Request) error {
	f, err := incidentFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	list, err := h.Store.ListIncidents(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) createIncident(w http.ResponseWriter, r *http.Request) error {
	var in model.IncidentInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	t, err := h.Store.CreateIncident(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/incidents/"+strconv.FormatInt(t.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, t)
	return nil
}

func (h *handlers) getIncident(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	t, err := h.Store.GetIncident(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, t)
	return nil
}

// incidentAct decodes the body of one of the team's actions and answers the incident after it.
func incidentAct[T any](h *handlers, optional bool, do func(ctx context.Context, r *http.Request, id int64, in T) (model.Incident, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r, "id")
		if err != nil {
			return err
		}
		var in T
		if optional {
			err = h.decodeOptionalJSON(w, r, &in)
		} else {
			err = httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes)
		}
		if err != nil {
			return err
		}
		t, err := do(r.Context(), r, id, in)
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, t)
		return nil
	}
}

func (h *handlers) assignIncident(w http.ResponseWriter, r *http.Request) error {
	return incidentAct(h, true, func(ctx context.Context, _ *http.Request, id int64, in model.IncidentAssign) (model.Incident, error) {
		return h.Store.AssignIncident(ctx, id, in)
	})(w, r)
}

func (h *handlers) addIncidentStep(w http.ResponseWriter, r *http.Request) error {
	return incidentAct(h, false, func(ctx context.Context, _ *http.Request, id int64, in model.IncidentStepInput) (model.Incident, error) {
		return h.Store.AddIncidentStep(ctx, id, in)
	})(w, r)
}

// concludeIncident records the outcome; resolve_case without a
// case_resolution resolves the case with a line in the caller's language
// ("歧视事件 #12 已办结：批评教育").
func (h *handlers) concludeIncident(w http.ResponseWriter, r *http.Request) error {
	return incidentAct(h, false, func(ctx context.Context, r *http.Request, id int64, in model.IncidentOutcomeInput) (model.Incident, error) {
		if in.ResolveCase && in.CaseResolution == "" && model.Contains(model.IncidentOutcomes, in.Outcome) {
			lang := i18n.FromRequest(r)
			in.CaseResolution = lang.T("incident.case_resolution", id, lang.T("incident.outcome."+in.Outcome))
		}
		return h.Store.ConcludeIncident(ctx, id, in)
	})(w, r)
}

func (h *handlers) reopenIncident(w http.ResponseWriter, r *http.Request) error {
	return incidentAct(h, false, func(ctx context.Context, _ *http.Request, id int64, in model.IncidentStepInput) (model.Incident, error) {
		return h.Store.ReopenIncident(ctx, id, in)
	})(w, r)
}

func (h *handlers) incidentStats(w http.ResponseWriter, r *http.Request) error {
	code, err := queryRegion(r, h.Store, "region")
	if err != nil {
		return err
	}
	s, err := h.Store.IncidentStats(r.Context(), code)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, s)
	return nil
}

// exportIncidentsXLSX is GET /api/v1/exports/incidents.xlsx with the query of GET /api/v1/incidents.
func (h *handlers) exportIncidentsXLSX(w http.ResponseWriter, r *http.Request) error {
	f, err := incidentFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	return h.sendExport(w, r, "export.file.incidents", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
		_, err := report.WriteIncidents(ctx, h.Store, out, f, report.FilterText(r.URL.Query()), lang)
		return err
	})
}
