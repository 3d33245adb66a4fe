package web

import (
	"net/http"
	"net/url"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// visitDueView is the visit plan: who is due or overdue for a contact, with
// the counts per institution.
type visitDueView struct {
	Page
	Status       string // "", due, overdue
	Institution  string
	Statuses     []option
	Institutions []option
	Plan         model.VisitPlan
	Rows         []visitDueRow
	Pager        pager
	CanVisit     bool
	ExportURL    string // the plan as filtered (.xlsx); empty without person.export
	ExportMax    int    // rows at most in an export
}

// visitDueRow is one person on the plan, with the dates worded.
type visitDueRow struct {
	model.VisitDue
	LastVisit  string
	NextDue    string
	OverdueBy  string
	VisitURL   string
	PersonURL  string
	StateLabel string
}

func (h *handlers) visitsDue(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermVisitRead)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := &visitDueView{Page: h.page(r, "web.visits_due.title"), Status: q.Get("status"), Institution: q.Get("institution_id"),
		CanVisit: p.Can(auth.PermVisitWrite)}
	v.Current = "visits"
	if v.Status != model.VisitPlanDue && v.Status != model.VisitPlanOverdue && v.Status != "all" {
		v.Status = model.VisitPlanDue
	}
	inst, ok := parseID(v.Institution)
	if !ok {
		inst, v.Institution = 0, ""
	}
	f := model.VisitDueFilter{InstitutionID: inst, Page: pageOf(r)}
	if v.Status != "all" {
		f.Status = v.Status
	}
	plan, err := h.Store.VisitsDue(r.Context(), f)
	if err != nil {
		return err
	}
	v.Plan = plan
	if p.Can(auth.PermPersonExport) {
		eq := url.Values{}
		if f.Status != "" {
			eq.Set("status", f.Status)
		}
		if inst != 0 {
			eq.Set("institution", v.Institution)
		}
		v.ExportURL = "/api/v1/exports/visits-due.xlsx"
		v.ExportMax = model.ListExportMax
		if len(eq) > 0 {
			v.ExportURL += "?" + eq.Encode()
		}
	}
	now := h.Store.Now()
	for _, d := range plan.Items {
		row := visitDueRow{VisitDue: d, LastVisit: formatTimePtr(d.LastVisitAt), NextDue: formatTime(d.NextDueAt),
			PersonURL: "/people/" + idString(d.PersonID)}
		if v.CanVisit {
			row.VisitURL = "/visits/new?person_id=" + idString(d.PersonID)
		}
		switch {
		case d.Overdue:
			row.StateLabel, row.OverdueBy = v.T("visit.plan.overdue"), v.Span(now.Sub(d.NextDueAt))
		case d.Due:
			row.StateLabel = v.T("visit.plan.due")
		}
		v.Rows = append(v.Rows, row)
	}
	v.Statuses = []option{
		{Value: model.VisitPlanDue, Text: v.T("web.visits_due.f_due"), Selected: v.Status == model.VisitPlanDue},
		{Value: model.VisitPlanOverdue, Text: v.T("visit.plan.overdue"), Selected: v.Status == model.VisitPlanOverdue},
		{Value: "all", Text: v.T("web.visits_due.f_all"), Selected: v.Status == "all"},
	}
	if p.InstitutionID == 0 {
		if v.Institutions, err = h.institutionOptions(r, p, v.Institution); err != nil {
			return err
		}
	}
	v.Pager = newPager("/visits/due", url.Values{"status": {v.Status}, "institution_id": {v.Institution}}, plan.Total, plan.Offset, plan.Limit)
	h.render(w, r, http.StatusOK, "visit_due", v)
	return nil
}
