// Package model holds the domain types of houdun and the one error type every
// layer returns. It knows nothing of SQL, HTTP or templates.
package model

import (
	"errors"
	"fmt"
)

// Code classifies an Error; one function in the HTTP layer maps it to a status.
type Code string

// Error codes.
const (
	EInvalid          Code = "invalid"            // 400/422: the input is wrong
	ENotFound         Code = "not_found"          // 404: missing, or outside the caller's scope
	EConflict         Code = "conflict"           // 409: stale version or a uniqueness clash
	EForbidden        Code = "forbidden"          // 403: the role may not use this function
	EUnauthenticated  Code = "unauthenticated"    // 401
	ETooLarge         Code = "too_large"          // 413
	EUnsupported      Code = "unsupported"        // 415: wrong content type or file kind
	ERateLimited      Code = "rate_limited"       // 429
	EImportInvalid    Code = "import_invalid"     // 422: a file with bad rows; Rows lists them
	EInternal         Code = "internal"           // 500: details go to the log only
	EUnavailable      Code = "unavailable"        // 503
	ELocked           Code = "account_locked"     // 423 on login: too many failures
	EStaleVersion     Code = "version_conflict"   // 409: someone else changed the record first
	EMethodNotAllowed Code = "method_not_allowed" // 405
	EStorageFull      Code = "storage_full"       // 507: the database's disk is full; reads go on, writes wait for space

	// An administrator's login whose password was right and whose second
	// factor is missing (401 otp_required), wrong or used before (401
	// otp_invalid), or not set up yet (401 otp_enrolment_required: enrol on
	// the web login page first).
	EOTPRequired Code = "otp_required"
	EOTPInvalid  Code = "otp_invalid"
	EOTPEnrol    Code = "otp_enrolment_required"

	// EPasswordChange (403 password_change_required): the account's password
	// was set by an administrator and works for one thing only, changing it.
	EPasswordChange Code = "password_change_required"
)

// Msg is a translatable message: a catalogue key and its arguments.
type Msg struct {
	Key  string
	Args []any
}

// M builds a Msg.
func M(key string, args ...any) Msg { return Msg{Key: key, Args: args} }

// RowError is one bad cell of an imported file.
type RowError struct {
	Row    int    // 1-based row number as the spreadsheet shows it
	Column string // header text of the column, as in the file
	Msg    Msg
}

// Error is the error every layer returns to the one above. Msg and Fields are
// shown to the user in their language; Err is the internal cause for the log.
type Error struct {
	Code   Code
	Msg    Msg
	Fields map[string]Msg
	Rows   []RowError
	// Conflicts names what a rule's refusal conflicts with (the other
	// deployments of a refused plan); the API sends it as error.conflicts.
	Conflicts any
	Err       error
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Msg.Key
	if len(e.Fields) > 0 {
		s += fmt.Sprintf(" %v", e.Fields)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf makes an Error with a message key.
func Errorf(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Msg: M(key, args...)}
}

// Internal wraps an unexpected cause; the user sees a generic message.
func Internal(err error) *Error {
	return &Error{Code: EInternal, Msg: M("error.internal"), Err: err}
}

// Unavailable wraps a cause that makes the service unusable for a while (the
// database does not answer): 503 with Retry-After, never a logout.
func Unavailable(err error) *Error {
	return &Error{Code: EUnavailable, Msg: M("error.db_unavailable"), Err: err}
}

// StorageFull wraps a write the database refused for want of disk space.
func StorageFull(err error) *Error {
	return &Error{Code: EStorageFull, Msg: M("error.storage_full"), Err: err}
}

// NotFound is the answer for a record that is missing or outside the caller's scope.
func NotFound(what string) *Error {
	return &Error{Code: ENotFound, Msg: M("error.not_found", M("object."+what))}
}

// FieldErrors collects per-field validation messages.
type FieldErrors map[string]Msg

// Add records a message for a field; the first message of a field wins.
func (f FieldErrors) Add(field, key string, args ...any) {
	if _, ok := f[field]; !ok {
		f[field] = M(key, args...)
	}
}

// Err returns nil when empty, else an EInvalid Error carrying the fields.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EInvalid, Msg: M("error.invalid"), Fields: f}
}

// ErrorCode returns the code of err, EInternal for foreign errors and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// AsError returns err as *Error, wrapping foreign errors as internal.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}
