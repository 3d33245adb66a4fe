package model

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"
)

// Kinds of inbox notification.
const (
	NotifyAssigned  = "assigned"  // a case was assigned to you
	NotifyDueSoon   = "due_soon"  // the deadline of your case is within 2 hours
	NotifyOverdue   = "overdue"   // the deadline of your case passed
	NotifyEscalated = "escalated" // a case was escalated to your team
	NotifyResolved  = "resolved"  // a case you recorded was resolved
	// NotifyPasswordReset: an administrator reset your password (no case).
	NotifyPasswordReset = "password_reset"
)

// NotificationKinds lists the kinds in display order.
var NotificationKinds = []string{NotifyAssigned, NotifyDueSoon, NotifyOverdue, NotifyEscalated, NotifyResolved, NotifyPasswordReset}

// Notification is one entry of a user's inbox: the case's number and its
// person as the reader may see them, never an ID number or phone.
type Notification struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	NeedID    *int64     `json:"need_id,omitempty"`
	Need      *NeedBrief `json:"need,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
	// PersonName is the case's person as the reader may see them now
	// (store.ListInbox): whole in scope, the surname for a volunteer, ""
	// when the reader may not see the case.
	PersonName string `json:"person_name,omitempty"`
}

// NeedBrief is what an inbox entry or an outbox event says about a case: no
// names, ID numbers or phones.
type NeedBrief struct {
	Category        string    `json:"category"`
	Kind            string    `json:"kind"`
	Urgency         string    `json:"urgency"`
	Status          string    `json:"status"`
	DueAt           time.Time `json:"due_at"`
	EscalationLevel int       `json:"escalation_level"`
}

// Outbox events, delivered to webhooks that subscribe to them.
const (
	OutboxNeedCreated   = "need.created"
	OutboxNeedAssigned  = "need.assigned"
	OutboxNeedStarted   = "need.started"
	OutboxNeedResolved  = "need.resolved"
	OutboxNeedClosed    = "need.closed"
	OutboxNeedRejected  = "need.rejected"
	OutboxNeedReopened  = "need.reopened"
	OutboxNeedEscalated = "need.escalated"
	OutboxNeedDueSoon   = "need.due_soon"
	OutboxNeedOverdue   = "need.overdue"
)

// OutboxEvents lists every event a webhook may subscribe to.
var OutboxEvents = []string{OutboxNeedCreated, OutboxNeedAssigned, OutboxNeedStarted, OutboxNeedResolved, OutboxNeedClosed,
	OutboxNeedRejected, OutboxNeedReopened, OutboxNeedEscalated, OutboxNeedDueSoon, OutboxNeedOverdue}

// OutboxPayload is the JSON body of an outbox event: ids, codes, category,
// urgency, status and times only — never names, ID numbers or phones.
type OutboxPayload struct {
	Event               string    `json:"event"`
	OutboxID            int64     `json:"outbox_id,omitempty"` // filled at delivery
	NeedID              int64     `json:"need_id"`
	Category            string    `json:"category"`
	Kind                string    `json:"kind"`
	Urgency             string    `json:"urgency"`
	Status              string    `json:"status"`
	EscalationLevel     int       `json:"escalation_level"`
	RegionCode          string    `json:"region_code"`
	TeamRegionCode      string    `json:"team_region_code"`
	InstitutionID       int64     `json:"institution_id"`
	AssigneeUserID      *int64    `json:"assignee_user_id,omitempty"`
	AssigneeVolunteerID *int64    `json:"assignee_volunteer_id,omitempty"`
	DueAt               time.Time `json:"due_at"`
	At                  time.Time `json:"at"`
}

// Webhook is an HTTPS (or, for local receivers, HTTP) endpoint that receives
// the outbox events it subscribes to, each signed with its secret. Secret is
// returned once, when the webhook is created or its secret replaced.
type Webhook struct {
	ID        int64     `json:"id"`
	URL       string    `json:"url"`
	Events    []string  `json:"events"`
	Active    bool      `json:"active"`
	Secret    string    `json:"secret,omitempty"`
	CreatedBy *int64    `json:"created_by,omitempty"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// WebhookInput is what a create or update may set; nil pointers are left
// alone on update. A create without a secret gets a random one.
type WebhookInput struct {
	URL     *string   `json:"url"`
	Events  *[]string `json:"events"`
	Secret  *string   `json:"secret"`
	Active  *bool     `json:"active"`
	Version *int64    `json:"version"`
}

// WebhookFields is a webhook's full set of values after normalisation.
type WebhookFields struct {
	URL    string
	Events []string
	Secret string
	Active bool
}

// Apply copies the set fields of in onto f.
func (in WebhookInput) Apply(f *WebhookFields) {
	set(&f.URL, in.URL)
	set(&f.Events, in.Events)
	set(&f.Secret, in.Secret)
	set(&f.Active, in.Active)
}

// Normalize checks a webhook: an absolute http(s) URL without credentials,
// at least one known event, a secret of 16–200 characters.
func (f *WebhookFields) Normalize() FieldErrors {
	fe := FieldErrors{}
	f.URL = strings.TrimSpace(f.URL)
	if f.URL == "" {
		fe.Add("url", "field.required")
	} else if u, err := url.Parse(f.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || len(f.URL) > 500 {
		fe.Add("url", "webhook.url_invalid")
	}
	seen := map[string]bool{}
	events := []string{}
	for _, e := range f.Events {
		e = strings.TrimSpace(e)
		if e == "" || seen[e] {
			continue
		}
		if !Contains(OutboxEvents, e) {
			fe.Add("events", "field.choice")
			continue
		}
		seen[e] = true
		events = append(events, e)
	}
	f.Events = events
	if len(events) == 0 {
		fe.Add("events", "field.required")
	}
	if n := len([]rune(f.Secret)); n < 16 || n > 200 {
		fe.Add("secret", "webhook.secret_length")
	}
	return fe
}

// Delivery statuses.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed" // given up
)

// Delivery is one outbox event to one webhook, with its retry state. The
// delivery worker reads the due ones (DueDeliveries), posts Payload to URL
// signed with Secret, and marks the outcome.
type Delivery struct {
	ID            int64           `json:"id"`
	OutboxID      int64           `json:"outbox_id"`
	WebhookID     int64           `json:"webhook_id"`
	URL           string          `json:"url"`
	Secret        string          `json:"-"`
	Event         string          `json:"event"`
	Payload       json.RawMessage `json:"payload"`
	Status        string          `json:"status"`
	Attempts      int             `json:"attempts"`
	NextAttemptAt time.Time       `json:"next_attempt_at"`
	LastError     string          `json:"last_error,omitempty"`
	DeliveredAt   *time.Time      `json:"delivered_at,omitempty"`
	CreatedAt     time.Time       `json:"created_at"`
}

// DeliveryFilter selects deliveries for the sysadmin's list.
type DeliveryFilter struct {
	WebhookID int64
	Status    string
	Page      Page
}

// Setting is one policy value set for a region (and every region below it
// that sets none of its own). RegionCode "" is the nationwide value.
type Setting struct {
	RegionCode string    `json:"region_code"`
	Name       string    `json:"name"`
	Value      string    `json:"value"`
	UpdatedAt  time.Time `json:"updated_at"`
	UpdatedBy  string    `json:"updated_by"`
}

// EffectiveSetting is the value in force for a region and where it comes
// from: the region itself, an ancestor, or the built-in default (Default).
type EffectiveSetting struct {
	Name       string `json:"name"`
	Value      string `json:"value"`
	RegionCode string `json:"region_code"` // the region that set it; "" with Default for the built-in value
	Default    bool   `json:"default"`
}
