package web

import (
	"net/http"
	"strconv"

	"houdun/internal/auth"
	"houdun/internal/httpx"
)

// homeView says who the user is and what they may use.
type homeView struct {
	Page
	RoleLabel string
	Scope     string // translated description of the scope
	ScopeLink string // the worker's own record
	Links     []homeLink
}

type homeLink struct {
	Href, Title, Text string
}

func (h *handlers) home(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r)
	if err != nil {
		return err
	}
	v := &homeView{Page: h.page(r, "web.home.title")}
	v.Current = "home"
	v.RoleLabel = v.Label("role", p.Role)
	ctx := r.Context()
	switch {
	case p.PersonID != 0:
		v.Scope = v.T("web.home.scope_person")
		v.ScopeLink = "/people/" + strconv.FormatInt(p.PersonID, 10)
	case p.InstitutionID != 0:
		name := "#" + strconv.FormatInt(p.InstitutionID, 10)
		if p.Can(auth.PermInstitutionRead) {
			if in, err := h.Store.GetInstitution(ctx, p.InstitutionID); err == nil {
				name = in.Name
			}
		}
		v.Scope = v.T("web.home.scope_institution", name)
	case p.RegionCode != "":
		name := p.RegionCode
		if p.Can(auth.PermRegionRead) {
			if path, err := h.Store.RegionPath(ctx, p.RegionCode); err == nil && len(path) > 0 {
				name = ""
				for _, rg := range path {
					name += rg.Name
				}
				name += " (" + p.RegionCode + ")"
			}
		}
		v.Scope = v.T("web.home.scope_region", name)
	default:
		v.Scope = v.T("web.home.scope_nation")
	}
	for _, n := range v.Nav {
		v.Links = append(v.Links, homeLink{Href: n.Href, Title: n.Text, Text: v.T("web.home.about." + n.Key)})
	}
	h.render(w, r, http.StatusOK, "home", v)
	return nil
}
