package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/model"
)

// caseRow is a case as lists and the case page show it, with its times
// worded for the reader.
type caseRow struct {
	model.Need
	Due       string // the deadline, China time
	OverdueBy string // how long past the deadline, when overdue
	DueIn     string // the time left, when active and not overdue
	DueSoon   bool   // less than two hours left
	Team      string // the responsible team's region, named
	Created   string
	Score     int // the satisfaction of a closed case, 0 when none
}

func newCaseRow(p Page, n model.Need, now time.Time) caseRow {
	c := caseRow{Need: n, Due: formatTime(n.DueAt), Team: regionLabel(n.TeamRegionCode), Created: formatTime(n.CreatedAt)}
	if n.Satisfaction != nil {
		c.Score = *n.Satisfaction
	}
	if casework.Active(n.Status) && !n.DueAt.IsZero() {
		if n.Overdue || !now.Before(n.DueAt) {
			c.Overdue = true
			c.OverdueBy = p.Span(now.Sub(n.DueAt))
		} else {
			c.DueIn = p.Span(n.DueAt.Sub(now))
			c.DueSoon = casework.DueSoon(n.Status, n.DueAt, now)
		}
	}
	return c
}

// Active reports whether the case is still being worked.
func (c caseRow) Active() bool { return casework.Active(c.Status) }

// AssigneeName is who works the case, "" when nobody yet.
func (c caseRow) AssigneeName() string {
	if c.Assignee == nil {
		return ""
	}
	return c.Assignee.Name
}

// AssigneeKind is "user" or "volunteer", "" when nobody works the case.
func (c caseRow) AssigneeKind() string {
	if c.Assignee == nil {
		return ""
	}
	return c.Assignee.Kind
}

// Excerpt is the start of the description, for lists.
func (c caseRow) Excerpt() string {
	r := []rune(c.Description)
	if len(r) <= 60 {
		return c.Description
	}
	return string(r[:58]) + "…"
}

// needFilterForm is the filter of the case list as given in the address.
type needFilterForm struct {
	Status      string // "" active (default), "all", or one status
	Category    string
	Urgency     string
	Institution string
	Assignee    string // "" all, "me", "unassigned"
	Overdue     bool
}

// Status filter values beyond the statuses themselves.
const (
	statusActive = ""
	statusAll    = "all"
)

// Assignee filter values.
const (
	assigneeMe         = "me"
	assigneeUnassigned = "unassigned"
)

func newNeedFilterForm(r *http.Request) needFilterForm {
	q := r.URL.Query()
	f := needFilterForm{Status: q.Get("status"), Category: q.Get("category"), Urgency: q.Get("urgency"),
		Institution: q.Get("institution_id"), Assignee: q.Get("assignee"), Overdue: q.Get("overdue") == "1"}
	if f.Status != statusAll && !model.Contains(model.NeedStatuses, f.Status) {
		f.Status = statusActive
	}
	if !model.Contains(model.NeedCategories, f.Category) {
		f.Category = ""
	}
	if !model.Contains(model.NeedUrgencies, f.Urgency) {
		f.Urgency = ""
	}
	if id, ok := parseID(f.Institution); !ok || id == 0 {
		f.Institution = ""
	}
	if f.Assignee != assigneeMe && f.Assignee != assigneeUnassigned {
		f.Assignee = ""
	}
	return f
}

// values is the filter as query parameters (without the page).
func (f needFilterForm) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"status": f.Status, "category": f.Category, "urgency": f.Urgency,
		"institution_id": f.Institution, "assignee": f.Assignee} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Overdue {
		v.Set("overdue", "1")
	}
	return v
}

// Active reports whether any filter beyond the default is set.
func (f needFilterForm) Active() bool { return len(f.values()) > 0 }

func (f needFilterForm) filter(p *auth.Principal, page model.Page) model.NeedFilter {
	nf := model.NeedFilter{Category: f.Category, Urgency: f.Urgency, Overdue: f.Overdue, Page: page}
	switch f.Status {
	case statusActive:
		nf.Status = model.NeedActiveStatuses
	case statusAll:
	default:
		nf.Status = []string{f.Status}
	}
	nf.InstitutionID, _ = parseID(f.Institution)
	switch f.Assignee {
	case assigneeMe:
		nf.AssigneeUserID = p.UserID
	case assigneeUnassigned:
		nf.Unassigned = true
	}
	return nf
}

// needListView is the list of cases of the scope (a volunteer's: their own).
type needListView struct {
	Page
	Filter       needFilterForm
	Statuses     []option
	Categories   []option
	Urgencies    []option
	Institutions []option
	Assignees    []option
	Cases        []caseRow
	Pager        pager
	// Minimal is a volunteer's view: their cases only, names reduced to the
	// surname, no institution, and no filters they have no use for.
	Minimal  bool
	CanStart bool // inline "start" buttons (a volunteer's list)
}

func (h *handlers) needList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermNeedRead)
	if err != nil {
		return err
	}
	if p.Can(auth.PermNeedReport) && !p.Can(auth.PermNeedWrite) {
		// A worker's cases have their own page, made for a phone.
		http.Redirect(w, r, "/me/needs", http.StatusSeeOther)
		return nil
	}
	f := newNeedFilterForm(r)
	v := &needListView{Page: h.page(r, "web.needs.title"), Filter: f, Minimal: p.Role == auth.RoleVolunteer}
	v.Current, v.Notice = "needs", v.notice(r)
	v.CanStart = v.Minimal && p.Can(auth.PermNeedProgress)
	if v.Minimal {
		f.Category, f.Urgency, f.Institution, f.Assignee = "", "", "", ""
		v.Filter = f
	}
	list, err := h.Store.ListNeeds(r.Context(), f.filter(p, pageOf(r)))
	if err != nil {
		return err
	}
	now := h.Store.Now()
	for _, n := range list.Items {
		v.Cases = append(v.Cases, newCaseRow(v.Page, n, now))
	}
	v.Pager = newPager("/needs", f.values(), list.Total, list.Offset, list.Limit)
	v.Statuses = append([]option{{Value: statusActive, Text: v.T("web.needs.status_active"), Selected: f.Status == statusActive},
		{Value: statusAll, Text: v.T("web.all"), Selected: f.Status == statusAll}},
		codeOptions(v.Page, "need.status", model.NeedStatuses, f.Status)...)
	if !v.Minimal {
		v.Categories = codeOptions(v.Page, "need.category", model.NeedCategories, f.Category)
		v.Urgencies = codeOptions(v.Page, "need.urgency", model.NeedUrgencies, f.Urgency)
		v.Assignees = []option{{Value: assigneeMe, Text: v.T("web.needs.assignee_me"), Selected: f.Assignee == assigneeMe},
			{Value: assigneeUnassigned, Text: v.T("web.needs.assignee_none"), Selected: f.Assignee == assigneeUnassigned}}
		if p.InstitutionID == 0 {
			if v.Institutions, err = h.institutionOptions(r, p, f.Institution); err != nil {
				return err
			}
		}
	}
	h.render(w, r, http.StatusOK, "need_list", v)
	return nil
}

// caseURL is the address of a case's page.
func caseURL(id int64) string { return "/needs/" + strconv.FormatInt(id, 10) }
