package web

import (
	"net/http"
	"net/url"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/model"
)

// userListView is the accounts list.
type userListView struct {
	Page
	Q        string
	Role     string
	Roles    []option
	Users    []userRow
	Pager    pager
	CanWrite bool
}

// userRow is an account as the table shows it.
type userRow struct {
	model.User
	Scope     string
	LastLogin string
	Locked    bool
	CanChange bool // the caller may disable or enable this account
	// OTP: the account logs in with an authenticator code; CanResetOTP: the
	// caller (the security administrator) may remove its authenticator.
	OTP, CanResetOTP bool
}

// canManage reports whether p may write accounts of role: administrators'
// accounts belong to the security administrator (三权分立).
func canManage(p *auth.Principal, role string) bool {
	if auth.IsAdminRole(role) {
		return p.Can(auth.PermUserGrant)
	}
	return p.Can(auth.PermUserWrite) || p.Can(auth.PermUserGrant)
}

func (h *handlers) userList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermUserRead)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := &userListView{Page: h.page(r, "web.users.title"), Q: strings.TrimSpace(q.Get("q")), Role: q.Get("role"),
		CanWrite: p.Can(auth.PermUserWrite) || p.Can(auth.PermUserGrant)}
	if !auth.ValidRole(v.Role) {
		v.Role = ""
	}
	list, err := h.Store.ListUsers(r.Context(), model.UserFilter{Q: v.Q, Role: v.Role, Page: pageOf(r)})
	if err != nil {
		return err
	}
	v.Current, v.Notice = "users", v.notice(r)
	v.Roles = roleOptions(v.Page, auth.Roles, v.Role)
	now := h.Store.Now()
	for _, u := range list.Items {
		row := userRow{User: u, LastLogin: formatTimePtr(u.LastLoginAt), CanChange: canManage(p, u.Role) && u.ID != p.UserID}
		row.Locked = u.LockedUntil != nil && u.LockedUntil.After(now)
		row.OTP = auth.RequiresTOTP(u.Role)
		row.CanResetOTP = u.TOTPEnrolled && p.Can(auth.PermUserGrant) && u.ID != p.UserID
		row.Scope = userScope(v.Page, u)
		v.Users = append(v.Users, row)
	}
	v.Pager = newPager("/users", url.Values{"q": {v.Q}, "role": {v.Role}}, list.Total, list.Offset, list.Limit)
	h.render(w, r, http.StatusOK, "user_list", v)
	return nil
}

// userScope describes an account's scope.
func userScope(p Page, u model.User) string {
	switch {
	case u.PersonID != nil:
		return p.T("web.user.scope_person", *u.PersonID)
	case u.InstitutionID != nil:
		return p.T("web.user.scope_institution", *u.InstitutionID)
	}
	return p.T("web.user.scope_region", u.RegionCode)
}

func roleOptions(p Page, roles []string, selected string) []option {
	out := make([]option, 0, len(roles))
	for _, role := range roles {
		out = append(out, option{Value: role, Text: p.Label("role", role), Selected: role == selected})
	}
	return out
}

// userForm is the create form of an account, as typed. The password is
// never echoed back.
type userForm struct {
	Username, DisplayName, Role, RegionCode, InstitutionID, PersonID string
}

type userFormView struct {
	Page
	Form          userForm
	Roles         []option
	RegionChoices []regionChoice // the region picker's list
}

func (h *handlers) userFormPage(w http.ResponseWriter, r *http.Request, status int, v *userFormView) {
	v.Title, v.Current, v.Back = v.T("web.user.new_title"), "users", "/users/new"
	if v.User != nil {
		v.RegionChoices = h.regionChoices(r, v.User)
	}
	var grantable []string
	for _, role := range auth.Roles {
		if canManage(v.User, role) {
			grantable = append(grantable, role)
		}
	}
	v.Roles = roleOptions(v.Page, grantable, v.Form.Role)
	h.render(w, r, status, "user_form", v)
}

func (h *handlers) userNew(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r)
	if err != nil {
		return err
	}
	if !p.Can(auth.PermUserWrite) && !p.Can(auth.PermUserGrant) {
		return httpx.Forbidden("error.forbidden")
	}
	v := &userFormView{Page: h.page(r, ""), Form: userForm{RegionCode: p.RegionCode}}
	h.userFormPage(w, r, http.StatusOK, v)
	return nil
}

func (h *handlers) userCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r)
	if err != nil {
		return err
	}
	if !p.Can(auth.PermUserWrite) && !p.Can(auth.PermUserGrant) {
		return httpx.Forbidden("error.forbidden")
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	pf := r.PostForm
	f := userForm{Username: strings.TrimSpace(pf.Get("username")), DisplayName: pf.Get("display_name"), Role: pf.Get("role"),
		RegionCode: strings.TrimSpace(pf.Get("region_code")), InstitutionID: strings.TrimSpace(pf.Get("institution_id")),
		PersonID: strings.TrimSpace(pf.Get("person_id"))}
	password := pf.Get("password")
	in := model.UserInput{Username: &f.Username, DisplayName: &f.DisplayName, Role: &f.Role, Password: &password}
	fe := model.FieldErrors{}
	if f.RegionCode != "" {
		in.RegionCode = &f.RegionCode
	}
	if id, ok := parseID(f.InstitutionID); !ok {
		fe.Add("institution_id", "field.number")
	} else if id != 0 {
		in.InstitutionID = &id
	}
	if id, ok := parseID(f.PersonID); !ok {
		fe.Add("person_id", "field.number")
	} else if id != 0 {
		in.PersonID = &id
	}
	err = fe.Err()
	if err == nil {
		_, err = h.Store.CreateUser(r.Context(), in)
	}
	if err != nil {
		e := model.AsError(err)
		status := formStatus(e)
		if e.Code == model.EForbidden && e.Msg.Key == "user.cannot_grant" {
			// A role the caller may not grant is a mistake in the form, shown there.
			status, e = http.StatusForbidden, &model.Error{Code: e.Code, Msg: e.Msg, Fields: map[string]model.Msg{"role": e.Msg}}
		}
		if status == 0 {
			return err
		}
		v := &userFormView{Page: h.page(r, ""), Form: f}
		v.setErrors(e)
		v.requireChosen("role", f.Role)
		h.userFormPage(w, r, status, v)
		return nil
	}
	return seeOther(w, r, "/users?msg=created")
}

func (h *handlers) userDisable(w http.ResponseWriter, r *http.Request) error {
	return h.setDisabled(w, r, true)
}
func (h *handlers) userEnable(w http.ResponseWriter, r *http.Request) error {
	return h.setDisabled(w, r, false)
}

// setDisabled disables or enables an account; disabling ends its sessions.
func (h *handlers) setDisabled(w http.ResponseWriter, r *http.Request, disabled bool) error {
	p, err := httpx.Require(r)
	if err != nil {
		return err
	}
	if !p.Can(auth.PermUserWrite) && !p.Can(auth.PermUserGrant) {
		return httpx.Forbidden("error.forbidden")
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Store.UpdateUser(r.Context(), id, model.UserInput{Disabled: &disabled}); err != nil {
		return err
	}
	h.Log.InfoContext(r.Context(), "account changed", "user_id", p.UserID, "target_id", id, "disabled", disabled)
	return seeOther(w, r, "/users?msg=saved")
}
