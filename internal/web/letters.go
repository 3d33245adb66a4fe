package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/letters"
	"houdun/internal/model"
	"houdun/internal/region"
	"houdun/internal/report"
)

// The pages of consolation letters (慰问信) and their templates,
// commendations (表彰), the title-evaluation priority list and work-injury
// determination cases (工伤认定): lists with search and filters (cards on a
// phone), their Excel exports and PDFs through the API's downloads, and the
// forms. The store decides who sees what.

func (h *handlers) letterRoutes() []route {
	return []route{
		{pattern: "GET /letters", fn: h.letterList},
		{pattern: "POST /letters/generate", fn: h.letterGenerate, perm: auth.PermLetterManage},
		{pattern: "POST /letters/{id}/delivery", fn: h.letterDeliver},
		{pattern: "GET /letter-templates", fn: h.letterTemplateList, perm: auth.PermLetterManage},
		{pattern: "POST /letter-templates", fn: h.letterTemplateCreate, perm: auth.PermLetterManage},
		{pattern: "GET /letter-templates/{id}", fn: h.letterTemplateEdit, perm: auth.PermLetterManage},
		{pattern: "POST /letter-templates/{id}", fn: h.letterTemplateUpdate, perm: auth.PermLetterManage},
		{pattern: "GET /commendations", fn: h.commendationList},
		{pattern: "POST /commendations", fn: h.commendationNominate, perm: auth.PermCommendationNominate},
		{pattern: "POST /commendations/{id}/approve", fn: h.commendationDecide(true), perm: auth.PermCommendationReview},
		{pattern: "POST /commendations/{id}/reject", fn: h.commendationDecide(false), perm: auth.PermCommendationReview},
		{pattern: "GET /title-priority", fn: h.titlePriorityList, perm: auth.PermTitlePriorityRead},
		{pattern: "GET /work-injury-cases", fn: h.injuryList, perm: auth.PermWorkInjuryManage},
		{pattern: "POST /work-injury-cases", fn: h.injuryOpen, perm: auth.PermWorkInjuryManage},
		{pattern: "GET /work-injury-cases/{id}", fn: h.injuryShow, perm: auth.PermWorkInjuryManage},
		{pattern: "POST /work-injury-cases/{id}", fn: h.injuryUpdate, perm: auth.PermWorkInjuryManage},
	}
}

func init() {
	for k, v := range map[string]string{
		"letters_generated": "web.notice.letters_generated", "letter_delivered": "web.notice.letter_delivered",
		"template_saved": "web.notice.template_saved", "commendation_nominated": "web.notice.commendation_nominated",
		"commendation_approved": "web.notice.commendation_approved", "commendation_rejected": "web.notice.commendation_rejected",
		"injury_opened": "web.notice.injury_opened", "injury_saved": "web.notice.injury_saved",
	} {
		notices[k] = v
	}
}

// needAny is the caller when their role holds one of perms.
func needAny(r *http.Request, perms ...auth.Permission) (*auth.Principal, error) {
	p, err := httpx.Require(r)
	if err != nil {
		return nil, err
	}
	for _, perm := range perms {
		if p.Can(perm) {
			return p, nil
		}
	}
	return nil, httpx.Forbidden("error.forbidden")
}

// listQuery is a list's filter as its query string carries it, kept for
// the pager and the export links (page and msg dropped).
func listQuery(r *http.Request, keys ...string) url.Values {
	v := url.Values{}
	q := r.URL.Query()
	for _, k := range keys {
		if s := strings.TrimSpace(q.Get(k)); s != "" {
			v.Set(k, s)
		}
	}
	return v
}

func withQuery(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

func queryInt(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(r.URL.Query().Get(name)), 10, 64)
	return max(n, 0)
}

func statusOptions(p Page, group string, values []string, selected string) []option {
	out := make([]option, 0, len(values))
	for _, s := range values {
		out = append(out, option{Value: s, Text: p.Label(group, s), Selected: s == selected})
	}
	return out
}

// ---- Letters ----

// letterRow is a letter as the list shows it.
type letterRow struct {
	model.Letter
	PDFURL     string
	Sent       string
	Received   string
	CanSend    bool
	CanReceive bool
}

type letterListView struct {
	Page
	Manage       bool
	Q            string
	Status       string
	TemplateID   string
	Institution  string
	Statuses     []option
	Templates    []option
	Institutions []option
	Letters      []letterRow
	Pager        pager
	ExportURL    string
	MergedURL    string
	Active       bool
	// The generation form.
	GenTemplate, GenInstitution, GenDate string
}

func (h *handlers) letterList(w http.ResponseWriter, r *http.Request) error {
	return h.renderLetterList(w, r, http.StatusOK, nil, nil)
}

func (h *handlers) renderLetterList(w http.ResponseWriter, r *http.Request, status int, e *model.Error, gen url.Values) error {
	p, err := needAny(r, auth.PermLetterManage, auth.PermLetterOwn)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := &letterListView{Page: h.page(r, "web.letters.title"), Manage: p.Can(auth.PermLetterManage), Q: strings.TrimSpace(q.Get("q")),
		Status: q.Get("status"), TemplateID: q.Get("template_id"), Institution: q.Get("institution_id")}
	v.Current, v.Notice = "letters", v.notice(r)
	if !model.Contains(model.LetterStatuses, v.Status) {
		v.Status = ""
	}
	f := model.LetterFilter{Q: v.Q, Status: v.Status, TemplateID: queryInt(r, "template_id"), InstitutionID: queryInt(r, "institution_id"), Page: pageOf(r)}
	list, err := h.Store.ListLetters(r.Context(), f)
	if err != nil {
		return err
	}
	v.Statuses = statusOptions(v.Page, "letter.status", model.LetterStatuses, v.Status)
	for _, l := range list.Items {
		row := letterRow{Letter: l, PDFURL: "/api/v1/letters/" + strconv.FormatInt(l.ID, 10) + "/pdf", Sent: formatTimePtr(l.SentAt), Received: formatTimePtr(l.ReceivedAt)}
		row.CanSend = v.Manage && l.Status == model.LetterGenerated
		row.CanReceive = l.Status != model.LetterReceived && (v.Manage || l.PersonID == p.PersonID)
		v.Letters = append(v.Letters, row)
	}
	fq := listQuery(r, "q", "status", "template_id", "institution_id")
	v.Active = len(fq) > 0
	v.Pager = newPager("/letters", fq, list.Total, list.Offset, list.Limit)
	if v.Manage {
		tpls, err := h.Store.ListLetterTemplates(r.Context(), true, model.Page{Limit: 200})
		if err != nil {
			return err
		}
		if gen != nil {
			v.GenTemplate, v.GenInstitution, v.GenDate = gen.Get("template_id"), gen.Get("institution_id"), gen.Get("date")
		}
		for _, t := range tpls.Items {
			id := strconv.FormatInt(t.ID, 10)
			v.Templates = append(v.Templates, option{Value: id, Text: t.Name, Selected: id == v.TemplateID || id == v.GenTemplate})
		}
		if v.Institutions, err = h.institutionOptions(r, p, v.Institution); err != nil {
			return err
		}
		v.ExportURL = withQuery("/api/v1/exports/letters.xlsx", fq)
		if f.InstitutionID != 0 {
			v.MergedURL = withQuery("/api/v1/letters/merged.pdf", fq)
		}
	}
	if e != nil {
		v.setErrors(e)
	}
	h.render(w, r, status, "letter_list", v)
	return nil
}

func (h *handlers) letterGenerate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	tid, _ := strconv.ParseInt(r.PostForm.Get("template_id"), 10, 64)
	inst, _ := strconv.ParseInt(r.PostForm.Get("institution_id"), 10, 64)
	res, err := h.Store.GenerateLetters(r.Context(), model.LetterGeneration{TemplateID: tid, InstitutionID: inst, Date: r.PostForm.Get("date")})
	if err != nil {
		e := model.AsError(err)
		if status := formStatus(e); status != 0 {
			return h.renderLetterList(w, r, status, e, r.PostForm)
		}
		return err
	}
	q := url.Values{"msg": {"letters_generated"}, "template_id": {strconv.FormatInt(tid, 10)}}
	if inst != 0 {
		q.Set("institution_id", strconv.FormatInt(inst, 10))
	}
	q.Set("generated", strconv.Itoa(res.Created+res.Refreshed))
	return seeOther(w, r, "/letters?"+q.Encode())
}

func (h *handlers) letterDeliver(w http.ResponseWriter, r *http.Request) error {
	if _, err := needAny(r, auth.PermLetterManage, auth.PermLetterOwn); err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	d := model.LetterDelivery{Status: r.PostForm.Get("status")}
	if n, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64); err == nil {
		d.Version = &n
	}
	if _, err := h.Store.DeliverLetter(r.Context(), id, d); err != nil {
		e := model.AsError(err)
		if status := formStatus(e); status != 0 {
			return h.renderLetterList(w, r, status, e, nil)
		}
		return err
	}
	return seeOther(w, r, "/letters?msg=letter_delivered")
}

// ---- Templates ----

type letterTemplateView struct {
	Page
	Templates    []model.LetterTemplate
	Placeholders []letters.Placeholder
	Template     model.LetterTemplate // the form's values
	Action       string
	Edit         bool
}

func (h *handlers) newTemplateView(r *http.Request) *letterTemplateView {
	v := &letterTemplateView{Page: h.page(r, "web.letter_templates.title"), Placeholders: letters.Placeholders, Action: "/letter-templates"}
	v.Current = "letters"
	return v
}

func (h *handlers) letterTemplateList(w http.ResponseWriter, r *http.Request) error {
	return h.renderTemplateList(w, r, http.StatusOK, nil, model.LetterTemplate{})
}

func (h *handlers) renderTemplateList(w http.ResponseWriter, r *http.Request, status int, e *model.Error, form model.LetterTemplate) error {
	list, err := h.Store.ListLetterTemplates(r.Context(), false, model.Page{Limit: 200})
	if err != nil {
		return err
	}
	v := h.newTemplateView(r)
	v.Notice, v.Templates = v.notice(r), list.Items
	v.Template = form
	if form.Name == "" && e == nil {
		t := letters.FuxinTemplate
		v.Template = model.LetterTemplate{Title: t.Title, Body: t.Body, Sender: t.Sender}
	}
	v.setErrors(e)
	h.render(w, r, status, "letter_templates", v)
	return nil
}

func templateInput(r *http.Request) (model.LetterTemplateInput, model.LetterTemplate) {
	f := r.PostForm
	t := model.LetterTemplate{Name: f.Get("name"), Title: f.Get("title"), Body: f.Get("body"), Sender: f.Get("sender"), Active: f.Get("active") != "0"}
	in := model.LetterTemplateInput{Name: &t.Name, Title: &t.Title, Body: &t.Body, Sender: &t.Sender, Active: &t.Active}
	if n, err := strconv.ParseInt(f.Get("version"), 10, 64); err == nil {
		in.Version = &n
		t.Version = n
	}
	return in, t
}

func (h *handlers) letterTemplateCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	in, form := templateInput(r)
	if _, err := h.Store.CreateLetterTemplate(r.Context(), in); err != nil {
		e := model.AsError(err)
		if status := formStatus(e); status != 0 {
			return h.renderTemplateList(w, r, status, e, form)
		}
		return err
	}
	return seeOther(w, r, "/letter-templates?msg=template_saved")
}

func (h *handlers) letterTemplateEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	t, err := h.Store.GetLetterTemplate(r.Context(), id)
	if err != nil {
		return err
	}
	v := h.newTemplateView(r)
	v.Template, v.Edit, v.Action = t, true, "/letter-templates/"+strconv.FormatInt(id, 10)
	v.Title = t.Name
	h.render(w, r, http.StatusOK, "letter_template_form", v)
	return nil
}

func (h *handlers) letterTemplateUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	in, form := templateInput(r)
	if _, err := h.Store.UpdateLetterTemplate(r.Context(), id, in); err != nil {
		e := model.AsError(err)
		status := formStatus(e)
		if status == 0 {
			return err
		}
		v := h.newTemplateView(r)
		form.ID, form.Editable = id, true
		v.Template, v.Edit, v.Action = form, true, "/letter-templates/"+strconv.FormatInt(id, 10)
		v.setErrors(e)
		h.render(w, r, status, "letter_template_form", v)
		return nil
	}
	return seeOther(w, r, "/letter-templates?msg=template_saved")
}

// ---- Commendations ----

type commendationRow struct {
	model.Commendation
	Decided string
}

type commendationListView struct {
	Page
	Nominate, Review bool
	Q, Status, Level string
	Statuses, Levels []option
	Items            []commendationRow
	Pager            pager
	Active           bool
	ExportURL        string
	HonourURL        string
	People           []option // the nomination form's people (an institution's)
	Form             model.CommendationInput
	RejectID         int64 // the row whose rejection failed, to show its message
	Reason           string
}

func (h *handlers) commendationList(w http.ResponseWriter, r *http.Request) error {
	return h.renderCommendations(w, r, http.StatusOK, nil, model.CommendationInput{}, 0, "")
}

func (h *handlers) renderCommendations(w http.ResponseWriter, r *http.Request, status int, e *model.Error, form model.CommendationInput, rejectID int64, reason string) error {
	p, err := needAny(r, auth.PermCommendationNominate, auth.PermCommendationReview)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := &commendationListView{Page: h.page(r, "web.commendations.title"), Nominate: p.Can(auth.PermCommendationNominate), Review: p.Can(auth.PermCommendationReview),
		Q: strings.TrimSpace(q.Get("q")), Status: q.Get("status"), Level: q.Get("level"), Form: form, RejectID: rejectID, Reason: reason}
	v.Current, v.Notice = "commendations", v.notice(r)
	if !model.Contains(model.CommendationStatuses, v.Status) {
		v.Status = ""
	}
	if !model.Contains(model.CommendationLevels, v.Level) {
		v.Level = ""
	}
	list, err := h.Store.ListCommendations(r.Context(), model.CommendationFilter{Q: v.Q, Status: v.Status, Level: v.Level, Page: pageOf(r)})
	if err != nil {
		return err
	}
	for _, c := range list.Items {
		v.Items = append(v.Items, commendationRow{Commendation: c, Decided: formatTimePtr(c.DecidedAt)})
	}
	v.Statuses = statusOptions(v.Page, "commendation.status", model.CommendationStatuses, v.Status)
	v.Levels = statusOptions(v.Page, "commendation.level", model.CommendationLevels, v.Level)
	fq := listQuery(r, "q", "status", "level")
	v.Active = len(fq) > 0
	v.Pager = newPager("/commendations", fq, list.Total, list.Offset, list.Limit)
	v.ExportURL = withQuery("/api/v1/exports/commendations.xlsx", fq)
	v.HonourURL = "/api/v1/exports/honour-roll.xlsx"
	if v.Nominate {
		people, err := h.Store.ListPeople(r.Context(), model.PersonFilter{Page: model.Page{Limit: 200}})
		if err != nil {
			return err
		}
		sel := strconv.FormatInt(form.PersonID, 10)
		for _, pp := range people.Items {
			id := strconv.FormatInt(pp.ID, 10)
			v.People = append(v.People, option{Value: id, Text: pp.Name + " · " + pp.Department, Selected: id == sel})
		}
	}
	v.setErrors(e)
	h.render(w, r, status, "commendation_list", v)
	return nil
}

func (h *handlers) commendationNominate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	pid, _ := strconv.ParseInt(r.PostForm.Get("person_id"), 10, 64)
	in := model.CommendationInput{PersonID: pid, Level: r.PostForm.Get("level"), Deed: r.PostForm.Get("deed"), DeedOn: r.PostForm.Get("deed_on")}
	if _, err := h.Store.NominateCommendation(r.Context(), in); err != nil {
		e := model.AsError(err)
		if status := formStatus(e); status != 0 {
			return h.renderCommendations(w, r, status, e, in, 0, "")
		}
		return err
	}
	return seeOther(w, r, "/commendations?msg=commendation_nominated")
}

func (h *handlers) commendationDecide(approve bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r, "id")
		if err != nil {
			return err
		}
		if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
			return err
		}
		d := model.CommendationDecision{Reason: r.PostForm.Get("reason")}
		if n, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64); err == nil {
			d.Version = &n
		}
		if _, err := h.Store.DecideCommendation(r.Context(), id, approve, d); err != nil {
			e := model.AsError(err)
			if status := formStatus(e); status != 0 {
				return h.renderCommendations(w, r, status, e, model.CommendationInput{}, id, d.Reason)
			}
			return err
		}
		msg := "commendation_rejected"
		if approve {
			msg = "commendation_approved"
		}
		return seeOther(w, r, "/commendations?msg="+msg)
	}
}

// ---- Title priority ----

type titleRow struct {
	model.TitlePriority
	PeriodsText string
	Basis       string
}

type titlePriorityView struct {
	Page
	Q, From, To string
	Items       []titleRow
	Pager       pager
	Active      bool
	ExportURL   string
	MinDays     string
}

func (h *handlers) titlePriorityList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	v := &titlePriorityView{Page: h.page(r, "web.title_priority.title"), Q: strings.TrimSpace(q.Get("q")), From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	v.Current = "title_priority"
	status := http.StatusOK
	list, err := h.Store.ListTitlePriority(r.Context(), model.TitlePriorityFilter{Q: v.Q, From: v.From, To: v.To, Page: pageOf(r)})
	if err != nil {
		e := model.AsError(err)
		if formStatus(e) == 0 {
			return err
		}
		v.setErrors(e)
		status = http.StatusUnprocessableEntity
	}
	for _, t := range list.Items {
		v.Items = append(v.Items, titleRow{TitlePriority: t, PeriodsText: report.PeriodsText(t.Periods), Basis: report.TitleBasis(v.Lang, t)})
	}
	fq := listQuery(r, "q", "from", "to")
	v.Active = len(fq) > 0
	v.Pager = newPager("/title-priority", fq, list.Total, list.Offset, list.Limit)
	v.ExportURL = withQuery("/api/v1/exports/title-priority.xlsx", fq)
	h.render(w, r, status, "title_priority", v)
	return nil
}

// ---- Work-injury cases ----

type injuryRow struct {
	model.WorkInjuryCase
	URL     string
	Region  string
	Missing []string
}

func newInjuryRow(p Page, c model.WorkInjuryCase) injuryRow {
	row := injuryRow{WorkInjuryCase: c, URL: "/work-injury-cases/" + strconv.FormatInt(c.ID, 10), Region: region.Label(c.RegionCode)}
	for _, d := range c.Documents {
		if !d.Done {
			row.Missing = append(row.Missing, p.T("injury.document."+d.Code))
		}
	}
	return row
}

type injuryListView struct {
	Page
	Q, Status string
	Overdue   bool
	Statuses  []option
	Items     []injuryRow
	Pager     pager
	Active    bool
	ExportURL string
	People    []option
	Form      model.WorkInjuryInput
}

func (h *handlers) injuryList(w http.ResponseWriter, r *http.Request) error {
	return h.renderInjuryList(w, r, http.StatusOK, nil, model.WorkInjuryInput{})
}

func (h *handlers) renderInjuryList(w http.ResponseWriter, r *http.Request, status int, e *model.Error, form model.WorkInjuryInput) error {
	q := r.URL.Query()
	v := &injuryListView{Page: h.page(r, "web.injury.title"), Q: strings.TrimSpace(q.Get("q")), Status: q.Get("status"), Overdue: q.Get("overdue") == "1", Form: form}
	v.Current, v.Notice = "work_injury", v.notice(r)
	if !model.Contains(model.InjuryStatuses, v.Status) {
		v.Status = ""
	}
	list, err := h.Store.ListWorkInjuryCases(r.Context(), model.WorkInjuryFilter{Q: v.Q, Status: v.Status, Overdue: v.Overdue, Page: pageOf(r)})
	if err != nil {
		return err
	}
	for _, c := range list.Items {
		v.Items = append(v.Items, newInjuryRow(v.Page, c))
	}
	v.Statuses = statusOptions(v.Page, "injury.status", model.InjuryStatuses, v.Status)
	fq := listQuery(r, "q", "status", "overdue")
	v.Active = len(fq) > 0
	v.Pager = newPager("/work-injury-cases", fq, list.Total, list.Offset, list.Limit)
	eq := listQuery(r, "q", "status")
	if v.Overdue {
		eq.Set("overdue", "true")
	}
	v.ExportURL = withQuery("/api/v1/exports/work-injury-cases.xlsx", eq)
	// The form's people: the frontline staff in scope (a name narrows them).
	frontline := true
	people, err := h.Store.ListPeople(r.Context(), model.PersonFilter{Frontline: &frontline, Q: q.Get("person_q"), Page: model.Page{Limit: 200}})
	if err != nil {
		return err
	}
	sel := strconv.FormatInt(form.PersonID, 10)
	for _, pp := range people.Items {
		id := strconv.FormatInt(pp.ID, 10)
		v.People = append(v.People, option{Value: id, Text: pp.Name + " · " + pp.InstitutionName, Selected: id == sel})
	}
	v.setErrors(e)
	h.render(w, r, status, "injury_list", v)
	return nil
}

func (h *handlers) injuryOpen(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	pid, _ := strconv.ParseInt(r.PostForm.Get("person_id"), 10, 64)
	in := model.WorkInjuryInput{PersonID: pid, InfectedOn: r.PostForm.Get("infected_on"), DiagnosedOn: r.PostForm.Get("diagnosed_on"),
		Diagnosis: r.PostForm.Get("diagnosis"), Note: r.PostForm.Get("note")}
	c, err := h.Store.OpenWorkInjuryCase(r.Context(), in)
	if err != nil {
		e := model.AsError(err)
		if status := formStatus(e); status != 0 {
			return h.renderInjuryList(w, r, status, e, in)
		}
		return err
	}
	return seeOther(w, r, "/work-injury-cases/"+strconv.FormatInt(c.ID, 10)+"?msg=injury_opened")
}

type injuryShowView struct {
	Page
	Case     injuryRow
	Statuses []option
	Next     []option // the statuses the case may move to
}

func (h *handlers) renderInjury(w http.ResponseWriter, r *http.Request, status int, id int64, e *model.Error) error {
	c, err := h.Store.GetWorkInjuryCase(r.Context(), id)
	if err != nil {
		return err
	}
	v := &injuryShowView{Page: h.page(r, "")}
	v.Case = newInjuryRow(v.Page, c)
	v.Title, v.Current, v.Notice = v.T("web.injury.show_title", c.PersonName), "work_injury", v.notice(r)
	for _, s := range model.InjuryStatuses {
		if s == c.Status || letters.InjuryStep(c.Status, s, true) == "" {
			v.Next = append(v.Next, option{Value: s, Text: v.Label("injury.status", s), Selected: s == c.Status})
		}
	}
	v.setErrors(e)
	h.render(w, r, status, "injury_show", v)
	return nil
}

func (h *handlers) injuryShow(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	return h.renderInjury(w, r, http.StatusOK, id, nil)
}

func (h *handlers) injuryUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	u := model.WorkInjuryUpdate{Documents: map[string]bool{}}
	for _, d := range letters.InjuryDocuments {
		u.Documents[d] = r.PostForm.Get("doc_"+d) == "1"
	}
	if s := r.PostForm.Get("status"); s != "" {
		u.Status = &s
	}
	if r.PostForm.Has("note") {
		n := r.PostForm.Get("note")
		u.Note = &n
	}
	if n, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64); err == nil {
		u.Version = &n
	}
	if _, err := h.Store.UpdateWorkInjuryCase(r.Context(), id, u); err != nil {
		e := model.AsError(err)
		if status := formStatus(e); status != 0 {
			return h.renderInjury(w, r, status, id, e)
		}
		return err
	}
	return seeOther(w, r, "/work-injury-cases/"+strconv.FormatInt(id, 10)+"?msg=injury_saved")
}
