package model

import (
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Guarantee categories of a need: the notice's five guarantees (五项保障).
const (
	CategoryLiving        = "living"        // 生活保障
	CategoryPsychological = "psychological" // 心理保障
	CategoryHumanistic    = "humanistic"    // 人文保障
	CategorySafety        = "safety"        // 安全保障
	CategoryOther         = "other"         // 其他保障
)

// Kinds of need.
const (
	KindChildcare      = "childcare"
	KindEldercare      = "eldercare"
	KindSupplies       = "supplies"
	KindMeals          = "meals"
	KindAccommodation  = "accommodation"
	KindTransport      = "transport"
	KindPPE            = "ppe"
	KindCounselling    = "counselling"
	KindFamilyContact  = "family_contact"
	KindDiscrimination = "discrimination"
	KindMedical        = "medical"
	KindLegal          = "legal"
	KindFinancial      = "financial"
	KindOther          = "other"
)

// Urgencies, most urgent first.
const (
	UrgencyUrgent = "urgent"
	UrgencyHigh   = "high"
	UrgencyNormal = "normal"
	UrgencyLow    = "low"
)

// Sources: how a need reached the team.
const (
	SourceVisit       = "visit"
	SourceSelf        = "self"
	SourceFamily      = "family"
	SourceHotline     = "hotline"
	SourceInstitution = "institution"
)

// Statuses of a case. The transitions between them are the rules of package casework.
const (
	NeedOpen       = "open"
	NeedAssigned   = "assigned"
	NeedInProgress = "in_progress"
	NeedResolved   = "resolved"
	NeedClosed     = "closed"
	NeedRejected   = "rejected"
)

// NeedKindsByCategory lists the kinds each category allows, in display
// order: 心理保障 is counselling and family contact, not meals. "Other" (其他保障)
// takes any kind, and every category takes KindOther.
var NeedKindsByCategory = map[string][]string{
	CategoryLiving: {KindChildcare, KindEldercare, KindSupplies, KindMeals, KindAccommodation, KindTransport,
		KindMedical, KindFinancial, KindOther},
	CategoryPsychological: {KindCounselling, KindFamilyContact, KindOther},
	CategoryHumanistic:    {KindFamilyContact, KindChildcare, KindEldercare, KindDiscrimination, KindLegal, KindFinancial, KindOther},
	CategorySafety:        {KindPPE, KindTransport, KindMedical, KindDiscrimination, KindLegal, KindOther},
	CategoryOther:         NeedKinds,
}

// KindBelongsTo reports whether kind is one of category's kinds. Unknown
// values are not its concern (Normalize reports them as not allowed).
func KindBelongsTo(category, kind string) bool {
	kinds, ok := NeedKindsByCategory[category]
	if !ok || !Contains(NeedKinds, kind) {
		return true
	}
	return Contains(kinds, kind)
}

// The value lists, in display order.
var (
	NeedCategories = []string{CategoryLiving, CategoryPsychological, CategoryHumanistic, CategorySafety, CategoryOther}
	NeedKinds      = []string{KindChildcare, KindEldercare, KindSupplies, KindMeals, KindAccommodation, KindTransport, KindPPE,
		KindCounselling, KindFamilyContact, KindDiscrimination, KindMedical, KindLegal, KindFinancial, KindOther}
	NeedUrgencies = []string{UrgencyUrgent, UrgencyHigh, UrgencyNormal, UrgencyLow}
	NeedSources   = []string{SourceVisit, SourceSelf, SourceFamily, SourceHotline, SourceInstitution}
	NeedStatuses  = []string{NeedOpen, NeedAssigned, NeedInProgress, NeedResolved, NeedClosed, NeedRejected}
	// NeedActiveStatuses are the statuses whose deadline runs.
	NeedActiveStatuses = []string{NeedOpen, NeedAssigned, NeedInProgress}
)

// Text limits.
const (
	NeedTextMax = 2000 // description, resolution, reason, note
)

// Need is a case of the needs-and-difficulties ledger (需求困难台账): one need
// or difficulty of a frontline person or their family, followed until solved.
// What a viewer sees depends on the role: a volunteer gets the surname only
// (张某) and the contact phone in full only while the case is active.
type Need struct {
	ID               int64  `json:"id"`
	PersonID         int64  `json:"person_id"`
	PersonName       string `json:"person_name"`
	FamilyMemberID   *int64 `json:"family_member_id"`
	FamilyMemberName string `json:"family_member_name,omitempty"`
	FamilyRelation   string `json:"family_relation,omitempty"`
	// ContactPhone is the family member's phone when the case concerns one who
	// has a phone, else the person's; masked unless the viewer may see it in full.
	ContactPhone string `json:"contact_phone,omitempty"`
	// Address is where the help goes; a volunteer sees it whole only while
	// the case is theirs and active, otherwise its first part (海州区西山街道…).
	Address         string    `json:"address,omitempty"`
	InstitutionID   int64     `json:"institution_id,omitempty"`
	InstitutionName string    `json:"institution_name,omitempty"`
	RegionCode      string    `json:"region_code"`
	TeamRegionCode  string    `json:"team_region_code"`
	VisitID         *int64    `json:"visit_id,omitempty"`
	Category        string    `json:"category"`
	Kind            string    `json:"kind"`
	Urgency         string    `json:"urgency"`
	Description     string    `json:"description"`
	Source          string    `json:"source"`
	Status          string    `json:"status"`
	DueAt           time.Time `json:"due_at"`
	Overdue         bool      `json:"overdue"`
	// AssignedToViewer: the case is assigned to the account it was read for,
	// directly or through that account's volunteer record (the "own" of
	// casework.MayStep).
	AssignedToViewer bool          `json:"-"`
	EscalationLevel  int           `json:"escalation_level"`
	Assignee         *NeedAssignee `json:"assignee"`
	Resolution       string        `json:"resolution,omitempty"`
	RejectReason     string        `json:"reject_reason,omitempty"`
	Satisfaction     *int          `json:"satisfaction,omitempty"`
	RecordedBy       string        `json:"recorded_by"`
	RecordedByID     *int64        `json:"recorded_by_id,omitempty"`
	Version          int64         `json:"version"`
	CreatedAt        time.Time     `json:"created_at"`
	UpdatedAt        time.Time     `json:"updated_at"`
	AssignedAt       *time.Time    `json:"assigned_at,omitempty"`
	ResolvedAt       *time.Time    `json:"resolved_at,omitempty"`
	ClosedAt         *time.Time    `json:"closed_at,omitempty"`
	Events           []NeedEvent   `json:"events,omitempty"`
}

// Assignee kinds.
const (
	AssigneeUser      = "user"
	AssigneeVolunteer = "volunteer"
)

// NeedAssignee is who works a case: a user account or a registered volunteer.
type NeedAssignee struct {
	Kind        string `json:"kind"` // user or volunteer
	UserID      *int64 `json:"user_id,omitempty"`
	VolunteerID *int64 `json:"volunteer_id,omitempty"`
	Name        string `json:"name"`
}

// Event actions of a case's history (need_events.action).
const (
	EventCreated   = "created"
	EventAssigned  = "assigned"
	EventStarted   = "started"
	EventResolved  = "resolved"
	EventClosed    = "closed"
	EventRejected  = "rejected"
	EventReopened  = "reopened"
	EventEscalated = "escalated"
)

// NeedEvent is one step of a case's history.
type NeedEvent struct {
	ID         int64     `json:"id"`
	NeedID     int64     `json:"need_id"`
	At         time.Time `json:"at"`
	UserID     *int64    `json:"user_id,omitempty"`
	Username   string    `json:"username"`
	Action     string    `json:"action"`
	FromStatus string    `json:"from_status,omitempty"`
	ToStatus   string    `json:"to_status"`
	Note       string    `json:"note,omitempty"`
	// Assignee is set on "assigned" events.
	Assignee *NeedAssignee `json:"assignee,omitempty"`
	// TeamRegionCode is the team a case was escalated to ("escalated" events;
	// "reopened" ones name the team of the person's region it went back to).
	TeamRegionCode string `json:"team_region_code,omitempty"`
	// EscalationLevel is the level an "escalated" event raised the case to (1
	// for the first escalation after recording or reopening).
	EscalationLevel int  `json:"escalation_level,omitempty"`
	Satisfaction    *int `json:"satisfaction,omitempty"`
}

// NeedInput records a new case. DueAt may bring the deadline forward from
// the default of the urgency, never past it and never into the past.
type NeedInput struct {
	PersonID       int64      `json:"person_id"`
	FamilyMemberID *int64     `json:"family_member_id"`
	Category       string     `json:"category"`
	Kind           string     `json:"kind"`
	Urgency        string     `json:"urgency"`
	Description    string     `json:"description"`
	Source         string     `json:"source"`
	DueAt          *time.Time `json:"due_at"`
	// Address is where the help goes (optional): the relative's home, a dormitory.
	Address string `json:"address"`
}

// Normalize trims and checks the fields that need no database, and returns
// the problems by field. The store checks the person, the family member and
// the deadline against the policy of the person's region.
func (in *NeedInput) Normalize() FieldErrors {
	fe := FieldErrors{}
	if in.PersonID <= 0 {
		fe.Add("person_id", "field.required")
	}
	if in.FamilyMemberID != nil && *in.FamilyMemberID == 0 {
		in.FamilyMemberID = nil
	}
	in.Category = strings.TrimSpace(in.Category)
	in.Kind = strings.TrimSpace(in.Kind)
	in.Urgency = strings.TrimSpace(in.Urgency)
	in.Source = strings.TrimSpace(in.Source)
	needChoice(fe, "category", in.Category, NeedCategories)
	needChoice(fe, "kind", in.Kind, NeedKinds)
	if _, bad := fe["category"]; !bad && !KindBelongsTo(in.Category, in.Kind) {
		fe.Add("kind", "need.kind_not_in_category")
	}
	needChoice(fe, "urgency", in.Urgency, NeedUrgencies)
	needChoice(fe, "source", in.Source, NeedSources)
	CheckLongText(fe, "description", &in.Description, NeedTextMax, true)
	checkText(fe, "address", &in.Address, NeedAddressMax, false)
	return fe
}

// NeedAddressMax bounds a case's address in characters.
const NeedAddressMax = 200

func needChoice(fe FieldErrors, field, v string, values []string) {
	if v == "" {
		fe.Add(field, "field.required")
	} else if !Contains(values, v) {
		fe.Add(field, "field.choice")
	}
}

// CheckLongText trims *s and checks a free text that may span lines (a
// description, a note): line breaks and tabs are kept, other control
// characters refused; required makes empty an error.
func CheckLongText(fe FieldErrors, field string, s *string, max int, required bool) {
	*s = strings.TrimSpace(strings.ReplaceAll(*s, "\r\n", "\n"))
	switch {
	case required && *s == "":
		fe.Add(field, "field.required")
	case utf8.RuneCountInString(*s) > max:
		fe.Add(field, "field.too_long", max)
	case !utf8.ValidString(*s):
		fe.Add(field, "field.control_chars")
	case strings.IndexFunc(*s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0:
		fe.Add(field, "field.control_chars")
	}
}

// Prefix renames every field of fe as prefix + field, for input nested in a
// list: needs[2].description.
func (f FieldErrors) Prefix(prefix string) FieldErrors {
	out := FieldErrors{}
	for k, v := range f {
		out[prefix+k] = v
	}
	return out
}

// NeedAssign assigns a case to exactly one of a user account or a volunteer.
type NeedAssign struct {
	UserID      *int64 `json:"user_id"`
	VolunteerID *int64 `json:"volunteer_id"`
	Note        string `json:"note"`
	Version     *int64 `json:"version"`
}

// Normalize checks that exactly one assignee is named.
func (in *NeedAssign) Normalize() FieldErrors {
	fe := FieldErrors{}
	if in.UserID != nil && *in.UserID == 0 {
		in.UserID = nil
	}
	if in.VolunteerID != nil && *in.VolunteerID == 0 {
		in.VolunteerID = nil
	}
	if (in.UserID == nil) == (in.VolunteerID == nil) {
		fe.Add("user_id", "need.assignee_one")
	}
	CheckLongText(fe, "note", &in.Note, NeedTextMax, false)
	return fe
}

// AssignableUser is a staff account a case may be assigned to: enabled, not
// locked, of a role that works cases (volunteers are assigned through their
// registry record instead), whose own scope reaches the case.
type AssignableUser struct {
	ID            int64  `json:"id"`
	Username      string `json:"username"`
	Name          string `json:"name"` // display name, else username
	Role          string `json:"role"`
	RegionCode    string `json:"region_code,omitempty"`
	InstitutionID *int64 `json:"institution_id,omitempty"`
}

// AssigneeOption is one entry of the list a case is assigned from: a staff
// account or a registered volunteer. Paired volunteers come first, then
// staff, then the other volunteers proposed for the case.
type AssigneeOption struct {
	Kind        string `json:"kind"` // user or volunteer
	UserID      *int64 `json:"user_id,omitempty"`
	VolunteerID *int64 `json:"volunteer_id,omitempty"`
	Name        string `json:"name"`
	Role        string `json:"role,omitempty"` // staff: their role
	RegionCode  string `json:"region_code,omitempty"`
	// Paired: a volunteer paired with the person's family today (对口帮助).
	Paired         bool     `json:"paired"`
	MatchingSkills []string `json:"matching_skills"`
	// Current: whoever works the case now.
	Current bool `json:"current"`
}

// NeedStep carries the input of start, resolve, close, reject and reopen:
// resolve needs Resolution, close Satisfaction (1–5), reject Reason; Note is
// an optional remark of any step.
type NeedStep struct {
	Note         string `json:"note"`
	Resolution   string `json:"resolution"`
	Reason       string `json:"reason"`
	Satisfaction *int   `json:"satisfaction"`
	Version      *int64 `json:"version"`
}

// Satisfaction bounds of the follow-up.
const (
	SatisfactionMin = 1
	SatisfactionMax = 5
)

// NormalizeFor checks the step input that action (an EventX value without the
// -ed: "resolve", "close", "reject" …) requires.
func (in *NeedStep) NormalizeFor(action string) FieldErrors {
	fe := FieldErrors{}
	CheckLongText(fe, "note", &in.Note, NeedTextMax, false)
	switch action {
	case "resolve":
		CheckLongText(fe, "resolution", &in.Resolution, NeedTextMax, true)
	case "close":
		if in.Satisfaction == nil {
			fe.Add("satisfaction", "field.required")
		} else if *in.Satisfaction < SatisfactionMin || *in.Satisfaction > SatisfactionMax {
			fe.Add("satisfaction", "need.satisfaction_range", SatisfactionMin, SatisfactionMax)
		}
	case "reject":
		CheckLongText(fe, "reason", &in.Reason, NeedTextMax, true)
	}
	return fe
}

// Sort orders of a case list. Each key has its own natural direction; the
// order "asc" or "desc" of a filter may turn it round. Ties are broken by
// the case number (id), so pages never overlap.
const (
	NeedSortUrgency = ""        // urgency, then deadline (default): most urgent first
	NeedSortDueAt   = "due_at"  // deadline: earliest first
	NeedSortNewest  = "created" // recorded: newest first
	NeedSortStatus  = "status"  // status in the order of NeedStatuses, newest first within one
)

// NeedSortKeys are the sort keys a list accepts (the API's and the page's
// names; urgency is the default order).
var NeedSortKeys = []string{"urgency", NeedSortDueAt, NeedSortNewest, NeedSortStatus}

// Directions of a sort; "" is the key's natural one.
const (
	SortAsc  = "asc"
	SortDesc = "desc"
)

// NeedSortNatural is the natural direction of a sort key: newest first for
// created, ascending (most urgent, earliest, open first) for the others.
func NeedSortNatural(key string) string {
	if key == NeedSortNewest {
		return SortDesc
	}
	return SortAsc
}

// NeedSearchLimit bounds the text search of a case list: words are looked
// for in the names and descriptions of the newest NeedSearchLimit cases the
// other filters select, so that a search costs the same at a million cases
// as at ten thousand. Narrow the other filters (status, dates) to reach older cases.
const NeedSearchLimit = 5000

// NeedSearchCountMax bounds the matches of a search that are counted and
// paged through (the description's are at most NeedSearchLimit; a name
// common in a city's scope may match more).
const NeedSearchCountMax = 20000

// NeedQueryMax bounds the search box in characters.
const NeedQueryMax = 100

// NeedQuery is a case list's search, parsed: a case number ("#123" or
// "123") or words of the person's name or the description.
type NeedQuery struct {
	CaseID int64
	Text   string
}

// ParseNeedQuery reads a case list's search box.
func ParseNeedQuery(q string) NeedQuery {
	q = strings.TrimSpace(q)
	num := strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(q, "#"), "＃"))
	if num != "" && strings.IndexFunc(num, func(r rune) bool { return r < '0' || r > '9' }) < 0 && len(num) <= 18 {
		var id int64
		for _, r := range num {
			id = id*10 + int64(r-'0')
		}
		if id > 0 {
			return NeedQuery{CaseID: id}
		}
	}
	return NeedQuery{Text: q}
}

// NeedFilter selects cases for a list; zero fields do not filter.
type NeedFilter struct {
	Status         []string // any of these statuses
	Category       string
	Kind           string
	Urgency        string
	RegionCode     string // prefix of the person's region
	TeamRegionCode string // exact: the team responsible now
	InstitutionID  int64
	PersonID       int64
	// AssigneeUserID matches cases assigned to the user directly or through
	// the volunteer record linked to that user.
	AssigneeUserID      int64
	AssigneeVolunteerID int64
	Unassigned          bool
	Overdue             bool // active and past the deadline
	// Missed: active and missed a deadline, past it now or escalated at
	// least once (escalation gives a new deadline, but the first was
	// missed) — what the dashboard's overdue figure counts.
	Missed    bool
	Escalated bool // escalation level above 0
	// Query is the search box: a case number, or words of the person's name
	// or the description (among the newest NeedSearchLimit cases selected).
	Query string
	// CreatedFrom and CreatedTo bound when the case was recorded: [from, to).
	CreatedFrom, CreatedTo time.Time
	Sort                   string
	Order                  string // SortAsc, SortDesc or "" for the key's natural direction
	Page                   Page
}

// ParseNeedStatuses splits "open,assigned" into statuses; it reports false for an unknown one.
func ParseNeedStatuses(s string) ([]string, bool) {
	if strings.TrimSpace(s) == "" {
		return nil, true
	}
	var out []string
	for _, v := range strings.Split(s, ",") {
		v = strings.TrimSpace(v)
		if v == "active" {
			out = append(out, NeedActiveStatuses...)
			continue
		}
		if !Contains(NeedStatuses, v) {
			return nil, false
		}
		out = append(out, v)
	}
	return out, true
}

// NeedStatsFilter selects the cases counted on the dashboard.
type NeedStatsFilter struct {
	RegionCode    string
	InstitutionID int64
	From, To      time.Time // created in [From, To); zero is open-ended
}

// NeedOutcomeDays is the period the outcome figures of the dashboard (the
// median time to resolve, the mean satisfaction) describe when the caller
// gives no starting date: the cases recorded in the last 30 days. They tell
// how the teams work now, month by month as the ledgers are reported
// upward; a lifetime figure barely moves, and no index holds resolution
// times or satisfaction, so every case of the period is read from the table
// (at 1,000,000 cases, a city's 30 days cost about 0.4 s of CPU, 90 days
// twice that). Any other period is a from/to away.
const NeedOutcomeDays = 30

// OutcomeWindow is the period the outcome figures describe at now: the
// filter's From and To, To defaulting to now and From to NeedOutcomeDays
// before To.
func (f NeedStatsFilter) OutcomeWindow(now time.Time) (from, to time.Time) {
	from, to = f.From, f.To
	if to.IsZero() {
		to = now
	}
	if from.IsZero() {
		from = to.AddDate(0, 0, -NeedOutcomeDays)
	}
	return from, to
}

// NeedCount is the number of cases of one category in one status.
type NeedCount struct {
	Category string `json:"category"`
	Status   string `json:"status"`
	Count    Count  `json:"count"`
}

// NeedCategoryCount is the number of cases of one category.
type NeedCategoryCount struct {
	Category string `json:"category"`
	Count    Count  `json:"count"`
}

// NeedStatusCount is the number of cases in one status.
type NeedStatusCount struct {
	Status string `json:"status"`
	Count  Count  `json:"count"`
}

// VisitCounts are the totals of the visit plan: numbers only, no names.
type VisitCounts struct {
	People  Count `json:"people"` // frontline people in the selection
	Due     Count `json:"due"`    // due within a day, or overdue
	Overdue Count `json:"overdue"`
}

// NeedStats are the aggregates of the dashboard; they carry no names. For a
// role that sees aggregates only, counts of 1 to SmallCell-1 are Suppressed,
// and so are the median and the mean when they rest on fewer cases.
type NeedStats struct {
	// Counts has one entry per category and status with cases, ordered by
	// category then status (the codes' byte order).
	Counts []NeedCount `json:"counts"`
	// ByCategory and ByStatus are the totals of every category and status,
	// in display order (model.NeedCategories, model.NeedStatuses).
	ByCategory []NeedCategoryCount `json:"by_category"`
	ByStatus   []NeedStatusCount   `json:"by_status"`
	Total      Count               `json:"total"`
	Active     Count               `json:"active"`
	// Overdue counts the active cases that missed a deadline: past it now,
	// or escalated (escalation sets a new deadline with the next team).
	Overdue   Count `json:"overdue"`
	Escalated Count `json:"escalated"` // active and escalated at least once
	// Resolved counts the cases resolved and not taken up again (status
	// resolved or closed; reopening clears the resolution).
	Resolved Count `json:"resolved"`
	// OutcomeFrom and OutcomeTo bound the creation time of the cases that
	// MedianResolveSeconds and MeanSatisfaction describe: the period asked
	// for, or the last NeedOutcomeDays days before its end (or now).
	OutcomeFrom time.Time `json:"outcome_from"`
	OutcomeTo   time.Time `json:"outcome_to"`
	// MedianResolveSeconds is the median time from recording to resolution
	// of those cases resolved; 0 when there are none.
	MedianResolveSeconds int64 `json:"median_resolve_seconds"`
	// MeanSatisfaction of those cases closed with a satisfaction; 0 when none.
	MeanSatisfaction float64 `json:"mean_satisfaction"`
	// Visits are the totals of the visit plan, for the roles that plan visits
	// or read aggregates; nil for the others.
	Visits *VisitCounts `json:"visits"`
	// Suppressed says that small cells are hidden from this caller.
	Suppressed bool `json:"suppressed"`
}

// MedianResolve is the median time to resolve as a duration.
func (s NeedStats) MedianResolve() time.Duration {
	return time.Duration(s.MedianResolveSeconds) * time.Second
}

// NeedTable is the table of cases that the dashboard, GET /needs/stats and
// the ledger's summary sheet publish: categories (rows, NeedCategories) ×
// statuses (columns, NeedStatuses), with the active statuses and the
// resolved ones (resolved, closed) as groups whose totals are published
// too (NeedStats.Active, NeedStats.Resolved). Every view of these figures
// builds this one table, so that CountTable.Publish hides the same cells in
// all of them.
func NeedTable(count func(category, status string) int) CountTable {
	t := CountTable{Cells: make([][]int, len(NeedCategories))}
	for i, c := range NeedCategories {
		t.Cells[i] = make([]int, len(NeedStatuses))
		for j, st := range NeedStatuses {
			t.Cells[i][j] = count(c, st)
		}
	}
	var active, resolved []int
	for j, st := range NeedStatuses {
		switch {
		case Contains(NeedActiveStatuses, st):
			active = append(active, j)
		case st == NeedResolved || st == NeedClosed:
			resolved = append(resolved, j)
		}
	}
	t.Groups = [][]int{active, resolved}
	return t
}

// Suppress hides the figures a role that sees aggregates only may not see:
// the table of cases (Counts, ByCategory, ByStatus, Total, Active,
// Resolved) as CountTable.Publish decides, small cells and the
// complementary ones; the counts outside it (overdue, escalated, the visit
// totals) when 1 to SmallCell-1; and the median and the mean when they rest
// on fewer than SmallCell cases (resolved, rated). It reads the exact
// counts from s.
func (s *NeedStats) Suppress(resolved, rated int) {
	s.Suppressed = true
	exact := map[[2]string]int{}
	for _, c := range s.Counts {
		exact[[2]string{c.Category, c.Status}] = int(c.Count)
	}
	fig := NeedTable(func(c, st string) int { return exact[[2]string{c, st}] }).Publish(true)
	at := func(category, status string) Count {
		i, j := slices.Index(NeedCategories, category), slices.Index(NeedStatuses, status)
		if i < 0 || j < 0 {
			return Suppressed // outside the table (none is ever written): never shown exactly
		}
		return fig.Cells[i][j]
	}
	for i := range s.Counts {
		s.Counts[i].Count = at(s.Counts[i].Category, s.Counts[i].Status)
	}
	for i := range s.ByCategory {
		if k := slices.Index(NeedCategories, s.ByCategory[i].Category); k >= 0 {
			s.ByCategory[i].Count = fig.RowTotals[k]
		}
	}
	for i := range s.ByStatus {
		if k := slices.Index(NeedStatuses, s.ByStatus[i].Status); k >= 0 {
			s.ByStatus[i].Count = fig.ColTotals[k]
		}
	}
	s.Total, s.Active, s.Resolved = fig.Total, fig.Groups[0], fig.Groups[1]
	for _, c := range []*Count{&s.Overdue, &s.Escalated} {
		*c = c.Suppress()
	}
	if resolved < SmallCell {
		s.MedianResolveSeconds = 0
	}
	if rated < SmallCell {
		s.MeanSatisfaction = 0
	}
	if v := s.Visits; v != nil {
		v.People, v.Due, v.Overdue = v.People.Suppress(), v.Due.Suppress(), v.Overdue.Suppress()
	}
}

// LedgerFilter selects the rows of the ledger export.
type LedgerFilter struct {
	RegionCode string
	From, To   time.Time // created in [From, To); zero is open-ended
	Status     []string
}

// LedgerRow is one case as a Chinese ledger lists it: the person, the
// institution, the family situation, the need, the measures taken, who is
// responsible, the dates and the status. Names are masked for roles that see
// aggregates only (张某).
type LedgerRow struct {
	NeedID           int64      `json:"need_id"`
	PersonName       string     `json:"person_name"`
	Sex              string     `json:"sex"`
	InstitutionName  string     `json:"institution_name"`
	Department       string     `json:"department"`
	Occupation       string     `json:"occupation"`
	RegionCode       string     `json:"region_code"`
	FamilyCount      int        `json:"family_count"`
	FamilyCareNeeds  []string   `json:"family_care_needs"`
	FamilyMemberName string     `json:"family_member_name,omitempty"`
	FamilyRelation   string     `json:"family_relation,omitempty"`
	Category         string     `json:"category"`
	Kind             string     `json:"kind"`
	Urgency          string     `json:"urgency"`
	Source           string     `json:"source"`
	Description      string     `json:"description"`
	Measures         string     `json:"measures"` // the resolution, or the rejection reason
	Responsible      string     `json:"responsible"`
	TeamRegionCode   string     `json:"team_region_code"`
	EscalationLevel  int        `json:"escalation_level"`
	Status           string     `json:"status"`
	Satisfaction     *int       `json:"satisfaction,omitempty"`
	CreatedAt        time.Time  `json:"created_at"`
	DueAt            time.Time  `json:"due_at"`
	ResolvedAt       *time.Time `json:"resolved_at,omitempty"`
	ClosedAt         *time.Time `json:"closed_at,omitempty"`

	// Family is each registered relative, in the order registered; the one
	// the case concerns is marked.
	Family []LedgerRelative `json:"family"`
	// Steps are the measures taken, from the case's history, oldest first:
	// assignments, starts, resolutions, rejections, reopenings, follow-ups.
	Steps []LedgerStep `json:"steps"`
}

// LedgerRelative is one relative of the person as the ledger describes them:
// relation, sex, age and care, never a name or an ID number.
type LedgerRelative struct {
	Relation string `json:"relation"`
	Sex      string `json:"sex,omitempty"` // male, female; empty when no ID number gives it
	Age      *int   `json:"age,omitempty"` // in whole years at the export; nil without a birth date
	// Older reports whether the relative was born before the person (nil
	// when either birth date is missing): a sibling is an elder or a younger one.
	Older     *bool    `json:"older,omitempty"`
	LivesWith bool     `json:"lives_with"`
	CareNeeds []string `json:"care_needs"`
	Concerned bool     `json:"concerned"` // the relative the case is about
}

// LedgerStep is one measure taken on a case, from its history. The
// assignee's name is masked when the row's names are.
type LedgerStep struct {
	At           time.Time `json:"at"`
	Action       string    `json:"action"` // an EventX value
	AssigneeKind string    `json:"assignee_kind,omitempty"`
	AssigneeName string    `json:"assignee_name,omitempty"`
	Note         string    `json:"note,omitempty"` // the step's note; a resolution or rejection reason
	Satisfaction *int      `json:"satisfaction,omitempty"`
}
