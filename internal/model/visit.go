package model

import (
	"strconv"
	"strings"
	"time"
)

// Whom a visit reached.
const (
	VisitTargetPerson = "person"
	VisitTargetFamily = "family"
	VisitTargetBoth   = "both"
)

// Channels of a visit.
const (
	ChannelPhone     = "phone"     // 电话
	ChannelHome      = "home"      // 入户
	ChannelWorkplace = "workplace" // 到单位
	ChannelVideo     = "video"     // 视频
)

// The value lists, in display order.
var (
	VisitTargets  = []string{VisitTargetPerson, VisitTargetFamily, VisitTargetBoth}
	VisitChannels = []string{ChannelPhone, ChannelHome, ChannelWorkplace, ChannelVideo}
)

// Visit is a contact with a frontline person or their family (走访慰问), with
// the needs heard during it.
type Visit struct {
	ID              int64     `json:"id"`
	PersonID        int64     `json:"person_id"`
	PersonName      string    `json:"person_name"`
	InstitutionID   int64     `json:"institution_id"`
	InstitutionName string    `json:"institution_name"`
	RegionCode      string    `json:"region_code"`
	Target          string    `json:"target"`
	Channel         string    `json:"channel"`
	VisitedAt       time.Time `json:"visited_at"`
	Notes           string    `json:"notes"`
	VisitorUserID   *int64    `json:"visitor_user_id,omitempty"`
	Visitor         string    `json:"visitor"`
	CreatedAt       time.Time `json:"created_at"`
	// Needs are the cases recorded with the visit (CreateVisit fills them).
	Needs []Need `json:"needs,omitempty"`
	// NeedCount is the number of cases recorded with the visit (lists).
	NeedCount int `json:"need_count"`
}

// VisitInput records a visit and, in the same transaction, the needs heard.
// Each need belongs to the visited person; its source is "visit".
type VisitInput struct {
	PersonID  int64       `json:"person_id"`
	Target    string      `json:"target"` // person (default), family or both
	Channel   string      `json:"channel"`
	VisitedAt time.Time   `json:"visited_at"`
	Notes     string      `json:"notes"`
	Needs     []NeedInput `json:"needs"`
}

// VisitNeedsMax bounds the needs one visit may record.
const VisitNeedsMax = 50

// Normalize checks a visit and its needs; the fields of the i-th need are
// reported as needs[i].field.
func (in *VisitInput) Normalize(now time.Time) FieldErrors {
	fe := FieldErrors{}
	if in.PersonID <= 0 {
		fe.Add("person_id", "field.required")
	}
	in.Target = strings.TrimSpace(in.Target)
	if in.Target == "" {
		in.Target = VisitTargetPerson
	}
	needChoice(fe, "target", in.Target, VisitTargets)
	in.Channel = strings.TrimSpace(in.Channel)
	needChoice(fe, "channel", in.Channel, VisitChannels)
	switch {
	case in.VisitedAt.IsZero():
		fe.Add("visited_at", "field.required")
	case in.VisitedAt.After(now):
		fe.Add("visited_at", "visit.future")
	}
	CheckLongText(fe, "notes", &in.Notes, NeedTextMax, false)
	if len(in.Needs) > VisitNeedsMax {
		fe.Add("needs", "visit.too_many_needs", VisitNeedsMax)
	}
	for i := range in.Needs {
		n := &in.Needs[i]
		prefix := "needs[" + strconv.Itoa(i) + "]."
		if n.PersonID == 0 {
			n.PersonID = in.PersonID
		} else if n.PersonID != in.PersonID {
			fe.Add(prefix+"person_id", "visit.need_other_person")
		}
		if n.Source == "" {
			n.Source = SourceVisit
		} else if strings.TrimSpace(n.Source) != SourceVisit {
			fe.Add(prefix+"source", "visit.need_source")
		}
		for k, v := range n.Normalize() {
			if _, ok := fe[prefix+k]; !ok {
				fe[prefix+k] = v
			}
		}
	}
	return fe
}

// VisitFilter selects visits; zero fields do not filter.
type VisitFilter struct {
	PersonID      int64
	InstitutionID int64
	RegionCode    string
	From, To      time.Time // visited in [From, To)
	Page          Page
}

// Visit plan statuses of a person.
const (
	VisitPlanAll     = ""
	VisitPlanDue     = "due"     // next contact within a day, or overdue
	VisitPlanOverdue = "overdue" // next contact date passed
)

// VisitDueFilter selects the rows of the visit plan.
type VisitDueFilter struct {
	RegionCode    string
	InstitutionID int64
	Status        string // "", due or overdue
	Page          Page
}

// VisitDue is one frontline person on the visit plan: when they were last
// contacted, how often they must be, and when next.
type VisitDue struct {
	PersonID        int64      `json:"person_id"`
	PersonName      string     `json:"person_name"`
	InstitutionID   int64      `json:"institution_id"`
	InstitutionName string     `json:"institution_name"`
	RegionCode      string     `json:"region_code"`
	LastVisitAt     *time.Time `json:"last_visit_at"`
	IntervalDays    int        `json:"interval_days"`
	// Care is true when the family has elderly, minor or disabled members to
	// care for, which shortens the interval.
	Care      bool      `json:"care"`
	NextDueAt time.Time `json:"next_due_at"`
	Due       bool      `json:"due"`
	Overdue   bool      `json:"overdue"`
}

// VisitInstitutionCount counts the visit plan of one institution.
type VisitInstitutionCount struct {
	InstitutionID   int64  `json:"institution_id"`
	InstitutionName string `json:"institution_name"`
	People          int    `json:"people"`
	Due             int    `json:"due"`
	Overdue         int    `json:"overdue"`
}

// VisitPlan is a page of the visit plan with the counts of the whole selection.
type VisitPlan struct {
	Items        []VisitDue              `json:"items"`
	Total        int                     `json:"total"` // rows matching the filter's status
	Limit        int                     `json:"limit"`
	Offset       int                     `json:"offset"`
	People       int                     `json:"people"` // frontline people in the selection
	Due          int                     `json:"due"`
	Overdue      int                     `json:"overdue"`
	Institutions []VisitInstitutionCount `json:"institutions"`
}
