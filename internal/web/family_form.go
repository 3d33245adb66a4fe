package web

import (
	"net/http"
	"strconv"
	"strings"

	"houdun/internal/httpx"
	"houdun/internal/model"
)

// familyForm is the create and edit form of a family member, as typed.
type familyForm struct {
	Name                  string
	Relation              string
	BirthDate             string
	IDNumber              string
	Phone                 string
	ClearPhone            bool
	LivesWith             bool
	CareNeeds             []string
	MedicalWorkerPersonID string
	Version               string
}

func newFamilyForm(r *http.Request) familyForm {
	f := r.PostForm
	return familyForm{Name: f.Get("name"), Relation: f.Get("relation"), BirthDate: strings.TrimSpace(f.Get("birth_date")),
		IDNumber: strings.TrimSpace(f.Get("id_number")), Phone: strings.TrimSpace(f.Get("phone")), ClearPhone: f.Get("clear_phone") == "1",
		LivesWith: f.Get("lives_with") == "1", CareNeeds: f["care_needs"], MedicalWorkerPersonID: strings.TrimSpace(f.Get("medical_worker_person_id")),
		Version: f.Get("version")}
}

// familyFormOf fills the form with a stored relative; as for people, the
// ID number and phone are shown masked and kept unless retyped.
func familyFormOf(m model.FamilyMember) familyForm {
	f := familyForm{Name: m.Name, Relation: m.Relation, BirthDate: m.BirthDate, LivesWith: m.LivesWith,
		CareNeeds: m.CareNeeds, Version: strconv.FormatInt(m.Version, 10)}
	if m.MedicalWorkerPersonID != nil {
		f.MedicalWorkerPersonID = strconv.FormatInt(*m.MedicalWorkerPersonID, 10)
	}
	return f
}

// HasCare reports whether the form has care need c ticked.
func (f familyForm) HasCare(c string) bool { return model.Contains(f.CareNeeds, c) }

// input turns the form into a store input; cur is the stored relative on edit.
func (f familyForm) input(cur *model.FamilyMember) (model.FamilyMemberInput, error) {
	care := append([]string{}, f.CareNeeds...)
	in := model.FamilyMemberInput{Name: &f.Name, Relation: &f.Relation, LivesWith: &f.LivesWith, CareNeeds: &care}
	fe := model.FieldErrors{}
	link, ok := parseID(f.MedicalWorkerPersonID)
	if !ok {
		fe.Add("medical_worker_person_id", "field.number")
	}
	if cur == nil {
		in.BirthDate, in.IDNumber, in.Phone = &f.BirthDate, &f.IDNumber, &f.Phone
		if link != 0 {
			in.MedicalWorkerPersonID = &link
		}
		return in, fe.Err()
	}
	// A new ID number brings its own birth date: the unchanged date field is
	// then left to the store, which derives it.
	if f.IDNumber != "" {
		in.IDNumber = &f.IDNumber
		if f.BirthDate != cur.BirthDate {
			in.BirthDate = &f.BirthDate
		}
	} else {
		in.BirthDate = &f.BirthDate
	}
	switch {
	case f.ClearPhone:
		empty := ""
		in.Phone = &empty
	case f.Phone != "":
		in.Phone = &f.Phone
	}
	// The link is sent only when it changed: a link the store made itself
	// (by ID number) may point outside the caller's scope, and sending it
	// back would be refused.
	switch {
	case link != 0 && (cur.MedicalWorkerPersonID == nil || *cur.MedicalWorkerPersonID != link):
		in.MedicalWorkerPersonID = &link
	case link == 0 && cur.MedicalWorkerPersonID != nil && ok:
		zero := int64(0) // an emptied field removes the link
		in.MedicalWorkerPersonID = &zero
	}
	v, err := strconv.ParseInt(f.Version, 10, 64)
	if err != nil {
		return in, model.Errorf(model.EStaleVersion, "error.stale_version")
	}
	in.Version = &v
	return in, fe.Err()
}

// familyFormView is the create or edit page of a family member.
type familyFormView struct {
	Page
	Person    model.Person
	Member    model.FamilyMember // on edit: the stored relative, for the masked values
	Form      familyForm
	Edit      bool
	Action    string
	Cancel    string
	Relations []option
	CareNeeds []option
	StaleHint bool
}

func (h *handlers) familyFormPage(w http.ResponseWriter, r *http.Request, status int, v *familyFormView) error {
	v.Current = "people"
	pid := strconv.FormatInt(v.Person.ID, 10)
	v.Cancel = "/people/" + pid
	if v.Edit {
		v.Title = v.T("web.family.edit_title", v.Member.Name)
		v.Action = "/people/" + pid + "/family/" + strconv.FormatInt(v.Member.ID, 10)
		v.Back = v.Action + "/edit"
	} else {
		v.Title = v.T("web.family.new_title", v.Person.Name)
		v.Action = "/people/" + pid + "/family"
		v.Back = v.Action + "/new"
	}
	for _, rel := range model.Relations {
		v.Relations = append(v.Relations, option{Value: rel, Text: v.Label("relation", rel), Selected: rel == v.Form.Relation})
	}
	for _, c := range model.CareNeeds {
		v.CareNeeds = append(v.CareNeeds, option{Value: c, Text: v.Label("care", c), Selected: v.Form.HasCare(c)})
	}
	h.render(w, r, status, "family_form", v)
	return nil
}

// familyTarget loads the person of a family route, and the relative when mid is in the path.
func (h *handlers) familyTarget(r *http.Request, withMember bool) (model.Person, *model.FamilyMember, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return model.Person{}, nil, err
	}
	person, err := h.Store.GetPerson(r.Context(), id, false)
	if err != nil {
		return person, nil, err
	}
	if !withMember {
		return person, nil, nil
	}
	mid, err := httpx.PathID(r, "mid")
	if err != nil {
		return person, nil, err
	}
	family, err := h.Store.ListFamily(r.Context(), id, false)
	if err != nil {
		return person, nil, err
	}
	for i := range family {
		if family[i].ID == mid {
			return person, &family[i], nil
		}
	}
	return person, nil, model.NotFound("family_member")
}

func (h *handlers) familyNew(w http.ResponseWriter, r *http.Request) error {
	person, _, err := h.familyTarget(r, false)
	if err != nil {
		return err
	}
	return h.familyFormPage(w, r, http.StatusOK, &familyFormView{Page: h.page(r, ""), Person: person})
}

func (h *handlers) familyCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	f := newFamilyForm(r)
	in, err := f.input(nil)
	if err == nil {
		_, err = h.Store.CreateFamilyMember(r.Context(), id, in)
	}
	if err == nil {
		// Audited as the new relative alone, as the person form: the person
		// is read only to show a failed form again.
		return seeOther(w, r, "/people/"+strconv.FormatInt(id, 10)+"?msg=family_saved#family")
	}
	if formStatus(model.AsError(err)) == 0 {
		return err
	}
	person, _, rerr := h.familyTarget(r, false)
	if rerr != nil {
		return rerr
	}
	return h.familyFormFailed(w, r, &familyFormView{Page: h.page(r, ""), Person: person, Form: f}, err)
}

func (h *handlers) familyFormFailed(w http.ResponseWriter, r *http.Request, v *familyFormView, err error) error {
	e := model.AsError(err)
	status := formStatus(e)
	if status == 0 {
		return err
	}
	v.setErrors(e)
	v.requireChosen("relation", v.Form.Relation)
	if e.Code == model.EStaleVersion && v.Edit {
		v.StaleHint = true
		v.Form.Version = strconv.FormatInt(v.Member.Version, 10)
	}
	return h.familyFormPage(w, r, status, v)
}

func (h *handlers) familyEdit(w http.ResponseWriter, r *http.Request) error {
	person, m, err := h.familyTarget(r, true)
	if err != nil {
		return err
	}
	return h.familyFormPage(w, r, http.StatusOK, &familyFormView{Page: h.page(r, ""), Person: person, Member: *m, Form: familyFormOf(*m), Edit: true})
}

func (h *handlers) familyUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	pid, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	mid, err := httpx.PathID(r, "mid")
	if err != nil {
		return err
	}
	// Not an audited read: the save is audited as the change it makes.
	person, m, err := h.Store.FamilyForForm(r.Context(), pid, mid)
	if err != nil {
		return err
	}
	f := newFamilyForm(r)
	v := &familyFormView{Page: h.page(r, ""), Person: person, Member: *m, Form: f, Edit: true}
	in, err := f.input(m)
	if err == nil {
		_, err = h.Store.UpdateFamilyMember(r.Context(), person.ID, m.ID, in)
	}
	if err != nil {
		if formStatus(model.AsError(err)) == 0 {
			return err
		}
		// The form shown again is a read, audited as the edit page's is.
		person, m, rerr := h.familyTarget(r, true)
		if rerr != nil {
			return rerr
		}
		v.Person, v.Member = person, *m
		return h.familyFormFailed(w, r, v, err)
	}
	return seeOther(w, r, "/people/"+strconv.FormatInt(person.ID, 10)+"?msg=family_saved#family")
}

// familyDeleteView asks before a relative is removed.
type familyDeleteView struct {
	Page
	Person model.Person
	Member model.FamilyMember
	Action string
	Cancel string
}

func (h *handlers) familyDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	person, m, err := h.familyTarget(r, true)
	if err != nil {
		return err
	}
	v := &familyDeleteView{Page: h.page(r, ""), Person: person, Member: *m}
	v.Title, v.Current = v.T("web.family.delete_title", m.Name), "people"
	v.Cancel = "/people/" + strconv.FormatInt(person.ID, 10)
	v.Action = v.Cancel + "/family/" + strconv.FormatInt(m.ID, 10) + "/delete"
	h.render(w, r, http.StatusOK, "family_delete", v)
	return nil
}

func (h *handlers) familyDelete(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	pid, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	mid, err := httpx.PathID(r, "mid")
	if err != nil {
		return err
	}
	var version *int64
	if s := r.PostForm.Get("version"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return model.Errorf(model.EStaleVersion, "error.stale_version")
		}
		version = &n
	}
	if err := h.Store.DeleteFamilyMember(r.Context(), pid, mid, version); err != nil {
		return err
	}
	return seeOther(w, r, "/people/"+strconv.FormatInt(pid, 10)+"?msg=family_deleted#family")
}
