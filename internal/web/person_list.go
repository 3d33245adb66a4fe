package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
)

// personFilterForm is the people list's filter as the query string carries it.
// The names are the JSON API's, so the export links reuse the same query.
type personFilterForm struct {
	Q             string
	IDNumber      string
	Phone         string
	InstitutionID string
	Occupation    string
	Frontline     string // "", "true", "false"
}

func newPersonFilterForm(r *http.Request) personFilterForm {
	q := r.URL.Query()
	f := personFilterForm{Q: strings.TrimSpace(q.Get("q")), IDNumber: strings.TrimSpace(q.Get("id_number")),
		Phone: strings.TrimSpace(q.Get("phone")), InstitutionID: q.Get("institution_id"), Occupation: q.Get("occupation"),
		Frontline: q.Get("frontline")}
	if _, ok := parseID(f.InstitutionID); !ok {
		f.InstitutionID = ""
	}
	if !model.Contains(model.Occupations, f.Occupation) {
		f.Occupation = ""
	}
	if f.Frontline != "true" && f.Frontline != "false" {
		f.Frontline = ""
	}
	return f
}

// values is the filter as query values, empty ones left out.
func (f personFilterForm) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"q": f.Q, "id_number": f.IDNumber, "phone": f.Phone,
		"institution_id": f.InstitutionID, "occupation": f.Occupation, "frontline": f.Frontline} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// filter is the store filter of the form.
func (f personFilterForm) filter(page model.Page) model.PersonFilter {
	out := model.PersonFilter{Q: f.Q, IDNumber: f.IDNumber, Phone: f.Phone, Occupation: f.Occupation, Page: page}
	out.InstitutionID, _ = parseID(f.InstitutionID)
	if f.Frontline != "" {
		b := f.Frontline == "true"
		out.Frontline = &b
	}
	return out
}

// Active reports whether any filter is set.
func (f personFilterForm) Active() bool { return len(f.values()) > 0 }

// personListView is the people list.
type personListView struct {
	Page
	Filter       personFilterForm
	Institutions []option
	Occupations  []option
	People       []model.Person
	Pager        pager
	CanWrite     bool
	ExportXLSX   string // empty when the role may not export
	ExportCSV    string
}

func (h *handlers) personList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermPersonRead)
	if err != nil {
		return err
	}
	f := newPersonFilterForm(r)
	list, err := h.Store.ListPeople(r.Context(), f.filter(pageOf(r)))
	if err != nil {
		return err
	}
	v := &personListView{Page: h.page(r, "web.people.title"), Filter: f, People: list.Items,
		CanWrite: p.Can(auth.PermPersonWrite)}
	v.Current, v.Notice = "people", v.notice(r)
	v.Pager = newPager("/people", f.values(), list.Total, list.Offset, list.Limit)
	v.Occupations = occupationOptions(v.Page, f.Occupation)
	if v.Institutions, err = h.institutionOptions(r, p, f.InstitutionID); err != nil {
		return err
	}
	if p.Can(auth.PermPersonExport) {
		q := f.values().Encode()
		v.ExportXLSX, v.ExportCSV = "/api/v1/exports/people.xlsx", "/api/v1/exports/people.csv"
		if q != "" {
			v.ExportXLSX += "?" + q
			v.ExportCSV += "?" + q
		}
	}
	h.render(w, r, http.StatusOK, "person_list", v)
	return nil
}

// institutionOptions lists the institutions in the caller's scope for a
// select, with selected marked. A role without institution.read gets none.
func (h *handlers) institutionOptions(r *http.Request, p *auth.Principal, selected string) ([]option, error) {
	if !p.Can(auth.PermInstitutionRead) {
		return nil, nil
	}
	list, err := h.Store.ListInstitutions(r.Context(), store.InstitutionFilter{Page: model.Page{Limit: 500}})
	if err != nil {
		return nil, err
	}
	out := make([]option, 0, len(list.Items))
	for _, in := range list.Items {
		id := strconv.FormatInt(in.ID, 10)
		out = append(out, option{Value: id, Text: in.Name, Selected: id == selected})
	}
	return out, nil
}

// occupationOptions lists the occupations for a select.
func occupationOptions(p Page, selected string) []option {
	out := make([]option, 0, len(model.Occupations))
	for _, o := range model.Occupations {
		out = append(out, option{Value: o, Text: p.Label("occupation", o), Selected: o == selected})
	}
	return out
}
