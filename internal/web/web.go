// Package web serves the server-rendered HTML pages: login, the people
// registry with families, imports, institutions, users and the audit trail,
// and the needs ledger's cases, visits, volunteers, inbox and dashboard
// (need_routes.go lists those).
// Pages are html/template files embedded in the binary and parsed once at
// start; every user-facing text comes from the i18n catalogue. Handlers parse
// forms and render; permissions are checked here only to choose between a
// page and a 403, while record scope stays in the store's queries. The
// package holds no SQL and no business rules, and its logs carry ids only.
package web

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/config"
	"houdun/internal/httpx"
	"houdun/internal/importer"
	"houdun/internal/model"
	"houdun/internal/store"
)

// Deps is what the pages need.
type Deps struct {
	Store  *store.Store
	Config config.Config
	Log    *slog.Logger
	// Login is shared with the API so that an address has one budget.
	Login *httpx.LoginLimiter
	// Imports bounds the imports running at once, shared with the API.
	Imports *importer.Gate
}

// handlers holds the parsed templates and the state pages share.
type handlers struct {
	Deps
	tpl    *renderer
	jobs   *jobRegistry
	static http.Handler
}

// handlerFunc is a page handler that returns its error to one wrapper,
// which renders it as the 403, 404 or 500 page or sends the visitor to login.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// Register adds every page route to mux. It panics if the embedded templates
// do not parse: that is a build defect, not a runtime condition.
func Register(mux *http.ServeMux, d Deps) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Config.MaxBodyBytes <= 0 {
		d.Config.MaxBodyBytes = 1 << 20
	}
	if d.Config.MaxUploadBytes <= 0 {
		d.Config.MaxUploadBytes = 32 << 20
	}
	tpl, err := newRenderer()
	if err != nil {
		panic(err)
	}
	if d.Login == nil {
		d.Login = httpx.NewLoginLimiter()
	}
	if d.Imports == nil {
		d.Imports = importer.NewGate(0)
	}
	h := &handlers{Deps: d, tpl: tpl, jobs: newJobRegistry(), static: staticHandler()}
	for _, rt := range h.routes() {
		fn := rt.fn
		if rt.perm != "" {
			fn = requirePerm(rt.perm, fn)
		}
		if !rt.public {
			fn = h.requireLogin(fn)
		}
		mux.Handle(rt.pattern, h.wrap(fn))
	}
}

// route is one page. perm, when set, is the permission the caller's role
// must hold: the wrapper answers 403 without it, before the handler runs, so
// a handler checks only what depends on the record or on more than one
// permission (the dashboard, account changes, a case's steps). Scope stays in
// the store. access_test.go writes the resulting matrix out by hand.
type route struct {
	pattern string
	fn      handlerFunc
	public  bool            // reachable without logging in
	perm    auth.Permission // needed by the caller's role; "" when the handler decides
}

func (h *handlers) routes() []route {
	core := []route{
		{pattern: "GET /static/", fn: h.serveStatic, public: true},
		{pattern: "GET /login", fn: h.loginPage, public: true},
		{pattern: "POST /login", fn: h.loginSubmit, public: true},
		{pattern: "POST /logout", fn: h.logout, public: true},
		{pattern: "GET /lang", fn: h.switchLang, public: true},
		// The second step of an administrator's login (login_otp.go).
		{pattern: "GET /login/otp", fn: h.otpPage, public: true},
		{pattern: "POST /login/otp", fn: h.otpSubmit, public: true},
		{pattern: "GET /login/enrol", fn: h.enrolPage, public: true},
		{pattern: "POST /login/enrol", fn: h.enrolSubmit, public: true},
		{pattern: "POST /login/enrol/key", fn: h.enrolKey, public: true},
		{pattern: "/", fn: h.notFound, public: true},

		{pattern: "GET /{$}", fn: h.home},

		{pattern: "GET /account", fn: h.accountPage},
		{pattern: "POST /account/password", fn: h.passwordChange},
		{pattern: "POST /account/otp/reset", fn: h.otpResetOwn},

		{pattern: "GET /people", fn: h.personList, perm: auth.PermPersonRead},
		{pattern: "GET /people/new", fn: h.personNew, perm: auth.PermPersonWrite},
		{pattern: "POST /people", fn: h.personCreate, perm: auth.PermPersonWrite},
		{pattern: "GET /people/{id}", fn: h.personShow, perm: auth.PermPersonRead},
		{pattern: "GET /people/{id}/edit", fn: h.personEdit, perm: auth.PermPersonWrite},
		{pattern: "POST /people/{id}", fn: h.personUpdate, perm: auth.PermPersonWrite},

		{pattern: "GET /people/{id}/family/new", fn: h.familyNew, perm: auth.PermPersonWrite},
		{pattern: "POST /people/{id}/family", fn: h.familyCreate, perm: auth.PermPersonWrite},
		{pattern: "GET /people/{id}/family/{mid}/edit", fn: h.familyEdit, perm: auth.PermPersonWrite},
		{pattern: "POST /people/{id}/family/{mid}", fn: h.familyUpdate, perm: auth.PermPersonWrite},
		{pattern: "GET /people/{id}/family/{mid}/delete", fn: h.familyDeleteConfirm, perm: auth.PermPersonWrite},
		{pattern: "POST /people/{id}/family/{mid}/delete", fn: h.familyDelete, perm: auth.PermPersonWrite},

		{pattern: "GET /import", fn: h.importPage, perm: auth.PermPersonImport},
		{pattern: "POST /import/people", fn: h.importPeople, perm: auth.PermPersonImport},
		{pattern: "POST /import/families", fn: h.importFamilies, perm: auth.PermPersonImport},
		{pattern: "GET /import/jobs/{id}", fn: h.importJob, perm: auth.PermPersonImport},

		{pattern: "GET /institutions", fn: h.institutionList, perm: auth.PermInstitutionRead},
		{pattern: "GET /institutions/new", fn: h.institutionNew, perm: auth.PermInstitutionWrite},
		{pattern: "POST /institutions", fn: h.institutionCreate, perm: auth.PermInstitutionWrite},

		{pattern: "GET /users", fn: h.userList, perm: auth.PermUserRead},
		{pattern: "GET /users/new", fn: h.userNew},
		{pattern: "POST /users", fn: h.userCreate},
		{pattern: "POST /users/{id}/disable", fn: h.userDisable},
		{pattern: "POST /users/{id}/enable", fn: h.userEnable},
		{pattern: "POST /users/{id}/otp/reset", fn: h.otpResetUser, perm: auth.PermUserGrant},
		{pattern: "POST /users/{id}/grant", fn: h.userGrant, perm: auth.PermUserGrant},
		{pattern: "GET /users/{id}", fn: h.userShow, perm: auth.PermUserRead},
		{pattern: "POST /users/{id}/scope", fn: h.userScopeSave, perm: auth.PermUserGrant},
		{pattern: "POST /users/{id}/name", fn: h.userNameSave, perm: auth.PermUserWrite},
		{pattern: "POST /users/{id}/password", fn: h.userPasswordReset, perm: auth.PermUserWrite},

		{pattern: "GET /audit", fn: h.auditList, perm: auth.PermAuditRead},
	}
	// Each area's pages, one line each.
	for _, area := range [][]route{
		h.needRoutes(),
		h.familyLinkRoutes(),
		h.transferRoutes(),
		h.deployRoutes(),
		h.incidentRoutes(),
		h.psychRoutes(),
		h.checkinRoutes(),
		h.letterRoutes(),
		h.subsidyRoutes(),
		h.supplyRoutes(),
		h.stayRoutes(), // accommodation (stay.go)
		h.tripRoutes(), // transport (trip.go)
	} {
		core = append(core, area...)
	}
	return core
}

// wrap turns a handlerFunc into an http.Handler that renders its error.
func (h *handlers) wrap(fn handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fault := httpx.AuthFault(r.Context()); fault != nil {
			// The session could not be checked (the database failed): the
			// page says so instead of sending the user to the login.
			h.renderError(w, r, fault)
			return
		}
		if err := fn(w, r); err != nil {
			h.renderError(w, r, err)
		}
	})
}

// requireLogin sends visitors without a session to the login page, with the
// page they asked for as next (GET only: a form cannot be replayed).
func (h *handlers) requireLogin(fn handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := auth.FromContext(r.Context())
		if p == nil {
			return errLogin
		}
		if p.PasswordChangeRequired && r.URL.Path != "/account" && r.URL.Path != "/account/password" {
			// A password an administrator set is changed before anything else.
			return seeOther(w, r, "/account?msg=password_must_change")
		}
		return fn(w, r)
	}
}

// requirePerm answers 403 to a caller whose role lacks perm.
func requirePerm(perm auth.Permission, fn handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if _, err := need(r, perm); err != nil {
			return err
		}
		return fn(w, r)
	}
}

var errLogin = model.Errorf(model.EUnauthenticated, "error.unauthenticated")

// loginURL is the login page that returns to r's page after logging in.
func loginURL(r *http.Request) string {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return "/login"
	}
	next := r.URL.RequestURI()
	if next == "/" {
		return "/login"
	}
	return "/login?next=" + url.QueryEscape(next)
}

// need returns the caller, or EForbidden when their role lacks perm.
func need(r *http.Request, perm auth.Permission) (*auth.Principal, error) {
	p, err := httpx.Require(r)
	if err != nil {
		return nil, err
	}
	if !p.Can(perm) {
		return nil, httpx.Forbidden("error.forbidden")
	}
	return p, nil
}

// renderError shows err as a page in the caller's language. Internal causes
// go to the log with the route pattern only, never the path (it carries ids
// that are fine) or the form (it carries personal data, which is not).
func (h *handlers) renderError(w http.ResponseWriter, r *http.Request, err error) {
	e := model.AsError(err)
	if e.Code == model.EUnauthenticated {
		http.Redirect(w, r, loginURL(r), http.StatusSeeOther)
		return
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		e = model.Errorf(model.ETooLarge, "error.too_large", httpx.ByteSize(tooBig.Limit))
	}
	httpx.NoteError(r.Context(), e.Code)
	status := httpx.Status(e.Code)
	if status >= 500 {
		h.Log.ErrorContext(r.Context(), "page failed", "route", r.Pattern, "err", err)
	}
	v := &errorView{Page: h.page(r, ""), Status: status}
	switch status {
	case http.StatusNotFound:
		v.Title, v.Message = v.T("web.error.404.title"), v.Msg(e.Msg)
	case http.StatusForbidden:
		v.Title, v.Message = v.T("web.error.403.title"), v.Msg(e.Msg)
	case http.StatusInternalServerError:
		v.Title, v.Message = v.T("web.error.500.title"), v.T("error.internal")
	case http.StatusServiceUnavailable, http.StatusInsufficientStorage:
		// The same page again, once the database answers: a GET is
		// retried as it was, a form goes back to the page it was sent from.
		v.Title, v.Message = v.T("web.error.503.title"), v.Msg(e.Msg)
		v.Retry = localPath(v.Page.Back)
		if v.Retry == "" {
			v.Retry = "/"
		}
		httpx.SetRetryAfter(w, status)
	default:
		v.Title, v.Message = v.T("web.error.title"), v.Msg(e.Msg)
	}
	v.Page.Title = v.Title
	h.render(w, r, status, "error", v)
}

// errorView is the 403, 404 and 500 page.
type errorView struct {
	Page
	Status  int
	Title   string
	Message string
	Plain   bool   // no way on: a relative's dead link leads nowhere else on the site
	Retry   string // the page to try again (the service was unavailable)
}

func (h *handlers) notFound(w http.ResponseWriter, r *http.Request) error {
	return model.NotFound("page")
}

// localPath returns s when it is a path on this site ("/people?q=x"), else "".
// It refuses absolute URLs, scheme-relative "//host" and backslash tricks
// that some browsers read as "//".
func localPath(s string) string {
	if s == "" || s[0] != '/' || strings.HasPrefix(s, "//") || strings.ContainsAny(s, "\\\r\n\t") {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return ""
	}
	return s
}

// seeOther redirects after a successful POST.
func seeOther(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
