package model

import "time"

// Letter delivery statuses (慰问信送达).
const (
	LetterGenerated = "generated"
	LetterSent      = "sent"
	LetterReceived  = "received"
)

// LetterStatuses lists the delivery statuses in order.
var LetterStatuses = []string{LetterGenerated, LetterSent, LetterReceived}

// LetterTemplate is a consolation letter's text with placeholders.
type LetterTemplate struct {
	ID            int64     `json:"id"`
	RegionCode    string    `json:"region_code"`
	Name          string    `json:"name"`
	Title         string    `json:"title"`
	Body          string    `json:"body"`
	Sender        string    `json:"sender"`
	Active        bool      `json:"active"`
	CreatedByName string    `json:"created_by_name"`
	Letters       int       `json:"letters"` // letters generated from it
	Editable      bool      `json:"editable"`
	Version       int64     `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// LetterTemplateInput creates or changes a template; nil fields stay.
type LetterTemplateInput struct {
	RegionCode *string `json:"region_code"`
	Name       *string `json:"name"`
	Title      *string `json:"title"`
	Body       *string `json:"body"`
	Sender     *string `json:"sender"`
	Active     *bool   `json:"active"`
	Version    *int64  `json:"version"`
}

// Letter is one person's letter from a template, its text frozen when generated.
type Letter struct {
	ID              int64      `json:"id"`
	TemplateID      int64      `json:"template_id"`
	TemplateName    string     `json:"template_name"`
	PersonID        int64      `json:"person_id"`
	PersonName      string     `json:"person_name"`
	InstitutionID   int64      `json:"institution_id"`
	InstitutionName string     `json:"institution_name"`
	RegionCode      string     `json:"region_code"`
	Title           string     `json:"title"`
	Body            string     `json:"body"`
	Sender          string     `json:"sender"`
	Date            string     `json:"date"`
	FrontlineDays   string     `json:"frontline_days"`
	Status          string     `json:"status"`
	GeneratedByName string     `json:"generated_by_name"`
	SentAt          *time.Time `json:"sent_at,omitempty"`
	SentByName      string     `json:"sent_by_name,omitempty"`
	ReceivedAt      *time.Time `json:"received_at,omitempty"`
	ReceivedByName  string     `json:"received_by_name,omitempty"`
	Version         int64      `json:"version"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// LetterFilter selects letters.
type LetterFilter struct {
	TemplateID    int64
	InstitutionID int64
	PersonID      int64
	Status        string
	Q             string // the person's name, a substring
	RegionCode    string
	Mine          bool // the caller's own letters (a worker)
	Page          Page
}

// LetterGeneration asks for the letters of one template: to the people
// named, or to every frontline person of an institution (or of the
// caller's scope when neither is given).
type LetterGeneration struct {
	TemplateID    int64   `json:"template_id"`
	InstitutionID int64   `json:"institution_id"`
	PersonIDs     []int64 `json:"person_ids"`
	Date          string  `json:"date"` // the letter's date, YYYY-MM-DD; today when empty
	// From and To bound the frontline service the letter counts (ISO
	// dates); default: the three years up to today.
	From string `json:"from"`
	To   string `json:"to"`
}

// LetterGenerated is the answer to a generation: letters made, refreshed
// (not yet sent, text renewed) and kept (already sent: left as they went out).
type LetterGenerationResult struct {
	Created   int     `json:"created"`
	Refreshed int     `json:"refreshed"`
	Kept      int     `json:"kept"`
	LetterIDs []int64 `json:"letter_ids"`
}

// LetterDelivery moves a letter on: to sent or received.
type LetterDelivery struct {
	Status  string `json:"status"`
	Version *int64 `json:"version"`
}

// Commendation levels (DOMAIN.md: 嘉奖 / 记功 / 记大功).
const (
	CommendJiajiang = "jiajiang"
	CommendJigong   = "jigong"
	CommendJidagong = "jidagong"
)

// CommendationLevels lists the levels, lowest first.
var CommendationLevels = []string{CommendJiajiang, CommendJigong, CommendJidagong}

// Commendation statuses.
const (
	CommendationNominated = "nominated"
	CommendationApproved  = "approved"
	CommendationRejected  = "rejected"
)

// CommendationStatuses lists the statuses in order.
var CommendationStatuses = []string{CommendationNominated, CommendationApproved, CommendationRejected}

// Commendation is a nomination for a deed and its decision.
type Commendation struct {
	ID              int64      `json:"id"`
	PersonID        int64      `json:"person_id"`
	PersonName      string     `json:"person_name"`
	Occupation      string     `json:"occupation"`
	Department      string     `json:"department"`
	InstitutionID   int64      `json:"institution_id"`
	InstitutionName string     `json:"institution_name"`
	RegionCode      string     `json:"region_code"`
	Level           string     `json:"level"`
	Deed            string     `json:"deed"`
	DeedOn          string     `json:"deed_on,omitempty"`
	Status          string     `json:"status"`
	Reason          string     `json:"reason,omitempty"`
	NominatedByName string     `json:"nominated_by_name"`
	DecidedByName   string     `json:"decided_by_name,omitempty"`
	DecidedAt       *time.Time `json:"decided_at,omitempty"`
	CanDecide       bool       `json:"can_decide"`
	Version         int64      `json:"version"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// CommendationInput is a nomination.
type CommendationInput struct {
	PersonID int64  `json:"person_id"`
	Level    string `json:"level"`
	Deed     string `json:"deed"`
	DeedOn   string `json:"deed_on"`
}

// CommendationFilter selects commendations.
type CommendationFilter struct {
	Status        string
	Level         string
	InstitutionID int64
	Q             string // the person's name or the deed, a substring
	RegionCode    string
	Page          Page
}

// CommendationDecision approves or rejects; Reason is required to reject.
type CommendationDecision struct {
	Reason  string `json:"reason"`
	Version *int64 `json:"version"`
}

// TitlePriority is one person's priority in title evaluation (职称评聘优先)
// and its basis: their frontline service from the deployments.
type TitlePriority struct {
	PersonID        int64        `json:"person_id"`
	PersonName      string       `json:"person_name"`
	InstitutionID   int64        `json:"institution_id"`
	InstitutionName string       `json:"institution_name"`
	RegionCode      string       `json:"region_code"`
	Department      string       `json:"department"`
	Occupation      string       `json:"occupation"`
	Title           string       `json:"title"`
	FrontlineDays   string       `json:"frontline_days"`
	Tier1Days       string       `json:"tier1_days"`
	Periods         []DatePeriod `json:"periods"`
	Basis           string       `json:"basis"` // in words, for the list and the export
}

// DatePeriod is an inclusive range of ISO dates.
type DatePeriod struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// TitlePriorityFilter selects the people flagged.
type TitlePriorityFilter struct {
	InstitutionID int64
	Q             string
	RegionCode    string
	From, To      string // the service counted lies in this period (dates); empty: all
	Page          Page
}

// Work-injury case statuses.
const (
	InjuryOpen          = "open"
	InjurySubmitted     = "submitted"
	InjuryRecognised    = "recognised"
	InjuryNotRecognised = "not_recognised"
)

// InjuryStatuses lists the statuses in order.
var InjuryStatuses = []string{InjuryOpen, InjurySubmitted, InjuryRecognised, InjuryNotRecognised}

// WorkInjuryCase is a work-injury determination case (工伤认定).
type WorkInjuryCase struct {
	ID              int64                `json:"id"`
	PersonID        int64                `json:"person_id"`
	PersonName      string               `json:"person_name"`
	InstitutionID   int64                `json:"institution_id"`
	InstitutionName string               `json:"institution_name"`
	RegionCode      string               `json:"region_code"`
	InfectedOn      string               `json:"infected_on"`
	DiagnosedOn     string               `json:"diagnosed_on"`
	DeadlineOn      string               `json:"deadline_on"`
	Overdue         bool                 `json:"overdue"`
	Diagnosis       string               `json:"diagnosis"`
	Note            string               `json:"note"`
	Status          string               `json:"status"`
	SubmittedOn     string               `json:"submitted_on,omitempty"`
	DecidedOn       string               `json:"decided_on,omitempty"`
	OpenedByName    string               `json:"opened_by_name"`
	DecidedByName   string               `json:"decided_by_name,omitempty"`
	Documents       []WorkInjuryDocument `json:"documents"`
	DocumentsDone   int                  `json:"documents_done"`
	Version         int64                `json:"version"`
	CreatedAt       time.Time            `json:"created_at"`
	UpdatedAt       time.Time            `json:"updated_at"`
}

// WorkInjuryDocument is one item of a case's checklist.
type WorkInjuryDocument struct {
	Code       string     `json:"code"`
	Done       bool       `json:"done"`
	DoneAt     *time.Time `json:"done_at,omitempty"`
	DoneByName string     `json:"done_by_name,omitempty"`
}

// WorkInjuryInput opens a case.
type WorkInjuryInput struct {
	PersonID    int64  `json:"person_id"`
	InfectedOn  string `json:"infected_on"`
	DiagnosedOn string `json:"diagnosed_on"`
	Diagnosis   string `json:"diagnosis"`
	Note        string `json:"note"`
}

// WorkInjuryUpdate ticks documents and moves the status on; nil fields stay.
type WorkInjuryUpdate struct {
	Documents map[string]bool `json:"documents"`
	Status    *string         `json:"status"`
	Note      *string         `json:"note"`
	Version   *int64          `json:"version"`
}

// WorkInjuryFilter selects cases.
type WorkInjuryFilter struct {
	Status     string
	Overdue    bool
	Q          string
	RegionCode string
	Page       Page
}

// LetterStats are the dashboard's figures of this area in the caller's
// scope. For a caller who reads no individual record (a leader) small
// cells are Suppressed (model.Suppress, with the lines they add up in).
type LetterStats struct {
	LettersSent           Count `json:"letters_sent"` // sent or received
	LettersReceived       Count `json:"letters_received"`
	CommendationsPending  Count `json:"commendations_pending"`
	CommendationsApproved Count `json:"commendations_approved"`
	InjuryOpen            Count `json:"injury_open"` // not yet decided
	InjuryOverdue         Count `json:"injury_overdue"`
	Suppressed            bool  `json:"suppressed"`
}
