package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/i18n"
	"houdun/internal/model"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// renderer holds one parsed template set per page, each with the layout.
type renderer struct {
	pages map[string]*template.Template
}

// newRenderer parses every page of templates/ with layout.html and the
// shared parts (parts_*.html).
func newRenderer() (*renderer, error) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	rd := &renderer{pages: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || strings.HasPrefix(name, "parts_") {
			continue
		}
		t, err := template.New(name).Funcs(templateFuncs).ParseFS(templateFS, "templates/layout.html", "templates/parts_*.html", f)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		rd.pages[name] = t
	}
	return rd, nil
}

// names lists the page templates, for the test that renders them all.
func (rd *renderer) names() []string {
	out := make([]string, 0, len(rd.pages))
	for n := range rd.pages {
		out = append(out, n)
	}
	return out
}

// execute renders page name with view into a buffer, so that a template
// error becomes a 500 page rather than half a page.
func (rd *renderer) execute(name string, view any) ([]byte, error) {
	t, ok := rd.pages[name]
	if !ok {
		return nil, fmt.Errorf("web: no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", view); err != nil {
		return nil, fmt.Errorf("web: render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// render writes page name with status.
func (h *handlers) render(w http.ResponseWriter, r *http.Request, status int, name string, view any) {
	b, err := h.tpl.execute(name, view)
	if err != nil {
		h.Log.ErrorContext(r.Context(), "template failed", "route", r.Pattern, "page", name, "err", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(i18n.T(i18n.FromRequest(r), "error.internal")))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

var templateFuncs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
}

// Page is what the layout needs; every page view embeds it. Its methods
// translate, so templates write {{.T "key"}} or {{$.T "key"}} inside a range.
type Page struct {
	Lang    i18n.Lang
	User    *auth.Principal
	Title   string // translated
	Back    string // this page's path, where the language switch returns
	Refresh int    // seconds; a running import reloads itself
	Notice  string // translated: a saved record, a finished action
	Problem string // translated: the form-level message of a failed submit
	Errors  map[string]string
	Nav     []navLink
	Current string // the nav entry of this page
	Inbox   bool   // the header links to the inbox
	Unread  int    // unread inbox entries, for the header's badge
	// Relative marks a page behind a family self-service link: its reader
	// is a relative, not staff, and the footer speaks to them.
	Relative bool
}

type navLink struct {
	Key  string // nav entry name, compared with Page.Current
	Href string
	Text string
}

// page builds the Page of a request.
func (h *handlers) page(r *http.Request, titleKey string) Page {
	lang := i18n.FromRequest(r)
	p := Page{Lang: lang, User: auth.FromContext(r.Context())}
	if titleKey != "" {
		p.Title = i18n.T(lang, titleKey)
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		// The switch returns to this page, but neither repeats an audited
		// reveal nor shows a one-off notice again.
		u := *r.URL
		q := u.Query()
		if q.Has("reveal") || q.Has("msg") {
			q.Del("reveal")
			q.Del("msg")
			u.RawQuery = q.Encode()
		}
		p.Back = u.RequestURI()
	} else if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
		p.Back = localPath(ref.RequestURI())
	}
	if p.Back == "" {
		p.Back = "/"
	}
	if p.User != nil {
		p.Nav = navFor(p.User, lang)
		if p.User.Can(auth.PermNotificationRead) && p.User.UserID != 0 {
			p.Inbox = true
			// A failed count only hides the badge; the page itself goes on.
			p.Unread, _ = h.Store.UnreadCount(r.Context())
		}
	}
	return p
}

// navFor lists the areas the role may use, in menu order.
func navFor(u *auth.Principal, lang i18n.Lang) []navLink {
	var out []navLink
	for _, n := range []struct {
		key, href string
		perm      auth.Permission
	}{
		{"people", "/people", auth.PermPersonRead},
		{"needs", "/needs", auth.PermNeedRead},
		{"my_needs", "/me/needs", auth.PermNeedReport},
		{"visits", "/visits/due", auth.PermVisitRead},
		{"incidents", "/incidents", auth.PermIncidentHandle}, {"my_incidents", "/me/incidents", auth.PermIncidentReport},
		{"family_contacts", "/family-contacts", auth.PermFamilyContactRead},
		{"checkin", "/checkin", auth.PermCheckinSubmit},
		{"checkins", "/checkins", auth.PermCheckinRead}, // the team's; a worker reaches their batch's from /checkin
		{"volunteers", "/volunteers", auth.PermVolunteerManage},
		{"wellbeing", "/me/wellbeing", auth.PermPsychSelf},
		{"psych", "/psych/alerts", auth.PermPsychWork},
		{"psych_summary", "/psych/summary", auth.PermPsychSummary},
		{"dashboard", "/dashboard", auth.PermAggregateRead},
		{"import", "/import", auth.PermPersonImport},
		{"transfers", "/transfers", auth.PermPersonWrite}, // requesters follow their own, region teams decide
		{"deployments", "/deployments", auth.PermDeployRead},
		{"deploy_days", "/deployments/days", auth.PermDeployDays}, // the subsidy's basis: finance reads it too
		{"letters", "/letters", ""},
		{"commendations", "/commendations", ""},
		{"title_priority", "/title-priority", auth.PermTitlePriorityRead},
		{"work_injury", "/work-injury-cases", auth.PermWorkInjuryManage},
		{"subsidies", "/entitlements", auth.PermEntitlementRead},
		{"my_payments", "/me/payments", auth.PermReceiptOwn},
		{"supplies", "/supplies", auth.PermSupplyRead},
		{"my_supplies", "/me/supplies", auth.PermSupplyReceive},
		{"deploy_days", "/deployments/days", auth.PermDeployDays}, // finance, who reads the days only
		{"sites", "/sites", auth.PermStayManage}, {"my_stays", "/me/stays", auth.PermStayOwn}, {"transport", "/transport", auth.PermTransportAsk}, {"trips", "/trips", auth.PermTransportDrive},
		{"institutions", "/institutions", auth.PermInstitutionRead},
		{"users", "/users", auth.PermUserRead},
		{"audit", "/audit", auth.PermAuditRead},
	} {
		if navAllowed(u, n.key, n.perm) {
			out = append(out, navLink{Key: n.key, Href: n.href, Text: i18n.T(lang, "web.nav."+n.key)})
		}
	}
	return out
}

// missingKey is called with a catalogue key that has no text; the template
// test sets it to fail, so a raw key never reaches a page unnoticed.
var missingKey = func(key string) {}

// T renders a catalogue key in the page's language.
func (p Page) T(key string, args ...any) string {
	if !i18n.Has(key) {
		missingKey(key)
	}
	return i18n.T(p.Lang, key, args...)
}

// Msg renders a model message in the page's language.
func (p Page) Msg(m model.Msg) string {
	if m.Key == "" {
		return ""
	}
	if !i18n.Has(m.Key) {
		missingKey(m.Key)
	}
	return p.Lang.Msg(m)
}

// Label is the display text of a coded value ("role", "caseworker" →
// 工作人员). An empty value is empty; a value the catalogue lacks shows as
// itself, so new codes stay readable.
func (p Page) Label(group, value string) string {
	if value == "" {
		return ""
	}
	prefix, ok := labelGroups[group]
	if !ok {
		prefix = group
	}
	key := prefix + "." + value
	if !i18n.Has(key) {
		return value
	}
	return i18n.T(p.Lang, key)
}

// labelGroups maps a group of coded values to its catalogue prefix. The
// registry's values share their labels with the roster files (the importer's
// keys), so a page and a spreadsheet never call one thing two names.
var labelGroups = map[string]string{
	"occupation": "importer.occupation",
	"relation":   "importer.relation",
	"care":       "importer.care_needs",
	"sex":        "importer.sex",
}

// YesNo is the text of a boolean, as the roster files write it.
func (p Page) YesNo(b bool) string {
	if b {
		return p.T("importer.yes")
	}
	return p.T("importer.no")
}

// Err is the message of a form field, "" when it is fine.
func (p Page) Err(field string) string { return p.Errors[field] }

// EN reports whether the page is in English.
func (p Page) EN() bool { return p.Lang == i18n.EN }

// HTMLLang is the lang attribute of the page.
func (p Page) HTMLLang() string {
	if p.Lang == i18n.EN {
		return "en"
	}
	return "zh-CN"
}

// LangURL is the switch to the other language, returning to this page.
func (p Page) LangURL() string {
	to := "en"
	if p.Lang == i18n.EN {
		to = "zh-CN"
	}
	return "/lang?to=" + to + "&back=" + url.QueryEscape(p.Back)
}

// LangName is the name of the other language, written in that language.
func (p Page) LangName() string {
	if p.Lang == i18n.EN {
		return "中文"
	}
	return "English"
}

// OtherLang is the lang attribute of the switch link's text.
func (p Page) OtherLang() string {
	if p.Lang == i18n.EN {
		return "zh-CN"
	}
	return "en"
}

// CSS is the stylesheet's address, versioned by its content for long caching.
func (p Page) CSS() string { return "/static/houdun.css?v=" + staticVersion }

// Script is the address of a static script, with the files' content hash.
func (p Page) Script(name string) string { return "/static/" + name + "?v=" + staticVersion }

// Field describes one labelled input for the "field" template. Options:
// "required", "type=date", "hint=<key>", "placeholder=<text>",
// "hinttext=<translated text>", "autocomplete=<token>", "inputmode=<mode>", "maxlength=<n>".
func (p Page) Field(name, labelKey, value string, opts ...string) field {
	f := field{ID: "f-" + name, Name: name, Label: p.T(labelKey), Value: value, Type: "text", Error: p.Errors[name]}
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "required":
			f.Required = true
		case "type":
			f.Type = v
		case "hint":
			f.Hint = p.T(v)
		case "hinttext": // a hint already translated, with its figures
			f.Hint = v
		case "placeholder":
			f.Placeholder = v
		case "autocomplete":
			f.Autocomplete = v
		case "inputmode":
			f.InputMode = v
		case "maxlength":
			f.MaxLength = v
		case "list":
			f.List = v
		}
	}
	return f
}

// field is one labelled input with its hint and error.
type field struct {
	ID, Name, Label, Value, Type string
	Required                     bool
	Hint, Placeholder, Error     string
	Autocomplete, InputMode      string
	MaxLength, List              string
}

// setErrors shows e on a form: its message on top, its field messages beside the fields.
func (p *Page) setErrors(e *model.Error) {
	if e == nil {
		return
	}
	p.Problem = p.Msg(e.Msg)
	if len(e.Fields) > 0 {
		p.Errors = make(map[string]string, len(e.Fields))
		for f, m := range e.Fields {
			p.Errors[f] = p.Msg(m)
		}
	}
}

// requireChosen words the error of a select left at "choose…" as "required"
// rather than the store's "not one of the allowed values".
func (p *Page) requireChosen(field, value string) {
	if value == "" && p.Errors[field] != "" {
		p.Errors[field] = p.T("field.required")
	}
}

// formStatus is the status of a form re-rendered after e.
func formStatus(e *model.Error) int {
	switch e.Code {
	case model.EInvalid:
		return http.StatusUnprocessableEntity
	case model.EConflict, model.EStaleVersion:
		return http.StatusConflict
	}
	return 0
}

// staticVersion is a short hash of the static files, appended to their URLs
// so that a new binary's stylesheet is fetched despite the long cache.
var staticVersion = func() string {
	h := sha256.New()
	fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := staticFS.ReadFile(p)
			h.Write([]byte(p))
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}()

var staticFiles = func() fs.FS {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	return sub
}()

func staticHandler() http.Handler {
	return http.StripPrefix("/static/", http.FileServerFS(staticFiles))
}

// serveStatic serves the stylesheet with a long cache: its URL carries a
// content hash. Folder listings are not served.
func (h *handlers) serveStatic(w http.ResponseWriter, r *http.Request) error {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	if st, err := fs.Stat(staticFiles, name); err != nil || st.IsDir() {
		return model.NotFound("page")
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	h.static.ServeHTTP(w, r)
	return nil
}
