package model

import "time"

// User is an account. Exactly one of RegionCode, InstitutionID, PersonID sets its scope.
type User struct {
	ID            int64      `json:"id"`
	Username      string     `json:"username"`
	DisplayName   string     `json:"display_name"`
	Role          string     `json:"role"`
	RegionCode    string     `json:"region_code,omitempty"`
	InstitutionID *int64     `json:"institution_id,omitempty"`
	PersonID      *int64     `json:"person_id,omitempty"`
	Disabled      bool       `json:"disabled"`
	LockedUntil   *time.Time `json:"locked_until,omitempty"`
	LastLoginAt   *time.Time `json:"last_login_at,omitempty"`
	// TOTPEnrolled: the account has a confirmed authenticator (administrators log in with its codes).
	TOTPEnrolled bool `json:"totp_enrolled"`
	// RolePending: the security administrator has yet to grant the role
	// (the account was made, or its password reset without an authenticator,
	// by the system administrator); it cannot log in until then.
	RolePending bool `json:"role_pending"`
	// PasswordChangeRequired: the password was set by an administrator and
	// must be changed at the next login before anything else.
	PasswordChangeRequired bool      `json:"password_change_required"`
	Version                int64     `json:"version"`
	CreatedAt              time.Time `json:"created_at"`
}

// UserInput creates or updates a user; nil pointers are left alone on update.
type UserInput struct {
	Username      *string `json:"username"`
	DisplayName   *string `json:"display_name"`
	Password      *string `json:"password"`
	Role          *string `json:"role"`
	RegionCode    *string `json:"region_code"`
	InstitutionID *int64  `json:"institution_id"`
	PersonID      *int64  `json:"person_id"`
	Disabled      *bool   `json:"disabled"`
	Version       *int64  `json:"version"`
}

// PasswordChange is a user's change of their own password.
type PasswordChange struct {
	Current string `json:"current_password"`
	New     string `json:"new_password"`
}

// UserFilter selects users.
type UserFilter struct {
	Q    string
	Role string
	Page Page
}

// AuditEntry is one append-only, hash-chained record of who did what.
type AuditEntry struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	UserID     *int64    `json:"user_id,omitempty"`
	Username   string    `json:"username"`
	Role       string    `json:"role,omitempty"`
	IP         string    `json:"ip,omitempty"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type,omitempty"`
	ObjectID   string    `json:"object_id,omitempty"`
	Outcome    string    `json:"outcome"`
	Detail     string    `json:"detail,omitempty"`
	Hash       string    `json:"hash"`
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	UserID     int64
	Username   string // exact: the account as the row names it
	Action     string
	ObjectType string
	ObjectID   string
	From, To   time.Time
	Page       Page
}

// Audit outcomes.
const (
	OutcomeOK     = "ok"
	OutcomeDenied = "denied"
	OutcomeFailed = "failed"
	// OutcomeNotFound is a read of a record that is missing or out of the
	// caller's scope: a probe, answered 404.
	OutcomeNotFound = "not_found"
)

// ImportResult counts what an import did (or would do, in a dry run).
// Created counts the rows new to the caller's scope: people registered, and
// rows whose ID number is registered in another area, which became transfer
// requests; the two are not told apart (docs/architecture.md).
type ImportResult struct {
	Created   int  `json:"created"`
	Updated   int  `json:"updated"`
	Unchanged int  `json:"unchanged"`
	DryRun    bool `json:"dry_run"`
}

// AuditVerification is the result of one check of the audit chain.
type AuditVerification struct {
	At       time.Time `json:"at"`
	OK       bool      `json:"ok"`
	Rows     int       `json:"rows"`                // rows checked
	BrokenID int64     `json:"broken_id,omitempty"` // the first row that does not verify
	Reason   string    `json:"reason,omitempty"`    // link, hash, legacy or unkeyed
	Via      string    `json:"via"`                 // start, daily or cli
}
