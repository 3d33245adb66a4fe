package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"houdun/internal/casework"
	"houdun/internal/httpx"
	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/region"
	"houdun/internal/store"
)

// The cases of the needs ledger (需求困难台账): record, list, read and the
// steps of a case's life. The store decides scope, masking and transitions.

// queryInt64 reads an optional positive id from the query; 0 when absent.
func queryInt64(r *http.Request, name string) (int64, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, model.Errorf(model.EInvalid, "error.bad_query", name)
	}
	return n, nil
}

// queryBool reads an optional boolean from the query; false when absent.
func queryBool(r *http.Request, name string) (bool, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, model.Errorf(model.EInvalid, "error.bad_query", name)
	}
	return b, nil
}

// queryChoice reads an optional value that must be one of values.
func queryChoice(r *http.Request, name string, values []string) (string, error) {
	v := strings.TrimSpace(r.URL.Query().Get(name))
	if v != "" && !model.Contains(values, v) {
		return "", model.Errorf(model.EInvalid, "error.bad_query", name)
	}
	return v, nil
}

// chinaTime is the zone of calendar dates in queries: China Standard Time.
var chinaTime = time.FixedZone("UTC+8", 8*3600)

// queryPeriod reads from and to: RFC 3339 instants, or calendar dates
// (YYYY-MM-DD, China time) where to includes its whole day. The period is
// [from, to); zero ends are open.
func queryPeriod(r *http.Request) (from, to time.Time, err error) {
	return queryPeriodOf(r, "from", "to")
}

// queryPeriodOf is queryPeriod for parameters named fromName and toName.
func queryPeriodOf(r *http.Request, fromName, toName string) (from, to time.Time, err error) {
	parse := func(name string, endOfDay bool) (time.Time, error) {
		v := strings.TrimSpace(r.URL.Query().Get(name))
		if v == "" {
			return time.Time{}, nil
		}
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t, nil
		}
		d, err := time.ParseInLocation(time.DateOnly, v, chinaTime)
		if err != nil {
			return time.Time{}, model.Errorf(model.EInvalid, "error.bad_query", name)
		}
		if endOfDay {
			d = d.AddDate(0, 0, 1)
		}
		return d, nil
	}
	if from, err = parse(fromName, false); err != nil {
		return
	}
	if to, err = parse(toName, true); err != nil {
		return
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return from, to, model.Errorf(model.EInvalid, "error.bad_query", toName)
	}
	return from, to, nil
}

// needSorts maps the sort parameter to the store's orders.
var needSorts = map[string]string{"": model.NeedSortUrgency, "urgency": model.NeedSortUrgency, "due_at": model.NeedSortDueAt, "created": model.NeedSortNewest,
	"status": model.NeedSortStatus}

// needFilterOf reads the case list's query parameters:
//
//	status      comma list of statuses, or "active" (open, assigned, in progress)
//	category, kind, urgency
//	region      region code prefix of the person; team: the team responsible now (exact)
//	institution institution id; person_id
//	assignee    "me" (the caller, directly or as a volunteer), "none" (unassigned),
//	            "user:ID", "volunteer:ID", or a bare user id
//	overdue     true: active and past the deadline; escalated: true
//	q           a case number (123 or #123), or words of the person's name or the
//	            description, looked for among the newest model.NeedSearchLimit cases selected
//	created_from, created_to  recorded in [from, to]: dates (China time, to's whole day) or RFC 3339
//	sort        urgency (default: urgency, then deadline), due_at, created (newest first),
//	            status (open first); order: asc or desc turns the key round (ties: case number)
//	limit, offset
func needFilterOf(r *http.Request, st *store.Store) (model.NeedFilter, error) {
	q := r.URL.Query()
	var f model.NeedFilter
	var ok bool
	if f.Status, ok = model.ParseNeedStatuses(q.Get("status")); !ok {
		return f, model.Errorf(model.EInvalid, "error.bad_query", "status")
	}
	var err error
	if f.Category, err = queryChoice(r, "category", model.NeedCategories); err != nil {
		return f, err
	}
	if f.Kind, err = queryChoice(r, "kind", model.NeedKinds); err != nil {
		return f, err
	}
	if f.Urgency, err = queryChoice(r, "urgency", model.NeedUrgencies); err != nil {
		return f, err
	}
	if f.RegionCode, err = queryRegion(r, st, "region"); err != nil {
		return f, err
	}
	if f.TeamRegionCode, err = queryRegion(r, st, "team"); err != nil {
		return f, err
	}
	if f.InstitutionID, err = queryInt64(r, "institution"); err != nil {
		return f, err
	}
	if f.PersonID, err = queryInt64(r, "person_id"); err != nil {
		return f, err
	}
	if err := parseAssignee(r, &f); err != nil {
		return f, err
	}
	if f.Overdue, err = queryBool(r, "overdue"); err != nil {
		return f, err
	}
	if f.Missed, err = queryBool(r, "missed"); err != nil {
		return f, err
	}
	if f.Escalated, err = queryBool(r, "escalated"); err != nil {
		return f, err
	}
	if f.Sort, ok = needSorts[strings.TrimSpace(q.Get("sort"))]; !ok {
		return f, model.Errorf(model.EInvalid, "error.bad_query", "sort")
	}
	if f.Order, err = queryChoice(r, "order", []string{model.SortAsc, model.SortDesc}); err != nil {
		return f, err
	}
	if f.Query = strings.TrimSpace(q.Get("q")); utf8.RuneCountInString(f.Query) > model.NeedQueryMax {
		return f, model.Errorf(model.EInvalid, "error.bad_query", "q")
	}
	if f.CreatedFrom, f.CreatedTo, err = queryPeriodOf(r, "created_from", "created_to"); err != nil {
		return f, err
	}
	f.Page, err = httpx.Page(r)
	return f, err
}

// parseAssignee reads the assignee parameter into f.
func parseAssignee(r *http.Request, f *model.NeedFilter) error {
	v := strings.TrimSpace(r.URL.Query().Get("assignee"))
	bad := model.Errorf(model.EInvalid, "error.bad_query", "assignee")
	num := func(s string) (int64, bool) {
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil && n > 0
	}
	switch {
	case v == "":
	case v == "me":
		p, err := httpx.Require(r)
		if err != nil {
			return err
		}
		if p.UserID == 0 {
			return bad
		}
		f.AssigneeUserID = p.UserID
	case v == "none":
		f.Unassigned = true
	case strings.HasPrefix(v, "user:"):
		n, ok := num(strings.TrimPrefix(v, "user:"))
		if !ok {
			return bad
		}
		f.AssigneeUserID = n
	case strings.HasPrefix(v, "volunteer:"):
		n, ok := num(strings.TrimPrefix(v, "volunteer:"))
		if !ok {
			return bad
		}
		f.AssigneeVolunteerID = n
	default:
		n, ok := num(v)
		if !ok {
			return bad
		}
		f.AssigneeUserID = n
	}
	return nil
}

func (h *handlers) listNeeds(w http.ResponseWriter, r *http.Request) error {
	f, err := needFilterOf(r, h.Store)
	if err != nil {
		return err
	}
	list, err := h.Store.ListNeeds(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, list)
	return nil
}

func (h *handlers) createNeed(w http.ResponseWriter, r *http.Request) error {
	var in model.NeedInput
	if err := httpx.DecodeJSON(w, r, &in, h.Config.MaxBodyBytes); err != nil {
		return err
	}
	n, err := h.Store.CreateNeed(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/needs/"+strconv.FormatInt(n.ID, 10))
	httpx.WriteJSON(w, http.StatusCreated, n)
	return nil
}

// needAnswer is a case as the API answers it: the scheduler's escalation
// events get a note in the caller's language ("逾期未办结，升级至辽宁省阜新市专班（第
// 1 级）"); their level and team are in escalation_level and team_region_code.
func needAnswer(r *http.Request, n model.Need) model.Need {
	lang := i18n.FromRequest(r)
	for i, e := range n.Events {
		if e.Action == model.EventEscalated {
			n.Events[i].Note = lang.T("need.escalation_note", region.Label(e.TeamRegionCode), e.EscalationLevel)
		}
	}
	return n
}

func (h *handlers) getNeed(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	n, err := h.Store.GetNeed(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, needAnswer(r, n))
	return nil
}

// decodeOptionalJSON is DecodeJSON for bodies that may be left out
// entirely (start, reopen): an empty body leaves dst as it is.
func (h *handlers) decodeOptionalJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return httpx.DecodeJSON(w, r, dst, h.Config.MaxBodyBytes)
}

func (h *handlers) assignNeed(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in model.NeedAssign
	if err := h.decodeOptionalJSON(w, r, &in); err != nil {
		return err
	}
	n, err := h.Store.AssignNeed(r.Context(), id, in)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, needAnswer(r, n))
	return nil
}

// needStep is the handler of one life-cycle step other than assign; the
// body ({"note", "resolution", "reason", "satisfaction", "version"}) may be
// left out where the step requires nothing.
func (h *handlers) needStep(act casework.Action) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r, "id")
		if err != nil {
			return err
		}
		var in model.NeedStep
		if err := h.decodeOptionalJSON(w, r, &in); err != nil {
			return err
		}
		n, err := h.Store.StepNeed(r.Context(), id, act, in)
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, needAnswer(r, n))
		return nil
	}
}

// proposalList is the answer of the volunteers proposed for a case.
type proposalList struct {
	Items []model.VolunteerProposal `json:"items"`
	Total int                       `json:"total"`
}

func (h *handlers) proposeVolunteers(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	list, err := h.Store.ProposedVolunteers(r.Context(), id)
	if err != nil {
		return err
	}
	if list == nil {
		list = []model.VolunteerProposal{}
	}
	httpx.WriteJSON(w, http.StatusOK, proposalList{Items: list, Total: len(list)})
	return nil
}

// assigneeList is the answer of everyone a case may be assigned to.
type assigneeList struct {
	Items []model.AssigneeOption `json:"items"`
	Total int                    `json:"total"`
}

// listAssignees answers whom a case may be assigned to: the paired
// volunteers, the staff whose scope reaches the case, then the other
// volunteers proposed for it (store.Assignees).
func (h *handlers) listAssignees(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	list, err := h.Store.Assignees(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, assigneeList{Items: list, Total: len(list)})
	return nil
}

// needStats is the dashboard of the needs ledger for the caller's scope
// (model.NeedStats): it names nobody, hides small cells from leaders, and
// carries the visit plan's totals for those who plan visits or read
// aggregates — the store decides all three.
func (h *handlers) needStats(w http.ResponseWriter, r *http.Request) error {
	var f model.NeedStatsFilter
	var err error
	if f.RegionCode, err = queryRegion(r, h.Store, "region"); err != nil {
		return err
	}
	if f.InstitutionID, err = queryInt64(r, "institution"); err != nil {
		return err
	}
	if f.From, f.To, err = queryPeriod(r); err != nil {
		return err
	}
	st, err := h.Store.NeedStats(r.Context(), f)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, st)
	return nil
}
