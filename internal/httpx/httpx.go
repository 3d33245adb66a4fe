// Package httpx is the HTTP plumbing the JSON API and the web pages share:
// the session cookie, the client address, JSON bodies with limits, and the
// one function that turns a model.Error into a status and a JSON error body.
// It holds no business rules.
package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"houdun/internal/auth"
	"houdun/internal/i18n"
	"houdun/internal/model"
)

// SessionCookie is the name of the web session cookie.
const SessionCookie = "houdun_session"

type ipKey struct{}

type errorNoteKey struct{}

// WithErrorNote gives a request a place where its answer's error code is
// noted (NoteError), so that the server's denial audit can say why a request
// was refused (forbidden, password_change_required), not only its status.
func WithErrorNote(ctx context.Context) (context.Context, *model.Code) {
	note := new(model.Code)
	return context.WithValue(ctx, errorNoteKey{}, note), note
}

// NoteError records the error code a request is answered with.
func NoteError(ctx context.Context, code model.Code) {
	if note, ok := ctx.Value(errorNoteKey{}).(*model.Code); ok {
		*note = code
	}
}

// WithClientIP stores the caller's address for audit rows.
func WithClientIP(ctx context.Context, ip string) context.Context {
	if p := auth.FromContext(ctx); p != nil {
		p.IP = ip
	}
	return context.WithValue(ctx, ipKey{}, ip)
}

// ClientIP returns the caller's address.
func ClientIP(ctx context.Context) string {
	ip, _ := ctx.Value(ipKey{}).(string)
	return ip
}

// SetSessionCookie sets the session cookie: HttpOnly, SameSite=Lax, Secure behind TLS.
func SetSessionCookie(w http.ResponseWriter, token string, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// ClearSessionCookie removes the session cookie.
func ClearSessionCookie(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// Require returns the authenticated caller or an EUnauthenticated error.
func Require(r *http.Request) (*auth.Principal, error) {
	p := auth.FromContext(r.Context())
	if p == nil {
		return nil, model.Errorf(model.EUnauthenticated, "error.unauthenticated")
	}
	return p, nil
}

// Forbidden is an EForbidden error with a message key.
func Forbidden(key string) error { return model.Errorf(model.EForbidden, key) }

// Status maps an error code to its HTTP status.
func Status(code model.Code) int {
	switch code {
	case model.EInvalid:
		return http.StatusBadRequest
	case model.EImportInvalid:
		return http.StatusUnprocessableEntity
	case model.ENotFound:
		return http.StatusNotFound
	case model.EConflict, model.EStaleVersion, model.ECoupleConflict, model.ERestRequired:
		return http.StatusConflict
	case model.EForbidden, model.EPasswordChange:
		return http.StatusForbidden
	case model.EUnauthenticated, model.EOTPRequired, model.EOTPInvalid, model.EOTPEnrol:
		return http.StatusUnauthorized
	case model.ETooLarge:
		return http.StatusRequestEntityTooLarge
	case model.EUnsupported:
		return http.StatusUnsupportedMediaType
	case model.ERateLimited:
		return http.StatusTooManyRequests
	case model.ELocked:
		return http.StatusLocked
	case model.EUnavailable:
		return http.StatusServiceUnavailable
	case model.EStorageFull:
		return http.StatusInsufficientStorage
	case model.EMethodNotAllowed:
		return http.StatusMethodNotAllowed
	}
	return http.StatusInternalServerError
}

// RetryAfter is how long a client is asked to wait before trying again
// when the service is unavailable for a while (the database does not answer).
const RetryAfter = 5 * time.Second

// SetRetryAfter adds Retry-After to a 503 answer.
func SetRetryAfter(w http.ResponseWriter, status int) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(int(RetryAfter/time.Second)))
	}
}

type authFaultKey struct{}

// WithAuthFault records that the caller's credentials could not be checked
// because the database failed (not because they were wrong): pages then
// answer "temporarily unavailable" instead of sending the user to a login
// that cannot work.
func WithAuthFault(ctx context.Context, err error) context.Context {
	return context.WithValue(ctx, authFaultKey{}, err)
}

// AuthFault returns the error WithAuthFault recorded, or nil.
func AuthFault(ctx context.Context) error {
	err, _ := ctx.Value(authFaultKey{}).(error)
	return err
}

// ErrorBody is the JSON shape of every error answer.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of ErrorBody.
type ErrorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	Rows    []RowDetail       `json:"rows,omitempty"`
	// Conflicts names what a rule's refusal conflicts with (409 couple_conflict, rest_required).
	Conflicts any `json:"conflicts,omitempty"`
}

// RowDetail is one bad row of an import.
type RowDetail struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// Translate renders a model.Error in lang.
func Translate(e *model.Error, lang i18n.Lang) ErrorDetail {
	d := ErrorDetail{Code: string(e.Code), Message: lang.Msg(e.Msg), Conflicts: e.Conflicts}
	if len(e.Fields) > 0 {
		d.Fields = make(map[string]string, len(e.Fields))
		for f, m := range e.Fields {
			d.Fields[f] = lang.Msg(m)
		}
	}
	for _, r := range e.Rows {
		d.Rows = append(d.Rows, RowDetail{Row: r.Row, Column: r.Column, Message: lang.Msg(r.Msg)})
	}
	return d
}

// WriteError answers with err as JSON in the caller's language. Internal
// causes are logged, never sent.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	e := model.AsError(err)
	NoteError(r.Context(), e.Code)
	status := Status(e.Code)
	if status >= 500 {
		slog.ErrorContext(r.Context(), "request failed", "route", r.Pattern, "err", err)
	}
	SetRetryAfter(w, status)
	if wantsHTML(r) {
		writeErrorPage(w, r, status, e)
		return
	}
	WriteJSON(w, status, ErrorBody{Error: Translate(e, i18n.FromRequest(r))})
}

// WriteJSON answers with v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// DecodeJSON reads a JSON object body of at most max bytes into dst,
// rejecting unknown fields, trailing data and wrong content types with
// errors the user can act on.
func DecodeJSON(w http.ResponseWriter, r *http.Request, dst any, max int64) error {
	// A JSON body must say so: a form post from another site cannot pose as one.
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return model.Errorf(model.EUnsupported, "error.unsupported_type", "application/json")
	}
	r.Body = http.MaxBytesReader(w, r.Body, max)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err, max)
	}
	if _, err := dec.Token(); err != io.EOF {
		return model.Errorf(model.EInvalid, "error.bad_json", "trailing data")
	}
	return nil
}

func jsonError(err error, max int64) error {
	var tooBig *http.MaxBytesError
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooBig):
		return model.Errorf(model.ETooLarge, "error.too_large", ByteSize(max))
	case errors.As(err, &syntax):
		return model.Errorf(model.EInvalid, "error.bad_json", fmt.Sprintf("offset %d", syntax.Offset))
	case errors.As(err, &typ):
		if typ.Field == "" {
			return model.Errorf(model.EInvalid, "error.bad_json", "expected an object")
		}
		fe := model.FieldErrors{}
		fe.Add(typ.Field, "field.type", model.M("type."+jsonKind(typ.Type)))
		return fe.Err()
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return model.Errorf(model.EInvalid, "error.bad_json", "empty or truncated body")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		fe := model.FieldErrors{}
		fe.Add(field, "field.unknown")
		return fe.Err()
	}
	return model.Errorf(model.EInvalid, "error.bad_json", err.Error())
}

// ByteSize renders a byte count for messages: 1 MiB, 32 MiB, 512 KiB.
func ByteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

// PathID parses a numeric path value.
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, model.NotFound("page")
	}
	return id, nil
}

// Page reads limit and offset query parameters.
func Page(r *http.Request) (model.Page, error) {
	var p model.Page
	q := r.URL.Query()
	for name, dst := range map[string]*int{"limit": &p.Limit, "offset": &p.Offset} {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return p, model.Errorf(model.EInvalid, "error.bad_query", name)
			}
			*dst = n
		}
	}
	return p, nil
}

// jsonKind names a Go type as the JSON a user should send.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16,
		reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		return "array"
	}
	return "object"
}
