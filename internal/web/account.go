package web

import (
	"net/http"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/model"
	"houdun/internal/store"
)

// accountView is the caller's own account: changing the password and, for
// administrators, replacing their authenticator.
type accountView struct {
	Page
	OTP        bool   // the account logs in with an authenticator code
	PolicyHint string // the password policy in force, in words
}

// policyHint words the password policy in force for the new password's field.
func (p Page) policyHint() string {
	return "hinttext=" + p.T("password.policy", store.PasswordPolicy.MinLength, store.PasswordPolicy.MinClasses)
}

func init() {
	for k, v := range map[string]string{
		"password_changed": "web.notice.password_changed",
		// A password an administrator set: changed before anything else.
		"password_must_change": "web.notice.password_must_change",
		"otp_reset":            "web.notice.otp_reset",
		"otp_removed":          "web.notice.otp_removed",
	} {
		notices[k] = v
	}
}

func (h *handlers) accountPage(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r)
	if err != nil {
		return err
	}
	v := &accountView{Page: h.page(r, "web.account.title"), OTP: auth.RequiresTOTP(p.Role)}
	v.PolicyHint = v.policyHint()
	v.Current, v.Notice = "account", v.notice(r)
	if p.PasswordChangeRequired {
		v.Notice = v.T("web.notice.password_must_change")
	}
	h.render(w, r, http.StatusOK, "account", v)
	return nil
}

// accountFail shows the account page again after a refused change, with its
// messages beside the fields; the passwords typed are not echoed back.
func (h *handlers) accountFail(w http.ResponseWriter, r *http.Request, status int, e *model.Error) error {
	p, _ := httpx.Require(r)
	v := &accountView{Page: h.page(r, "web.account.title"), OTP: p != nil && auth.RequiresTOTP(p.Role)}
	v.PolicyHint = v.policyHint()
	v.Current, v.Back = "account", "/account"
	v.setErrors(e)
	h.render(w, r, status, "account", v)
	return nil
}

// passwordChange changes the caller's own password; their other sessions end.
func (h *handlers) passwordChange(w http.ResponseWriter, r *http.Request) error {
	if _, err := httpx.Require(r); err != nil {
		return err
	}
	if err := parseForm(w, r, 8<<10); err != nil {
		return err
	}
	ip := httpx.ClientIP(r.Context())
	if !h.Login.Allow(ip) {
		return h.accountFail(w, r, http.StatusTooManyRequests, model.Errorf(model.ERateLimited, "error.rate_limited"))
	}
	in := model.PasswordChange{Current: r.PostForm.Get("current_password"), New: r.PostForm.Get("new_password")}
	if confirm := r.PostForm.Get("confirm_password"); confirm != in.New {
		fe := model.FieldErrors{}
		fe.Add("confirm_password", "password.mismatch")
		return h.accountFail(w, r, http.StatusUnprocessableEntity, model.AsError(fe.Err()))
	}
	err := h.Store.ChangePassword(r.Context(), in, h.Config.Session)
	if err == nil {
		return seeOther(w, r, "/account?msg=password_changed")
	}
	e := model.AsError(err)
	switch {
	case e.Code == model.ELocked:
		// Guessing from inside a session: the account is locked and the
		// session is over.
		h.Login.Failed(ip)
		httpx.ClearSessionCookie(w, h.Config.SecureCookies)
		v := &loginView{Page: h.page(r, "web.login.title")}
		v.User, v.Nav, v.Inbox, v.Back = nil, nil, false, "/login"
		v.setErrors(e)
		h.render(w, r, http.StatusLocked, "login", v)
		return nil
	case e.Code == model.EInvalid:
		if e.Fields["current_password"].Key == "password.wrong_current" {
			h.Login.Failed(ip)
		}
		return h.accountFail(w, r, http.StatusUnprocessableEntity, e)
	}
	return err
}

// otpResetOwn removes the caller's own authenticator, which takes a current
// code; the session ends, and the next login enrols a new one.
func (h *handlers) otpResetOwn(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, 8<<10); err != nil {
		return err
	}
	ip := httpx.ClientIP(r.Context())
	if !h.Login.Allow(ip) {
		return h.accountFail(w, r, http.StatusTooManyRequests, model.Errorf(model.ERateLimited, "error.rate_limited"))
	}
	err = h.Store.ResetOTP(r.Context(), p.UserID, r.PostForm.Get("otp"), h.Config.Session)
	if err == nil {
		httpx.ClearSessionCookie(w, h.Config.SecureCookies)
		return seeOther(w, r, "/login?msg=otp_removed")
	}
	e := model.AsError(err)
	switch e.Code {
	case model.EOTPInvalid, model.EInvalid, model.EConflict:
		if e.Code == model.EOTPInvalid {
			h.Login.Failed(ip)
			e = &model.Error{Code: e.Code, Msg: e.Msg, Fields: map[string]model.Msg{"otp": e.Msg}}
		}
		return h.accountFail(w, r, httpx.Status(e.Code), e)
	case model.ELocked:
		h.Login.Failed(ip)
		httpx.ClearSessionCookie(w, h.Config.SecureCookies)
		return seeOther(w, r, "/login")
	}
	return err
}

// otpResetUser is the security administrator's reset of another account's
// authenticator (a lost phone): its sessions end, and it enrols anew.
func (h *handlers) otpResetUser(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermUserGrant)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if id == p.UserID {
		return seeOther(w, r, "/account")
	}
	if err := h.Store.ResetOTP(r.Context(), id, "", h.Config.Session); err != nil {
		return err
	}
	h.Log.InfoContext(r.Context(), "authenticator reset", "user_id", p.UserID, "target_id", id)
	return seeOther(w, r, "/users?msg=otp_reset")
}
