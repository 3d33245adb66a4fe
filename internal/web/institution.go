package web

import (
	"net/http"
	"net/url"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/model"
	"houdun/internal/store"
)

// institutionListView is the institutions list.
type institutionListView struct {
	Page
	Q            string
	Type         string
	Types        []option
	Institutions []model.Institution
	Pager        pager
	CanWrite     bool
}

func (h *handlers) institutionList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermInstitutionRead)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := &institutionListView{Page: h.page(r, "web.institutions.title"), Q: strings.TrimSpace(q.Get("q")), Type: q.Get("type"),
		CanWrite: canCreateInstitution(p)}
	if !model.Contains(model.InstitutionTypes, v.Type) {
		v.Type = ""
	}
	page := pageOf(r)
	list, err := h.Store.ListInstitutions(r.Context(), store.InstitutionFilter{Q: v.Q, Type: v.Type, Page: page})
	if err != nil {
		return err
	}
	v.Institutions, v.Current, v.Notice = list.Items, "institutions", v.notice(r)
	v.Types = institutionTypeOptions(v.Page, v.Type)
	v.Pager = newPager("/institutions", url.Values{"q": {v.Q}, "type": {v.Type}}, list.Total, list.Offset, list.Limit)
	h.render(w, r, http.StatusOK, "institution_list", v)
	return nil
}

func institutionTypeOptions(p Page, selected string) []option {
	out := make([]option, 0, len(model.InstitutionTypes))
	for _, t := range model.InstitutionTypes {
		out = append(out, option{Value: t, Text: p.Label("inst_type", t), Selected: t == selected})
	}
	return out
}

// institutionForm is the create form of an institution, as typed.
type institutionForm struct {
	Name, Type, RegionCode, CreditCode string
}

// institutionFormView is the create page of an institution, with the
// regions below the user's own as a helper list for the region code.
type institutionFormView struct {
	Page
	Form    institutionForm
	Types   []option
	Regions []model.Region
}

func (h *handlers) institutionFormPage(w http.ResponseWriter, r *http.Request, status int, v *institutionFormView) error {
	p := v.User
	v.Title, v.Current, v.Back = v.T("web.institution.new_title"), "institutions", "/institutions/new"
	v.Types = institutionTypeOptions(v.Page, v.Form.Type)
	if p != nil && p.Can(auth.PermRegionRead) && p.InstitutionID == 0 && p.PersonID == 0 {
		regions, err := h.Store.ListRegions(r.Context(), p.RegionCode)
		if err != nil {
			return err
		}
		v.Regions = regions
	}
	h.render(w, r, status, "institution_form", v)
	return nil
}

// canCreateInstitution: a new institution is placed in a region, so only
// an account scoped to a region may create one (the store refuses the
// others); an institution admin's scope is their one institution.
func canCreateInstitution(p *auth.Principal) bool {
	return p.Can(auth.PermInstitutionWrite) && p.InstitutionID == 0 && p.PersonID == 0
}

func (h *handlers) institutionNew(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermInstitutionWrite)
	if err != nil {
		return err
	}
	if !canCreateInstitution(p) {
		return httpx.Forbidden("error.forbidden")
	}
	v := &institutionFormView{Page: h.page(r, ""), Form: institutionForm{RegionCode: p.RegionCode, Type: model.InstHospital}}
	return h.institutionFormPage(w, r, http.StatusOK, v)
}

func (h *handlers) institutionCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	pf := r.PostForm
	f := institutionForm{Name: pf.Get("name"), Type: pf.Get("type"), RegionCode: strings.TrimSpace(pf.Get("region_code")),
		CreditCode: strings.TrimSpace(pf.Get("credit_code"))}
	_, err := h.Store.CreateInstitution(r.Context(), model.InstitutionInput{Name: &f.Name, Type: &f.Type, RegionCode: &f.RegionCode, CreditCode: &f.CreditCode})
	if err != nil {
		e := model.AsError(err)
		status := formStatus(e)
		if status == 0 {
			return err
		}
		v := &institutionFormView{Page: h.page(r, ""), Form: f}
		v.setErrors(e)
		return h.institutionFormPage(w, r, status, v)
	}
	return seeOther(w, r, "/institutions?msg=created")
}
