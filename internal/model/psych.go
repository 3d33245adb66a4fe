package model

import "time"

// PurposePsychScreening is the purpose of the consent to psychological screening.
const PurposePsychScreening = "psych_screening"

// ConsentPurposes lists the purposes a consent may be given for.
var ConsentPurposes = []string{PurposePsychScreening}

// Consent is a person's recorded consent to one purpose.
type Consent struct {
	Purpose     string     `json:"purpose"`
	Active      bool       `json:"active"`
	GivenAt     *time.Time `json:"given_at,omitempty"`
	WithdrawnAt *time.Time `json:"withdrawn_at,omitempty"`
}

// ConsentInput is what a worker sends to consent.
type ConsentInput struct {
	Purpose string `json:"purpose"`
}

// InstrumentView is an instrument as the API hands it out, in one language.
type InstrumentView struct {
	ID        string       `json:"id"`
	Name      string       `json:"name"`
	Construct string       `json:"construct"`
	Question  string       `json:"question"`
	Scale     []ScaleValue `json:"scale"`
	Items     []ItemView   `json:"items"`
	Bands     []BandView   `json:"bands"`
	Source    string       `json:"source"`
	Licence   string       `json:"licence"`
}

// ScaleValue is one answer of the scale.
type ScaleValue struct {
	Value int    `json:"value"`
	Label string `json:"label"`
}

// ItemView is one question.
type ItemView struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	Subscale string `json:"subscale,omitempty"`
}

// BandView is one severity band.
type BandView struct {
	ID    string `json:"id"`
	Min   int    `json:"min"`
	Max   int    `json:"max"`
	Label string `json:"label"`
}

// AssessmentInput is one answered instrument: answers in item order.
type AssessmentInput struct {
	Instrument  string `json:"instrument"`
	Answers     []int  `json:"answers"`
	ScreeningID *int64 `json:"screening_id"`
}

// AssessmentResult is the answer to a submission: the score, the band and
// the risk rules that held ([] for none).
type AssessmentResult struct {
	ID    int64    `json:"id"`
	Score int      `json:"score"`
	Band  string   `json:"band"`
	Risk  []string `json:"risk"`
	// Alert: a crisis alert went to the on-duty counsellors.
	Alert bool `json:"alert"`
	// Referral: a case was proposed to the counsellors (moderate or worse).
	Referral bool `json:"referral"`
}

// Assessment is a stored result, seen by the person and by counselors in scope.
type Assessment struct {
	ID          int64              `json:"id"`
	PersonID    int64              `json:"person_id"`
	PersonName  string             `json:"person_name,omitempty"`
	Instrument  string             `json:"instrument"`
	ScreeningID *int64             `json:"screening_id,omitempty"`
	Answers     []int              `json:"answers"`
	Score       int                `json:"score"`
	Band        string             `json:"band"`
	Subscales   map[string]float64 `json:"subscales,omitempty"`
	Risk        []string           `json:"risk"`
	CreatedAt   time.Time          `json:"created_at"`
}

// AssessmentFilter selects assessments: one person's (0: the caller's own,
// for a worker), or a round's.
type AssessmentFilter struct {
	PersonID    int64
	ScreeningID int64
	Instrument  string
	Page        Page
}

// Screening round statuses.
const (
	ScreeningOpen   = "open"
	ScreeningClosed = "closed"
)

// MaxRepeatDays bounds a round's repeat interval.
const MaxRepeatDays = 365

// ScreeningInput launches a round for an institution or an aid-team batch.
type ScreeningInput struct {
	Name          string   `json:"name"`
	Instruments   []string `json:"instruments"`
	InstitutionID *int64   `json:"institution_id"`
	BatchID       *int64   `json:"batch_id"`
	RepeatDays    int      `json:"repeat_days"`
}

// Screening is a round: who it invited and who answered.
type Screening struct {
	ID              int64      `json:"id"`
	Name            string     `json:"name"`
	RegionCode      string     `json:"region_code"`
	InstitutionID   *int64     `json:"institution_id,omitempty"`
	InstitutionName string     `json:"institution_name,omitempty"`
	BatchID         *int64     `json:"batch_id,omitempty"`
	BatchName       string     `json:"batch_name,omitempty"`
	Instruments     []string   `json:"instruments"`
	RepeatDays      int        `json:"repeat_days"`
	NextRoundAt     *time.Time `json:"next_round_at,omitempty"`
	RepeatOf        *int64     `json:"repeat_of,omitempty"`
	Status          string     `json:"status"`
	Invited         int        `json:"invited"`
	Answered        int        `json:"answered"`
	CreatedByName   string     `json:"created_by_name"`
	CreatedAt       time.Time  `json:"created_at"`
	// Members is who the round invited (GET of one round only).
	Members []ScreeningMember `json:"members,omitempty"`
}

// ScreeningMember is one invited person and whether they answered.
type ScreeningMember struct {
	PersonID        int64      `json:"person_id"`
	Name            string     `json:"name"`
	InstitutionName string     `json:"institution_name"`
	InvitedAt       time.Time  `json:"invited_at"`
	Reminders       int        `json:"reminders"`
	AnsweredAt      *time.Time `json:"answered_at,omitempty"`
	// Withdrawn: the person withdrew consent; they get no reminders.
	Withdrawn bool `json:"withdrawn"`
}

// Invitation is a round a worker is invited to, as the worker sees it.
type Invitation struct {
	ScreeningID int64      `json:"screening_id"`
	Name        string     `json:"name"`
	Instruments []string   `json:"instruments"`
	InvitedAt   time.Time  `json:"invited_at"`
	AnsweredAt  *time.Time `json:"answered_at,omitempty"`
	// Done lists the round's instruments the worker has answered.
	Done []string `json:"done"`
}

// ScreeningFilter selects rounds.
type ScreeningFilter struct {
	Q          string
	Status     string
	RegionCode string
	Page       Page
}

// Alert statuses.
const (
	AlertOpen      = "open"
	AlertContacted = "contacted"
)

// AlertStatuses lists the statuses in display order.
var AlertStatuses = []string{AlertOpen, AlertContacted}

// MaxPsychNote bounds notes and reasons.
const MaxPsychNote = 4000

// Alert is a crisis alert, open until a counsellor records contact.
type Alert struct {
	ID              int64      `json:"id"`
	PersonID        int64      `json:"person_id"`
	PersonName      string     `json:"person_name"`
	InstitutionName string     `json:"institution_name"`
	Phone           string     `json:"phone,omitempty"`
	AssessmentID    int64      `json:"assessment_id"`
	Rule            string     `json:"rule"`
	Status          string     `json:"status"`
	CreatedAt       time.Time  `json:"created_at"`
	ContactedAt     *time.Time `json:"contacted_at,omitempty"`
	ContactedByName string     `json:"contacted_by_name,omitempty"`
	Note            string     `json:"note,omitempty"`
}

// AlertFilter selects alerts; Status "" is the open ones.
type AlertFilter struct {
	Status     string // open (default), contacted, all
	RegionCode string
	Page       Page
}

// AlertContact records that a counsellor reached the person.
type AlertContact struct {
	Note string `json:"note"`
}

// Psychological case statuses and sources.
const (
	PsychCaseProposed = "proposed" // proposed by screening (moderate or worse), not yet taken on
	PsychCaseOpen     = "open"
	PsychCaseClosed   = "closed"

	PsychSourceScreening = "screening"
	PsychSourceReferral  = "referral"
)

// PsychCaseStatuses lists the statuses in display order.
var PsychCaseStatuses = []string{PsychCaseProposed, PsychCaseOpen, PsychCaseClosed}

// Session channels.
var PsychChannels = []string{"in_person", "phone", "video", "online_chat"}

// PsychCaseInput opens a case on referral.
type PsychCaseInput struct {
	PersonID int64  `json:"person_id"`
	Reason   string `json:"reason"`
}

// PsychCaseUpdate takes a case on (status open: the caller becomes its
// counsellor), closes it, or sets the next re-screening date.
type PsychCaseUpdate struct {
	Status          *string `json:"status"`
	NextScreeningOn *string `json:"next_screening_on"`
	Version         *int64  `json:"version"`
}

// PsychCase is a counsellor's case.
type PsychCase struct {
	ID              int64          `json:"id"`
	PersonID        int64          `json:"person_id"`
	PersonName      string         `json:"person_name"`
	InstitutionName string         `json:"institution_name"`
	RegionCode      string         `json:"region_code"`
	Status          string         `json:"status"`
	Source          string         `json:"source"`
	AssessmentID    *int64         `json:"assessment_id,omitempty"`
	Reason          string         `json:"reason"`
	CounselorName   string         `json:"counselor_name,omitempty"`
	NextScreeningOn string         `json:"next_screening_on,omitempty"`
	Sessions        []PsychSession `json:"sessions,omitempty"`
	LastSessionAt   *time.Time     `json:"last_session_at,omitempty"`
	Version         int64          `json:"version"`
	CreatedAt       time.Time      `json:"created_at"`
	UpdatedAt       time.Time      `json:"updated_at"`
}

// PsychCaseFilter selects cases.
type PsychCaseFilter struct {
	Q          string
	Status     string // "" every case not closed
	Mine       bool
	RegionCode string
	DueBy      string // next re-screening on or before this date
	Sort       string // "" newest, "next_screening"
	Page       Page
}

// PsychSessionInput records a session.
type PsychSessionInput struct {
	At      string `json:"at"` // RFC 3339, or 2006-01-02T15:04 in the server's zone
	Channel string `json:"channel"`
	Notes   string `json:"notes"`
}

// PsychSession is one session of a case; Notes are the counsellor's.
type PsychSession struct {
	ID            int64     `json:"id"`
	CaseID        int64     `json:"case_id"`
	At            time.Time `json:"at"`
	Channel       string    `json:"channel"`
	Notes         string    `json:"notes"`
	CounselorName string    `json:"counselor_name"`
	CreatedAt     time.Time `json:"created_at"`
}

// PsychSummary is a region's screening as a leader may see it: counts by
// instrument and band and by week, never a cell under SmallCell people,
// never a name. Suppressed is true when any figure is hidden.
type PsychSummary struct {
	RegionCode  string                   `json:"region_code"`
	Suppressed  bool                     `json:"suppressed"`
	Instruments []PsychSummaryInstrument `json:"instruments"`
}

// PsychSummaryInstrument is one instrument's figures: the people screened
// (their latest result counts), by band, and the trend by week.
type PsychSummaryInstrument struct {
	Instrument string `json:"instrument"`
	Screened   Count  `json:"screened"`
	// ModerateOrWorse is the people in the bands that propose a referral.
	ModerateOrWorse Count              `json:"moderate_or_worse"`
	Bands           []PsychSummaryCell `json:"bands"`
	Weeks           []PsychSummaryWeek `json:"weeks"`
}

// PsychSummaryCell is one count; Suppressed when it is hidden (Count null).
type PsychSummaryCell struct {
	Band       string `json:"band"`
	Count      Count  `json:"count"`
	Suppressed bool   `json:"suppressed"`
}

// PsychSummaryWeek is one week (from Monday Week) of assessments by band.
type PsychSummaryWeek struct {
	Week       string             `json:"week"`
	Assessed   Count              `json:"assessed"`
	Suppressed bool               `json:"suppressed"`
	Bands      []PsychSummaryCell `json:"bands"`
}

// PsychDuty is whether a counsellor is on duty for crisis alerts.
type PsychDuty struct {
	OnDuty bool       `json:"on_duty"`
	Since  *time.Time `json:"since,omitempty"`
}

// PsychCounts are a counsellor's working figures: open alerts and cases not
// closed in their scope.
type PsychCounts struct {
	OpenAlerts int `json:"open_alerts"`
	OpenCases  int `json:"open_cases"`
}
