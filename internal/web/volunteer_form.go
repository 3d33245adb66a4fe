package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/model"
)

// volunteerForm is the create and edit form of a volunteer, as typed.
type volunteerForm struct {
	Name       string
	Phone      string
	RegionCode string
	Skills     []string
	Available  bool
	Active     bool
	Username   string
	Version    string
}

func newVolunteerForm(pf url.Values) volunteerForm {
	return volunteerForm{Name: pf.Get("name"), Phone: strings.TrimSpace(pf.Get("phone")), RegionCode: strings.TrimSpace(pf.Get("region_code")),
		Skills: pf["skills"], Available: pf.Get("available") == "1", Active: pf.Get("active") == "1",
		Username: strings.TrimSpace(pf.Get("username")), Version: pf.Get("version")}
}

// volunteerFormOf fills the form with a stored volunteer; the phone stays
// empty and is kept unless a new one is typed, as on the person form.
func volunteerFormOf(vo model.Volunteer) volunteerForm {
	return volunteerForm{Name: vo.Name, RegionCode: vo.RegionCode, Skills: vo.Skills, Available: vo.Available, Active: vo.Active,
		Username: vo.Username, Version: strconv.FormatInt(vo.Version, 10)}
}

// HasSkill reports whether skill s is ticked.
func (f volunteerForm) HasSkill(s string) bool { return model.Contains(f.Skills, s) }

func (f volunteerForm) input(edit bool) (model.VolunteerInput, error) {
	skills := append([]string{}, f.Skills...)
	in := model.VolunteerInput{Name: &f.Name, RegionCode: &f.RegionCode, Skills: &skills, Available: &f.Available, Active: &f.Active, Username: &f.Username}
	if !edit || f.Phone != "" {
		in.Phone = &f.Phone
	}
	if edit {
		v, ok := versionOf(f.Version)
		if !ok {
			return in, model.Errorf(model.EStaleVersion, "error.stale_version")
		}
		in.Version = v
	}
	return in, nil
}

// volunteerFormView is the create or edit page of a volunteer.
type volunteerFormView struct {
	Page
	Form      volunteerForm
	Edit      bool
	Volunteer model.Volunteer
	Skills    []option
	Regions   []model.Region
	Action    string
	Cancel    string
	StaleHint bool
}

func (h *handlers) volunteerFormPage(w http.ResponseWriter, r *http.Request, status int, v *volunteerFormView) error {
	p := v.User
	for _, s := range model.VolunteerSkills {
		v.Skills = append(v.Skills, option{Value: s, Text: v.Label("volunteer.skill", s), Selected: v.Form.HasSkill(s)})
	}
	if p != nil && p.Can(auth.PermRegionRead) && p.RegionCode != "" {
		regions, err := h.Store.ListRegions(r.Context(), p.RegionCode)
		if err != nil {
			return err
		}
		v.Regions = regions
	}
	v.Current = "volunteers"
	if v.Edit {
		v.Title = v.T("web.volunteer.edit_title", v.Volunteer.Name)
		v.Action = "/volunteers/" + strconv.FormatInt(v.Volunteer.ID, 10)
		v.Cancel, v.Back = v.Action, v.Action+"/edit"
	} else {
		v.Title = v.T("web.volunteer.new_title")
		v.Action, v.Cancel, v.Back = "/volunteers", "/volunteers", "/volunteers/new"
	}
	h.render(w, r, status, "volunteer_form", v)
	return nil
}

func (h *handlers) volunteerNew(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermVolunteerManage)
	if err != nil {
		return err
	}
	v := &volunteerFormView{Page: h.page(r, ""), Form: volunteerForm{RegionCode: p.RegionCode, Available: true, Active: true}}
	return h.volunteerFormPage(w, r, http.StatusOK, v)
}

func (h *handlers) volunteerCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	f := newVolunteerForm(r.PostForm)
	in, _ := f.input(false)
	vo, err := h.Store.CreateVolunteer(r.Context(), in)
	if err != nil {
		return h.volunteerFormFailed(w, r, &volunteerFormView{Page: h.page(r, ""), Form: f}, err)
	}
	return seeOther(w, r, "/volunteers/"+strconv.FormatInt(vo.ID, 10)+"?msg=created")
}

func (h *handlers) volunteerFormFailed(w http.ResponseWriter, r *http.Request, v *volunteerFormView, err error) error {
	e := model.AsError(err)
	status := formStatus(e)
	if status == 0 {
		return err
	}
	v.setErrors(e)
	if e.Code == model.EStaleVersion && v.Edit {
		v.StaleHint = true
		v.Form.Version = strconv.FormatInt(v.Volunteer.Version, 10)
	}
	return h.volunteerFormPage(w, r, status, v)
}

func (h *handlers) volunteerEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	vo, err := h.Store.GetVolunteer(r.Context(), id, false)
	if err != nil {
		return err
	}
	v := &volunteerFormView{Page: h.page(r, ""), Form: volunteerFormOf(vo), Edit: true, Volunteer: vo}
	return h.volunteerFormPage(w, r, http.StatusOK, v)
}

func (h *handlers) volunteerUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	f := newVolunteerForm(r.PostForm)
	in, err := f.input(true)
	if err == nil {
		_, err = h.Store.UpdateVolunteer(r.Context(), id, in)
	}
	if err == nil {
		// As on the person form: the record is read only to show the form again.
		return seeOther(w, r, "/volunteers/"+strconv.FormatInt(id, 10)+"?msg=saved")
	}
	if formStatus(model.AsError(err)) == 0 {
		return err
	}
	vo, rerr := h.Store.GetVolunteer(r.Context(), id, false)
	if rerr != nil {
		return rerr
	}
	v := &volunteerFormView{Page: h.page(r, ""), Form: f, Edit: true, Volunteer: vo}
	return h.volunteerFormFailed(w, r, v, err)
}
