package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
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
	Missed      bool   // the dashboard's overdue figure: past the deadline or escalated
	Q           string // case number, or words of the name or description
	From, To    string // recorded from, to (dates YYYY-MM-DD, China time; To's whole day)
	Sort        string // one of model.NeedSortKeys, "" for urgency
	Order       string // model.SortAsc, model.SortDesc, "" for the key's natural one
	// BadDates is set when From or To was not a date or To came before From;
	// both are then left out of the filter.
	BadDates bool
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
		Institution: q.Get("institution_id"), Assignee: q.Get("assignee"), Overdue: q.Get("overdue") == "1",
		Missed: q.Get("missed") == "1"}
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
	f.Q = strings.TrimSpace(q.Get("q"))
	if r := []rune(f.Q); len(r) > model.NeedQueryMax {
		f.Q = string(r[:model.NeedQueryMax])
	}
	f.From, f.To = strings.TrimSpace(q.Get("created_from")), strings.TrimSpace(q.Get("created_to"))
	if from, to, ok := f.period(); !ok || (!from.IsZero() && !to.IsZero() && !from.Before(to)) {
		f.From, f.To, f.BadDates = "", "", true
	}
	f.Sort, f.Order = q.Get("sort"), q.Get("order")
	if !model.Contains(model.NeedSortKeys, f.Sort) {
		f.Sort = ""
	}
	if f.Order != model.SortAsc && f.Order != model.SortDesc {
		f.Order = ""
	}
	return f
}

// period is the recording period of the filter, [from, to); ok is false
// when a date is malformed.
func (f needFilterForm) period() (from, to time.Time, ok bool) {
	var err error
	if f.From != "" {
		if from, err = time.ParseInLocation(time.DateOnly, f.From, chinaTime); err != nil {
			return from, to, false
		}
	}
	if f.To != "" {
		if to, err = time.ParseInLocation(time.DateOnly, f.To, chinaTime); err != nil {
			return from, to, false
		}
		to = to.AddDate(0, 0, 1)
	}
	return from, to, true
}

// sortKey is the effective sort key of the list.
func (f needFilterForm) sortKey() string {
	if f.Sort == "" {
		return "urgency"
	}
	return f.Sort
}

// direction is the effective direction of the list's sort.
func (f needFilterForm) direction() string {
	if f.Order != "" {
		return f.Order
	}
	return model.NeedSortNatural(f.Sort)
}

// SortURL is the address of the list sorted by key, keeping the other
// filters: the current key turns round, another starts in its natural direction.
func (f needFilterForm) SortURL(key string) string {
	v := f.values()
	v.Del("sort")
	v.Del("order")
	if key != "urgency" {
		v.Set("sort", key)
	}
	if key == f.sortKey() {
		if d := f.direction(); d == model.SortAsc {
			v.Set("order", model.SortDesc)
		} else {
			v.Set("order", model.SortAsc)
		}
	}
	return "/needs?" + v.Encode()
}

// SortState is the aria-sort value of a column header: "ascending" or
// "descending" for the key the list is sorted by, "" for the others.
func (f needFilterForm) SortState(key string) string {
	if key != f.sortKey() {
		return ""
	}
	if f.direction() == model.SortDesc {
		return "descending"
	}
	return "ascending"
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
	if f.Missed {
		v.Set("missed", "1")
	}
	for k, s := range map[string]string{"q": f.Q, "created_from": f.From, "created_to": f.To, "sort": f.Sort, "order": f.Order} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// apiValues is the filter as the query of GET /api/v1/needs (and its export).
func (f needFilterForm) apiValues() url.Values {
	v := url.Values{}
	switch f.Status {
	case statusActive:
		v.Set("status", "active")
	case statusAll:
	default:
		v.Set("status", f.Status)
	}
	for k, s := range map[string]string{"category": f.Category, "urgency": f.Urgency, "institution": f.Institution,
		"q": f.Q, "created_from": f.From, "created_to": f.To, "sort": f.Sort, "order": f.Order} {
		if s != "" {
			v.Set(k, s)
		}
	}
	switch f.Assignee {
	case assigneeMe:
		v.Set("assignee", "me")
	case assigneeUnassigned:
		v.Set("assignee", "none")
	}
	if f.Overdue {
		v.Set("overdue", "true")
	}
	if f.Missed {
		v.Set("missed", "true")
	}
	return v
}

// Active reports whether any filter beyond the default is set (a sort is not a filter).
func (f needFilterForm) Active() bool {
	v := f.values()
	v.Del("sort")
	v.Del("order")
	return len(v) > 0
}

func (f needFilterForm) filter(p *auth.Principal, page model.Page) model.NeedFilter {
	nf := model.NeedFilter{Category: f.Category, Urgency: f.Urgency, Overdue: f.Overdue, Missed: f.Missed, Page: page,
		Query: f.Q, Sort: f.Sort, Order: f.Order}
	if f.Sort == "urgency" {
		nf.Sort = model.NeedSortUrgency
	}
	nf.CreatedFrom, nf.CreatedTo, _ = f.period()
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
	SortedBy string
	// ExportURL downloads the list as filtered (.xlsx); empty for roles that
	// may not export lists of people.
	ExportURL string
	ExportMax int // rows at most in an export
}

// sortHeader is a column header that sorts the list.
type sortHeader struct {
	Text, URL, State, Hint string
}

// SortHeader is the header of the column sorted by key, titled by the text of textKey.
func (v *needListView) SortHeader(key, textKey string) sortHeader {
	return sortHeader{Text: v.T(textKey), URL: v.Filter.SortURL(key), State: v.Filter.SortState(key), Hint: v.T("web.lists.sort_hint")}
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
	if f.BadDates {
		v.Problem = v.T("web.lists.bad_dates")
	}
	if p.Can(auth.PermPersonExport) && !v.Minimal {
		v.ExportURL = "/api/v1/exports/needs.xlsx"
		v.ExportMax = model.ListExportMax
		if q := f.apiValues().Encode(); q != "" {
			v.ExportURL += "?" + q
		}
	}
	v.SortedBy = v.T("web.needs.sorted")
	if f.Sort != "" || f.Order != "" {
		v.SortedBy = v.T("web.lists.sorted_by", v.T("web.lists.sort."+f.sortKey()), v.T("web.lists.dir."+f.direction()))
	}
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
