package model

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Kinds of frontline post (一线岗位).
const (
	PostFeverClinic     = "fever_clinic"
	PostIsolationWard   = "isolation_ward"
	PostICU             = "icu"
	PostSampling        = "sampling"
	PostQuarantineHotel = "quarantine_hotel"
	PostAidTeam         = "aid_team"
	PostOther           = "other"
)

// PostKinds lists the kinds in display order.
var PostKinds = []string{PostFeverClinic, PostIsolationWard, PostICU, PostSampling, PostQuarantineHotel, PostAidTeam, PostOther}

// Deployment statuses: a cancelled deployment counts no days and conflicts with nothing.
const (
	DeploymentPlanned   = "planned"
	DeploymentCancelled = "cancelled"
)

// DeploymentStatuses lists the statuses in display order.
var DeploymentStatuses = []string{DeploymentPlanned, DeploymentCancelled}

// Conflict kinds.
const (
	ConflictCouple = "couple"  // a linked medical-worker relative deployed at overlapping dates
	ConflictRest   = "rest"    // not rested enough
	ConflictSelf   = "overlap" // the person is deployed already at overlapping dates (never overridden)
)

// Conflict statuses on the conflicts page.
const (
	ConflictOpen       = "open"       // two live deployments conflict and nobody decided it
	ConflictOverridden = "overridden" // planned against the rule with a written reason
	ConflictResolved   = "resolved"   // one of the two deployments was cancelled since
)

// ConflictStatuses lists the statuses in display order.
var ConflictStatuses = []string{ConflictOpen, ConflictOverridden, ConflictResolved}

// Error codes of the deployment rules (409), besides EConflict for a double booking.
const (
	ECoupleConflict Code = "couple_conflict"
	ERestRequired   Code = "rest_required"
)

// Bounds of deployment texts and numbers.
const (
	MaxPostName         = 100
	MaxOverrideReason   = 500
	MaxDeploymentDays   = 366
	MaxQuarantineDays   = 60
	DefaultShiftHours   = 8
	MaxBatchDestination = 100
	MaxDeploymentRole   = 50
)

// Post is a frontline post of one institution with its risk tier: 1 for
// direct contact with confirmed or suspected patients, 2 for other frontline
// work (财社〔2020〕2号).
type Post struct {
	ID              int64     `json:"id"`
	Name            string    `json:"name"`
	InstitutionID   int64     `json:"institution_id"`
	InstitutionName string    `json:"institution_name"`
	RegionCode      string    `json:"region_code"`
	Kind            string    `json:"kind"`
	Tier            int       `json:"tier"`
	Active          bool      `json:"active"`
	DeployedNow     int       `json:"deployed_now"` // people deployed there today
	Version         int64     `json:"version"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// PostInput creates or changes a post; nil fields are left as they are.
type PostInput struct {
	Name          *string `json:"name"`
	InstitutionID *int64  `json:"institution_id"`
	Kind          *string `json:"kind"`
	Tier          *int    `json:"tier"`
	Active        *bool   `json:"active"`
	Version       *int64  `json:"version"`
}

// Normalize checks a post's fields (create: every required field).
func (in *PostInput) Normalize(create bool) FieldErrors {
	fe := FieldErrors{}
	if in.Name != nil || create {
		var s string
		if in.Name != nil {
			s = *in.Name
		}
		checkText(fe, "name", &s, MaxPostName, true)
		in.Name = &s
	}
	if create && (in.InstitutionID == nil || *in.InstitutionID <= 0) {
		fe.Add("institution_id", "field.required")
	}
	if !create && in.InstitutionID != nil {
		fe.Add("institution_id", "post.institution_fixed")
	}
	if in.Kind != nil || create {
		if in.Kind == nil || !Contains(PostKinds, *in.Kind) {
			fe.Add("kind", "field.choice")
		}
	}
	if in.Tier != nil || create {
		if in.Tier == nil || *in.Tier != 1 && *in.Tier != 2 {
			fe.Add("tier", "deploy.tier")
		}
	}
	return fe
}

// PostFilter selects posts.
type PostFilter struct {
	Q             string
	InstitutionID int64
	RegionCode    string
	Kind          string
	Tier          int
	Active        *bool
	Page          Page
}

// Batch is an aid-team batch (援助医疗队批次) sent by a region: destination,
// leader, departure and planned return, rest/quarantine after return.
type Batch struct {
	ID             int64     `json:"id"`
	Name           string    `json:"name"`
	Destination    string    `json:"destination"`
	RegionCode     string    `json:"region_code"`
	LeaderPersonID *int64    `json:"leader_person_id"`
	LeaderName     string    `json:"leader_name,omitempty"`
	DepartsOn      string    `json:"departs_on"`
	ReturnsOn      string    `json:"returns_on"`
	QuarantineDays int       `json:"quarantine_days"`
	Tier           int       `json:"tier"`
	Members        int       `json:"members"` // deployments not cancelled
	Version        int64     `json:"version"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// BatchInput creates or changes a batch; nil fields are left as they are
// (QuarantineDays defaults to the region's aid rest setting).
type BatchInput struct {
	Name           *string `json:"name"`
	Destination    *string `json:"destination"`
	RegionCode     *string `json:"region_code"`
	LeaderPersonID *int64  `json:"leader_person_id"`
	DepartsOn      *string `json:"departs_on"`
	ReturnsOn      *string `json:"returns_on"`
	QuarantineDays *int    `json:"quarantine_days"`
	Tier           *int    `json:"tier"`
	Version        *int64  `json:"version"`
}

// Normalize checks a batch's fields against the values it keeps (cur, for a change).
func (in *BatchInput) Normalize(create bool, cur Batch) FieldErrors {
	fe := FieldErrors{}
	text := func(field string, p **string, max int) {
		if *p != nil || create {
			var s string
			if *p != nil {
				s = **p
			}
			checkText(fe, field, &s, max, true)
			*p = &s
		}
	}
	text("name", &in.Name, MaxPostName)
	text("destination", &in.Destination, MaxBatchDestination)
	if create && (in.RegionCode == nil || strings.TrimSpace(*in.RegionCode) == "") {
		fe.Add("region_code", "field.required")
	}
	if !create && in.RegionCode != nil {
		fe.Add("region_code", "batch.region_fixed")
	}
	departs, returns := cur.DepartsOn, cur.ReturnsOn
	if in.DepartsOn != nil || create {
		departs = dateField(fe, "departs_on", in.DepartsOn)
	}
	if in.ReturnsOn != nil || create {
		returns = dateField(fe, "returns_on", in.ReturnsOn)
	}
	if _, bad := fe["departs_on"]; !bad && departs != "" && returns != "" && returns < departs {
		fe.Add("returns_on", "deploy.end_before_start")
	}
	if in.QuarantineDays != nil && (*in.QuarantineDays < 0 || *in.QuarantineDays > MaxQuarantineDays) {
		fe.Add("quarantine_days", "deploy.range", 0, MaxQuarantineDays)
	}
	if in.Tier != nil && *in.Tier != 1 && *in.Tier != 2 {
		fe.Add("tier", "deploy.tier")
	}
	return fe
}

// dateField checks an ISO date field, required; it returns the date or "".
func dateField(fe FieldErrors, field string, p *string) string {
	if p == nil || strings.TrimSpace(*p) == "" {
		fe.Add(field, "field.required")
		return ""
	}
	s := strings.TrimSpace(*p)
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		fe.Add(field, "deploy.date")
		return ""
	}
	*p = s
	return s
}

// BatchFilter selects batches.
type BatchFilter struct {
	Q          string
	RegionCode string
	ActiveOn   string // batches away on that date
	Page       Page
}

// Deployment puts one person at a post or in a batch for an inclusive date
// range. Tier, region and institution are copied when it is planned.
type Deployment struct {
	ID              int64     `json:"id"`
	PersonID        int64     `json:"person_id"`
	PersonName      string    `json:"person_name"`
	Occupation      string    `json:"occupation"`
	RegionCode      string    `json:"region_code"`
	InstitutionID   int64     `json:"institution_id"`
	InstitutionName string    `json:"institution_name"`
	PostID          *int64    `json:"post_id"`
	PostName        string    `json:"post_name,omitempty"`
	PostKind        string    `json:"post_kind,omitempty"`
	BatchID         *int64    `json:"batch_id"`
	BatchName       string    `json:"batch_name,omitempty"`
	Role            string    `json:"role"`
	Tier            int       `json:"tier"`
	StartsOn        string    `json:"starts_on"`
	EndsOn          string    `json:"ends_on"`
	ShiftHours      int       `json:"shift_hours"`
	Status          string    `json:"status"`
	OverrideReason  string    `json:"override_reason,omitempty"`
	CreatedByName   string    `json:"created_by_name"`
	Version         int64     `json:"version"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	// Conflicts found when it was planned (overridden), on a read of one deployment.
	Conflicts []DeploymentConflict `json:"conflicts,omitempty"`
}

// DeploymentInput plans a deployment. With a batch, empty dates are the
// batch's departure and planned return.
type DeploymentInput struct {
	PersonID       *int64  `json:"person_id"`
	PostID         *int64  `json:"post_id"`
	BatchID        *int64  `json:"batch_id"`
	StartsOn       string  `json:"starts_on"`
	EndsOn         string  `json:"ends_on"`
	ShiftHours     *int    `json:"shift_hours"`
	Role           string  `json:"role"`
	OverrideReason string  `json:"override_reason"`
	Note           *string `json:"-"`
}

// Normalize checks the fields that need no database; dates may still be
// empty for a batch (the store fills them in and checks again).
func (in *DeploymentInput) Normalize() FieldErrors {
	fe := FieldErrors{}
	if in.PersonID == nil || *in.PersonID <= 0 {
		fe.Add("person_id", "field.required")
	}
	switch {
	case in.PostID != nil && in.BatchID != nil:
		fe.Add("post_id", "deploy.post_or_batch")
	case in.PostID == nil && in.BatchID == nil:
		fe.Add("post_id", "deploy.post_or_batch")
	}
	in.StartsOn, in.EndsOn = strings.TrimSpace(in.StartsOn), strings.TrimSpace(in.EndsOn)
	if in.BatchID == nil || in.StartsOn != "" || in.EndsOn != "" {
		in.CheckDates(fe)
	}
	if in.ShiftHours == nil {
		h := DefaultShiftHours
		in.ShiftHours = &h
	} else if *in.ShiftHours < 1 || *in.ShiftHours > 24 {
		fe.Add("shift_hours", "deploy.range", 1, 24)
	}
	checkText(fe, "role", &in.Role, MaxDeploymentRole, false)
	in.OverrideReason = strings.TrimSpace(in.OverrideReason)
	if utf8.RuneCountInString(in.OverrideReason) > MaxOverrideReason {
		fe.Add("override_reason", "field.too_long", MaxOverrideReason)
	}
	return fe
}

// CheckDates checks starts_on and ends_on: both ISO dates, the end not
// before the start, at most MaxDeploymentDays long.
func (in *DeploymentInput) CheckDates(fe FieldErrors) {
	s, e := dateField(fe, "starts_on", &in.StartsOn), dateField(fe, "ends_on", &in.EndsOn)
	if s == "" || e == "" {
		return
	}
	st, _ := time.Parse(time.DateOnly, s)
	et, _ := time.Parse(time.DateOnly, e)
	switch {
	case et.Before(st):
		fe.Add("ends_on", "deploy.end_before_start")
	case et.Sub(st) >= MaxDeploymentDays*24*time.Hour:
		fe.Add("ends_on", "deploy.too_long", MaxDeploymentDays)
	}
}

// DeploymentFilter selects deployments.
type DeploymentFilter struct {
	Q             string // the person's name, a substring
	ActiveOn      string // deployments covering that date
	From, To      string // deployments overlapping [From, To]
	PersonID      int64
	PostID        int64
	BatchID       int64
	InstitutionID int64
	RegionCode    string
	Tier          int
	Status        string // "" is every status but cancelled; "all" is every one
	Page          Page
}

// ConflictRef names the other deployment of a refused plan, in error.conflicts.
// Names of people and posts outside the caller's scope are left out.
type ConflictRef struct {
	Kind         string `json:"kind"` // couple, rest, overlap
	DeploymentID int64  `json:"deployment_id"`
	PersonID     int64  `json:"person_id"`
	PersonName   string `json:"person_name,omitempty"`
	StartsOn     string `json:"starts_on"`
	EndsOn       string `json:"ends_on"`
	Tier         int    `json:"tier"`
	PlaceName    string `json:"place_name,omitempty"` // post or batch
	Severe       bool   `json:"severe,omitempty"`
	// Rest: the kind of breach, the days counted and the limit, the rest's last day.
	RestKind  string `json:"rest_kind,omitempty"`
	Days      int    `json:"days,omitempty"`
	Limit     int    `json:"limit,omitempty"`
	RestUntil string `json:"rest_until,omitempty"`
}

// DeploymentConflict is a conflict on the conflicts page: stored when a plan
// overrode a rule, or found open between two live deployments.
type DeploymentConflict struct {
	ID              int64      `json:"id,omitempty"` // 0 for an open one (not stored)
	Kind            string     `json:"kind"`
	Status          string     `json:"status"`
	Severe          bool       `json:"severe"`
	RegionCode      string     `json:"region_code"`
	DeploymentID    int64      `json:"deployment_id"`
	PersonID        int64      `json:"person_id"`
	PersonName      string     `json:"person_name"`
	StartsOn        string     `json:"starts_on"`
	EndsOn          string     `json:"ends_on"`
	OtherID         *int64     `json:"other_deployment_id"`
	OtherPersonID   int64      `json:"other_person_id,omitempty"`
	OtherPersonName string     `json:"other_person_name,omitempty"`
	OtherStartsOn   string     `json:"other_starts_on,omitempty"`
	OtherEndsOn     string     `json:"other_ends_on,omitempty"`
	Reason          string     `json:"reason"`
	DecidedByName   string     `json:"decided_by_name"`
	CreatedAt       *time.Time `json:"created_at,omitempty"`
}

// ConflictFilter selects conflicts; From (default today) leaves out those
// whose deployments both ended before it.
type ConflictFilter struct {
	Status     string
	Kind       string
	Severe     *bool
	RegionCode string
	From       string
	Page       Page
}

// PersonDays is one person's deployment days in a period, in half-day units
// (exact: a day of short shifts may count half where the region says so).
type PersonDays struct {
	PersonID        int64  `json:"person_id"`
	PersonName      string `json:"person_name"`
	InstitutionID   int64  `json:"institution_id"`
	InstitutionName string `json:"institution_name"`
	RegionCode      string `json:"region_code"`
	Occupation      string `json:"occupation"`
	// Tier1Days and Tier2Days are JSON numbers (14.5); the half-day counts
	// are the same as integers, for arithmetic on money.
	Tier1Days     HalfDayCount `json:"tier1_days"`
	Tier2Days     HalfDayCount `json:"tier2_days"`
	Tier1HalfDays int64        `json:"tier1_half_days"`
	Tier2HalfDays int64        `json:"tier2_half_days"`
}

// HalfDayCount is a number of half days that renders as days (29 → 14.5).
type HalfDayCount int64

// String renders the days: "14", "14.5".
func (h HalfDayCount) String() string {
	s := itoa64(int64(h) / 2)
	if h%2 != 0 {
		s += ".5"
	}
	return s
}

// MarshalJSON writes the count as an exact JSON number of days.
func (h HalfDayCount) MarshalJSON() ([]byte, error) { return []byte(h.String()), nil }

func itoa64(n int64) string {
	if n < 0 {
		return "-" + itoa64(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa64(n/10) + string(rune('0'+n%10))
}

// DaysFilter selects the people of the days report.
type DaysFilter struct {
	From, To      string
	PersonID      int64
	InstitutionID int64
	RegionCode    string
	Page          Page
}

// RestDue is a person whose rest is due on a day, for the rest flags.
type RestDue struct {
	PersonID        int64  `json:"person_id"`
	PersonName      string `json:"person_name"`
	InstitutionName string `json:"institution_name"`
	RegionCode      string `json:"region_code"`
	Kind            string `json:"kind"` // consecutive, tier1, aid
	RunStart        string `json:"run_start"`
	RunDays         int    `json:"run_days"`
	Tier1Days       int    `json:"tier1_days"`
	RestUntil       string `json:"rest_until"`
	Working         bool   `json:"working"` // still deployed on the day
}

// CandidateFilter asks for K candidates for a post over a span.
type CandidateFilter struct {
	PostID     int64
	Count      int
	Occupation string
	StartsOn   string
	EndsOn     string
}

// Candidate is one proposed person for a post, with rank and reasons.
type Candidate struct {
	PersonID        int64        `json:"person_id"`
	PersonName      string       `json:"person_name"`
	Occupation      string       `json:"occupation"`
	InstitutionName string       `json:"institution_name"`
	Rank            int          `json:"rank"`
	Reasons         []string     `json:"reasons"`
	ReasonMsgs      []Msg        `json:"-"`
	CoupleConflict  bool         `json:"couple_conflict"`
	RestRequired    bool         `json:"rest_required"`
	Dependants      int          `json:"dependants"`
	FrontlineDays   HalfDayCount `json:"frontline_days"`
}

// CandidateList is the answer for a post: the planned span and the proposal.
type CandidateList struct {
	PostID   int64       `json:"post_id"`
	StartsOn string      `json:"starts_on"`
	EndsOn   string      `json:"ends_on"`
	Eligible int         `json:"eligible"`
	Items    []Candidate `json:"items"`
}

// DeploymentStats are the dashboard's counts; for a caller who sees
// aggregates only (a leader) small ones are Suppressed.
type DeploymentStats struct {
	DeployedToday Count `json:"deployed_today"`
	RestDue       Count `json:"rest_due"`
	OpenConflicts Count `json:"open_conflicts"`
}
