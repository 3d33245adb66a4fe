package web

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/model"
	"houdun/internal/store"
)

// The second step of an administrator's login. After the password, the
// browser holds only a random token in a cookie of its own (path /login,
// HttpOnly, SameSite=Strict); which account, which step and the key being
// enrolled stay in the store, so nothing on the client can be forged into a
// login. No session exists until the code is right, so the administrator can
// do nothing else meanwhile.

// pendingCookie names the cookie of a login waiting for its second step.
const pendingCookie = "houdun_login"

func (h *handlers) setPendingCookie(w http.ResponseWriter, token string) {
	maxAge := int(h.Config.Session.PendingFor.Seconds())
	if maxAge <= 0 {
		maxAge = int(store.DefaultSessionPolicy.PendingFor.Seconds())
	}
	http.SetCookie(w, &http.Cookie{Name: pendingCookie, Value: token, Path: "/login", MaxAge: maxAge, HttpOnly: true,
		Secure: h.Config.SecureCookies, SameSite: http.SameSiteStrictMode})
}

func (h *handlers) clearPendingCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: pendingCookie, Value: "", Path: "/login", MaxAge: -1, HttpOnly: true,
		Secure: h.Config.SecureCookies, SameSite: http.SameSiteStrictMode})
}

func pendingToken(r *http.Request) string {
	if c, err := r.Cookie(pendingCookie); err == nil {
		return c.Value
	}
	return ""
}

// otpView is the page that asks an administrator for the current code.
type otpView struct {
	Page
	Next     string
	Username string
}

// enrolView is the page that sets up an administrator's authenticator. The
// key is on it only in the answer that made it (Secret set); a later visit
// offers a new key instead of showing the old one again.
type enrolView struct {
	Page
	Next     string
	Username string
	Secret   string       // base32, in groups of four for reading
	URI      string       // otpauth://…
	QR       template.URL // the URI as a PNG QR code, a data: URL
}

// pending returns the pending login of the request when it is at step, or
// redirects to where the visitor belongs: the login form, or the other step.
func (h *handlers) pending(w http.ResponseWriter, r *http.Request, step string) (store.PendingLogin, bool) {
	next := localPath(r.FormValue("next"))
	p, err := h.Store.GetPendingLogin(r.Context(), pendingToken(r))
	switch {
	case err != nil:
		h.clearPendingCookie(w)
		http.Redirect(w, r, "/login"+nextQuery(next), http.StatusSeeOther)
		return p, false
	case p.Step != step:
		to := "/login/otp"
		if p.Step == store.StepEnrol {
			to = "/login/enrol"
		}
		http.Redirect(w, r, to+nextQuery(next), http.StatusSeeOther)
		return p, false
	}
	return p, true
}

func (h *handlers) otpPage(w http.ResponseWriter, r *http.Request) error {
	if auth.FromContext(r.Context()) != nil {
		return seeOther(w, r, orHome(localPath(r.URL.Query().Get("next"))))
	}
	p, ok := h.pending(w, r, store.StepOTP)
	if !ok {
		return nil
	}
	v := &otpView{Page: h.page(r, "web.otp.title"), Next: localPath(r.URL.Query().Get("next")), Username: p.Username}
	h.render(w, r, http.StatusOK, "login_otp", v)
	return nil
}

func (h *handlers) otpSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, 8<<10); err != nil {
		return err
	}
	p, ok := h.pending(w, r, store.StepOTP)
	if !ok {
		return nil
	}
	v := &otpView{Page: h.page(r, "web.otp.title"), Next: localPath(r.PostForm.Get("next")), Username: p.Username}
	v.Back = "/login/otp" + nextQuery(v.Next)
	return h.completeLogin(w, r, v.Next, func(status int, e *model.Error) {
		v.setErrors(e)
		h.render(w, r, status, "login_otp", v)
	})
}

func (h *handlers) enrolPage(w http.ResponseWriter, r *http.Request) error {
	if auth.FromContext(r.Context()) != nil {
		return seeOther(w, r, orHome(localPath(r.URL.Query().Get("next"))))
	}
	p, ok := h.pending(w, r, store.StepEnrol)
	if !ok {
		return nil
	}
	v := &enrolView{Page: h.page(r, "web.otp.enrol_title"), Next: localPath(r.URL.Query().Get("next")), Username: p.Username}
	h.render(w, r, http.StatusOK, "login_enrol", v)
	return nil
}

// enrolKey offers a new key to a pending enrolment, on the page it answers with.
func (h *handlers) enrolKey(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, 8<<10); err != nil {
		return err
	}
	p, ok := h.pending(w, r, store.StepEnrol)
	if !ok {
		return nil
	}
	key, err := h.Store.NewEnrolmentKey(r.Context(), pendingToken(r))
	if err != nil {
		return err
	}
	v := &enrolView{Page: h.page(r, "web.otp.enrol_title"), Next: localPath(r.PostForm.Get("next")), Username: p.Username}
	return h.renderEnrol(w, r, http.StatusOK, v, key)
}

func (h *handlers) enrolSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r, 8<<10); err != nil {
		return err
	}
	p, ok := h.pending(w, r, store.StepEnrol)
	if !ok {
		return nil
	}
	v := &enrolView{Page: h.page(r, "web.otp.enrol_title"), Next: localPath(r.PostForm.Get("next")), Username: p.Username}
	v.Back = "/login/enrol" + nextQuery(v.Next)
	return h.completeLogin(w, r, v.Next, func(status int, e *model.Error) {
		v.setErrors(e)
		h.render(w, r, status, "login_enrol", v)
	})
}

// renderEnrol shows the enrolment page with a freshly made key: its QR code,
// its URI and its secret, this once.
func (h *handlers) renderEnrol(w http.ResponseWriter, r *http.Request, status int, v *enrolView, key auth.TOTPKey) error {
	png, err := key.QRCode(220)
	if err != nil {
		return model.Internal(err)
	}
	v.URI = key.URI
	// The CSP allows img-src data:, so the code needs no address of its own
	// (which a GET would have to serve, and a cache could keep).
	v.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	var groups []string
	for s := key.Secret; s != ""; {
		n := min(4, len(s))
		groups, s = append(groups, s[:n]), s[n:]
	}
	v.Secret = strings.Join(groups, " ")
	v.Back = "/login/enrol" + nextQuery(v.Next)
	h.render(w, r, status, "login_enrol", v)
	return nil
}

// completeLogin checks the code of the request's pending login and, when it
// is right, opens the session and goes on to next. A wrong code is shown
// with fail; a login that can no longer finish (expired, locked) goes back
// to the password form with the reason.
func (h *handlers) completeLogin(w http.ResponseWriter, r *http.Request, next string, fail func(int, *model.Error)) error {
	ip := httpx.ClientIP(r.Context())
	if !h.Login.Allow(ip) {
		fail(http.StatusTooManyRequests, model.Errorf(model.ERateLimited, "error.rate_limited"))
		return nil
	}
	token, pr, err := h.Store.CompleteLogin(r.Context(), pendingToken(r), r.PostForm.Get("otp"),
		store.Credentials{IP: ip, UserAgent: r.UserAgent()}, h.Config.Session)
	if err != nil {
		e := model.AsError(err)
		switch e.Code {
		case model.EOTPInvalid:
			h.Login.Failed(ip)
			e = &model.Error{Code: e.Code, Msg: e.Msg, Fields: map[string]model.Msg{"otp": e.Msg}}
			fail(http.StatusUnauthorized, e)
			return nil
		case model.EInvalid:
			fail(http.StatusUnprocessableEntity, e)
			return nil
		case model.ELocked, model.EUnauthenticated:
			if e.Code == model.ELocked {
				h.Login.Failed(ip)
			}
			h.clearPendingCookie(w)
			v := &loginView{Page: h.page(r, "web.login.title"), Next: next}
			v.Back = "/login" + nextQuery(next)
			v.setErrors(e)
			h.render(w, r, httpx.Status(e.Code), "login", v)
			return nil
		}
		return err
	}
	h.clearPendingCookie(w)
	httpx.SetSessionCookie(w, token, h.Config.SecureCookies)
	h.Log.InfoContext(r.Context(), "web login", "user_id", pr.UserID, "second_factor", true)
	return seeOther(w, r, orHome(next))
}
