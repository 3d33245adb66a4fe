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
	CanWrite bool // the caller has actions on accounts (the actions column)
	// CanCreate: the caller makes accounts (the system administrator).
	CanCreate bool
}

// userRow is an account as the table shows it.
type userRow struct {
	model.User
	Scope     string
	LastLogin string
	Locked    bool
	CanChange bool // the caller may disable or enable this account
	// CanGrant: the account waits for its role and the caller (the security
	// administrator) may grant it.
	CanGrant bool
	// OTP: the account logs in with an authenticator code; CanResetOTP: the
	// caller (the security administrator) may remove its authenticator.
	OTP, CanResetOTP bool
}

func (h *handlers) userList(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermUserRead)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := &userListView{Page: h.page(r, "web.users.title"), Q: strings.TrimSpace(q.Get("q")), Role: q.Get("role"),
		CanWrite: p.Can(auth.PermUserWrite) || p.Can(auth.PermUserGrant), CanCreate: p.Can(auth.PermUserWrite)}
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
		row := userRow{User: u, LastLogin: formatTimePtr(u.LastLoginAt), CanChange: p.Can(auth.PermUserWrite) && u.ID != p.UserID}
		row.CanGrant = u.RolePending && p.Can(auth.PermUserGrant) && u.ID != p.UserID
		row.Locked = u.LockedUntil != nil && u.LockedUntil.After(now)
		row.OTP = auth.RequiresTOTP(u.Role) || u.TOTPEnrolled // the second factor follows the account
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
	// The role asked for; the security administrator grants it afterwards.
	v.Roles = roleOptions(v.Page, auth.Roles, v.Form.Role)
	h.render(w, r, status, "user_form", v)
}

func (h *handlers) userNew(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r)
	if err != nil {
		return err
	}
	if !p.Can(auth.PermUserWrite) {
		return httpx.Forbidden("user.create_sysadmin_only")
	}
	v := &userFormView{Page: h.page(r, ""), Form: userForm{RegionCode: p.RegionCode}}
	h.userFormPage(w, r, http.StatusOK, v)
	return nil
}

func (h *handlers) userCreate(w http.ResponseWriter, r *http.Request) error {
	// The store decides who may, and audits a refusal.
	_, err := httpx.Require(r)
	if err != nil {
		return err
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

// userGrant is the security administrator's grant of the role an account
// waits for; the store refuses anyone else, and one's own account.
func (h *handlers) userGrant(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermUserGrant)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.Store.GrantUser(r.Context(), id); err != nil {
		return err
	}
	h.Log.InfoContext(r.Context(), "role granted", "user_id", p.UserID, "target_id", id)
	return seeOther(w, r, "/users?msg=granted")
}

func init() { notices["granted"] = "web.notice.role_granted" }
