package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/model"
)

// The page that hands out a family's self-service links (家属自助链接) and
// revokes them: a worker's own family at /me/family-links, any person's in
// scope at /people/{id}/family-links for a case worker (for instance on the
// phone with an elderly parent who has no one to make it for them). Both
// need family_link.manage; the store checks the person's scope.
// family_report.go is the relative's side.

func (h *handlers) familyLinkRoutes() []route {
	return []route{
		{pattern: "GET /me/family-links", fn: h.familyLinks, perm: auth.PermFamilyLinkManage},
		{pattern: "POST /me/family-links", fn: h.familyLinkCreate, perm: auth.PermFamilyLinkManage},
		{pattern: "POST /me/family-links/{lid}/revoke", fn: h.familyLinkRevoke, perm: auth.PermFamilyLinkManage},
		{pattern: "GET /people/{id}/family-links", fn: h.familyLinks, perm: auth.PermFamilyLinkManage},
		{pattern: "POST /people/{id}/family-links", fn: h.familyLinkCreate, perm: auth.PermFamilyLinkManage},
		{pattern: "POST /people/{id}/family-links/{lid}/revoke", fn: h.familyLinkRevoke, perm: auth.PermFamilyLinkManage},

		{pattern: "GET /f/{token}", fn: h.familyReport, public: true},
		{pattern: "POST /f/{token}", fn: h.familyReportSubmit, public: true},
	}
}

func init() {
	notices["family_link_revoked"] = "web.notice.family_link_revoked"
}

// familyLinksView is the page of a family's links.
type familyLinksView struct {
	Page
	Person  model.Person
	Own     bool   // the worker's own family
	Base    string // this page's path, which the forms post to
	Links   []familyLinkRow
	Family  []option
	Form    familyLinkForm
	New     *familyLinkRow // the link just made, shown this once
	MaxDays int
}

// familyLinkRow is a link as the page lists it.
type familyLinkRow struct {
	model.FamilyLink
	Member    string // name and relation
	Created   string
	Expires   string
	LastUsed  string
	RevokeURL string
	URL       string // only for the link just made
	// QR is the link just made as a QR code (inline SVG), for a relative to
	// scan from the worker's phone; like the URL it is shown this once.
	QR template.HTML
}

// familyLinkForm is the new-link form as typed.
type familyLinkForm struct {
	FamilyMemberID string
	Days           string
}

// familyLinkPerson returns the person whose family the request is about and
// the page's path: the worker's own at /me/…, else the {id} of the path.
func familyLinkPerson(r *http.Request) (personID int64, base string, own bool, err error) {
	p, err := need(r, auth.PermFamilyLinkManage)
	if err != nil {
		return 0, "", false, err
	}
	if strings.HasPrefix(r.URL.Path, "/me/") {
		if p.PersonID == 0 {
			return 0, "", false, httpx.Forbidden("error.forbidden")
		}
		return p.PersonID, "/me/family-links", true, nil
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return 0, "", false, err
	}
	return id, "/people/" + strconv.FormatInt(id, 10) + "/family-links", false, nil
}

func (h *handlers) familyLinks(w http.ResponseWriter, r *http.Request) error {
	personID, base, own, err := familyLinkPerson(r)
	if err != nil {
		return err
	}
	v := &familyLinksView{Page: h.page(r, "web.family_links.title"), Base: base, Own: own,
		Form: familyLinkForm{Days: strconv.Itoa(model.FamilyLinkDefaultDays)}}
	v.Notice = v.notice(r)
	return h.familyLinksPage(w, r, http.StatusOK, personID, v)
}

// familyLinksPage loads what the page shows around the form and renders it.
func (h *handlers) familyLinksPage(w http.ResponseWriter, r *http.Request, status int, personID int64, v *familyLinksView) error {
	ctx := r.Context()
	person, err := h.Store.GetPerson(ctx, personID, false)
	if err != nil {
		return err
	}
	family, err := h.Store.ListFamily(ctx, personID, false)
	if err != nil {
		return err
	}
	links, err := h.Store.ListFamilyLinks(ctx, personID)
	if err != nil {
		return err
	}
	v.Person, v.MaxDays = person, model.FamilyLinkMaxDays
	if v.Own {
		v.Current = "my_needs"
	} else {
		v.Title, v.Current = v.T("web.family_links.heading_of", person.Name), "people"
	}
	for _, m := range family {
		id := strconv.FormatInt(m.ID, 10)
		v.Family = append(v.Family, option{Value: id, Text: v.T("web.need.family_option", m.Name, v.Label("relation", m.Relation)),
			Selected: id == v.Form.FamilyMemberID})
	}
	for _, l := range links {
		row := newFamilyLinkRow(v.Page, l)
		row.RevokeURL = v.Base + "/" + strconv.FormatInt(l.ID, 10) + "/revoke"
		v.Links = append(v.Links, row)
	}
	h.render(w, r, status, "family_links", v)
	return nil
}

func newFamilyLinkRow(p Page, l model.FamilyLink) familyLinkRow {
	return familyLinkRow{FamilyLink: l, Member: p.T("web.need.family_option", l.FamilyMemberName, p.Label("relation", l.FamilyRelation)),
		Created: formatTime(l.CreatedAt), Expires: formatTime(l.ExpiresAt), LastUsed: formatTimePtr(l.LastUsedAt)}
}

func (h *handlers) familyLinkCreate(w http.ResponseWriter, r *http.Request) error {
	personID, base, own, err := familyLinkPerson(r)
	if err != nil {
		return err
	}
	if err := parseForm(w, r, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	f := familyLinkForm{FamilyMemberID: strings.TrimSpace(r.PostForm.Get("family_member_id")), Days: strings.TrimSpace(r.PostForm.Get("days"))}
	v := &familyLinksView{Page: h.page(r, "web.family_links.title"), Base: base, Own: own, Form: f}
	in, fe := f.input()
	var link model.FamilyLink
	if err = fe.Err(); err == nil {
		link, err = h.Store.CreateFamilyLink(r.Context(), personID, in)
	}
	if err != nil {
		e := model.AsError(err)
		status := formStatus(e)
		if status == 0 {
			return err
		}
		v.setErrors(e)
		v.requireChosen("family_member_id", f.FamilyMemberID)
		return h.familyLinksPage(w, r, status, personID, v)
	}
	// The token exists only in this answer: the page is shown, not
	// redirected to, and (as every page) is never cached.
	row := newFamilyLinkRow(v.Page, link)
	row.URL = siteURL(r, h.Config.SecureCookies) + link.Path
	if row.QR, err = qrSVG(row.URL, v.T("web.family_links.qr_label", row.Member)); err != nil {
		return model.Internal(err)
	}
	v.New = &row
	v.Form = familyLinkForm{Days: strconv.Itoa(model.FamilyLinkDefaultDays)}
	return h.familyLinksPage(w, r, http.StatusOK, personID, v)
}

// input turns the form into a store input; what cannot be read as a number
// is reported beside its field.
func (f familyLinkForm) input() (model.FamilyLinkInput, model.FieldErrors) {
	var in model.FamilyLinkInput
	fe := model.FieldErrors{}
	if id, ok := parseID(f.FamilyMemberID); !ok {
		fe.Add("family_member_id", "field.choice")
	} else if id != 0 {
		in.FamilyMemberID = &id
	}
	if f.Days != "" {
		d, err := strconv.Atoi(f.Days)
		if err != nil {
			fe.Add("days", "family_link.days_range", 1, model.FamilyLinkMaxDays)
		} else {
			in.Days = &d
		}
	}
	if len(fe) > 0 {
		check := in
		for k, m := range check.Normalize() {
			fe.Add(k, m.Key, m.Args...)
		}
	}
	return in, fe
}

func (h *handlers) familyLinkRevoke(w http.ResponseWriter, r *http.Request) error {
	personID, base, _, err := familyLinkPerson(r)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "lid")
	if err != nil {
		return err
	}
	if err := h.Store.RevokeFamilyLink(r.Context(), personID, id); err != nil {
		return err
	}
	return seeOther(w, r, base+"?msg=family_link_revoked")
}

// siteURL is the scheme and host the visitor reached the site at, to write
// out a link that is sent on to someone else. Behind a TLS-terminating proxy
// the request is plain HTTP, so secure cookies (set exactly when the site is
// served over TLS) also mean https.
func siteURL(r *http.Request, secure bool) string {
	scheme := "http"
	if r.TLS != nil || secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// Who names the author of a case or a step: the account's username, or the
// self-service link a relative used ("family-link:12" → 家属（通过自助链接 #12）).
func (p Page) Who(username string) string {
	if id := auth.FamilyLinkOf(username); id != 0 {
		return p.T("web.family_link.actor", id)
	}
	return username
}
