package model

import (
	"strings"
	"time"
)

// Discrimination incidents (歧视孤立事件): a frontline worker or their family
// pushed out, kept away or shunned because of the worker's work. Who may see
// what is decided by the store: the handling team (the case workers of the
// incident's region) sees it whole; the reporter sees what they reported and
// how far it has come; nobody else sees it at all.

// Incident statuses.
const (
	IncidentReported  = "reported"  // waiting for the team
	IncidentHandling  = "handling"  // a handler is on it
	IncidentConcluded = "concluded" // an outcome is recorded
)

// IncidentStatuses lists the statuses in display order.
var IncidentStatuses = []string{IncidentReported, IncidentHandling, IncidentConcluded}

// Outcomes of an incident (处理结果).
const (
	OutcomeEducation       = "education"       // 批评教育
	OutcomePenalty         = "penalty"         // 处理处罚
	OutcomePolice          = "police"          // 移送公安
	OutcomeUnsubstantiated = "unsubstantiated" // 查无实据
)

// IncidentOutcomes lists the outcomes in display order.
var IncidentOutcomes = []string{OutcomeEducation, OutcomePenalty, OutcomePolice, OutcomeUnsubstantiated}

// Kinds of party reported. Parties are text, never people of the registry.
const (
	PartyLandlord  = "landlord"
	PartyEmployer  = "employer"
	PartySchool    = "school"
	PartyProperty  = "property" // property management (物业)
	PartyNeighbour = "neighbour"
	PartyBusiness  = "business" // a shop, a taxi, a service refused
	PartyOther     = "other"
)

// PartyKinds lists the kinds of party in display order.
var PartyKinds = []string{PartyLandlord, PartyEmployer, PartySchool, PartyProperty, PartyNeighbour, PartyBusiness, PartyOther}

// Who reported an incident.
const (
	ReporterWorker     = "worker"     // the frontline person, from their own account
	ReporterFamily     = "family"     // a relative, through their self-service link
	ReporterCaseworker = "caseworker" // recorded by the team (a call, a visit)
)

// IncidentReporterKinds lists the reporter kinds.
var IncidentReporterKinds = []string{ReporterWorker, ReporterFamily, ReporterCaseworker}

// Kinds of step the team records. assign, outcome and reopen are written by
// their own actions; the others are what a handler did.
const (
	StepAssign          = "assign"
	StepContactReporter = "contact_reporter" // the reporter was reached: stops the contact deadline
	StepContactParty    = "contact_party"
	StepVisit           = "visit"
	StepMediation       = "mediation"
	StepReferral        = "referral"
	StepNote            = "note"
	StepOutcome         = "outcome"
	StepReopen          = "reopen"
)

// IncidentStepKinds are the steps a handler records by hand, in display order.
var IncidentStepKinds = []string{StepContactReporter, StepContactParty, StepVisit, StepMediation, StepReferral, StepNote}

// Bounds of an incident's texts, in characters.
const (
	IncidentTextMax    = 2000 // description, step note, outcome note
	IncidentPlaceMax   = 200
	IncidentPartyMax   = 100
	IncidentPartiesMax = 5
	IncidentNameMax    = 50
	IncidentContactMax = 100
)

// IncidentParty is one party reported: a kind and, where known, a name
// ("阳光花园物业", "房东王某").
type IncidentParty struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// IncidentStep is one step of the team's handling, oldest first.
type IncidentStep struct {
	ID     int64     `json:"id"`
	Kind   string    `json:"kind"`
	Note   string    `json:"note,omitempty"`
	ByName string    `json:"by_name"`
	At     time.Time `json:"at"`
}

// Incident is a discrimination incident as the caller may see it. The
// reporter's fields are filled for the handling team only (and for the
// reporter, who typed them); Steps for the team only.
type Incident struct {
	ID               int64  `json:"id"`
	RegionCode       string `json:"region_code"`
	InstitutionID    int64  `json:"institution_id,omitempty"`
	InstitutionName  string `json:"institution_name,omitempty"`
	PersonID         int64  `json:"person_id"`
	PersonName       string `json:"person_name"`
	FamilyMemberID   *int64 `json:"family_member_id,omitempty"`
	FamilyMemberName string `json:"family_member_name,omitempty"`
	FamilyRelation   string `json:"family_relation,omitempty"`
	NeedID           *int64 `json:"need_id,omitempty"`
	// The reporter: the team only.
	ReporterKind    string `json:"reporter_kind"`
	ReporterName    string `json:"reporter_name,omitempty"`
	ReporterContact string `json:"reporter_contact,omitempty"`
	// What happened.
	OccurredOn  string          `json:"occurred_on"` // YYYY-MM-DD
	Place       string          `json:"place"`
	Description string          `json:"description"`
	Parties     []IncidentParty `json:"parties"`
	// Handling.
	Status        string     `json:"status"`
	HandlerID     *int64     `json:"handler_id,omitempty"`
	HandlerName   string     `json:"handler_name,omitempty"`
	ContactDueAt  time.Time  `json:"contact_due_at"`
	ConcludeDueAt time.Time  `json:"conclude_due_at"`
	ContactedAt   *time.Time `json:"contacted_at,omitempty"`
	// ContactOverdue: nobody reached the reporter by the contact deadline;
	// Overdue: not concluded by its deadline.
	ContactOverdue bool           `json:"contact_overdue"`
	Overdue        bool           `json:"overdue"`
	Outcome        string         `json:"outcome,omitempty"`
	OutcomeNote    string         `json:"outcome_note,omitempty"`
	ConcludedAt    *time.Time     `json:"concluded_at,omitempty"`
	Steps          []IncidentStep `json:"steps,omitempty"`
	// Team is true when the caller is of the handling team (sees and handles it whole).
	Team           bool      `json:"team"`
	RecordedByName string    `json:"recorded_by_name,omitempty"`
	Version        int64     `json:"version"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// IncidentInput reports an incident. A worker reports for themselves
// (PersonID is theirs; FamilyMemberID when a relative was affected), a link
// for its relative, a case worker for any person in scope, naming the
// reporter. NeedID opens the incident from a ledger case of kind
// discrimination: person and relative come from the case.
type IncidentInput struct {
	PersonID        int64           `json:"person_id"`
	FamilyMemberID  *int64          `json:"family_member_id"`
	NeedID          *int64          `json:"need_id"`
	ReporterName    string          `json:"reporter_name"`
	ReporterContact string          `json:"reporter_contact"`
	OccurredOn      string          `json:"occurred_on"`
	Place           string          `json:"place"`
	Description     string          `json:"description"`
	Parties         []IncidentParty `json:"parties"`
}

// Normalize trims and checks what needs no database; today bounds the date.
func (in *IncidentInput) Normalize(today time.Time) FieldErrors {
	fe := FieldErrors{}
	if in.FamilyMemberID != nil && *in.FamilyMemberID == 0 {
		in.FamilyMemberID = nil
	}
	if in.NeedID != nil && *in.NeedID == 0 {
		in.NeedID = nil
	}
	checkText(fe, "reporter_name", &in.ReporterName, IncidentNameMax, false)
	checkText(fe, "reporter_contact", &in.ReporterContact, IncidentContactMax, false)
	in.OccurredOn = strings.TrimSpace(in.OccurredOn)
	if in.OccurredOn == "" {
		fe.Add("occurred_on", "field.required")
	} else if d, err := time.Parse("2006-01-02", in.OccurredOn); err != nil {
		fe.Add("occurred_on", "field.date")
	} else if d.After(today) {
		fe.Add("occurred_on", "incident.future")
	}
	checkText(fe, "place", &in.Place, IncidentPlaceMax, true)
	CheckLongText(fe, "description", &in.Description, IncidentTextMax, true)
	var parties []IncidentParty
	for _, p := range in.Parties {
		p.Kind, p.Name = strings.TrimSpace(p.Kind), strings.TrimSpace(p.Name)
		if p.Kind == "" && p.Name == "" {
			continue
		}
		if !Contains(PartyKinds, p.Kind) {
			fe.Add("parties", "field.choice")
		}
		checkText(fe, "parties", &p.Name, IncidentPartyMax, false)
		parties = append(parties, p)
	}
	in.Parties = parties
	switch {
	case len(parties) == 0:
		fe.Add("parties", "field.required")
	case len(parties) > IncidentPartiesMax:
		fe.Add("parties", "incident.parties_max", IncidentPartiesMax)
	}
	return fe
}

// IncidentFilter selects incidents. Overdue keeps those past either deadline.
type IncidentFilter struct {
	Status     string
	Outcome    string
	PartyKind  string
	Overdue    bool
	Mine       bool  // assigned to the caller
	NeedID     int64 // the incident that settles this ledger case
	RegionCode string
	Q          string // "#12", or words of the description, place or parties
	Page       Page
}

// IncidentAssign names the handler, a case worker of the team (nil: the caller).
type IncidentAssign struct {
	HandlerID *int64 `json:"handler_id"`
	Version   *int64 `json:"version"`
}

// IncidentStepInput records a step the team took.
type IncidentStepInput struct {
	Kind    string `json:"kind"`
	Note    string `json:"note"`
	Version *int64 `json:"version"`
}

// Normalize checks a step.
func (in *IncidentStepInput) Normalize() FieldErrors {
	fe := FieldErrors{}
	in.Kind = strings.TrimSpace(in.Kind)
	needChoice(fe, "kind", in.Kind, IncidentStepKinds)
	CheckLongText(fe, "note", &in.Note, IncidentTextMax, in.Kind == StepNote)
	return fe
}

// IncidentOutcomeInput concludes an incident. ResolveCase also resolves the
// ledger case it settles (through the ledger's own rules), with
// CaseResolution as the case's resolution.
type IncidentOutcomeInput struct {
	Outcome        string `json:"outcome"`
	Note           string `json:"note"`
	ResolveCase    bool   `json:"resolve_case"`
	CaseResolution string `json:"case_resolution"`
	Version        *int64 `json:"version"`
}

// Normalize checks an outcome: a note is required, since "not substantiated"
// or "referred" must say on what grounds.
func (in *IncidentOutcomeInput) Normalize() FieldErrors {
	fe := FieldErrors{}
	in.Outcome = strings.TrimSpace(in.Outcome)
	needChoice(fe, "outcome", in.Outcome, IncidentOutcomes)
	CheckLongText(fe, "note", &in.Note, IncidentTextMax, true)
	CheckLongText(fe, "case_resolution", &in.CaseResolution, NeedTextMax, false)
	return fe
}

// IncidentStats are the counts of incidents in scope for the dashboard: open
// (not concluded), overdue (open past a deadline) and concluded by outcome.
// For a leader every figure goes through Suppress (hidden: -1, null in JSON).
type IncidentStats struct {
	Open      Count            `json:"open"`
	Overdue   Count            `json:"overdue"`
	Concluded Count            `json:"concluded"`
	ByOutcome map[string]Count `json:"by_outcome"`
}

// IncidentHandler is an account that may handle an incident: a case worker
// of its region's team.
type IncidentHandler struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
}
