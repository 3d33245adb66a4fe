package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"houdun/internal/auth"
	"houdun/internal/i18n"
	"houdun/internal/model"
)

// auditActions are the actions of the registry, labelled in catalog_web.go.
// The filter offers these and every other action that has a catalogue label
// ("audit_action.<action>"), so a new area's actions appear once labelled; an
// action with no label still shows in the table, under its code.
var auditActions = []string{
	"session.login", "session.logout", "access.denied",
	"region.create", "institution.create", "institution.update",
	"person.create", "person.update", "person.delete", "person.read", "person.reveal",
	"family.create", "family.update", "family.delete", "family.read",
	"import.people", "import.families", "export.people",
	"user.create", "user.update", "audit.read",
	"session.pending", "user.otp_enrol", "user.otp_reset", "user.password_change",
}

// The filter's lists, computed once: the catalogue is complete at start.
var (
	auditActionChoices = sync.OnceValue(func() []string { return labelledCodes("audit_action.", auditActions) })
	auditObjectChoices = sync.OnceValue(func() []string { return labelledCodes("audit_object.", auditObjectTypes) })
)

// labelledCodes lists every code with a catalogue label under prefix, in
// catalogue order, then the codes of base that have none.
func labelledCodes(prefix string, base []string) []string {
	out := []string{}
	for _, k := range i18n.Keys() {
		if c, ok := strings.CutPrefix(k, prefix); ok {
			out = append(out, c)
		}
	}
	for _, c := range base {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// auditObjectTypes are the object types audit rows name.
var auditObjectTypes = []string{"person", "family", "family_member", "institution", "region", "user", "audit_log", "import"}

// auditFilterForm is the audit filter as the query string carries it.
type auditFilterForm struct {
	Action, ObjectType, ObjectID, Username, From, To string
}

func (f auditFilterForm) values() url.Values {
	return url.Values{"action": {f.Action}, "object_type": {f.ObjectType}, "object_id": {f.ObjectID}, "username": {f.Username},
		"from": {f.From}, "to": {f.To}}
}

// exportURL is the .xlsx download of every entry of the filter; the API
// reads the same query (days in China time, "to" inclusive).
func (f auditFilterForm) exportURL() string {
	q := url.Values{}
	for k, v := range f.values() {
		if v[0] != "" {
			q[k] = v
		}
	}
	if len(q) == 0 {
		return "/api/v1/exports/audit.xlsx"
	}
	return "/api/v1/exports/audit.xlsx?" + q.Encode()
}

// auditListView is the audit trail.
type auditListView struct {
	Page
	Filter      auditFilterForm
	Actions     []option
	ObjectTypes []option
	Entries     []auditRow
	Pager       pager
	ExportURL   string
	// Chain is the newest check of the audit chain, in words; ChainBroken
	// marks a check that found tampering.
	Chain       string
	ChainBroken bool
}

type auditRow struct {
	model.AuditEntry
	When        string
	ActionLabel string
	RoleLabel   string
	OutcomeText string
}

// auditDay reads a YYYY-MM-DD day of China time; "" and bad dates are the zero time.
func auditDay(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	d, err := time.ParseInLocation(time.DateOnly, s, chinaTime)
	if err != nil {
		return time.Time{}, false
	}
	return d, true
}

func (h *handlers) auditList(w http.ResponseWriter, r *http.Request) error {
	if _, err := need(r, auth.PermAuditRead); err != nil {
		return err
	}
	q := r.URL.Query()
	f := auditFilterForm{Action: strings.TrimSpace(q.Get("action")), ObjectType: strings.TrimSpace(q.Get("object_type")),
		ObjectID: strings.TrimSpace(q.Get("object_id")), Username: strings.TrimSpace(q.Get("username")), From: q.Get("from"), To: q.Get("to")}
	v := &auditListView{Page: h.page(r, "web.audit.title"), Filter: f}
	v.Current = "audit"
	filter := model.AuditFilter{Action: f.Action, ObjectType: f.ObjectType, ObjectID: f.ObjectID, Username: f.Username, Page: pageOf(r)}
	fe := model.FieldErrors{}
	var ok bool
	if filter.From, ok = auditDay(f.From); !ok {
		fe.Add("from", "field.date")
	}
	to, ok := auditDay(f.To)
	if !ok {
		fe.Add("to", "field.date")
	} else if !to.IsZero() {
		filter.To = to.AddDate(0, 0, 1) // the whole "to" day
	}
	status := http.StatusOK
	if err := fe.Err(); err != nil {
		v.setErrors(model.AsError(err))
		status = http.StatusUnprocessableEntity
	} else {
		list, err := h.Store.ListAudit(r.Context(), filter)
		if err != nil {
			return err
		}
		for _, e := range list.Items {
			row := auditRow{AuditEntry: e, When: formatTime(e.At), RoleLabel: v.Label("role", e.Role), ActionLabel: v.Label("audit_action", e.Action),
				OutcomeText: v.Label("outcome", e.Outcome)}
			v.Entries = append(v.Entries, row)
		}
		v.Pager = newPager("/audit", f.values(), list.Total, list.Offset, list.Limit)
		v.ExportURL = f.exportURL()
	}
	if err := h.setChain(r, v); err != nil {
		return err
	}
	for _, a := range auditActionChoices() {
		v.Actions = append(v.Actions, option{Value: a, Text: v.Label("audit_action", a), Selected: a == f.Action})
	}
	for _, t := range auditObjectChoices() {
		v.ObjectTypes = append(v.ObjectTypes, option{Value: t, Text: v.Label("audit_object", t), Selected: t == f.ObjectType})
	}
	h.render(w, r, status, "audit_list", v)
	return nil
}

// setChain puts the newest check of the audit chain on the page.
func (h *handlers) setChain(r *http.Request, v *auditListView) error {
	c, ok, err := h.Store.LastAuditVerification(r.Context())
	if err != nil {
		return err
	}
	switch {
	case !ok:
		v.Chain = v.T("web.audit.chain_none")
	case c.OK:
		v.Chain = v.T("web.audit.chain_ok", formatTime(c.At), v.Label("audit_via", c.Via), c.Rows)
	default:
		v.Chain, v.ChainBroken = v.T("web.audit.chain_broken", formatTime(c.At), v.Label("audit_via", c.Via), c.BrokenID, v.Label("audit_reason", c.Reason)), true
	}
	return nil
}
