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
	"houdun/internal/psych"
	"houdun/internal/report"
)

// psychRoutes are the routes of psychological support (心理保障): the
// worker's consent and self-screening, the counselor's rounds, alerts,
// results and cases, and the suppressed summary for leaders and counselors.
func (h *handlers) psychRoutes() []route {
	self, work, anyPsych := perms(auth.PermPsychSelf), perms(auth.PermPsychWork), perms(auth.PermPsychSelf, auth.PermPsychWork)
	return []route{
		{Method: "GET", Path: "/api/v1/instruments", Handler: h.listInstruments, Perm: perms(auth.PermPsychSelf, auth.PermPsychWork, auth.PermPsychSummary)},
		{Method: "GET", Path: "/api/v1/consents/psych_screening", Handler: h.getConsent, Perm: self},
		{Method: "POST", Path: "/api/v1/consents", Handler: h.giveConsent, Perm: self},
		{Method: "DELETE", Path: "/api/v1/consents/psych_screening", Handler: h.withdrawConsent, Perm: self},
		{Method: "GET", Path: "/api/v1/me/screenings", Handler: h.myScreenings, Perm: self},

		{Method: "POST", Path: "/api/v1/assessments", Handler: h.submitAssessment, Perm: self},
		{Method: "GET", Path: "/api/v1/assessments", Handler: h.listAssessments, Perm: anyPsych},
		{Method: "GET", Path: "/api/v1/assessments/{id}", Handler: h.getAssessment, Perm: anyPsych},

		{Method: "POST", Path: "/api/v1/screenings", Handler: h.createScreening, Perm: work},
		{Method: "GET", Path: "/api/v1/screenings", Handler: h.listScreenings, Perm: work},
		{Method: "GET", Path: "/api/v1/screenings/{id}", Handler: h.getScreening, Perm: work},
		{Method: "POST", Path: "/api/v1/screenings/{id}/remind", Handler: h.remindScreening, Perm: work},
		{Method: "POST", Path: "/api/v1/screenings/{id}/close", Handler: h.closeScreening, Perm: work},

		{Method: "GET", Path: "/api/v1/psych/alerts", Handler: h.listAlerts, Perm: work},
		{Method: "POST", Path: "/api/v1/psych/alerts/{id}/contact", Handler: h.contactAlert, Perm: work},
		{Method: "GET", Path: "/api/v1/psych/duty", Handler: h.getDuty, Perm: work},
		{Method: "PUT", Path: "/api/v1/psych/duty", Handler: h.putDuty, Perm: work},

		{Method: "GET", Path: "/api/v1/psych/cases", Handler: h.listPsychCases, Perm: work},
		{Method: "POST", Path: "/api/v1/psych/cases", Handler: h.createPsychCase, Perm: work},
		{Method: "GET", Path: "/api/v1/psych/cases/{id}", Handler: h.getPsychCase, Perm: work},
		{Method: "PATCH", Path: "/api/v1/psych/cases/{id}", Handler: h.updatePsychCase, Perm: work},
		{Method: "POST", Path: "/api/v1/psych/cases/{id}/sessions", Handler: h.addPsychSession, Perm: work},

		{Method: "GET", Path: "/api/v1/exports/psych-cases.xlsx", Handler: h.exportPsychCasesXLSX, Perm: work},
		{Method: "GET", Path: "/api/v1/psych/summary", Handler: h.psychSummary, Perm: perms(auth.PermPsychSummary)},
	}
}

func (h *handlers) listInstruments(w http.ResponseWriter, r *http.Request) error {
	lang := string(i18n.FromRequest(r))
	set := psych.Shipped()
	out := []model.InstrumentView{}
	for _, id := range set.IDs() {
		out = append(out, set.Get(id).View(lang))
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (h *handlers) getConsent(w http.ResponseWriter, r *http.Request) error {
	c, err := h.Store.GetConsent(r.Context(), model.PurposePsychScreening)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (h *handlers) giveConsent(w http.ResponseWriter, r *http.Request) error {
	var in model.ConsentInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	c, err := h.Store.GiveConsent(r.Context(), in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (h *handlers) withdrawConsent(w http.ResponseWriter, r *http.Request) error {
	if err := h.Store.WithdrawConsent(r.Context(), model.PurposePsychScreening); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *handlers) myScreenings(w http.ResponseWriter, r *http.Request) error {
	list, err := h.Store.MyInvitations(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": list})
	return nil
}

func (h *handlers) submitAssessment(w http.ResponseWriter, r *http.Request) error {
	var in model.AssessmentInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	res, err := h.Store.SubmitAssessment(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/assessments/"+strconv.FormatInt(res.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, res)
	return nil
}

func (h *handlers) listAssessments(w http.ResponseWriter, r *http.Request) error {
	var f model.AssessmentFilter
	var err error
	if f.PersonID, err = queryID(r, "person_id"); err != nil {
		return err
	}
	if f.ScreeningID, err = queryID(r, "screening_id"); err != nil {
		return err
	}
	f.Instrument = r.URL.Query().Get("instrument")
	if f.Page, err = httpx.Page(r); err != nil {
		return err
	}
	list, err := h.Store.ListAssessments(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) getAssessment(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	x, err := h.Store.GetAssessment(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, x)
	return nil
}

func (h *handlers) createScreening(w http.ResponseWriter, r *http.Request) error {
	var in model.ScreeningInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	sc, err := h.Store.CreateScreening(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/screenings/"+strconv.FormatInt(sc.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, sc)
	return nil
}

func (h *handlers) listScreenings(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := model.ScreeningFilter{Q: q.Get("q"), Status: q.Get("status")}
	var err error
	if f.RegionCode, err = queryRegion(r, h.Store, "region"); err != nil {
		return err
	}
	if f.Page, err = httpx.Page(r); err != nil {
		return err
	}
	list, err := h.Store.ListScreenings(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) getScreening(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	sc, err := h.Store.GetScreening(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, sc)
	return nil
}

func (h *handlers) remindScreening(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	n, err := h.Store.RemindScreening(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]int{"reminded": n})
	return nil
}

func (h *handlers) closeScreening(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	sc, err := h.Store.CloseScreening(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, sc)
	return nil
}

func (h *handlers) listAlerts(w http.ResponseWriter, r *http.Request) error {
	f := model.AlertFilter{Status: r.URL.Query().Get("status")}
	var err error
	if f.RegionCode, err = queryRegion(r, h.Store, "region"); err != nil {
		return err
	}
	if f.Page, err = httpx.Page(r); err != nil {
		return err
	}
	list, err := h.Store.ListAlerts(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) contactAlert(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.AlertContact
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	al, err := h.Store.ContactAlert(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, al)
	return nil
}

func (h *handlers) getDuty(w http.ResponseWriter, r *http.Request) error {
	d, err := h.Store.GetDuty(r.Context())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (h *handlers) putDuty(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		OnDuty *bool `json:"on_duty"`
	}
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	if in.OnDuty == nil {
		return model.FieldErrors{"on_duty": model.M("field.required")}.Err()
	}
	d, err := h.Store.SetDuty(r.Context(), *in.OnDuty)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (h *handlers) listPsychCases(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := model.PsychCaseFilter{Q: q.Get("q"), Status: q.Get("status"), Sort: q.Get("sort"), DueBy: q.Get("due_by")}
	var err error
	if v := q.Get("mine"); v != "" {
		if f.Mine, err = strconv.ParseBool(v); err != nil {
			return model.Errorf(model.EInvalid, "error.bad_query", "mine")
		}
	}
	if f.RegionCode, err = queryRegion(r, h.Store, "region"); err != nil {
		return err
	}
	if f.Page, err = httpx.Page(r); err != nil {
		return err
	}
	list, err := h.Store.ListPsychCases(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) createPsychCase(w http.ResponseWriter, r *http.Request) error {
	var in model.PsychCaseInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	c, err := h.Store.CreatePsychCase(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/psych/cases/"+strconv.FormatInt(c.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, c)
	return nil
}

func (h *handlers) getPsychCase(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Store.GetPsychCase(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (h *handlers) updatePsychCase(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.PsychCaseUpdate
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	c, err := h.Store.UpdatePsychCase(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (h *handlers) addPsychSession(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.PsychSessionInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	se, err := h.Store.AddPsychSession(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, se)
	return nil
}

func (h *handlers) psychSummary(w http.ResponseWriter, r *http.Request) error {
	code, err := queryRegion(r, h.Store, "region")
	if err != nil {
		return err
	}
	sum, err := h.Store.PsychSummary(r.Context(), code)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, sum)
	return nil
}

// exportPsychCasesXLSX is GET /api/v1/exports/psych-cases.xlsx with the query of GET /api/v1/psych/cases.
func (h *handlers) exportPsychCasesXLSX(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := model.PsychCaseFilter{Q: q.Get("q"), Status: q.Get("status"), Sort: q.Get("sort"), DueBy: q.Get("due_by"), Mine: q.Get("mine") == "1" || q.Get("mine") == "true"}
	var err error
	if f.RegionCode, err = queryRegion(r, h.Store, "region"); err != nil {
		return err
	}
	return h.sendExport(w, r, "export.file.psych_cases", func(ctx context.Context, out io.Writer, lang i18n.Lang) error {
		_, err := report.WritePsychCases(ctx, h.Store, out, f, report.FilterText(r.URL.Query()), lang)
		return err
	})
}
