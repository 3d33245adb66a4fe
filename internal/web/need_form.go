package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
)

// needForm is one case as typed: on the new-case page, on a worker's report,
// and as one block of the visit form (whose fields carry a prefix).
type needForm struct {
	FamilyMemberID string
	Category       string
	Kind           string
	Urgency        string
	Description    string
	Source         string
	DueAt          string // datetime-local, China time
	Address        string
}

// newNeedForm reads the fields of a case from a posted form; prefix is ""
// or, in the visit form, "needs[2].".
func newNeedForm(pf url.Values, prefix string) needForm {
	return needForm{FamilyMemberID: strings.TrimSpace(pf.Get(prefix + "family_member_id")), Category: pf.Get(prefix + "category"),
		Kind: pf.Get(prefix + "kind"), Urgency: pf.Get(prefix + "urgency"), Description: pf.Get(prefix + "description"),
		Source: pf.Get(prefix + "source"), DueAt: strings.TrimSpace(pf.Get(prefix + "due_at")), Address: pf.Get(prefix + "address")}
}

// blank reports whether nothing was typed in the block (the urgency select
// starts on a value, so it does not count).
func (f needForm) blank() bool {
	return f.FamilyMemberID == "" && f.Category == "" && f.Kind == "" && strings.TrimSpace(f.Description) == "" && f.DueAt == "" &&
		strings.TrimSpace(f.Address) == ""
}

// input turns the form into a store input for person. Values the page
// itself cannot read (a malformed date or id) are reported with the fields
// the model checks without a database, so the user sees every problem at once.
func (f needForm) input(person int64) (model.NeedInput, model.FieldErrors) {
	in := model.NeedInput{PersonID: person, Category: f.Category, Kind: f.Kind, Urgency: f.Urgency, Description: f.Description, Source: f.Source,
		Address: f.Address}
	fe := model.FieldErrors{}
	if id, ok := parseID(f.FamilyMemberID); !ok {
		fe.Add("family_member_id", "field.choice")
	} else if id != 0 {
		in.FamilyMemberID = &id
	}
	if t, ok := parseLocal(f.DueAt); !ok {
		fe.Add("due_at", "web.form.datetime")
	} else if !t.IsZero() {
		in.DueAt = &t
	}
	if len(fe) > 0 {
		check := in
		for k, m := range check.Normalize() {
			fe.Add(k, m.Key, m.Args...)
		}
	}
	return in, fe
}

// needFormView is the new-case page, and a worker's report page (Self).
type needFormView struct {
	Page
	Person     model.Person
	Form       needForm
	Family     []option
	Categories []option
	Kinds      []option
	Urgencies  []option
	Sources    []option
	Self       bool // a worker reporting their own need
	Action     string
	Cancel     string
	MinDue     string // the earliest deadline the date picker offers
}

func (h *handlers) needFormPage(w http.ResponseWriter, r *http.Request, status int, v *needFormView) error {
	family, err := h.Store.ListFamily(r.Context(), v.Person.ID, false)
	if err != nil {
		return err
	}
	for _, m := range family {
		id := strconv.FormatInt(m.ID, 10)
		v.Family = append(v.Family, option{Value: id, Text: v.T("web.need.family_option", m.Name, v.Label("relation", m.Relation)), Selected: id == v.Form.FamilyMemberID})
	}
	v.Categories = codeOptions(v.Page, "need.category", model.NeedCategories, v.Form.Category)
	v.Kinds = kindOptions(v.Page, v.Form.Kind)
	v.Urgencies = codeOptions(v.Page, "need.urgency", model.NeedUrgencies, v.Form.Urgency)
	v.MinDue = formatLocal(h.Store.Now().Add(time.Minute))
	if v.Self {
		v.Sources = codeOptions(v.Page, "need.source", []string{model.SourceSelf, model.SourceFamily}, v.Form.Source)
		v.Title, v.Current = v.T("web.need.report_title"), "my_needs"
		v.Action, v.Cancel, v.Back = "/me/needs", "/me/needs", "/me/needs/new"
	} else {
		v.Sources = codeOptions(v.Page, "need.source", model.NeedSources, v.Form.Source)
		v.Title, v.Current = v.T("web.need.new_title", v.Person.Name), "needs"
		v.Action, v.Cancel = "/needs", "/people/"+strconv.FormatInt(v.Person.ID, 10)
		v.Back = "/needs/new?person_id=" + strconv.FormatInt(v.Person.ID, 10)
	}
	h.render(w, r, status, "need_form", v)
	return nil
}

// formPerson reads the person a form is for from ?person_id= or the posted
// person_id, in the caller's scope (404 otherwise).
func (h *handlers) formPerson(r *http.Request, raw string) (model.Person, error) {
	id, ok := parseID(raw)
	if !ok || id == 0 {
		return model.Person{}, model.NotFound("person")
	}
	return h.Store.GetPerson(r.Context(), id, false)
}

func (h *handlers) needNew(w http.ResponseWriter, r *http.Request) error {
	if _, err := need(r, auth.PermNeedWrite); err != nil {
		return err
	}
	person, err := h.formPerson(r, r.URL.Query().Get("person_id"))
	if err != nil {
		return err
	}
	v := &needFormView{Page: h.page(r, ""), Person: person, Form: needForm{Urgency: model.UrgencyNormal, Source: model.SourceVisit}}
	return h.needFormPage(w, r, http.StatusOK, v)
}

func (h *handlers) needCreate(w http.ResponseWriter, r *http.Request) error {
	if _, err := need(r, auth.PermNeedWrite); err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	personID, ok := parseID(r.PostForm.Get("person_id"))
	if !ok || personID == 0 {
		return model.NotFound("person")
	}
	f := newNeedForm(r.PostForm, "")
	n, err := h.saveNeed(r, f, personID)
	if err == nil {
		// A save is audited as the new case alone: the person is read (an
		// audited read) only to show the form again when it failed.
		return seeOther(w, r, caseURL(n.ID)+"?msg=need_created")
	}
	if formStatus(model.AsError(err)) == 0 {
		return err
	}
	person, rerr := h.Store.GetPerson(r.Context(), personID, false)
	if rerr != nil {
		return rerr
	}
	v := &needFormView{Page: h.page(r, ""), Person: person, Form: f}
	return h.needFormFailed(w, r, v, err)
}

// saveNeed checks and records one case.
func (h *handlers) saveNeed(r *http.Request, f needForm, person int64) (model.Need, error) {
	in, fe := f.input(person)
	if err := fe.Err(); err != nil {
		return model.Need{}, err
	}
	return h.Store.CreateNeed(r.Context(), in)
}

// needFormFailed shows the form again with the messages beside the fields
// and what was typed; other errors go to the error page.
func (h *handlers) needFormFailed(w http.ResponseWriter, r *http.Request, v *needFormView, err error) error {
	e := model.AsError(err)
	status := formStatus(e)
	if status == 0 {
		return err
	}
	v.setErrors(e)
	for field, value := range map[string]string{"category": v.Form.Category, "kind": v.Form.Kind, "urgency": v.Form.Urgency, "source": v.Form.Source} {
		v.requireChosen(field, value)
	}
	return h.needFormPage(w, r, status, v)
}

// myNeedNew is a worker's form to report a need of their own or their family's.
func (h *handlers) myNeedNew(w http.ResponseWriter, r *http.Request) error {
	p, err := requirePerson(r, auth.PermNeedReport)
	if err != nil {
		return err
	}
	person, err := h.Store.GetPerson(r.Context(), p.PersonID, false)
	if err != nil {
		return err
	}
	v := &needFormView{Page: h.page(r, ""), Person: person, Self: true, Form: needForm{Urgency: model.UrgencyNormal, Source: model.SourceSelf}}
	return h.needFormPage(w, r, http.StatusOK, v)
}

func (h *handlers) myNeedCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := requirePerson(r, auth.PermNeedReport)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	f := newNeedForm(r.PostForm, "")
	f.DueAt = "" // a worker's report takes the deadline of its urgency
	_, err = h.saveNeed(r, f, p.PersonID)
	if err == nil {
		return seeOther(w, r, "/me/needs?msg=need_reported")
	}
	if formStatus(model.AsError(err)) == 0 {
		return err
	}
	person, rerr := h.Store.GetPerson(r.Context(), p.PersonID, false)
	if rerr != nil {
		return rerr
	}
	v := &needFormView{Page: h.page(r, ""), Person: person, Form: f, Self: true}
	return h.needFormFailed(w, r, v, err)
}
