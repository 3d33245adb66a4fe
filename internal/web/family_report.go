package web

import (
	"net/http"
	"strconv"

	"houdun/internal/auth"
	"houdun/internal/httpx"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/store"
)

// The relative's page behind a self-service link (/f/{token}): no account
// and no session; the token is the credential, and the principal it yields
// (auth.FamilyLink) reports and follows the needs of one relative. A token
// that does not work, for whatever reason, answers one plain 404 page.

// familyReportMaxBytes caps the form a link posts: four short fields and a
// description of at most 2,000 characters.
const familyReportMaxBytes = 64 << 10

// familyReportView is the relative's page: the report form and the cases
// reported through the link with their progress, made for a phone.
type familyReportView struct {
	Page
	Link       model.FamilyLink
	Action     string // the link itself
	Expires    string
	Form       needForm
	Categories []option
	Kinds      []option
	Urgencies  []option
	Cases      []myCase
}

// linkPage is the Page of a link's request: the visitor's language, no
// account (a staff session in the same browser is ignored) and no menu.
func linkPage(r *http.Request, titleKey string) Page {
	lang := i18n.FromRequest(r)
	return Page{Lang: lang, Title: i18n.T(lang, titleKey), Back: r.URL.Path, Relative: true}
}

// linkHeaders keep the token in the address out of referrers and search engines.
func linkHeaders(w http.ResponseWriter) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Robots-Tag", "noindex, nofollow")
}

// openLink returns r acting as the link of its token, and the link.
// A token that does not work counts as a failed login of the address: the
// same budget slows guessing tokens (and the denial rows it writes) as
// guessing passwords.
func (h *handlers) openLink(r *http.Request) (*http.Request, model.FamilyLink, error) {
	ip := httpx.ClientIP(r.Context())
	if !h.Login.Allow(ip) {
		return r, model.FamilyLink{}, model.Errorf(model.ERateLimited, "error.rate_limited")
	}
	pr, link, err := h.Store.AuthenticateFamilyLink(r.Context(), r.PathValue("token"), ip)
	if err != nil {
		if model.ErrorCode(err) == model.ENotFound {
			h.Login.Failed(ip)
		}
		return r, link, err
	}
	return r.WithContext(auth.WithPrincipal(r.Context(), pr)), link, nil
}

// linkGone answers a token that does not work (unknown, expired, revoked,
// its relative deleted) with the same plain page, so that nobody learns
// which of these it was. Other errors go to the error page.
func (h *handlers) linkGone(w http.ResponseWriter, r *http.Request, err error) error {
	if model.ErrorCode(err) != model.ENotFound {
		return err
	}
	v := &errorView{Page: linkPage(r, "web.family_report.gone_title"), Status: http.StatusNotFound, Plain: true}
	v.Title, v.Message = v.T("web.family_report.gone_title"), v.T("web.family_report.gone")
	h.render(w, r, http.StatusNotFound, "error", v)
	return nil
}

func (h *handlers) familyReport(w http.ResponseWriter, r *http.Request) error {
	linkHeaders(w)
	r, link, err := h.openLink(r)
	if err != nil {
		return h.linkGone(w, r, err)
	}
	v := newFamilyReportView(r, link, needForm{Urgency: model.UrgencyNormal})
	v.Notice = v.notice(r)
	return h.familyReportPage(w, r, http.StatusOK, v)
}

func newFamilyReportView(r *http.Request, link model.FamilyLink, f needForm) *familyReportView {
	return &familyReportView{Page: linkPage(r, "web.family_report.title"), Link: link, Action: r.URL.Path,
		Expires: formatTime(link.ExpiresAt), Form: f}
}

// familyReportPage adds the link's cases and the form's choices, and renders.
func (h *handlers) familyReportPage(w http.ResponseWriter, r *http.Request, status int, v *familyReportView) error {
	cases, err := h.Store.ListFamilyLinkNeeds(r.Context())
	if err != nil {
		return err
	}
	now := h.Store.Now()
	for _, n := range cases {
		v.Cases = append(v.Cases, myCase{caseRow: newCaseRow(v.Page, n, now), Progress: progressOf(v.Page, n.Status)})
	}
	v.Categories = codeOptions(v.Page, "need.category", model.NeedCategories, v.Form.Category)
	v.Kinds = kindOptions(v.Page, v.Form.Kind)
	v.Urgencies = codeOptions(v.Page, "need.urgency", model.NeedUrgencies, v.Form.Urgency)
	h.render(w, r, status, "family_report", v)
	return nil
}

func (h *handlers) familyReportSubmit(w http.ResponseWriter, r *http.Request) error {
	linkHeaders(w)
	if err := parseForm(w, r, min(h.Config.MaxBodyBytes, familyReportMaxBytes)); err != nil {
		return err
	}
	r, link, err := h.openLink(r)
	if err != nil {
		return h.linkGone(w, r, err)
	}
	pf := r.PostForm
	// The form has no relative to choose: the link is for one. A value
	// posted all the same goes to the store, which refuses any other.
	f := needForm{FamilyMemberID: pf.Get("family_member_id"), Category: pf.Get("category"), Kind: pf.Get("kind"),
		Urgency: pf.Get("urgency"), Description: pf.Get("description"), Source: model.SourceFamily, Address: pf.Get("address")}
	v := newFamilyReportView(r, link, f)
	in, fe := f.input(link.PersonID)
	if in.FamilyMemberID == nil && fe["family_member_id"].Key == "" {
		in.FamilyMemberID = &link.FamilyMemberID
	}
	if err = fe.Err(); err == nil {
		_, err = h.Store.CreateNeed(r.Context(), in)
	}
	if err == nil {
		return seeOther(w, r, r.URL.Path+"?msg=need_reported")
	}
	e := model.AsError(err)
	switch e.Code {
	case model.ENotFound: // the link ended since the page was opened
		return h.linkGone(w, r, err)
	case model.ERateLimited:
		if aerr := h.Store.Audit(r.Context(), store.ActFamilyLinkLimited, "family_link", strconv.FormatInt(link.ID, 10), model.OutcomeDenied, ""); aerr != nil {
			return aerr
		}
		v.Problem = v.Msg(e.Msg)
		return h.familyReportPage(w, r, http.StatusTooManyRequests, v)
	case model.EInvalid:
		v.setErrors(e)
		for field, value := range map[string]string{"category": f.Category, "kind": f.Kind, "urgency": f.Urgency} {
			v.requireChosen(field, value)
		}
		// What the form does not show is said on top.
		for _, field := range []string{"person_id", "source", "due_at", "family_member_id"} {
			if m, ok := v.Errors[field]; ok {
				v.Problem = m
			}
		}
		return h.familyReportPage(w, r, http.StatusUnprocessableEntity, v)
	}
	return err
}
