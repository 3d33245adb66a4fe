package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/model"
	"houdun/internal/region"
	"houdun/internal/report"
	"houdun/internal/store"
)

// The pages of frontline deployment (一线派驻): the deployment list (search,
// filters, cards on a phone, Excel), planning a deployment (the couple and
// rest rules answer with the conflict and, for a role that may, a written
// override), one deployment with its conflicts, posts, aid-team batches with
// their members, the conflicts page, the rest flags, the ranked candidates
// of a post and the days report. The store decides scope and rules.

func (h *handlers) deployRoutes() []route {
	return []route{
		{pattern: "GET /deployments", fn: h.deploymentList, perm: auth.PermDeployRead},
		{pattern: "GET /deployments/new", fn: h.deploymentNew, perm: auth.PermDeployPlan},
		{pattern: "POST /deployments", fn: h.deploymentCreate, perm: auth.PermDeployPlan},
		{pattern: "GET /deployments/conflicts", fn: h.conflictList, perm: auth.PermDeployRead},
		{pattern: "GET /deployments/rest-due", fn: h.restDueList, perm: auth.PermDeployRead},
		{pattern: "GET /deployments/days", fn: h.deploymentDays, perm: auth.PermDeployDays},
		{pattern: "GET /deployments/{id}", fn: h.deploymentShow, perm: auth.PermDeployRead},
		{pattern: "POST /deployments/{id}/cancel", fn: h.deploymentCancel, perm: auth.PermDeployPlan},
		{pattern: "GET /posts", fn: h.postList, perm: auth.PermDeployRead},
		{pattern: "POST /posts", fn: h.postCreate, perm: auth.PermPostManage},
		{pattern: "GET /posts/{id}", fn: h.postShow, perm: auth.PermDeployRead},
		{pattern: "POST /posts/{id}", fn: h.postUpdate, perm: auth.PermPostManage},
		{pattern: "GET /candidates", fn: h.candidateList, perm: auth.PermDeployPlan},
		{pattern: "GET /batches", fn: h.batchList, perm: auth.PermDeployRead},
		{pattern: "POST /batches", fn: h.batchCreate, perm: auth.PermBatchManage},
		{pattern: "GET /batches/{id}", fn: h.batchShow, perm: auth.PermDeployRead},
	}
}

func init() {
	notices["deployment_planned"] = "web.notice.deployment_planned"
	notices["deployment_cancelled"] = "web.notice.deployment_cancelled"
	notices["post_saved"] = "web.notice.post_saved"
	notices["batch_saved"] = "web.notice.batch_saved"
}

// deployTabs is the area's second row of links.
type deployTab struct {
	Key, Href string
	Current   bool
}

func deployTabs(p *auth.Principal, current string) []deployTab {
	var out []deployTab
	for _, t := range []struct {
		key, href string
		perm      auth.Permission
	}{
		{"deployments", "/deployments", auth.PermDeployRead},
		{"posts", "/posts", auth.PermDeployRead},
		{"batches", "/batches", auth.PermDeployRead},
		{"conflicts", "/deployments/conflicts", auth.PermDeployRead},
		{"rest_due", "/deployments/rest-due", auth.PermDeployRead},
		{"days", "/deployments/days", auth.PermDeployDays},
	} {
		if p.Can(t.perm) {
			out = append(out, deployTab{Key: t.key, Href: t.href, Current: t.key == current})
		}
	}
	return out
}

// deployPage is the Page of the area with its tabs.
type deployPage struct {
	Page
	Tabs []deployTab
}

func (h *handlers) deployPage(r *http.Request, titleKey, tab string) deployPage {
	pg := h.page(r, titleKey)
	pg.Current = "deployments"
	if pg.User == nil {
		return deployPage{Page: pg}
	}
	return deployPage{Page: pg, Tabs: deployTabs(pg.User, tab)}
}

// deploymentRow is a deployment as the lists show it.
type deploymentRow struct {
	model.Deployment
	URL, Place, PlaceURL, Region string
}

func newDeploymentRow(d model.Deployment) deploymentRow {
	row := deploymentRow{Deployment: d, URL: "/deployments/" + strconv.FormatInt(d.ID, 10), Place: d.PostName, Region: regionLabel(d.RegionCode)}
	switch {
	case d.BatchID != nil:
		row.Place, row.PlaceURL = d.BatchName, "/batches/"+strconv.FormatInt(*d.BatchID, 10)
	case d.PostID != nil:
		row.PlaceURL = "/posts/" + strconv.FormatInt(*d.PostID, 10)
	}
	return row
}

// deploymentFilterForm is the list's filter as the query carries it.
type deploymentFilterForm struct {
	Q, ActiveOn, Tier, Status, Region string
}

func isDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func newDeploymentFilterForm(r *http.Request) deploymentFilterForm {
	q := r.URL.Query()
	f := deploymentFilterForm{Q: strings.TrimSpace(q.Get("q")), ActiveOn: strings.TrimSpace(q.Get("active_on")), Tier: q.Get("tier"), Status: q.Get("status"),
		Region: strings.TrimSpace(q.Get("region"))}
	if !isDate(f.ActiveOn) {
		f.ActiveOn = ""
	}
	if f.Tier != "1" && f.Tier != "2" {
		f.Tier = ""
	}
	if f.Status != "all" && !model.Contains(model.DeploymentStatuses, f.Status) {
		f.Status = ""
	}
	if code, ok := region.Normalize(f.Region); ok {
		f.Region = code
	} else {
		f.Region = ""
	}
	return f
}

func (f deploymentFilterForm) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": f.Q, "active_on": f.ActiveOn, "tier": f.Tier, "status": f.Status, "region": f.Region} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// Active reports whether any filter is set.
func (f deploymentFilterForm) Active() bool { return len(f.values()) > 0 }

func (f deploymentFilterForm) model() model.DeploymentFilter {
	m := model.DeploymentFilter{Q: f.Q, ActiveOn: f.ActiveOn, Status: f.Status, RegionCode: f.Region}
	m.Tier, _ = strconv.Atoi(f.Tier)
	return m
}

type deploymentListView struct {
	deployPage
	Filter      deploymentFilterForm
	Tiers       []option
	Statuses    []option
	Deployments []deploymentRow
	Pager       pager
	CanPlan     bool
	ExportURL   string
	ExportMax   int
	Today       string
}

func (h *handlers) deploymentList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermDeployRead)
	if err != nil {
		return err
	}
	f := newDeploymentFilterForm(r)
	mf := f.model()
	mf.Page = pageOf(r)
	list, err := h.Store.ListDeployments(r.Context(), mf)
	if err != nil {
		return err
	}
	v := &deploymentListView{deployPage: h.deployPage(r, "web.deploy.title", "deployments"), Filter: f, CanPlan: p.Can(auth.PermDeployPlan),
		ExportMax: model.ListExportMax, Today: h.Store.Now().In(chinaTime).Format(time.DateOnly)}
	v.Notice = v.notice(r)
	for _, t := range []string{"1", "2"} {
		v.Tiers = append(v.Tiers, option{Value: t, Text: v.T("deploy.tier_short." + t), Selected: t == f.Tier})
	}
	for _, s := range append(append([]string{}, model.DeploymentStatuses...), "all") {
		v.Statuses = append(v.Statuses, option{Value: s, Text: v.T("web.deploy.status." + s), Selected: s == f.Status})
	}
	for _, d := range list.Items {
		v.Deployments = append(v.Deployments, newDeploymentRow(d))
	}
	if p.Can(auth.PermPersonExport) {
		v.ExportURL = "/api/v1/exports/deployments.xlsx"
		if q := f.values().Encode(); q != "" {
			v.ExportURL += "?" + q
		}
	}
	v.Pager = newPager("/deployments", f.values(), list.Total, list.Offset, list.Limit)
	h.render(w, r, http.StatusOK, "deploy_list", v)
	return nil
}

// deploymentForm is the plan form's values.
type deploymentForm struct {
	PersonID, PostID, BatchID, StartsOn, EndsOn, ShiftHours, Role, OverrideReason, Q string
}

type deploymentFormView struct {
	deployPage
	Form      deploymentForm
	People    []option
	Posts     []option
	Batch     *model.Batch
	Conflicts []conflictRefRow
	// Refused is the rule's code when the plan was refused (couple_conflict,
	// rest_required, conflict); CanOverride whether the caller may override it.
	Refused     string
	CanOverride bool
}

// conflictRefRow is a conflict of a refused plan, described.
type conflictRefRow struct {
	model.ConflictRef
	Text string
}

func (h *handlers) deploymentFormView(r *http.Request, p *auth.Principal, form deploymentForm) (*deploymentFormView, error) {
	v := &deploymentFormView{deployPage: h.deployPage(r, "web.deploy.new_title", "deployments"), Form: form, CanOverride: p.Can(auth.PermDeployOverride)}
	people, err := h.Store.ListPeople(r.Context(), model.PersonFilter{Q: form.Q, Page: model.Page{Limit: 200}})
	if err != nil {
		return nil, err
	}
	for _, ps := range people.Items {
		id := strconv.FormatInt(ps.ID, 10)
		v.People = append(v.People, option{Value: id, Text: ps.Name + " · " + v.Label("occupation", ps.Occupation) + " · " + ps.InstitutionName, Selected: id == form.PersonID})
	}
	if form.BatchID != "" {
		id, _ := strconv.ParseInt(form.BatchID, 10, 64)
		b, err := h.Store.GetBatch(r.Context(), id)
		if err != nil {
			return nil, err
		}
		v.Batch = &b
		v.Title = v.T("web.deploy.add_member_title", b.Name)
		return v, nil
	}
	active := true
	posts, err := h.Store.ListPosts(r.Context(), model.PostFilter{Active: &active, Page: model.Page{Limit: 500}})
	if err != nil {
		return nil, err
	}
	for _, ps := range posts.Items {
		id := strconv.FormatInt(ps.ID, 10)
		v.Posts = append(v.Posts, option{Value: id, Text: ps.InstitutionName + " · " + ps.Name + " · " + v.T("deploy.tier_short."+strconv.Itoa(ps.Tier)), Selected: id == form.PostID})
	}
	return v, nil
}

func (h *handlers) deploymentNew(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermDeployPlan)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	form := deploymentForm{PersonID: q.Get("person"), PostID: q.Get("post"), BatchID: q.Get("batch"), StartsOn: q.Get("starts_on"), EndsOn: q.Get("ends_on"),
		ShiftHours: "8", Q: strings.TrimSpace(q.Get("q"))}
	if form.StartsOn == "" && form.BatchID == "" { // a batch's members take its dates
		form.StartsOn = h.Store.Now().In(chinaTime).Format(time.DateOnly)
	}
	v, err := h.deploymentFormView(r, p, form)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "deploy_form", v)
	return nil
}

func formID(s string) *int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return nil
	}
	return &n
}

func (h *handlers) deploymentCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermDeployPlan)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	pf := r.PostForm
	form := deploymentForm{PersonID: pf.Get("person_id"), PostID: pf.Get("post_id"), BatchID: pf.Get("batch_id"), StartsOn: pf.Get("starts_on"),
		EndsOn: pf.Get("ends_on"), ShiftHours: pf.Get("shift_hours"), Role: pf.Get("role"), OverrideReason: pf.Get("override_reason")}
	in := model.DeploymentInput{PersonID: formID(form.PersonID), PostID: formID(form.PostID), BatchID: formID(form.BatchID), StartsOn: form.StartsOn, EndsOn: form.EndsOn,
		Role: form.Role}
	if pf.Get("override") == "1" {
		in.OverrideReason = form.OverrideReason
	}
	fe := model.FieldErrors{}
	if h, err := strconv.Atoi(strings.TrimSpace(form.ShiftHours)); err == nil {
		in.ShiftHours = &h
	} else if strings.TrimSpace(form.ShiftHours) != "" {
		fe.Add("shift_hours", "field.number")
	}
	if in.PersonID == nil {
		fe.Add("person_id", "field.required")
	}
	d, err := model.Deployment{}, fe.Err()
	if err == nil {
		d, err = h.Store.CreateDeployment(r.Context(), in)
	}
	if err != nil {
		e := model.AsError(err)
		status := formStatus(e)
		switch e.Code {
		case model.ECoupleConflict, model.ERestRequired:
			status = http.StatusConflict
		case model.EForbidden:
			if e.Msg.Key == "deploy.override_forbidden" {
				status = http.StatusForbidden
			}
		}
		if status == 0 {
			return err
		}
		v, verr := h.deploymentFormView(r, p, form)
		if verr != nil {
			return verr
		}
		v.setErrors(e)
		if refs, ok := e.Conflicts.([]model.ConflictRef); ok {
			v.Refused = string(e.Code)
			for _, c := range refs {
				v.Conflicts = append(v.Conflicts, conflictRefRow{ConflictRef: c, Text: conflictRefText(v.Page, c)})
			}
		}
		h.render(w, r, status, "deploy_form", v)
		return nil
	}
	if d.BatchID != nil {
		return seeOther(w, r, "/batches/"+strconv.FormatInt(*d.BatchID, 10)+"?msg=deployment_planned")
	}
	return seeOther(w, r, "/deployments/"+strconv.FormatInt(d.ID, 10)+"?msg=deployment_planned")
}

// conflictRefText describes a conflict of a refused plan.
func conflictRefText(p Page, c model.ConflictRef) string {
	who := c.PersonName
	if who == "" {
		who = p.T("web.deploy.someone_outside")
	}
	place := c.PlaceName
	if place == "" {
		place = "—"
	}
	switch c.Kind {
	case model.ConflictCouple:
		s := p.T("web.deploy.ref_couple", who, c.DeploymentID, place, c.StartsOn, c.EndsOn)
		if c.Severe {
			s += " " + p.T("web.deploy.ref_severe")
		}
		return s
	case model.ConflictRest:
		return p.T("rest.kind."+c.RestKind) + "：" + p.T("web.deploy.ref_rest", c.Days, c.Limit, c.RestUntil)
	}
	return p.T("web.deploy.ref_overlap", c.DeploymentID, place, c.StartsOn, c.EndsOn)
}

type deploymentShowView struct {
	deployPage
	Deployment deploymentRow
	Conflicts  []conflictRow
	CanCancel  bool
}

func (h *handlers) deploymentShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermDeployRead)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	d, err := h.Store.GetDeployment(r.Context(), id)
	if err != nil {
		return err
	}
	v := &deploymentShowView{deployPage: h.deployPage(r, "", "deployments"), Deployment: newDeploymentRow(d),
		CanCancel: p.Can(auth.PermDeployPlan) && d.Status == model.DeploymentPlanned}
	v.Title, v.Notice = v.T("web.deploy.show_title", d.PersonName, d.ID), v.notice(r)
	for _, c := range d.Conflicts {
		v.Conflicts = append(v.Conflicts, newConflictRow(c))
	}
	h.render(w, r, http.StatusOK, "deploy_show", v)
	return nil
}

func (h *handlers) deploymentCancel(w http.ResponseWriter, r *http.Request) error {
	if _, err := need(r, auth.PermDeployPlan); err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	version, _ := versionOf(r.PostForm.Get("version"))
	if _, err := h.Store.CancelDeployment(r.Context(), id, version); err != nil {
		e := model.AsError(err)
		if formStatus(e) == 0 {
			return err
		}
		d, gerr := h.Store.GetDeployment(r.Context(), id)
		if gerr != nil {
			return gerr
		}
		v := &deploymentShowView{deployPage: h.deployPage(r, "", "deployments"), Deployment: newDeploymentRow(d), CanCancel: d.Status == model.DeploymentPlanned}
		v.Title = v.T("web.deploy.show_title", d.PersonName, d.ID)
		v.setErrors(e)
		h.render(w, r, formStatus(e), "deploy_show", v)
		return nil
	}
	return seeOther(w, r, "/deployments/"+strconv.FormatInt(id, 10)+"?msg=deployment_cancelled")
}

// conflictRow is a conflict as the conflicts page shows it.
type conflictRow struct {
	model.DeploymentConflict
	URL, OtherURL, Created string
}

func newConflictRow(c model.DeploymentConflict) conflictRow {
	row := conflictRow{DeploymentConflict: c, URL: "/deployments/" + strconv.FormatInt(c.DeploymentID, 10), Created: formatTimePtr(c.CreatedAt)}
	if c.OtherID != nil && c.OtherPersonName != "" {
		row.OtherURL = "/deployments/" + strconv.FormatInt(*c.OtherID, 10)
	}
	return row
}

type conflictListView struct {
	deployPage
	Status, Kind, Severe string
	Statuses, Kinds      []option
	Conflicts            []conflictRow
	Pager                pager
}

func (h *handlers) conflictList(w http.ResponseWriter, r *http.Request) error {
	if _, err := need(r, auth.PermDeployRead); err != nil {
		return err
	}
	q := r.URL.Query()
	v := &conflictListView{deployPage: h.deployPage(r, "web.deploy.conflicts_title", "conflicts"), Status: q.Get("status"), Kind: q.Get("kind"), Severe: q.Get("severe")}
	f := model.ConflictFilter{Page: pageOf(r)}
	if model.Contains(model.ConflictStatuses, v.Status) {
		f.Status = v.Status
	} else {
		v.Status = ""
	}
	if v.Kind == model.ConflictCouple || v.Kind == model.ConflictRest {
		f.Kind = v.Kind
	} else {
		v.Kind = ""
	}
	if v.Severe == "1" {
		t := true
		f.Severe = &t
	} else {
		v.Severe = ""
	}
	list, err := h.Store.ListConflicts(r.Context(), f)
	if err != nil {
		return err
	}
	for _, s := range model.ConflictStatuses {
		v.Statuses = append(v.Statuses, option{Value: s, Text: v.T("conflict.status." + s), Selected: s == v.Status})
	}
	for _, k := range []string{model.ConflictCouple, model.ConflictRest} {
		v.Kinds = append(v.Kinds, option{Value: k, Text: v.T("conflict.kind." + k), Selected: k == v.Kind})
	}
	for _, c := range list.Items {
		v.Conflicts = append(v.Conflicts, newConflictRow(c))
	}
	v.Pager = newPager("/deployments/conflicts", url.Values{"status": {v.Status}, "kind": {v.Kind}, "severe": {v.Severe}}, list.Total, list.Offset, list.Limit)
	h.render(w, r, http.StatusOK, "conflict_list", v)
	return nil
}

type restDueView struct {
	deployPage
	On   string
	Due  []model.RestDue
	Days int // the region's limit, for the explanation
}

func (h *handlers) restDueList(w http.ResponseWriter, r *http.Request) error {
	if _, err := need(r, auth.PermDeployRead); err != nil {
		return err
	}
	on := strings.TrimSpace(r.URL.Query().Get("on"))
	if !isDate(on) {
		on = h.Store.Now().In(chinaTime).Format(time.DateOnly)
	}
	due, err := h.Store.ListRestDue(r.Context(), on)
	if err != nil {
		return err
	}
	v := &restDueView{deployPage: h.deployPage(r, "web.deploy.rest_title", "rest_due"), On: on, Due: due}
	h.render(w, r, http.StatusOK, "rest_due", v)
	return nil
}

type daysView struct {
	deployPage
	From, To  string
	Days      []model.PersonDays
	ExportURL string
}

func (h *handlers) deploymentDays(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermDeployDays)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	now := h.Store.Now().In(chinaTime)
	v := &daysView{deployPage: h.deployPage(r, "web.deploy.days_title", "days"), From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	if !isDate(v.From) || !isDate(v.To) {
		first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
		v.From, v.To = first.Format(time.DateOnly), first.AddDate(0, 1, -1).Format(time.DateOnly)
	}
	days, err := h.Store.DeploymentDays(r.Context(), v.From, v.To, model.DaysFilter{})
	if err != nil {
		e := model.AsError(err)
		if formStatus(e) == 0 {
			return err
		}
		v.setErrors(e)
		h.render(w, r, formStatus(e), "deploy_days", v)
		return nil
	}
	if len(days) > 500 {
		days = days[:500]
	}
	v.Days = days
	if p.Can(auth.PermPersonExport) {
		v.ExportURL = "/api/v1/exports/deployment-days.xlsx?" + url.Values{"from": {v.From}, "to": {v.To}}.Encode()
	}
	h.render(w, r, http.StatusOK, "deploy_days", v)
	return nil
}

// postRow is a post as the list shows it.
type postRow struct {
	model.Post
	URL, CandidatesURL string
}

func newPostRow(p model.Post) postRow {
	id := strconv.FormatInt(p.ID, 10)
	return postRow{Post: p, URL: "/posts/" + id, CandidatesURL: "/candidates?post=" + id}
}

type postForm struct {
	Name, InstitutionID, Kind, Tier, Version string
	Active                                   bool
}

type postListView struct {
	deployPage
	Q, Kind, Tier string
	Kinds, Tiers  []option
	Posts         []postRow
	Pager         pager
	CanManage     bool
	CanPlan       bool
	Form          postForm
	Institutions  []option
}

func (h *handlers) postListView(r *http.Request, p *auth.Principal, form postForm) (*postListView, error) {
	q := r.URL.Query()
	v := &postListView{deployPage: h.deployPage(r, "web.deploy.posts_title", "posts"), Q: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), Tier: q.Get("tier"),
		CanManage: p.Can(auth.PermPostManage), CanPlan: p.Can(auth.PermDeployPlan), Form: form}
	f := model.PostFilter{Q: v.Q, Page: pageOf(r)}
	if model.Contains(model.PostKinds, v.Kind) {
		f.Kind = v.Kind
	} else {
		v.Kind = ""
	}
	if v.Tier == "1" || v.Tier == "2" {
		f.Tier, _ = strconv.Atoi(v.Tier)
	} else {
		v.Tier = ""
	}
	list, err := h.Store.ListPosts(r.Context(), f)
	if err != nil {
		return nil, err
	}
	for _, k := range model.PostKinds {
		v.Kinds = append(v.Kinds, option{Value: k, Text: v.T("post.kind." + k), Selected: k == v.Kind})
	}
	for _, t := range []string{"1", "2"} {
		v.Tiers = append(v.Tiers, option{Value: t, Text: v.T("deploy.tier." + t), Selected: t == v.Tier})
	}
	for _, ps := range list.Items {
		v.Posts = append(v.Posts, newPostRow(ps))
	}
	v.Pager = newPager("/posts", url.Values{"q": {v.Q}, "kind": {v.Kind}, "tier": {v.Tier}}, list.Total, list.Offset, list.Limit)
	if v.CanManage {
		insts, err := h.Store.ListInstitutions(r.Context(), store.InstitutionFilter{Page: model.Page{Limit: 500}})
		if err != nil {
			return nil, err
		}
		for _, in := range insts.Items {
			id := strconv.FormatInt(in.ID, 10)
			v.Institutions = append(v.Institutions, option{Value: id, Text: in.Name, Selected: id == form.InstitutionID})
		}
	}
	return v, nil
}

func (h *handlers) postList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermDeployRead)
	if err != nil {
		return err
	}
	v, err := h.postListView(r, p, postForm{Tier: "1", Kind: model.PostFeverClinic, Active: true})
	if err != nil {
		return err
	}
	v.Notice = v.notice(r)
	h.render(w, r, http.StatusOK, "post_list", v)
	return nil
}

func postInputOf(form postForm, create bool) model.PostInput {
	in := model.PostInput{Name: &form.Name, Kind: &form.Kind, Active: &form.Active}
	if t, err := strconv.Atoi(form.Tier); err == nil {
		in.Tier = &t
	} else {
		zero := 0
		in.Tier = &zero
	}
	if create {
		in.InstitutionID = formID(form.InstitutionID)
	}
	return in
}

func postFormOf(r *http.Request) postForm {
	pf := r.PostForm
	return postForm{Name: pf.Get("name"), InstitutionID: pf.Get("institution_id"), Kind: pf.Get("kind"), Tier: pf.Get("tier"), Active: pf.Get("active") == "1",
		Version: pf.Get("version")}
}

func (h *handlers) postCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermPostManage)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	form := postFormOf(r)
	ps, err := h.Store.CreatePost(r.Context(), postInputOf(form, true))
	if err != nil {
		e := model.AsError(err)
		if formStatus(e) == 0 {
			return err
		}
		v, verr := h.postListView(r, p, form)
		if verr != nil {
			return verr
		}
		v.setErrors(e)
		h.render(w, r, formStatus(e), "post_list", v)
		return nil
	}
	return seeOther(w, r, "/posts/"+strconv.FormatInt(ps.ID, 10)+"?msg=post_saved")
}

type postShowView struct {
	deployPage
	Post        postRow
	Form        postForm
	Kinds       []option
	Deployments []deploymentRow
	CanManage   bool
	CanPlan     bool
}

func (h *handlers) postShowView(r *http.Request, p *auth.Principal, ps model.Post, form postForm) (*postShowView, error) {
	v := &postShowView{deployPage: h.deployPage(r, "", "posts"), Post: newPostRow(ps), Form: form, CanManage: p.Can(auth.PermPostManage), CanPlan: p.Can(auth.PermDeployPlan)}
	v.Title = ps.Name + " · " + ps.InstitutionName
	for _, k := range model.PostKinds {
		v.Kinds = append(v.Kinds, option{Value: k, Text: v.T("post.kind." + k), Selected: k == form.Kind})
	}
	list, err := h.Store.ListDeployments(r.Context(), model.DeploymentFilter{PostID: ps.ID, From: h.Store.Now().In(chinaTime).Format(time.DateOnly), Page: model.Page{Limit: 100}})
	if err != nil {
		return nil, err
	}
	for _, d := range list.Items {
		v.Deployments = append(v.Deployments, newDeploymentRow(d))
	}
	return v, nil
}

func formOfPost(ps model.Post) postForm {
	return postForm{Name: ps.Name, Kind: ps.Kind, Tier: strconv.Itoa(ps.Tier), Active: ps.Active, Version: strconv.FormatInt(ps.Version, 10)}
}

func (h *handlers) postShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermDeployRead)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	ps, err := h.Store.GetPost(r.Context(), id)
	if err != nil {
		return err
	}
	v, err := h.postShowView(r, p, ps, formOfPost(ps))
	if err != nil {
		return err
	}
	v.Notice = v.notice(r)
	h.render(w, r, http.StatusOK, "post_show", v)
	return nil
}

func (h *handlers) postUpdate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermPostManage)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	form := postFormOf(r)
	in := postInputOf(form, false)
	in.Version, _ = versionOf(form.Version)
	if _, err := h.Store.UpdatePost(r.Context(), id, in); err != nil {
		e := model.AsError(err)
		if formStatus(e) == 0 {
			return err
		}
		ps, gerr := h.Store.GetPost(r.Context(), id)
		if gerr != nil {
			return gerr
		}
		v, verr := h.postShowView(r, p, ps, form)
		if verr != nil {
			return verr
		}
		v.setErrors(e)
		h.render(w, r, formStatus(e), "post_show", v)
		return nil
	}
	return seeOther(w, r, "/posts/"+strconv.FormatInt(id, 10)+"?msg=post_saved")
}

type candidateListView struct {
	deployPage
	Post        model.Post
	Count       string
	Occupation  string
	Occupations []option
	StartsOn    string
	EndsOn      string
	List        model.CandidateList
	Reasons     [][]string
}

func (h *handlers) candidateList(w http.ResponseWriter, r *http.Request) error {
	if _, err := need(r, auth.PermDeployPlan); err != nil {
		return err
	}
	q := r.URL.Query()
	id := formID(q.Get("post"))
	if id == nil {
		return model.NotFound("post")
	}
	post, err := h.Store.GetPost(r.Context(), *id)
	if err != nil {
		return err
	}
	v := &candidateListView{deployPage: h.deployPage(r, "", "posts"), Post: post, Count: q.Get("count"), Occupation: q.Get("occupation"),
		StartsOn: strings.TrimSpace(q.Get("starts_on")), EndsOn: strings.TrimSpace(q.Get("ends_on"))}
	v.Title = v.T("web.deploy.candidates_title", post.Name)
	f := model.CandidateFilter{PostID: post.ID, Count: 10}
	if n, err := strconv.Atoi(v.Count); err == nil && n >= 1 && n <= 200 {
		f.Count = n
	}
	v.Count = strconv.Itoa(f.Count)
	if model.Contains(model.Occupations, v.Occupation) {
		f.Occupation = v.Occupation
	} else {
		v.Occupation = ""
	}
	if isDate(v.StartsOn) {
		f.StartsOn = v.StartsOn
	}
	if isDate(v.EndsOn) {
		f.EndsOn = v.EndsOn
	}
	v.Occupations = occupationOptions(v.Page, v.Occupation)
	list, err := h.Store.Candidates(r.Context(), f)
	if err != nil {
		e := model.AsError(err)
		if formStatus(e) == 0 {
			return err
		}
		v.setErrors(e)
		h.render(w, r, formStatus(e), "candidates", v)
		return nil
	}
	v.List, v.StartsOn, v.EndsOn = list, list.StartsOn, list.EndsOn
	for _, c := range list.Items {
		var rs []string
		for _, m := range c.ReasonMsgs {
			rs = append(rs, v.Msg(m))
		}
		v.Reasons = append(v.Reasons, rs)
	}
	h.render(w, r, http.StatusOK, "candidates", v)
	return nil
}

// PlanURL is the plan form for a candidate at the list's post and dates.
func (v *candidateListView) PlanURL(personID int64) string {
	return "/deployments/new?" + url.Values{"person": {strconv.FormatInt(personID, 10)}, "post": {strconv.FormatInt(v.Post.ID, 10)},
		"starts_on": {v.StartsOn}, "ends_on": {v.EndsOn}}.Encode()
}

type batchForm struct {
	Name, Destination, RegionCode, LeaderPersonID, DepartsOn, ReturnsOn, QuarantineDays string
}

type batchListView struct {
	deployPage
	Q         string
	Batches   []model.Batch
	Pager     pager
	CanManage bool
	Form      batchForm
	Leaders   []option
}

func (h *handlers) batchListView(r *http.Request, p *auth.Principal, form batchForm) (*batchListView, error) {
	v := &batchListView{deployPage: h.deployPage(r, "web.deploy.batches_title", "batches"), Q: strings.TrimSpace(r.URL.Query().Get("q")),
		CanManage: p.Can(auth.PermBatchManage), Form: form}
	list, err := h.Store.ListBatches(r.Context(), model.BatchFilter{Q: v.Q, Page: pageOf(r)})
	if err != nil {
		return nil, err
	}
	v.Batches = list.Items
	v.Pager = newPager("/batches", url.Values{"q": {v.Q}}, list.Total, list.Offset, list.Limit)
	if v.CanManage {
		people, err := h.Store.ListPeople(r.Context(), model.PersonFilter{Page: model.Page{Limit: 200}})
		if err != nil {
			return nil, err
		}
		for _, ps := range people.Items {
			id := strconv.FormatInt(ps.ID, 10)
			v.Leaders = append(v.Leaders, option{Value: id, Text: ps.Name + " · " + ps.InstitutionName, Selected: id == form.LeaderPersonID})
		}
	}
	return v, nil
}

func (h *handlers) batchList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermDeployRead)
	if err != nil {
		return err
	}
	form := batchForm{QuarantineDays: "14"}
	if p.RegionCode != "" {
		form.RegionCode = p.RegionCode
	}
	v, err := h.batchListView(r, p, form)
	if err != nil {
		return err
	}
	v.Notice = v.notice(r)
	h.render(w, r, http.StatusOK, "batch_list", v)
	return nil
}

func (h *handlers) batchCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermBatchManage)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	pf := r.PostForm
	form := batchForm{Name: pf.Get("name"), Destination: pf.Get("destination"), RegionCode: pf.Get("region_code"), LeaderPersonID: pf.Get("leader_person_id"),
		DepartsOn: pf.Get("departs_on"), ReturnsOn: pf.Get("returns_on"), QuarantineDays: pf.Get("quarantine_days")}
	in := model.BatchInput{Name: &form.Name, Destination: &form.Destination, RegionCode: &form.RegionCode, LeaderPersonID: formID(form.LeaderPersonID),
		DepartsOn: &form.DepartsOn, ReturnsOn: &form.ReturnsOn}
	fe := model.FieldErrors{}
	if s := strings.TrimSpace(form.QuarantineDays); s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			in.QuarantineDays = &n
		} else {
			fe.Add("quarantine_days", "field.number")
		}
	}
	b, err := model.Batch{}, fe.Err()
	if err == nil {
		b, err = h.Store.CreateBatch(r.Context(), in)
	}
	if err != nil {
		e := model.AsError(err)
		if formStatus(e) == 0 {
			return err
		}
		v, verr := h.batchListView(r, p, form)
		if verr != nil {
			return verr
		}
		v.setErrors(e)
		h.render(w, r, formStatus(e), "batch_list", v)
		return nil
	}
	return seeOther(w, r, "/batches/"+strconv.FormatInt(b.ID, 10)+"?msg=batch_saved")
}

type batchShowView struct {
	deployPage
	Batch     model.Batch
	Members   []deploymentRow
	CanAdd    bool
	AddURL    string
	ExportURL string
}

func (h *handlers) batchShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermDeployRead)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	b, err := h.Store.GetBatch(r.Context(), id)
	if err != nil {
		return err
	}
	list, err := h.Store.ListDeployments(r.Context(), model.DeploymentFilter{BatchID: id, Page: model.Page{Limit: 200}})
	if err != nil {
		return err
	}
	v := &batchShowView{deployPage: h.deployPage(r, "", "batches"), Batch: b, CanAdd: p.Can(auth.PermBatchManage) && p.Can(auth.PermDeployPlan),
		AddURL: "/deployments/new?batch=" + strconv.FormatInt(id, 10)}
	v.Title, v.Notice = b.Name, v.notice(r)
	for _, d := range list.Items {
		v.Members = append(v.Members, newDeploymentRow(d))
	}
	if p.Can(auth.PermPersonExport) {
		v.ExportURL = "/api/v1/exports/deployments.xlsx?batch_id=" + strconv.FormatInt(id, 10)
	}
	h.render(w, r, http.StatusOK, "batch_show", v)
	return nil
}

var _ = report.FilterText

// deployRows is a table of deployments with the page that translates it.
type deployRows struct {
	Page
	Rows []deploymentRow
}

// Rows is the argument of the "deploy_table" template.
func (p deployPage) Rows(rows []deploymentRow) deployRows {
	return deployRows{Page: p.Page, Rows: rows}
}

// conflictRows is a table of conflicts with the page that translates it.
type conflictRows struct {
	Page
	Rows []conflictRow
}

// ConflictRows is the argument of the "conflict_table" template.
func (p deployPage) ConflictRows(rows []conflictRow) conflictRows {
	return conflictRows{Page: p.Page, Rows: rows}
}
