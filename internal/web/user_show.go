package web

import (
	"net/http"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/model"
)

// An account's page (/users/{id}): what the administrators keep apart (三权分立)
// side by side, each shown only to the one whose work it is. The security
// administrator changes role and scope (which grants a pending role); the
// system administrator keeps the display name and resets the password to a
// one-time password the server makes, shown once. Nobody changes their own
// account here; the store decides and audits every refusal.

// userScopeForm is the role-and-scope form as typed.
type userScopeForm struct {
	Role, RegionCode, InstitutionID, PersonID, Version string
}

type userShowView struct {
	Page
	Account       model.User
	Scope         string
	LastLogin     string
	CanScope      bool // the security administrator, on another's account
	CanUpkeep     bool // the system administrator, on another's account
	Form          userScopeForm
	DisplayName   string
	Roles         []option
	RegionChoices []regionChoice
	// OneTimePassword is the password just set by a reset, shown this once.
	OneTimePassword string
}

func (h *handlers) userShowPage(w http.ResponseWriter, r *http.Request, status int, v *userShowView) error {
	p, err := httpx.Require(r)
	if err != nil {
		return err
	}
	own := v.Account.ID == p.UserID
	v.CanScope, v.CanUpkeep = p.Can(auth.PermUserGrant) && !own, p.Can(auth.PermUserWrite) && !own
	v.Title, v.Current, v.Back = v.T("web.user.show_title", v.Account.Username), "users", "/users/"+strconv.FormatInt(v.Account.ID, 10)
	v.Scope, v.LastLogin = userScope(v.Page, v.Account), formatTimePtr(v.Account.LastLoginAt)
	if v.Form == (userScopeForm{}) {
		v.Form = userScopeFormOf(v.Account)
	}
	if v.DisplayName == "" {
		v.DisplayName = v.Account.DisplayName
	}
	// An administrator account stays one, a business account stays business.
	kinds := auth.Roles
	if auth.IsAdminRole(v.Account.Role) {
		kinds = auth.AdminRoles
	} else {
		kinds = nil
		for _, role := range auth.Roles {
			if !auth.IsAdminRole(role) {
				kinds = append(kinds, role)
			}
		}
	}
	v.Roles = roleOptions(v.Page, kinds, v.Form.Role)
	if v.CanScope {
		v.RegionChoices = h.regionChoices(r, p)
	}
	h.render(w, r, status, "user_show", v)
	return nil
}

func userScopeFormOf(u model.User) userScopeForm {
	f := userScopeForm{Role: u.Role, RegionCode: u.RegionCode, Version: strconv.FormatInt(u.Version, 10)}
	if u.InstitutionID != nil {
		f.InstitutionID = strconv.FormatInt(*u.InstitutionID, 10)
	}
	if u.PersonID != nil {
		f.PersonID = strconv.FormatInt(*u.PersonID, 10)
	}
	return f
}

// userTarget reads the account of the route.
func (h *handlers) userTarget(r *http.Request) (model.User, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return model.User{}, err
	}
	return h.Store.GetUser(r.Context(), id)
}

func (h *handlers) userShow(w http.ResponseWriter, r *http.Request) error {
	u, err := h.userTarget(r)
	if err != nil {
		return err
	}
	v := &userShowView{Page: h.page(r, "")}
	v.Account, v.Notice = u, v.notice(r)
	return h.userShowPage(w, r, http.StatusOK, v)
}

// formVersion reads a form's version field; a missing or bad one is stale.
func formVersion(s string) (*int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return nil, model.Errorf(model.EStaleVersion, "error.stale_version")
	}
	return &n, nil
}

// userFailed shows the account page again with the form's messages.
func (h *handlers) userFailed(w http.ResponseWriter, r *http.Request, v *userShowView, err error) error {
	e := model.AsError(err)
	status := formStatus(e)
	if status == 0 {
		return err
	}
	u, rerr := h.userTarget(r)
	if rerr != nil {
		return rerr
	}
	v.Account = u
	v.setErrors(e)
	if e.Code == model.EStaleVersion {
		v.Form.Version = strconv.FormatInt(u.Version, 10)
	}
	return h.userShowPage(w, r, status, v)
}

// userScopeSave is the security administrator's change of role and scope:
// exactly one of region, institution and person.
func (h *handlers) userScopeSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	pf := r.PostForm
	f := userScopeForm{Role: pf.Get("role"), RegionCode: strings.TrimSpace(pf.Get("region_code")), InstitutionID: strings.TrimSpace(pf.Get("institution_id")),
		PersonID: strings.TrimSpace(pf.Get("person_id")), Version: pf.Get("version")}
	v := &userShowView{Page: h.page(r, ""), Form: f}
	in := model.UserInput{Role: &f.Role}
	fe := model.FieldErrors{}
	if f.Role == "" {
		fe.Add("role", "field.required")
	}
	inst, okInst := parseID(f.InstitutionID)
	person, okPerson := parseID(f.PersonID)
	if !okInst {
		fe.Add("institution_id", "field.number")
	}
	if !okPerson {
		fe.Add("person_id", "field.number")
	}
	set := 0
	for _, s := range []string{f.RegionCode, f.InstitutionID, f.PersonID} {
		if s != "" {
			set++
		}
	}
	if set != 1 {
		fe.Add("region_code", "user.scope_one")
	}
	if err := fe.Err(); err != nil {
		return h.userFailed(w, r, v, err)
	}
	switch {
	case f.RegionCode != "":
		in.RegionCode = &f.RegionCode // padded (210900) or not: the store normalises and checks it
	case inst != 0:
		in.InstitutionID = &inst
	default:
		in.PersonID = &person
	}
	if in.Version, err = formVersion(f.Version); err != nil {
		return h.userFailed(w, r, v, err)
	}
	if _, err := h.Store.UpdateUser(r.Context(), id, in); err != nil {
		return h.userFailed(w, r, v, err)
	}
	return seeOther(w, r, "/users/"+strconv.FormatInt(id, 10)+"?msg=saved")
}

// userNameSave is the system administrator's change of the display name.
func (h *handlers) userNameSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	name := r.PostForm.Get("display_name")
	v := &userShowView{Page: h.page(r, ""), DisplayName: name}
	in := model.UserInput{DisplayName: &name}
	if in.Version, err = formVersion(r.PostForm.Get("version")); err != nil {
		return h.userFailed(w, r, v, err)
	}
	if _, err := h.Store.UpdateUser(r.Context(), id, in); err != nil {
		return h.userFailed(w, r, v, err)
	}
	return seeOther(w, r, "/users/"+strconv.FormatInt(id, 10)+"?msg=saved")
}

// userPasswordReset is the system administrator's reset: the server makes a
// one-time password, sets it (the owner changes it at their next login; the
// store tells their inbox) and shows it once, on this answer only.
func (h *handlers) userPasswordReset(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	v := &userShowView{Page: h.page(r, "")}
	if r.PostForm.Get("confirm") != "1" {
		return h.userFailed(w, r, v, model.FieldErrors{"confirm": model.M("user.reset_confirm")}.Err())
	}
	password := auth.OneTimePassword()
	in := model.UserInput{Password: &password}
	if in.Version, err = formVersion(r.PostForm.Get("version")); err != nil {
		return h.userFailed(w, r, v, err)
	}
	u, err := h.Store.UpdateUser(r.Context(), id, in)
	if err != nil {
		return h.userFailed(w, r, v, err)
	}
	v.Account, v.OneTimePassword = u, password
	return h.userShowPage(w, r, http.StatusOK, v)
}
