package web

import (
	"net/http"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/model"
)

// personForm is the create and edit form of a person, as typed.
type personForm struct {
	Name          string
	IDNumber      string
	Phone         string
	ClearPhone    bool
	InstitutionID string
	Department    string
	Occupation    string
	Title         string
	Frontline     bool
	Version       string
}

// newPersonForm reads the posted form.
func newPersonForm(r *http.Request) personForm {
	f := r.PostForm
	return personForm{Name: f.Get("name"), IDNumber: strings.TrimSpace(f.Get("id_number")), Phone: strings.TrimSpace(f.Get("phone")),
		ClearPhone: f.Get("clear_phone") == "1", InstitutionID: f.Get("institution_id"), Department: f.Get("department"),
		Occupation: f.Get("occupation"), Title: f.Get("title"), Frontline: f.Get("frontline") == "1", Version: f.Get("version")}
}

// personFormOf fills the form with a stored person. The ID number and phone
// stay empty: the edit form shows their masked forms and keeps them unless
// new values are typed, so editing never reveals them.
func personFormOf(p model.Person) personForm {
	return personForm{Name: p.Name, InstitutionID: strconv.FormatInt(p.InstitutionID, 10), Department: p.Department,
		Occupation: p.Occupation, Title: p.Title, Frontline: p.Frontline, Version: strconv.FormatInt(p.Version, 10)}
}

// input turns the form into a store input. On edit, an empty ID number or
// phone keeps the stored one; "clear phone" removes it.
func (f personForm) input(edit bool) (model.PersonInput, error) {
	in := model.PersonInput{Name: &f.Name, Department: &f.Department, Occupation: &f.Occupation, Title: &f.Title, Frontline: &f.Frontline}
	if !edit || f.IDNumber != "" {
		in.IDNumber = &f.IDNumber
	}
	switch {
	case edit && f.ClearPhone:
		empty := ""
		in.Phone = &empty
	case !edit || f.Phone != "":
		in.Phone = &f.Phone
	}
	inst, ok := parseID(f.InstitutionID)
	if !ok || inst == 0 {
		// The store reports a missing institution with the other fields;
		// a value that is no id at all is reported the same way.
		inst = 0
	}
	in.InstitutionID = &inst
	if edit {
		v, err := strconv.ParseInt(f.Version, 10, 64)
		if err != nil {
			return in, model.Errorf(model.EStaleVersion, "error.stale_version")
		}
		in.Version = &v
	}
	return in, nil
}

// personFormView is the create or edit page of a person.
type personFormView struct {
	Page
	Form         personForm
	Edit         bool
	Person       model.Person // on edit: the stored record, for the masked values
	Action       string
	Cancel       string
	Institutions []option
	Occupations  []option
	StaleHint    bool
}

func (h *handlers) personFormPage(w http.ResponseWriter, r *http.Request, status int, v *personFormView, p *auth.Principal) error {
	var err error
	if v.Institutions, err = h.institutionOptions(r, p, v.Form.InstitutionID); err != nil {
		return err
	}
	v.Occupations = occupationOptions(v.Page, v.Form.Occupation)
	v.Current = "people"
	if v.Edit {
		v.Title = v.T("web.person.edit_title", v.Person.Name)
		v.Action = "/people/" + strconv.FormatInt(v.Person.ID, 10)
		v.Cancel = v.Action
		v.Back = v.Action + "/edit"
	} else {
		v.Title = v.T("web.person.new_title")
		v.Action, v.Cancel, v.Back = "/people", "/people", "/people/new"
	}
	h.render(w, r, status, "person_form", v)
	return nil
}

func (h *handlers) personNew(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermPersonWrite)
	if err != nil {
		return err
	}
	v := &personFormView{Page: h.page(r, "")}
	// A form for one institution starts with it chosen.
	if p.InstitutionID != 0 {
		v.Form.InstitutionID = strconv.FormatInt(p.InstitutionID, 10)
	}
	return h.personFormPage(w, r, http.StatusOK, v, p)
}

func (h *handlers) personCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermPersonWrite)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	f := newPersonForm(r)
	in, _ := f.input(false)
	// The answer is the same whether the person was registered or, being
	// registered in another area, a transfer request was submitted.
	if _, err := h.Store.RegisterPerson(r.Context(), in); err != nil {
		return h.personFormFailed(w, r, p, &personFormView{Page: h.page(r, ""), Form: f}, err)
	}
	return seeOther(w, r, "/people?msg=person_accepted")
}

// personFormFailed re-renders the form with the store's messages next to
// their fields and the user's input kept; other errors go to the error page.
func (h *handlers) personFormFailed(w http.ResponseWriter, r *http.Request, p *auth.Principal, v *personFormView, err error) error {
	e := model.AsError(err)
	status := formStatus(e)
	if status == 0 {
		return err
	}
	v.setErrors(e)
	v.requireChosen("occupation", v.Form.Occupation)
	if e.Code == model.EStaleVersion && v.Edit {
		// Keep what was typed; the next save is made against the record as
		// it is now, knowingly.
		v.StaleHint = true
		v.Form.Version = strconv.FormatInt(v.Person.Version, 10)
	}
	return h.personFormPage(w, r, status, v, p)
}

func (h *handlers) personEdit(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermPersonWrite)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	person, err := h.Store.GetPerson(r.Context(), id, false)
	if err != nil {
		return err
	}
	v := &personFormView{Page: h.page(r, ""), Form: personFormOf(person), Edit: true, Person: person}
	return h.personFormPage(w, r, http.StatusOK, v, p)
}

func (h *handlers) personUpdate(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermPersonWrite)
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
	f := newPersonForm(r)
	in, err := f.input(true)
	var saved model.Person
	if err == nil {
		saved, err = h.Store.UpdatePerson(r.Context(), id, in)
	}
	if err == nil {
		// A save is audited as the update alone: the record is read (an
		// audited read) only to show the form again when the save failed.
		msg := "saved"
		if saved.IDNumberCorrection != 0 {
			msg = "id_correction_submitted" // the new number waits for a second person
		}
		return seeOther(w, r, "/people/"+strconv.FormatInt(id, 10)+"?msg="+msg)
	}
	if formStatus(model.AsError(err)) == 0 {
		return err
	}
	person, rerr := h.Store.GetPerson(r.Context(), id, false)
	if rerr != nil {
		return rerr
	}
	v := &personFormView{Page: h.page(r, ""), Form: f, Edit: true, Person: person}
	return h.personFormFailed(w, r, p, v, err)
}
