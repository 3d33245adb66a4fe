package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/model"
	"houdun/internal/store"
)

// dashboardView is the area's aggregates for the caller's scope: cases per
// category and status, overdue and escalated cases, the median time to
// resolve, the visit plan's totals, and the ledger download. It names nobody;
// the store hides the small cells from the roles that see aggregates only.
type dashboardView struct {
	Page
	Region   string // filter: a region inside the scope
	From, To string // filter: YYYY-MM-DD, cases recorded in [From, To]
	Stats    model.NeedStats
	// Suppressed is set when the store hid small cells and their complements
	// (a leader): they show as the mark aggregate.hidden (DOMAIN.md: cells
	// under 5 are suppressed; model.Suppress).
	Suppressed    bool
	ByCategory    template.HTML
	ByStatus      template.HTML
	Median        string
	Satisfaction  string
	OutcomePeriod string    // the days the median and the satisfaction describe
	Overdue       []caseRow // the most overdue cases, for roles that read cases
	OverdueURL    string
	Visits        *model.VisitCounts
	Checkins      *model.CheckinCounts // today's check-ins of deployed people (checkin.go)
	PlanURL       string               // the visit plan, for roles that plan visits
	Stays         *store.StayCounts    // accommodation and transport (stay_board.go), suppressed for leaders
	LedgerURL     string
	RegionLabel   string
	// RegionChoices are the regions of the caller's scope, for the region
	// picker (a datalist: search by name or code).
	RegionChoices []regionChoice
	// Deploy are the frontline deployment counts (deployed today, due for
	// rest, open couple conflicts); DeployURL the deployment pages, for
	// roles that plan.
	Deploy    *model.DeploymentStats
	DeployURL string
	// Supplies are the figures of the stores in scope (suppressed for a
	// leader), SuppliesURL the stores for those who keep them.
	Supplies    *model.SupplyCounts
	SuppliesURL string

	// Incidents are the discrimination incidents' counts (incident.go).
	Incidents    *model.IncidentStats
	IncidentsURL string
	// Psych is psychological support's figures (psych_dashboard.go).
	Psych *psychDashboard
	// Letters are the counts of letters, commendations and work-injury
	// cases (small cells suppressed for leaders).
	Letters *model.LetterStats
	// Subsidy is the money's figures (subsidy.go), suppressed for leaders; SubsidyLink: the caller works the batches.
	Subsidy     *model.SubsidyStats
	SubsidyLink bool
}

// SupplyCount shows a supply figure, the mark aggregate.hidden when the store hid it.
func (v *dashboardView) SupplyCount(n *int64) string {
	if n == nil {
		return v.T("aggregate.hidden")
	}
	return strconv.FormatInt(*n, 10)
}

// Count shows a count, the mark aggregate.hidden when the store hid it.
func (v *dashboardView) Count(n model.Count) string {
	if n.IsSuppressed() {
		return v.T("aggregate.hidden")
	}
	return strconv.Itoa(int(n))
}

func (h *handlers) dashboard(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r)
	if err != nil {
		return err
	}
	if !dashboardAllowed(p) {
		return httpx.Forbidden("error.forbidden")
	}
	v, f, fe := h.dashboardFilter(r, p)
	return h.renderDashboard(w, r, p, v, f, fe)
}

// dashboardLedger is the dashboard's ledger download: the region (picked
// or typed, code or name) and the period are checked here, so that a bad
// one answers with the dashboard and the message beside the field rather
// than the API's JSON; a good one goes on to the API's download
// (/api/v1/ledger.xlsx) with the region in its stored form.
func (h *handlers) dashboardLedger(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r)
	if err != nil {
		return err
	}
	if !dashboardAllowed(p) || !p.Can(auth.PermLedgerExport) {
		return httpx.Forbidden("error.forbidden")
	}
	v, f, fe := h.dashboardFilter(r, p)
	if len(fe) > 0 {
		return h.renderDashboard(w, r, p, v, f, fe)
	}
	http.Redirect(w, r, ledgerURL(p, f.RegionCode, v.From, v.To), http.StatusSeeOther)
	return nil
}

// dashboardFilter reads the dashboard's query (region, from, to) into the
// view's fields, the stores' filter and the problems found: a region that
// is malformed, unknown or outside the caller's scope, a bad date, an end
// before the start.
func (h *handlers) dashboardFilter(r *http.Request, p *auth.Principal) (*dashboardView, model.NeedStatsFilter, model.FieldErrors) {
	q := r.URL.Query()
	v := &dashboardView{Page: h.page(r, "web.dashboard.title"), Region: strings.TrimSpace(q.Get("region")),
		From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	v.Current = "dashboard"
	v.RegionChoices = h.regionChoices(r, p)
	f := model.NeedStatsFilter{}
	fe := model.FieldErrors{}
	if v.Region != "" {
		code, msg := h.enteredRegion(r, p, "region", v.Region, v.RegionChoices)
		if msg != nil {
			fe["region"] = *msg
		} else {
			f.RegionCode = code
		}
	}
	from, ok := parseDay(v.From)
	if !ok {
		fe.Add("from", "field.date")
	}
	to, ok2 := parseDay(v.To)
	if !ok2 {
		fe.Add("to", "field.date")
	}
	if ok && ok2 {
		if !from.IsZero() && !to.IsZero() && to.Before(from) {
			fe.Add("to", "web.dashboard.to_before_from")
		} else {
			f.From = from
			if !to.IsZero() {
				f.To = to.AddDate(0, 0, 1) // the whole last day
			}
		}
	}
	return v, f, fe
}

// renderDashboard computes the figures of f and shows them with the
// problems fe (422 then; the figures are those of the filter without the
// bad parts, under the label of what they cover).
func (h *handlers) renderDashboard(w http.ResponseWriter, r *http.Request, p *auth.Principal, v *dashboardView, f model.NeedStatsFilter, fe model.FieldErrors) error {
	status := http.StatusOK
	if err := fe.Err(); err != nil {
		v.setErrors(model.AsError(err))
		status = http.StatusUnprocessableEntity
	}
	stats, err := h.Store.NeedStats(r.Context(), f)
	if err != nil {
		return err
	}
	v.Stats, v.Suppressed, v.Visits = stats, stats.Suppressed, stats.Visits
	if v.Checkins, err = h.dashboardCheckins(r, p, f.RegionCode); err != nil {
		return err
	}
	v.RegionLabel = regionLabel(f.RegionCode)
	if v.RegionLabel == "" {
		v.RegionLabel = regionLabel(p.RegionCode)
	}
	if stats.MedianResolveSeconds > 0 {
		v.Median = v.Span(stats.MedianResolve())
	}
	if stats.MeanSatisfaction > 0 {
		v.Satisfaction = strconv.FormatFloat(stats.MeanSatisfaction, 'f', 1, 64)
	}
	// The last day of [OutcomeFrom, OutcomeTo) is the one before its end.
	last := stats.OutcomeTo.Add(-time.Millisecond)
	v.OutcomePeriod = v.T("web.dashboard.outcome_period", stats.OutcomeFrom.In(chinaTime).Format(time.DateOnly), last.In(chinaTime).Format(time.DateOnly))
	v.ByCategory, v.ByStatus = v.charts(stats)

	if p.Can(auth.PermNeedRead) {
		list, err := h.Store.ListNeeds(r.Context(), model.NeedFilter{Missed: true, RegionCode: f.RegionCode, Sort: model.NeedSortDueAt, Page: model.Page{Limit: 5}})
		if err != nil {
			return err
		}
		now := h.Store.Now()
		for _, n := range list.Items {
			v.Overdue = append(v.Overdue, newCaseRow(v.Page, n, now))
		}
		v.OverdueURL = "/needs?missed=1"
	}
	if p.Can(auth.PermVisitRead) {
		v.PlanURL = "/visits/due"
	}
	if err := h.dashboardIncidents(r, p, v, f.RegionCode); err != nil {
		return err
	}
	if p.Can(auth.PermStayManage) || p.Can(auth.PermTransportManage) || p.Can(auth.PermAggregateRead) {
		c, err := h.Store.StayDashboard(r.Context())
		if err != nil {
			return err
		}
		v.Stays = &c
	}
	if p.Can(auth.PermDeployRead) || p.Can(auth.PermAggregateRead) {
		ds, err := h.Store.DeploymentStats(r.Context())
		if err != nil {
			return err
		}
		v.Deploy = &ds
		if p.Can(auth.PermDeployRead) {
			v.DeployURL = "/deployments"
		}
	}
	if v.Psych, err = h.psychDashboard(r, p, f.RegionCode); err != nil {
		return err
	}
	if p.Can(auth.PermLetterManage) || p.Can(auth.PermCommendationNominate) || p.Can(auth.PermAggregateRead) {
		ls, err := h.Store.LetterStats(r.Context())
		if err != nil {
			return err
		}
		v.Letters = &ls
	}
	if err := h.subsidyDashboard(r, p, v, f.RegionCode); err != nil {
		return err
	}
	if p.Can(auth.PermSupplyRead) || p.Can(auth.PermAggregateRead) {
		c, err := h.Store.SupplyCounts(r.Context())
		if err != nil {
			return err
		}
		v.Supplies = &c
		if p.Can(auth.PermSupplyRead) {
			v.SuppliesURL = "/supplies"
		}
	}
	if p.Can(auth.PermLedgerExport) {
		from, to := v.From, v.To
		if len(fe) > 0 {
			from, to = "", ""
		}
		v.LedgerURL = ledgerURL(p, f.RegionCode, from, to)
	}
	h.render(w, r, status, "dashboard", v)
	return nil
}

// ledgerURL is the API's ledger download of a region (the caller's own by
// default) and period.
func ledgerURL(p *auth.Principal, code, from, to string) string {
	lq := url.Values{}
	lq.Set("region", code)
	if code == "" {
		lq.Set("region", p.RegionCode)
	}
	for k, val := range map[string]string{"from": from, "to": to} {
		if val != "" {
			lq.Set(k, val)
		}
	}
	return "/api/v1/ledger.xlsx?" + lq.Encode()
}

// charts draws the counts per category and per status.
func (v *dashboardView) charts(s model.NeedStats) (byCategory, byStatus template.HTML) {
	var cats, stats []bar
	for _, c := range s.ByCategory {
		cats = append(cats, v.bar(v.Label("need.category", c.Category), c.Count, ""))
	}
	statusClass := map[string]string{model.NeedOpen: "warn", model.NeedResolved: "ok", model.NeedClosed: "ok", model.NeedRejected: "muted"}
	for _, st := range s.ByStatus {
		stats = append(stats, v.bar(v.Label("need.status", st.Status), st.Count, statusClass[st.Status]))
	}
	return barChart("chart-category", v.T("web.dashboard.by_category"), cats), barChart("chart-status", v.T("web.dashboard.by_status"), stats)
}

// bar is one bar, with a hidden count drawn as nothing and shown as its mark.
func (v *dashboardView) bar(label string, n model.Count, class string) bar {
	b := bar{Label: label, Value: int(n), Text: v.Count(n), Class: class}
	if n.IsSuppressed() {
		b.Value = 0
	}
	return b
}

// LedgerField is an input of the ledger download form; it starts from the
// dashboard's filter, and the region from the caller's own.
func (v *dashboardView) LedgerField(name, labelKey, value string) field {
	f := field{ID: "f-ledger-" + name, Name: name, Label: v.T(labelKey), Value: value, Type: "date", Error: v.Errors[name]}
	if name == "region" {
		f.Type, f.MaxLength, f.Autocomplete = "text", "40", "off"
		if len(v.RegionChoices) > 0 {
			f.List = "region-choices"
		}
		f.Hint = v.T("web.region.picker_hint")
		if f.Value == "" && v.User != nil {
			f.Value = v.User.RegionCode
		}
	}
	return f
}

// HiddenNote says what the mark of a hidden count means.
func (v *dashboardView) HiddenNote() string {
	return v.T("aggregate.hidden_note", v.T("aggregate.hidden"), model.SmallCell)
}
