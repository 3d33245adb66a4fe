package model

import "time"

// Transfer request statuses.
const (
	TransferSubmitted = "submitted"
	TransferApproved  = "approved"
	TransferRejected  = "rejected"
)

// TransferStatuses lists the statuses in display order.
var TransferStatuses = []string{TransferSubmitted, TransferApproved, TransferRejected}

// Kinds of request: a move to an institution of another area, or a
// correction of the person's ID number (身份证号更正), which a second person
// of a team covering the record decides.
const (
	TransferKindMove     = "move"
	TransferKindIDNumber = "id_number"
)

// TransferKinds lists the kinds in display order.
var TransferKinds = []string{TransferKindMove, TransferKindIDNumber}

// Where a transfer request came from.
const (
	TransferFromForm   = "form"   // a registration by form or API
	TransferFromImport = "import" // a row of a people import
)

// MaxTransferReason bounds a rejection's reason.
const MaxTransferReason = 500

// Transfer is a request to move a registered person to an institution of
// another area (人员转移申请). An approver (a team whose region covers both
// sides) sees it whole. The requester sees only what they asked for and the
// decision: the fields about the existing record (Person, From…) stay empty
// for them, so the request tells them nothing they did not type.
type Transfer struct {
	ID     int64  `json:"id"`
	Kind   string `json:"kind"`
	Status string `json:"status"`
	Source string `json:"source"`
	// RequestedIDNumberMasked is the number an ID-number correction asks
	// for, masked (the requester typed it).
	RequestedIDNumberMasked string `json:"requested_id_number_masked,omitempty"`
	// What was asked for.
	RequestedName     string `json:"requested_name"`
	ToInstitutionID   int64  `json:"to_institution_id"`
	ToInstitutionName string `json:"to_institution_name,omitempty"`
	ToRegionCode      string `json:"to_region_code"`
	Department        string `json:"department"`
	Occupation        string `json:"occupation"`
	Title             string `json:"title"`
	Frontline         bool   `json:"frontline"`
	RequestedByName   string `json:"requested_by_name"`
	// The existing record: approvers only.
	PersonID            int64  `json:"person_id,omitempty"`
	PersonName          string `json:"person_name,omitempty"`
	IDNumberMasked      string `json:"id_number_masked,omitempty"`
	FromInstitutionID   int64  `json:"from_institution_id,omitempty"`
	FromInstitutionName string `json:"from_institution_name,omitempty"`
	FromRegionCode      string `json:"from_region_code,omitempty"`
	ApproverRegionCode  string `json:"approver_region_code,omitempty"`
	// The decision.
	Reason        string     `json:"reason,omitempty"`
	DecidedByName string     `json:"decided_by_name,omitempty"`
	DecidedAt     *time.Time `json:"decided_at,omitempty"`
	// CanDecide is true when the caller may approve or reject it now.
	CanDecide bool      `json:"can_decide"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TransferFilter selects transfer requests. Mine keeps the caller's own
// requests only; otherwise an approver sees their queue and their own.
type TransferFilter struct {
	Kind       string
	Status     string
	Q          string // the person's or the requested name, a substring
	RegionCode string // either side lies in this region
	Mine       bool
	Page       Page
}

// TransferDecision approves or rejects a request; Reason is required to reject.
type TransferDecision struct {
	Reason  string `json:"reason"`
	Version *int64 `json:"version"`
}

// Registration is the answer to registering a person whose ID number is not
// registered in the caller's scope. It is the same whether the person was
// registered at once or, being registered in another area, a transfer
// request was submitted for review: the caller must not learn which (see
// docs/architecture.md). PersonID and TransferID are for the server only.
type Registration struct {
	Status     string `json:"status"` // always "accepted"
	PersonID   int64  `json:"-"`
	TransferID int64  `json:"-"`
}

// RegistrationAccepted is Registration's only status.
const RegistrationAccepted = "accepted"
