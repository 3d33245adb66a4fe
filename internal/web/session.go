package web

import (
	"net/http"
	"net/url"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/store"
)

// loginView is the login page.
type loginView struct {
	Page
	Next     string
	Username string
}

func (h *handlers) loginPage(w http.ResponseWriter, r *http.Request) error {
	next := localPath(r.URL.Query().Get("next"))
	if auth.FromContext(r.Context()) != nil {
		return seeOther(w, r, orHome(next))
	}
	v := &loginView{Page: h.page(r, "web.login.title"), Next: next}
	v.Notice = v.notice(r)
	h.render(w, r, http.StatusOK, "login", v)
	return nil
}

func orHome(next string) string {
	if next == "" || strings.HasPrefix(next, "/login") {
		return "/"
	}
	return next
}

// loginSubmit checks the credentials. A failure re-renders the form with the
// translated reason and sets no cookie.
func (h *handlers) loginSubmit(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return model.Errorf(model.EInvalid, "error.invalid")
	}
	v := &loginView{Page: h.page(r, "web.login.title"), Next: localPath(r.PostForm.Get("next")),
		Username: strings.TrimSpace(r.PostForm.Get("username"))}
	v.Back = "/login"
	if v.Next != "" {
		v.Back += "?next=" + url.QueryEscape(v.Next)
	}
	password := r.PostForm.Get("password")
	fail := func(status int, e *model.Error) error {
		v.setErrors(e)
		h.render(w, r, status, "login", v)
		return nil
	}
	if v.Username == "" || password == "" {
		fe := model.FieldErrors{}
		if v.Username == "" {
			fe.Add("username", "field.required")
		}
		if password == "" {
			fe.Add("password", "field.required")
		}
		return fail(http.StatusUnprocessableEntity, model.AsError(fe.Err()))
	}
	ip := httpx.ClientIP(r.Context())
	if !h.Login.Allow(ip) {
		return fail(http.StatusTooManyRequests, model.Errorf(model.ERateLimited, "error.rate_limited"))
	}
	res, err := h.Store.BeginLogin(r.Context(), store.Credentials{Username: v.Username, Password: password, IP: ip, UserAgent: r.UserAgent()}, h.Config.Session)
	if err != nil {
		e := model.AsError(err)
		if e.Code == model.EUnauthenticated || e.Code == model.ELocked {
			h.Login.Failed(ip)
		}
		switch e.Code {
		case model.EUnauthenticated:
			return fail(http.StatusUnauthorized, e)
		case model.ELocked:
			return fail(http.StatusLocked, e)
		case model.EForbidden:
			// The role waits for the security administrator's grant.
			return fail(http.StatusForbidden, e)
		}
		return err
	}
	if res.Token == "" {
		// An administrator: the second step is due, its state kept server-side.
		h.setPendingCookie(w, res.Pending)
		if res.Step == store.StepEnrol {
			return h.renderEnrol(w, r, http.StatusOK, &enrolView{Page: h.page(r, "web.otp.enrol_title"), Next: v.Next, Username: v.Username}, res.Key)
		}
		return seeOther(w, r, "/login/otp"+nextQuery(v.Next))
	}
	httpx.SetSessionCookie(w, res.Token, h.Config.SecureCookies)
	h.Log.InfoContext(r.Context(), "web login", "user_id", res.Principal.UserID)
	return seeOther(w, r, orHome(v.Next))
}

// nextQuery carries the page asked for through the login's steps.
func nextQuery(next string) string {
	if next == "" {
		return ""
	}
	return "?next=" + url.QueryEscape(next)
}

// logout ends the session server-side and clears the cookie.
func (h *handlers) logout(w http.ResponseWriter, r *http.Request) error {
	if err := h.Store.Logout(r.Context()); err != nil {
		return err
	}
	httpx.ClearSessionCookie(w, h.Config.SecureCookies)
	return seeOther(w, r, "/login")
}

// switchLang sets the language cookie and returns to the page the link was
// on. It changes no server state: the choice lives in the browser.
func (h *handlers) switchLang(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	to := i18n.ZH
	if q.Get("to") == string(i18n.EN) {
		to = i18n.EN
	}
	http.SetCookie(w, &http.Cookie{Name: "lang", Value: string(to), Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: h.Config.SecureCookies, SameSite: http.SameSiteLaxMode})
	back := localPath(q.Get("back"))
	if back == "" {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}
