package model

import (
	"math"
	"slices"
	"strings"
	"time"
)

// The family liaison log (家属联络记录): channels of a contact with a family.
const (
	ContactPhone   = "phone"   // 电话
	ContactVideo   = "video"   // 视频
	ContactMessage = "message" // 短信 / 微信消息
	ContactHome    = "home"    // 上门
	ContactOffice  = "office"  // 家属来访 / 来电
)

// What a contact passed on.
const (
	ContactCallArranged     = "call_arranged"     // a call or video call between worker and family arranged
	ContactMessageDelivered = "message_delivered" // a message of the worker delivered to the family, or back
	ContactNeedHeard        = "need_heard"        // the family told of a need: a ledger case may follow
	ContactNewsGiven        = "news_given"        // the family told how the worker is doing
	ContactNoAnswer         = "no_answer"         // nobody reached
)

// The value lists, in display order.
var (
	ContactChannels = []string{ContactPhone, ContactVideo, ContactMessage, ContactHome, ContactOffice}
	ContactOutcomes = []string{ContactCallArranged, ContactMessageDelivered, ContactNeedHeard, ContactNewsGiven, ContactNoAnswer}
)

// FamilyContact is one entry of the family liaison log: when a worker's
// family was contacted, by whom, through which channel and what was passed
// on. The note is stored sealed.
type FamilyContact struct {
	ID               int64     `json:"id"`
	PersonID         int64     `json:"person_id"`
	PersonName       string    `json:"person_name"`
	InstitutionID    int64     `json:"institution_id"`
	InstitutionName  string    `json:"institution_name"`
	RegionCode       string    `json:"region_code"`
	FamilyMemberID   *int64    `json:"family_member_id"`
	FamilyMemberName string    `json:"family_member_name,omitempty"`
	Relation         string    `json:"relation,omitempty"`
	Channel          string    `json:"channel"`
	Outcome          string    `json:"outcome"`
	Note             string    `json:"note"`
	NeedID           *int64    `json:"need_id"`
	ContactedAt      time.Time `json:"contacted_at"`
	ContactedByID    *int64    `json:"contacted_by_id,omitempty"`
	ContactedBy      string    `json:"contacted_by"`
	CreatedAt        time.Time `json:"created_at"`
}

// FamilyContactInput records a contact. FamilyMemberID names the relative
// reached (one of the person's family); NeedID links a ledger case of the
// same person opened for what was heard.
type FamilyContactInput struct {
	PersonID       int64     `json:"person_id"`
	FamilyMemberID *int64    `json:"family_member_id"`
	Channel        string    `json:"channel"`
	Outcome        string    `json:"outcome"`
	Note           string    `json:"note"`
	NeedID         *int64    `json:"need_id"`
	ContactedAt    time.Time `json:"contacted_at"`
}

// FamilyContactNoteMax bounds a contact's note.
const FamilyContactNoteMax = 2000

// Normalize checks a contact; contacted_at defaults to now and may not lie
// ahead of it (a minute of clock skew allowed).
func (in *FamilyContactInput) Normalize(now time.Time) FieldErrors {
	fe := FieldErrors{}
	if in.PersonID <= 0 {
		fe.Add("person_id", "field.required")
	}
	if in.FamilyMemberID != nil && *in.FamilyMemberID <= 0 {
		in.FamilyMemberID = nil
	}
	if in.NeedID != nil && *in.NeedID <= 0 {
		in.NeedID = nil
	}
	in.Channel = strings.TrimSpace(in.Channel)
	needChoice(fe, "channel", in.Channel, ContactChannels)
	in.Outcome = strings.TrimSpace(in.Outcome)
	needChoice(fe, "outcome", in.Outcome, ContactOutcomes)
	switch {
	case in.ContactedAt.IsZero():
		in.ContactedAt = now
	case in.ContactedAt.After(now.Add(time.Minute)):
		fe.Add("contacted_at", "family_contact.future")
	case in.ContactedAt.Before(now.AddDate(-1, 0, 0)):
		fe.Add("contacted_at", "family_contact.too_old")
	}
	CheckLongText(fe, "note", &in.Note, FamilyContactNoteMax, in.Outcome == ContactMessageDelivered || in.Outcome == ContactNeedHeard)
	return fe
}

// FamilyContactFilter selects contacts; zero fields do not filter.
type FamilyContactFilter struct {
	PersonID      int64
	InstitutionID int64
	RegionCode    string
	Channel       string
	Outcome       string
	Q             string    // the person's name, a substring
	From, To      time.Time // contacted in [From, To)
	Page          Page
}

// Health check-ins (每日健康打卡) of deployed people.

// FeverLine is the temperature from which a check-in counts as fever
// (37.3 °C, the line fever clinics use).
const FeverLine = 37.3

// Symptoms a check-in may name, in display order.
var CheckinSymptoms = []string{"cough", "sore_throat", "fatigue", "short_breath", "headache", "muscle_ache", "diarrhoea", "taste_smell", "chills"}

// Checkin is one day's health check-in of a deployed person. Temperature,
// symptoms, sleep, mood and remark are stored sealed.
type Checkin struct {
	ID              int64     `json:"id"`
	PersonID        int64     `json:"person_id"`
	PersonName      string    `json:"person_name"`
	InstitutionID   int64     `json:"institution_id"`
	InstitutionName string    `json:"institution_name"`
	RegionCode      string    `json:"region_code"`
	DeploymentID    *int64    `json:"deployment_id"`
	BatchID         *int64    `json:"batch_id"`
	Day             string    `json:"date"`
	Temperature     float64   `json:"temperature"`
	Symptoms        []string  `json:"symptoms"`
	SleepHours      float64   `json:"sleep_hours"`
	Mood            int       `json:"mood"`
	Remark          string    `json:"remark"`
	Fever           bool      `json:"fever"`
	Corrections     int       `json:"corrections"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// CheckinInput is what the deployed worker answers; the day is today (China time).
type CheckinInput struct {
	Temperature *float64 `json:"temperature"`
	Symptoms    []string `json:"symptoms"`
	SleepHours  *float64 `json:"sleep_hours"`
	Mood        *int     `json:"mood"`
	Remark      string   `json:"remark"`
}

// CheckinRemarkMax bounds a check-in's remark.
const CheckinRemarkMax = 500

// Normalize checks the answers: temperature 34.0–42.5 °C (one decimal),
// symptoms from CheckinSymptoms (none is an empty list), sleep 0–24 hours
// (half hours), mood 1–5.
func (in *CheckinInput) Normalize() FieldErrors {
	fe := FieldErrors{}
	switch {
	case in.Temperature == nil:
		fe.Add("temperature", "field.required")
	case math.IsNaN(*in.Temperature) || *in.Temperature < 34 || *in.Temperature > 42.5:
		fe.Add("temperature", "checkin.temperature_range", 34.0, 42.5)
	default:
		t := math.Round(*in.Temperature*10) / 10
		in.Temperature = &t
	}
	seen := map[string]bool{}
	var symptoms []string
	for _, s := range in.Symptoms {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		if !Contains(CheckinSymptoms, s) {
			fe.Add("symptoms", "field.choice")
			continue
		}
		seen[s] = true
		symptoms = append(symptoms, s)
	}
	slices.SortFunc(symptoms, func(a, b string) int { return slices.Index(CheckinSymptoms, a) - slices.Index(CheckinSymptoms, b) })
	in.Symptoms = symptoms
	if in.Symptoms == nil {
		in.Symptoms = []string{}
	}
	switch {
	case in.SleepHours == nil:
		fe.Add("sleep_hours", "field.required")
	case math.IsNaN(*in.SleepHours) || *in.SleepHours < 0 || *in.SleepHours > 24:
		fe.Add("sleep_hours", "checkin.sleep_range")
	default:
		h := math.Round(*in.SleepHours*2) / 2
		in.SleepHours = &h
	}
	switch {
	case in.Mood == nil:
		fe.Add("mood", "field.required")
	case *in.Mood < 1 || *in.Mood > 5:
		fe.Add("mood", "checkin.mood_range")
	}
	CheckLongText(fe, "remark", &in.Remark, CheckinRemarkMax, false)
	return fe
}

// IsFever reports whether a temperature is at or above the fever line.
func IsFever(t float64) bool { return t >= FeverLine-1e-9 }

// CheckinFilter selects check-ins; zero fields do not filter.
type CheckinFilter struct {
	PersonID      int64
	BatchID       int64
	InstitutionID int64
	RegionCode    string
	Q             string // the person's name, a substring
	From, To      string // days, inclusive (YYYY-MM-DD)
	FeverOnly     bool
	Page          Page
}

// MissingCheckin is a person deployed on a day who has not checked in.
type MissingCheckin struct {
	PersonID        int64  `json:"person_id"`
	PersonName      string `json:"person_name"`
	InstitutionID   int64  `json:"institution_id"`
	InstitutionName string `json:"institution_name"`
	RegionCode      string `json:"region_code"`
	DeploymentID    int64  `json:"deployment_id"`
	PostID          *int64 `json:"post_id"`
	BatchID         *int64 `json:"batch_id"`
	Assignment      string `json:"assignment"` // the post's or the batch's name
	LastCheckin     string `json:"last_checkin,omitempty"`
}

// MissingFilter selects the missing list of a day.
type MissingFilter struct {
	Day           string // YYYY-MM-DD
	BatchID       int64
	InstitutionID int64
	RegionCode    string
	Page          Page
}

// CheckinCounts are the figures of one day: deployed people, those who
// checked in, those missing and those with fever. For a role that reads
// aggregates only, small figures are Suppressed.
type CheckinCounts struct {
	Day       string `json:"date"`
	Deployed  Count  `json:"deployed"`
	CheckedIn Count  `json:"checked_in"`
	Missing   Count  `json:"missing"`
	Fever     Count  `json:"fever"`
}

// ChinaDay is the calendar day of t in China time (YYYY-MM-DD).
func ChinaDay(t time.Time) string { return t.In(chinaZone).Format(time.DateOnly) }

// ValidDay reports whether s is a YYYY-MM-DD date.
func ValidDay(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil && len(s) == 10
}

var chinaZone = time.FixedZone("CST", 8*3600)
