package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/httpx"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/region"
	"houdun/internal/store"
)

// The pages of discrimination incidents (歧视孤立事件): the worker's report
// form and their own reports (/me/incidents), a relative's form behind their
// self-service link (/f/{token}/incidents), and the handling team's list,
// form and incident page with its steps and outcome. The store decides who
// sees what: the team sees the reporter, a reporter sees how far their
// report has come, nobody else sees anything.

func (h *handlers) incidentRoutes() []route {
	return []route{
		{pattern: "GET /incidents", fn: h.incidentList, perm: auth.PermIncidentHandle},
		{pattern: "GET /incidents/new", fn: h.incidentNew, perm: auth.PermIncidentHandle},
		{pattern: "POST /incidents", fn: h.incidentCreate, perm: auth.PermIncidentHandle},
		// Any signed-in caller: outside the handling team an incident looks missing (404).
		{pattern: "GET /incidents/{id}", fn: h.incidentShow},
		{pattern: "POST /incidents/{id}/{action}", fn: h.incidentAct, perm: auth.PermIncidentHandle},
		{pattern: "GET /me/incidents", fn: h.myIncidents, perm: auth.PermIncidentReport},
		{pattern: "GET /me/incidents/new", fn: h.myIncidentNew, perm: auth.PermIncidentReport},
		{pattern: "POST /me/incidents", fn: h.myIncidentCreate, perm: auth.PermIncidentReport},
		{pattern: "GET /f/{token}/incidents", fn: h.familyIncidents, public: true},
		{pattern: "POST /f/{token}/incidents", fn: h.familyIncidentSubmit, public: true},
	}
}

func init() {
	notices["incident_reported"] = "incident.reported_accepted"
	notices["incident_saved"] = "web.incident.saved"
}

// CanHandleIncidents reports whether the page's caller is of a handling
// team: the case pages and the person page offer to record an incident.
func (p Page) CanHandleIncidents() bool { return p.User != nil && p.User.Can(auth.PermIncidentHandle) }

// incidentParties is how many party rows the forms show (the API takes up to
// model.IncidentPartiesMax): most incidents name one, some two.
const incidentParties = 2

// partyRow is one party row of a form.
type partyRow struct {
	Index int
	Kind  string
	Name  string
	Kinds []option
}

// incidentForm is what an incident form sends.
type incidentForm struct {
	PersonID        string
	FamilyMemberID  string
	NeedID          string
	ReporterName    string
	ReporterContact string
	OccurredOn      string
	Place           string
	Description     string
	Parties         [incidentParties]partyRow
}

func newIncidentForm(pf url.Values) incidentForm {
	f := incidentForm{PersonID: pf.Get("person_id"), FamilyMemberID: pf.Get("family_member_id"), NeedID: pf.Get("need_id"),
		ReporterName: pf.Get("reporter_name"), ReporterContact: pf.Get("reporter_contact"), OccurredOn: pf.Get("occurred_on"),
		Place: pf.Get("place"), Description: pf.Get("description")}
	for i := range f.Parties {
		n := strconv.Itoa(i)
		f.Parties[i] = partyRow{Index: i, Kind: pf.Get("party_kind_" + n), Name: pf.Get("party_name_" + n)}
	}
	return f
}

// input is the form as the store takes it; ids that are not numbers are field errors.
func (f incidentForm) input() (model.IncidentInput, model.FieldErrors) {
	fe := model.FieldErrors{}
	in := model.IncidentInput{ReporterName: f.ReporterName, ReporterContact: f.ReporterContact, OccurredOn: f.OccurredOn, Place: f.Place,
		Description: f.Description}
	id := func(field, v string) *int64 {
		v = strings.TrimSpace(v)
		if v == "" {
			return nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			fe.Add(field, "field.number")
			return nil
		}
		return &n
	}
	if p := id("person_id", f.PersonID); p != nil {
		in.PersonID = *p
	}
	in.FamilyMemberID = id("family_member_id", f.FamilyMemberID)
	in.NeedID = id("need_id", f.NeedID)
	for _, p := range f.Parties {
		in.Parties = append(in.Parties, model.IncidentParty{Kind: p.Kind, Name: p.Name})
	}
	return in, fe
}

// incidentFormView is a report form: the team's, the worker's or a relative's.
type incidentFormView struct {
	Page
	Form    incidentForm
	Action  string
	Cancel  string
	Who     string // "team", "worker" or "family"
	Person  model.Person
	Need    *model.Need
	Family  []option // the relatives one may name as affected
	Today   string
	Reports []incidentCard // a relative's page lists their reports under the form
	Link    model.FamilyLink
}

// fill adds the party choices.
func (v *incidentFormView) fill() {
	v.Today = time.Now().In(chinaTime).Format(time.DateOnly)
	for i := range v.Form.Parties {
		v.Form.Parties[i].Index = i
		v.Form.Parties[i].Kinds = codeOptions(v.Page, "incident.party", model.PartyKinds, v.Form.Parties[i].Kind)
	}
}

// incidentCard is an incident as its reporter follows it.
type incidentCard struct {
	model.Incident
	Reported  string
	Progress  []progressStep
	Parties   string
	Affected  string
	Contacted string
}

var incidentProgress = []string{model.IncidentReported, model.IncidentHandling, model.IncidentConcluded}

func newIncidentCard(p Page, t model.Incident) incidentCard {
	c := incidentCard{Incident: t, Reported: formatTime(t.CreatedAt), Parties: partiesText(p, t.Parties), Contacted: formatTimePtr(t.ContactedAt)}
	at := 0
	for i, s := range incidentProgress {
		if s == t.Status {
			at = i
		}
	}
	for i, s := range incidentProgress {
		c.Progress = append(c.Progress, progressStep{Text: p.Label("incident.status", s), Done: i < at, Current: i == at})
	}
	c.Affected = t.PersonName
	if t.FamilyMemberName != "" {
		c.Affected = t.FamilyMemberName
	}
	return c
}

func partiesText(p Page, parties []model.IncidentParty) string {
	out := make([]string, 0, len(parties))
	for _, pt := range parties {
		s := p.Label("incident.party", pt.Kind)
		if pt.Name != "" {
			s += "（" + pt.Name + "）"
		}
		out = append(out, s)
	}
	return strings.Join(out, p.T("web.list_sep"))
}

// myIncidentsView is a worker's own reports.
type myIncidentsView struct {
	Page
	Reports []incidentCard
	Pager   pager
}

func (h *handlers) myIncidents(w http.ResponseWriter, r *http.Request) error {
	if _, err := requirePerson(r, auth.PermIncidentReport); err != nil {
		return err
	}
	v := &myIncidentsView{Page: h.page(r, "web.my_incidents.title")}
	v.Current, v.Notice = "my_incidents", v.notice(r)
	list, err := h.Store.ListIncidents(r.Context(), model.IncidentFilter{Page: pageOf(r)})
	if err != nil {
		return err
	}
	for _, t := range list.Items {
		v.Reports = append(v.Reports, newIncidentCard(v.Page, t))
	}
	v.Pager = newPager("/me/incidents", nil, list.Total, list.Offset, list.Limit)
	h.render(w, r, http.StatusOK, "incident_mine", v)
	return nil
}

// familyOptions are the relatives of a person (the worker's own, or one in
// the team's scope) as choices of who was affected.
func (h *handlers) familyOptions(r *http.Request, personID int64, selected string) ([]option, error) {
	fam, err := h.Store.ListFamily(r.Context(), personID, false)
	if err != nil {
		return nil, err
	}
	out := make([]option, 0, len(fam))
	for _, m := range fam {
		id := strconv.FormatInt(m.ID, 10)
		out = append(out, option{Value: id, Text: m.Name + "（" + labelOf(i18n.FromRequest(r), "relation", m.Relation) + "）", Selected: id == selected})
	}
	return out, nil
}

func labelOf(lang i18n.Lang, group, v string) string { return Page{Lang: lang}.Label(group, v) }

func (h *handlers) myIncidentNew(w http.ResponseWriter, r *http.Request) error {
	p, err := requirePerson(r, auth.PermIncidentReport)
	if err != nil {
		return err
	}
	v := &incidentFormView{Page: h.page(r, "web.incident.report_title"), Action: "/me/incidents", Cancel: "/me/incidents", Who: "worker"}
	v.Current = "my_incidents"
	if v.Family, err = h.familyOptions(r, p.PersonID, ""); err != nil {
		return err
	}
	v.fill()
	h.render(w, r, http.StatusOK, "incident_form", v)
	return nil
}

func (h *handlers) myIncidentCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := requirePerson(r, auth.PermIncidentReport)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	f := newIncidentForm(r.PostForm)
	f.PersonID, f.NeedID = "", "" // a worker reports for their own household
	in, fe := f.input()
	if err = fe.Err(); err == nil {
		if _, err = h.Store.CreateIncident(r.Context(), in); err == nil {
			return seeOther(w, r, "/me/incidents?msg=incident_reported")
		}
	}
	e := model.AsError(err)
	status := formStatus(e)
	if status == 0 {
		return err
	}
	v := &incidentFormView{Page: h.page(r, "web.incident.report_title"), Form: f, Action: "/me/incidents", Cancel: "/me/incidents", Who: "worker"}
	v.Current = "my_incidents"
	v.setErrors(e)
	if v.Family, err = h.familyOptions(r, p.PersonID, f.FamilyMemberID); err != nil {
		return err
	}
	v.fill()
	h.render(w, r, status, "incident_form", v)
	return nil
}

// familyIncidents is a relative's report form behind their link, with the
// incidents they reported through it.
func (h *handlers) familyIncidents(w http.ResponseWriter, r *http.Request) error {
	linkHeaders(w)
	r, link, err := h.openLink(r)
	if err != nil {
		return h.linkGone(w, r, err)
	}
	v := &incidentFormView{Page: linkPage(r, "web.incident.family_title"), Action: r.URL.Path, Cancel: "/f/" + r.PathValue("token"), Who: "family", Link: link}
	v.Notice = v.notice(r)
	return h.familyIncidentPage(w, r, http.StatusOK, v)
}

func (h *handlers) familyIncidentPage(w http.ResponseWriter, r *http.Request, status int, v *incidentFormView) error {
	list, err := h.Store.ListIncidents(r.Context(), model.IncidentFilter{Page: model.Page{Limit: 50}})
	if err != nil {
		return err
	}
	for _, t := range list.Items {
		v.Reports = append(v.Reports, newIncidentCard(v.Page, t))
	}
	v.Family = []option{{Value: strconv.FormatInt(v.Link.FamilyMemberID, 10), Text: v.T("web.incident.affected_me"), Selected: v.Form.FamilyMemberID != "0"},
		{Value: "0", Text: v.T("web.incident.affected_worker"), Selected: v.Form.FamilyMemberID == "0"}}
	v.fill()
	h.render(w, r, status, "incident_form", v)
	return nil
}

func (h *handlers) familyIncidentSubmit(w http.ResponseWriter, r *http.Request) error {
	linkHeaders(w)
	if err := parseForm(w, r, min(h.Config.MaxBodyBytes, familyReportMaxBytes)); err != nil {
		return err
	}
	r, link, err := h.openLink(r)
	if err != nil {
		return h.linkGone(w, r, err)
	}
	f := newIncidentForm(r.PostForm)
	f.PersonID, f.NeedID, f.ReporterName = "", "", ""
	// The relative reports for themselves, or ("0") for the worker; a value
	// posted all the same goes to the store, which refuses any other.
	affected := f.FamilyMemberID
	if affected == "0" || affected == "" {
		f.FamilyMemberID = ""
	}
	in, fe := f.input()
	if affected == "" {
		in.FamilyMemberID = &link.FamilyMemberID
	}
	f.FamilyMemberID = affected
	if err = fe.Err(); err == nil {
		if _, err = h.Store.CreateIncident(r.Context(), in); err == nil {
			return seeOther(w, r, r.URL.Path+"?msg=incident_reported")
		}
	}
	v := &incidentFormView{Page: linkPage(r, "web.incident.family_title"), Form: f, Action: r.URL.Path, Cancel: "/f/" + r.PathValue("token"), Who: "family", Link: link}
	e := model.AsError(err)
	switch e.Code {
	case model.ENotFound:
		return h.linkGone(w, r, err)
	case model.ERateLimited:
		if aerr := h.Store.Audit(r.Context(), store.ActFamilyLinkLimited, "family_link", strconv.FormatInt(link.ID, 10), model.OutcomeDenied, "incident"); aerr != nil {
			return aerr
		}
		v.Problem = v.Msg(e.Msg)
		return h.familyIncidentPage(w, r, http.StatusTooManyRequests, v)
	case model.EInvalid:
		v.setErrors(e)
		if m, ok := v.Errors["person_id"]; ok {
			v.Problem = m
		}
		return h.familyIncidentPage(w, r, http.StatusUnprocessableEntity, v)
	}
	return err
}

// The team's pages.

// incidentFilterForm is the list's filter as the query string carries it.
type incidentFilterForm struct {
	Q, Status, Outcome, Party, Region string
	Overdue, Mine                     bool
}

func newIncidentFilterForm(r *http.Request) incidentFilterForm {
	q := r.URL.Query()
	f := incidentFilterForm{Q: strings.TrimSpace(q.Get("q")), Status: q.Get("status"), Outcome: q.Get("outcome"), Party: q.Get("party"),
		Region: strings.TrimSpace(q.Get("region")), Overdue: q.Get("overdue") == "1", Mine: q.Get("mine") == "1"}
	for _, c := range []struct {
		v      *string
		values []string
	}{{&f.Status, model.IncidentStatuses}, {&f.Outcome, model.IncidentOutcomes}, {&f.Party, model.PartyKinds}} {
		if !model.Contains(c.values, *c.v) {
			*c.v = ""
		}
	}
	if code, ok := region.Normalize(f.Region); ok {
		f.Region = code
	} else {
		f.Region = ""
	}
	return f
}

func (f incidentFilterForm) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": f.Q, "status": f.Status, "outcome": f.Outcome, "party": f.Party, "region": f.Region} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Overdue {
		v.Set("overdue", "1")
	}
	if f.Mine {
		v.Set("mine", "1")
	}
	return v
}

// Active reports whether any filter is set.
func (f incidentFilterForm) Active() bool { return len(f.values()) > 0 }

// exportQuery is the filter as the API's export takes it.
func (f incidentFilterForm) exportQuery() string {
	v := f.values()
	for _, k := range []string{"overdue", "mine"} {
		if v.Get(k) != "" {
			v.Set(k, "true")
		}
	}
	return v.Encode()
}

func (f incidentFilterForm) filter(page model.Page) model.IncidentFilter {
	return model.IncidentFilter{Q: f.Q, Status: f.Status, Outcome: f.Outcome, PartyKind: f.Party, RegionCode: f.Region,
		Overdue: f.Overdue, Mine: f.Mine, Page: page}
}

// incidentRow is an incident as the team's pages show it.
type incidentRow struct {
	incidentCard
	URL          string
	ContactDue   string
	ConcludeDue  string
	Region       string
	ReporterKind string
}

func newIncidentRow(p Page, t model.Incident) incidentRow {
	return incidentRow{incidentCard: newIncidentCard(p, t), URL: "/incidents/" + strconv.FormatInt(t.ID, 10),
		ContactDue: formatTime(t.ContactDueAt), ConcludeDue: formatTime(t.ConcludeDueAt), Region: regionLabel(t.RegionCode),
		ReporterKind: p.Label("incident.reporter", t.ReporterKind)}
}

// incidentListView is the team's list.
type incidentListView struct {
	Page
	Filter    incidentFilterForm
	Statuses  []option
	Outcomes  []option
	Parties   []option
	Incidents []incidentRow
	Pager     pager
	ExportURL string
	ExportMax int
}

func (h *handlers) incidentList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermIncidentHandle)
	if err != nil {
		return err
	}
	f := newIncidentFilterForm(r)
	list, err := h.Store.ListIncidents(r.Context(), f.filter(pageOf(r)))
	if err != nil {
		return err
	}
	v := &incidentListView{Page: h.page(r, "web.incident.title"), Filter: f}
	v.Current, v.Notice = "incidents", v.notice(r)
	v.Statuses = codeOptions(v.Page, "incident.status", model.IncidentStatuses, f.Status)
	v.Outcomes = codeOptions(v.Page, "incident.outcome", model.IncidentOutcomes, f.Outcome)
	v.Parties = codeOptions(v.Page, "incident.party", model.PartyKinds, f.Party)
	for _, t := range list.Items {
		v.Incidents = append(v.Incidents, newIncidentRow(v.Page, t))
	}
	v.Pager = newPager("/incidents", f.values(), list.Total, list.Offset, list.Limit)
	if p.Can(auth.PermPersonExport) {
		v.ExportURL, v.ExportMax = "/api/v1/exports/incidents.xlsx", model.ListExportMax
		if q := f.exportQuery(); q != "" {
			v.ExportURL += "?" + q
		}
	}
	h.render(w, r, http.StatusOK, "incident_list", v)
	return nil
}

// teamForm is the team's form: for a person (?person_id=) or from a case (?need_id=).
func (h *handlers) teamForm(r *http.Request, f incidentForm) (*incidentFormView, error) {
	v := &incidentFormView{Page: h.page(r, "web.incident.new_title"), Form: f, Action: "/incidents", Cancel: "/incidents", Who: "team"}
	v.Current = "incidents"
	personID := f.PersonID
	if f.NeedID != "" {
		id, err := strconv.ParseInt(f.NeedID, 10, 64)
		if err != nil {
			return nil, model.NotFound("need")
		}
		n, err := h.Store.GetNeed(r.Context(), id)
		if err != nil {
			return nil, err
		}
		v.Need, v.Cancel = &n, "/needs/"+f.NeedID
		personID = strconv.FormatInt(n.PersonID, 10)
		if v.Form.Description == "" && r.Method == http.MethodGet {
			v.Form.Description = n.Description
		}
	}
	id, err := strconv.ParseInt(personID, 10, 64)
	if err != nil {
		return nil, model.NotFound("person")
	}
	if v.Person, err = h.Store.GetPerson(r.Context(), id, false); err != nil {
		return nil, err
	}
	if v.Need == nil {
		v.Cancel = "/people/" + personID
	}
	v.Form.PersonID = personID
	if v.Family, err = h.familyOptions(r, id, f.FamilyMemberID); err != nil {
		return nil, err
	}
	v.fill()
	return v, nil
}

func (h *handlers) incidentNew(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	// A case settled by an incident already opens that incident.
	if id, err := strconv.ParseInt(q.Get("need_id"), 10, 64); err == nil && id > 0 {
		list, err := h.Store.ListIncidents(r.Context(), model.IncidentFilter{NeedID: id, Page: model.Page{Limit: 1}})
		if err != nil {
			return err
		}
		if len(list.Items) > 0 {
			return seeOther(w, r, "/incidents/"+strconv.FormatInt(list.Items[0].ID, 10))
		}
	}
	v, err := h.teamForm(r, incidentForm{PersonID: q.Get("person_id"), NeedID: q.Get("need_id")})
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "incident_form", v)
	return nil
}

func (h *handlers) incidentCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	f := newIncidentForm(r.PostForm)
	in, fe := f.input()
	var got model.Incident
	err := fe.Err()
	if err == nil {
		if got, err = h.Store.CreateIncident(r.Context(), in); err == nil {
			return seeOther(w, r, "/incidents/"+strconv.FormatInt(got.ID, 10)+"?msg=incident_saved")
		}
	}
	e := model.AsError(err)
	status := formStatus(e)
	if status == 0 {
		return err
	}
	v, verr := h.teamForm(r, f)
	if verr != nil {
		return verr
	}
	v.setErrors(e)
	h.render(w, r, status, "incident_form", v)
	return nil
}

// incidentShowView is one incident with the team's forms.
type incidentShowView struct {
	Page
	Incident  incidentRow
	Steps     []incidentStepRow
	Handlers  []option
	StepKinds []option
	Outcomes  []option
	Posted    string // the form that was sent and failed
	Note      string // what was typed in it
	Open      bool   // the incident takes steps (not concluded)
}

// incidentStepRow is one step as the page words it.
type incidentStepRow struct {
	model.IncidentStep
	Title string
	When  string
	Note  string
}

func (h *handlers) incidentShow(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	t, err := h.Store.GetIncident(r.Context(), id)
	if err != nil {
		return err
	}
	if !t.Team {
		// A reporter follows their report on their own page (/me/incidents).
		return model.NotFound("incident")
	}
	v, err := h.incidentView(r, t)
	if err != nil {
		return err
	}
	v.Notice = v.notice(r)
	h.render(w, r, http.StatusOK, "incident_show", v)
	return nil
}

func (h *handlers) incidentView(r *http.Request, t model.Incident) (*incidentShowView, error) {
	v := &incidentShowView{Page: h.page(r, ""), Open: t.Status != model.IncidentConcluded}
	v.Title, v.Current = v.T("web.incident.show_title", t.ID), "incidents"
	v.Incident = newIncidentRow(v.Page, t)
	for _, s := range t.Steps {
		row := incidentStepRow{IncidentStep: s, Title: v.Label("incident.step", s.Kind), When: formatTime(s.At), Note: s.Note}
		if s.Kind == model.StepOutcome {
			row.Note = v.Label("incident.outcome", s.Note)
		}
		v.Steps = append(v.Steps, row)
	}
	if t.Team && v.Open {
		team, err := h.Store.IncidentHandlers(r.Context(), t.ID)
		if err != nil {
			return nil, err
		}
		for _, u := range team {
			text := u.Username
			if u.DisplayName != "" {
				text = u.DisplayName + "（" + u.Username + "）"
			}
			v.Handlers = append(v.Handlers, option{Value: strconv.FormatInt(u.ID, 10), Text: text, Selected: t.HandlerID != nil && *t.HandlerID == u.ID})
		}
	}
	v.StepKinds = codeOptions(v.Page, "incident.step", model.IncidentStepKinds, "")
	v.Outcomes = codeOptions(v.Page, "incident.outcome", model.IncidentOutcomes, "")
	return v, nil
}

// incidentAct runs one of the team's actions from the incident page.
func (h *handlers) incidentAct(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	pf := r.PostForm
	var version *int64
	if n, err := strconv.ParseInt(pf.Get("version"), 10, 64); err == nil {
		version = &n
	}
	action := r.PathValue("action")
	ctx := r.Context()
	switch casework.IncidentAction(action) {
	case casework.IncidentAssign:
		in := model.IncidentAssign{Version: version}
		if s := pf.Get("handler_id"); s != "" {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				in.HandlerID = &n
			} else {
				err = model.FieldErrors{"handler_id": model.M("field.number")}.Err()
				return h.incidentFailed(w, r, id, action, pf.Get("note"), err)
			}
		}
		_, err = h.Store.AssignIncident(ctx, id, in)
	case casework.IncidentStep:
		_, err = h.Store.AddIncidentStep(ctx, id, model.IncidentStepInput{Kind: pf.Get("kind"), Note: pf.Get("note"), Version: version})
	case casework.IncidentConclude:
		in := model.IncidentOutcomeInput{Outcome: pf.Get("outcome"), Note: pf.Get("note"), ResolveCase: pf.Get("resolve_case") == "1", Version: version}
		if in.ResolveCase && model.Contains(model.IncidentOutcomes, in.Outcome) {
			lang := i18n.FromRequest(r)
			in.CaseResolution = lang.T("incident.case_resolution", id, lang.T("incident.outcome."+in.Outcome))
		}
		_, err = h.Store.ConcludeIncident(ctx, id, in)
	case casework.IncidentReopen:
		_, err = h.Store.ReopenIncident(ctx, id, model.IncidentStepInput{Note: pf.Get("note"), Version: version})
	default:
		return model.NotFound("incident")
	}
	if err != nil {
		return h.incidentFailed(w, r, id, action, pf.Get("note"), err)
	}
	return seeOther(w, r, "/incidents/"+strconv.FormatInt(id, 10)+"?msg=incident_saved")
}

// incidentFailed shows the incident page again with the form's messages.
func (h *handlers) incidentFailed(w http.ResponseWriter, r *http.Request, id int64, action, note string, err error) error {
	e := model.AsError(err)
	status := formStatus(e)
	if status == 0 {
		return err
	}
	t, gerr := h.Store.GetIncident(r.Context(), id)
	if gerr != nil {
		return gerr
	}
	v, verr := h.incidentView(r, t)
	if verr != nil {
		return verr
	}
	v.Posted, v.Note = action, note
	v.setErrors(e)
	h.render(w, r, status, "incident_show", v)
	return nil
}

// incidentCardPart is what the incident_card part shows.
type incidentCardPart struct {
	P Page
	C incidentCard
}

// IncidentCard binds an incident to the page for the incident_card part.
func (p Page) IncidentCard(c incidentCard) incidentCardPart { return incidentCardPart{P: p, C: c} }

// dashboardIncidents adds the incident counts of the region (the caller's
// scope by default) to the dashboard: for the team with a link to its list,
// for a leader suppressed by the store.
func (h *handlers) dashboardIncidents(r *http.Request, p *auth.Principal, v *dashboardView, code string) error {
	if !p.Can(auth.PermIncidentHandle) && !p.Can(auth.PermAggregateRead) {
		return nil
	}
	s, err := h.Store.IncidentStats(r.Context(), code)
	if err != nil {
		return err
	}
	v.Incidents = &s
	if p.Can(auth.PermIncidentHandle) {
		v.IncidentsURL = "/incidents"
	}
	return nil
}

// ContactHint is the contact field's hint option for who fills the form.
func (v *incidentFormView) ContactHint() string {
	if v.Who == "team" || v.Who == "worker" {
		return "hint=web.incident.contact_hint_" + v.Who
	}
	return "hint=web.incident.contact_hint_family"
}
