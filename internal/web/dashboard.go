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
	// Suppressed is set when the store hid small cells (a leader): they show
	// as "<5" (DOMAIN.md: cells under 5 are suppressed).
	Suppressed    bool
	ByCategory    template.HTML
	ByStatus      template.HTML
	Median        string
	Satisfaction  string
	OutcomePeriod string    // the days the median and the satisfaction describe
	Overdue       []caseRow // the most overdue cases, for roles that read cases
	OverdueURL    string
	Visits        *model.VisitCounts
	PlanURL       string // the visit plan, for roles that plan visits
	LedgerURL     string
	RegionLabel   string
}

// Count shows a count, "<5" when the store suppressed it.
func (v *dashboardView) Count(n model.Count) string {
	if n.IsSuppressed() {
		return "<" + strconv.Itoa(model.SmallCell)
	}
	return strconv.Itoa(int(n))
}

func (h *handlers) dashboard(w http.ResponseWriter, r *http.Request) error {
	return h.dashboardPage(w, r, nil)
}

// dashboardPage renders the dashboard of r's filter; extra are the messages
// of a failed ledger download (ledger_download.go), shown beside its fields.
func (h *handlers) dashboardPage(w http.ResponseWriter, r *http.Request, extra model.FieldErrors) error {
	p, err := httpx.Require(r)
	if err != nil {
		return err
	}
	if !dashboardAllowed(p) {
		return httpx.Forbidden("error.forbidden")
	}
	q := r.URL.Query()
	v := &dashboardView{Page: h.page(r, "web.dashboard.title"), Region: strings.TrimSpace(q.Get("region")),
		From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	v.Current = "dashboard"
	f := model.NeedStatsFilter{}
	fe := model.FieldErrors{}
	if v.Region != "" {
		if !regionCodePattern(v.Region) {
			fe.Add("region", "web.dashboard.region_invalid")
		} else {
			f.RegionCode = v.Region
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
		f.From = from
		if !to.IsZero() {
			f.To = to.AddDate(0, 0, 1) // the whole last day
		}
	}
	for k, m := range extra {
		fe[k] = m
	}
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
		list, err := h.Store.ListNeeds(r.Context(), model.NeedFilter{Overdue: true, RegionCode: f.RegionCode, Sort: model.NeedSortDueAt, Page: model.Page{Limit: 5}})
		if err != nil {
			return err
		}
		now := h.Store.Now()
		for _, n := range list.Items {
			v.Overdue = append(v.Overdue, newCaseRow(v.Page, n, now))
		}
		v.OverdueURL = "/needs?overdue=1"
	}
	if p.Can(auth.PermVisitRead) {
		v.PlanURL = "/visits/due"
	}
	if p.Can(auth.PermLedgerExport) {
		lq := url.Values{}
		lq.Set("region", f.RegionCode)
		if f.RegionCode == "" {
			lq.Set("region", p.RegionCode)
		}
		if len(fe) == 0 {
			for k, val := range map[string]string{"from": v.From, "to": v.To} {
				if val != "" {
					lq.Set(k, val)
				}
			}
		}
		v.LedgerURL = "/dashboard/ledger.xlsx?" + lq.Encode()
	}
	h.render(w, r, status, "dashboard", v)
	return nil
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

// bar is one bar, with a suppressed count drawn as nothing and shown as "<5".
func (v *dashboardView) bar(label string, n model.Count, class string) bar {
	b := bar{Label: label, Value: int(n), Text: v.Count(n), Class: class}
	if n.IsSuppressed() {
		b.Value = 0
	}
	return b
}

// regionCodePattern accepts the digits of a region code (2 to 12).
func regionCodePattern(s string) bool {
	if len(s) < 2 || len(s) > 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// LedgerField is an input of the ledger download form; it starts from the
// dashboard's filter, and the region from the caller's own.
func (v *dashboardView) LedgerField(name, labelKey, value string) field {
	f := field{ID: "f-ledger-" + name, Name: name, Label: v.T(labelKey), Value: value, Type: "date", Error: v.Errors[name]}
	if name == "region" {
		f.Type, f.InputMode, f.MaxLength = "text", "numeric", "12"
		if f.Value == "" && v.User != nil {
			f.Value = v.User.RegionCode
		}
	}
	return f
}
