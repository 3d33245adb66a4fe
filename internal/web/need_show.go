package web

import (
	"net/http"
	"strconv"
	"strings"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/httpx"
	"houdun/internal/model"
)

// needShowView is one case with its history and the steps the viewer may take.
type needShowView struct {
	Page
	Case          caseRow
	Events        []eventRow
	CanSeePerson  bool // a link to the person's record
	Steps         map[string]bool
	Assignees     []optionGroup
	Satisfactions []option
	// Posted is the step whose form was sent and failed; Typed is what was
	// typed in it, shown again. Lost is set when the case no longer offers
	// that step, so the text is shown for copying instead.
	Posted    string
	Typed     stepForm
	Lost      bool
	StaleHint bool
	Mine      bool // a worker's own case: the way back is their own list
}

// stepForm is what the step forms of a case page send.
type stepForm struct {
	Assignee     string // "u:<user id>" or "v:<volunteer id>"
	Note         string
	Resolution   string
	Reason       string
	Satisfaction string
	Version      string
}

// eventRow is one step of the history as the page words it.
type eventRow struct {
	model.NeedEvent
	When   string
	Title  string
	Detail string // the assignee, the team escalated to, the satisfaction
}

// Can reports whether the step form of action is offered.
func (v *needShowView) Can(action string) bool { return v.Steps[action] }

// AnyStep reports whether any step form is offered.
func (v *needShowView) AnyStep() bool { return len(v.Steps) > 0 }

// Val is what was typed in field of the form of action, after a failed send.
func (v *needShowView) Val(action, field string) string {
	if v.Posted != action {
		return ""
	}
	switch field {
	case "note":
		return v.Typed.Note
	case "resolution":
		return v.Typed.Resolution
	case "reason":
		return v.Typed.Reason
	case "satisfaction":
		return v.Typed.Satisfaction
	}
	return ""
}

// FieldErr is the message of field in the form of action.
func (v *needShowView) FieldErr(action, field string) string {
	if v.Posted != action {
		return ""
	}
	return v.Errors[field]
}

// LostText is the typed text of a step the case no longer offers.
func (v *needShowView) LostText() string {
	return strings.TrimSpace(strings.Join([]string{v.Typed.Resolution, v.Typed.Reason, v.Typed.Note}, "\n"))
}

func (h *handlers) needShow(w http.ResponseWriter, r *http.Request) error {
	p, err := need(r, auth.PermNeedRead)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	v := &needShowView{Page: h.page(r, "")}
	v.Notice = v.notice(r)
	return h.needShowPage(w, r, p, id, http.StatusOK, v)
}

// needShowPage loads the case as it is now and renders it with v's state.
func (h *handlers) needShowPage(w http.ResponseWriter, r *http.Request, p *auth.Principal, id int64, status int, v *needShowView) error {
	ctx := r.Context()
	n, err := h.Store.GetNeed(ctx, id)
	if err != nil {
		return err
	}
	v.Case = newCaseRow(v.Page, n, h.Store.Now())
	v.Title = v.T("web.need.title", n.ID, v.Label("need.kind", n.Kind))
	v.Current = "needs"
	if p.Can(auth.PermNeedReport) && !p.Can(auth.PermNeedWrite) {
		v.Current, v.Mine = "my_needs", true
	}
	v.Back = caseURL(id)
	v.CanSeePerson = p.Can(auth.PermPersonRead)
	v.Steps = map[string]bool{}
	// The page offers exactly the steps the store would take (casework.MayStep).
	for _, a := range casework.Offered(p.Can, n.Status, n.AssignedToViewer) {
		v.Steps[string(a)] = true
	}
	if v.Posted != "" && !v.Steps[v.Posted] {
		v.Lost = v.LostText() != ""
	}
	if v.Steps[string(casework.Assign)] {
		if v.Assignees, err = h.assigneeGroups(r, v.Page, p, n, v.Typed.Assignee); err != nil {
			return err
		}
	}
	for i := model.SatisfactionMin; i <= model.SatisfactionMax; i++ {
		s := strconv.Itoa(i)
		v.Satisfactions = append(v.Satisfactions, option{Value: s, Text: v.T("web.need.satisfaction_" + s), Selected: v.Posted == "close" && v.Typed.Satisfaction == s})
	}
	for _, e := range n.Events {
		v.Events = append(v.Events, newEventRow(v.Page, e))
	}
	h.render(w, r, status, "need_show", v)
	return nil
}

// assigneeGroups is the select of the assign form, as store.Assignees
// orders it: the volunteers paired with the family, then the staff whose
// scope reaches the case (the viewer named as themself), then the other
// volunteers proposed for it.
func (h *handlers) assigneeGroups(r *http.Request, pg Page, p *auth.Principal, n model.Need, selected string) ([]optionGroup, error) {
	options, err := h.Store.Assignees(r.Context(), n.ID)
	if err != nil {
		return nil, err
	}
	current := ""
	if a := n.Assignee; a != nil {
		if a.UserID != nil {
			current = "u:" + strconv.FormatInt(*a.UserID, 10)
		} else if a.VolunteerID != nil {
			current = "v:" + strconv.FormatInt(*a.VolunteerID, 10)
		}
	}
	if selected == "" {
		selected = current
	}
	paired := optionGroup{Label: pg.T("web.need.assign_paired")}
	staff := optionGroup{Label: pg.T("web.need.assign_staff")}
	others := optionGroup{Label: pg.T("web.need.assign_others")}
	seen := map[string]bool{}
	for _, a := range options {
		var val, text string
		if a.Kind == model.AssigneeUser {
			val = "u:" + strconv.FormatInt(*a.UserID, 10)
			text = a.Name + " · " + pg.Label("role", a.Role)
			if *a.UserID == p.UserID {
				text = pg.T("web.need.assign_me", a.Name)
			}
		} else {
			val = "v:" + strconv.FormatInt(*a.VolunteerID, 10)
			text = a.Name
			var skills []string
			for _, s := range a.MatchingSkills {
				skills = append(skills, pg.Label("volunteer.skill", s))
			}
			if len(skills) > 0 {
				text += " · " + strings.Join(skills, pg.T("web.list_sep"))
			}
		}
		seen[val] = true
		o := option{Value: val, Text: text, Selected: val == selected}
		switch {
		case a.Kind == model.AssigneeUser:
			staff.Options = append(staff.Options, o)
		case a.Paired:
			paired.Options = append(paired.Options, o)
		default:
			others.Options = append(others.Options, o)
		}
	}
	// Whoever works the case now stays in the list, so that a reassignment
	// starts from them.
	if current != "" && !seen[current] && n.Assignee != nil {
		o := option{Value: current, Text: n.Assignee.Name, Selected: current == selected}
		if n.Assignee.Kind == model.AssigneeVolunteer {
			others.Options = append([]option{o}, others.Options...)
		} else {
			staff.Options = append(staff.Options, o)
		}
	}
	var out []optionGroup
	for _, g := range []optionGroup{paired, staff, others} {
		if len(g.Options) > 0 {
			out = append(out, g)
		}
	}
	return out, nil
}

// newEventRow words one step of the history.
func newEventRow(p Page, e model.NeedEvent) eventRow {
	row := eventRow{NeedEvent: e, When: formatTime(e.At), Title: p.Label("need.event", e.Action)}
	if e.FromStatus == e.ToStatus {
		row.FromStatus = "" // an escalation keeps the status: no "assigned → assigned"
	}
	switch {
	case e.Assignee != nil:
		row.Detail = p.T("web.need.event_assignee", p.Label("need.assignee", e.Assignee.Kind), e.Assignee.Name)
	case e.Action == model.EventEscalated:
		row.Detail = p.T("need.escalation_note", regionLabel(e.TeamRegionCode), e.EscalationLevel)
	case e.Satisfaction != nil:
		row.Detail = p.T("web.need.event_satisfaction", *e.Satisfaction)
	}
	return row
}

// StepNote is the optional note of the step form of action.
func (v *needShowView) StepNote(action string) field {
	id := "f-" + action + "-note"
	return field{ID: id, Name: "note", Label: v.T("web.need.note"), Value: v.Val(action, "note"), Error: v.FieldErr(action, "note")}
}

// StepText is the required text of the step form of action (the
// resolution, the reason of a rejection).
func (v *needShowView) StepText(action, name, labelKey, hintKey string) field {
	return field{ID: "f-" + action + "-" + name, Name: name, Label: v.T(labelKey), Hint: v.T(hintKey), Required: true,
		Value: v.Val(action, name), Error: v.FieldErr(action, name)}
}
