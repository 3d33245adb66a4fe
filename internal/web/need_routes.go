package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/region"
)

// needRoutes are the pages of the needs-and-difficulties ledger (需求困难台账):
// cases, visits, volunteers and pairings, the inbox and the dashboard. The
// store decides scope and masking; these handlers choose a page or a 403 and
// keep what was typed when a save fails.
func (h *handlers) needRoutes() []route {
	return []route{
		{pattern: "GET /needs", fn: h.needList, perm: auth.PermNeedRead},
		{pattern: "GET /needs/new", fn: h.needNew, perm: auth.PermNeedWrite},
		{pattern: "POST /needs", fn: h.needCreate, perm: auth.PermNeedWrite},
		{pattern: "GET /needs/{id}", fn: h.needShow, perm: auth.PermNeedRead},
		{pattern: "POST /needs/{id}/{action}", fn: h.needStep},

		{pattern: "GET /me/needs", fn: h.myNeeds, perm: auth.PermNeedReport},
		{pattern: "GET /me/needs/new", fn: h.myNeedNew, perm: auth.PermNeedReport},
		{pattern: "POST /me/needs", fn: h.myNeedCreate, perm: auth.PermNeedReport},

		{pattern: "GET /visits/new", fn: h.visitNew, perm: auth.PermVisitWrite},
		{pattern: "POST /visits", fn: h.visitCreate, perm: auth.PermVisitWrite},
		{pattern: "GET /visits/due", fn: h.visitsDue, perm: auth.PermVisitRead},

		{pattern: "GET /volunteers", fn: h.volunteerList, perm: auth.PermVolunteerManage},
		{pattern: "GET /volunteers/new", fn: h.volunteerNew, perm: auth.PermVolunteerManage},
		{pattern: "POST /volunteers", fn: h.volunteerCreate, perm: auth.PermVolunteerManage},
		{pattern: "GET /volunteers/{id}", fn: h.volunteerShow, perm: auth.PermVolunteerManage},
		{pattern: "GET /volunteers/{id}/edit", fn: h.volunteerEdit, perm: auth.PermVolunteerManage},
		{pattern: "POST /volunteers/{id}", fn: h.volunteerUpdate, perm: auth.PermVolunteerManage},
		{pattern: "POST /volunteers/{id}/pairings", fn: h.pairingCreate, perm: auth.PermVolunteerManage},
		{pattern: "POST /pairings/{id}/end", fn: h.pairingEnd, perm: auth.PermVolunteerManage},

		{pattern: "GET /inbox", fn: h.inbox, perm: auth.PermNotificationRead},
		{pattern: "POST /inbox/read", fn: h.inboxRead, perm: auth.PermNotificationRead},

		{pattern: "GET /dashboard", fn: h.dashboard},
		{pattern: "GET /dashboard/ledger", fn: h.dashboardLedger},
	}
}

// navAllowed decides whether u sees the menu entry key that needs perm.
// Most entries need their one permission; the ledger's pages ask more: a
// worker reads cases but has their own page (/me/needs), and the dashboard
// is for the team (dashboardAllowed).
func navAllowed(u *auth.Principal, key string, perm auth.Permission) bool {
	switch key {
	case "needs":
		return u.Can(perm) && !(u.Can(auth.PermNeedReport) && !u.Can(auth.PermNeedWrite))
	case "dashboard":
		return dashboardAllowed(u) && (u.Can(auth.PermNeedRead) || u.Can(auth.PermLedgerExport))
	case "deploy_days":
		return u.Can(perm) && !u.Can(auth.PermDeployRead) // planners reach it from the deployment pages
	}
	return u.Can(perm)
}

// dashboardAllowed: roles that read aggregates or the cases of a scope. A
// volunteer's or a worker's cases are their own, and their pages show them.
func dashboardAllowed(u *auth.Principal) bool {
	if u.Can(auth.PermAggregateRead) {
		return true
	}
	return u.Can(auth.PermNeedRead) && u.Role != auth.RoleVolunteer && !u.Can(auth.PermNeedReport)
}

func init() {
	// The notices the pages of this area ask for after a redirect.
	for k, v := range map[string]string{
		"need_created":   "web.notice.need_created",
		"need_reported":  "web.notice.need_reported",
		"need_assigned":  "web.notice.need_assigned",
		"need_started":   "web.notice.need_started",
		"need_resolved":  "web.notice.need_resolved",
		"need_closed":    "web.notice.need_closed",
		"need_rejected":  "web.notice.need_rejected",
		"need_reopened":  "web.notice.need_reopened",
		"visit_saved":    "web.notice.visit_saved",
		"pairing_saved":  "web.notice.pairing_saved",
		"pairing_ended":  "web.notice.pairing_ended",
		"inbox_all_read": "web.notice.inbox_all_read",
	} {
		notices[k] = v
	}
}

// codeOptions lists coded values for a select or radio group, labelled from
// the catalogue entries prefix.value.
func codeOptions(p Page, prefix string, values []string, selected string) []option {
	out := make([]option, 0, len(values))
	for _, v := range values {
		out = append(out, option{Value: v, Text: p.Label(prefix, v), Selected: v == selected})
	}
	return out
}

// kindOptions are the kinds of a case, each naming the categories that take
// it (data-categories), so that need_kind.js offers only the kinds of the
// category chosen.
func kindOptions(p Page, selected string) []option {
	out := codeOptions(p, "need.kind", model.NeedKinds, selected)
	for i := range out {
		var cats []string
		for _, c := range model.NeedCategories {
			if model.KindBelongsTo(c, out[i].Value) {
				cats = append(cats, c)
			}
		}
		out[i].Groups = strings.Join(cats, " ")
	}
	return out
}

// optionGroup is an <optgroup> of a select.
type optionGroup struct {
	Label   string
	Options []option
}

// localMinute is the value format of <input type="datetime-local">.
const localMinute = "2006-01-02T15:04"

// parseLocal reads a datetime-local value as China time; "" is the zero time.
func parseLocal(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	for _, layout := range []string{localMinute, "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, chinaTime); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// formatLocal is t as a datetime-local value in China time.
func formatLocal(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(chinaTime).Format(localMinute)
}

// parseDay reads a YYYY-MM-DD date as the start of that day in China time.
func parseDay(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.ParseInLocation(time.DateOnly, s, chinaTime)
	return t, err == nil
}

// Span renders a duration as a person reads it: days and hours, hours and
// minutes, or minutes ("2 天 3 小时", "45 min").
func (p Page) Span(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	mins := int(d / time.Minute)
	days, hours, m := mins/(24*60), mins/60%24, mins%60
	switch {
	case days > 0 && hours > 0:
		return p.T("web.span.days_hours", days, hours)
	case days > 0:
		return p.T("web.span.days", days)
	case hours > 0 && m > 0:
		return p.T("web.span.hours_minutes", hours, m)
	case hours > 0:
		return p.T("web.span.hours", hours)
	}
	return p.T("web.span.minutes", max(m, 1))
}

// regionLabel names a region code by its path ("辽宁省阜新市海州区"; region.Label).
func regionLabel(code string) string { return region.Label(code) }

// versionOf reads the version a form was shown with; false when it is
// missing or malformed, which the caller treats as a stale form.
func versionOf(s string) (*int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return nil, false
	}
	return &v, true
}

// idString formats an id for a form value.
func idString(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// requirePerson returns the worker's own person id, or 403 for an account
// that is not linked to a person.
func requirePerson(r *http.Request, perm auth.Permission) (*auth.Principal, error) {
	p, err := need(r, perm)
	if err != nil {
		return nil, err
	}
	if p.PersonID == 0 {
		return nil, model.Errorf(model.EForbidden, "error.forbidden")
	}
	return p, nil
}
