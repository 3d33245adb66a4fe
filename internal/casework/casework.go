// Package casework holds the rules of a case's life in the needs ledger
// (需求困难台账): which step each status allows, the deadlines that follow
// from urgency and the per-region policy, escalation up the region tree, the
// visit cadence, and what a volunteer may see of a case. It is pure: no SQL,
// no HTTP, no clock of its own (callers pass "now"); the store applies these
// rules inside its transactions.
package casework

import (
	"houdun/internal/model"
)

// Action is a step a user takes on a case.
type Action string

// The steps of a case's life cycle.
const (
	Assign  Action = "assign"  // open, assigned (reassign), in_progress → assigned
	Start   Action = "start"   // assigned → in_progress
	Resolve Action = "resolve" // assigned, in_progress → resolved (with a resolution)
	Close   Action = "close"   // resolved → closed (after the follow-up, with satisfaction 1–5)
	Reject  Action = "reject"  // open, assigned, in_progress → rejected (with a reason)
	Reopen  Action = "reopen"  // resolved, closed, rejected → open (with a new deadline)
)

// Actions lists every action in the order a case page offers them.
var Actions = []Action{Assign, Start, Resolve, Close, Reject, Reopen}

type transition struct {
	from []string
	to   string
}

// transitions is the whole life cycle: for each action, the statuses it may
// start from and the status it leads to.
var transitions = map[Action]transition{
	Assign:  {from: []string{model.NeedOpen, model.NeedAssigned, model.NeedInProgress}, to: model.NeedAssigned},
	Start:   {from: []string{model.NeedAssigned}, to: model.NeedInProgress},
	Resolve: {from: []string{model.NeedAssigned, model.NeedInProgress}, to: model.NeedResolved},
	Close:   {from: []string{model.NeedResolved}, to: model.NeedClosed},
	Reject:  {from: []string{model.NeedOpen, model.NeedAssigned, model.NeedInProgress}, to: model.NeedRejected},
	Reopen:  {from: []string{model.NeedResolved, model.NeedClosed, model.NeedRejected}, to: model.NeedOpen},
}

// Next returns the status that action a leads to from status, and whether
// the step is allowed at all.
func Next(status string, a Action) (string, bool) {
	t, ok := transitions[a]
	if !ok || !model.Contains(t.from, status) {
		return "", false
	}
	return t.to, true
}

// From returns the statuses action a may start from (the store's UPDATE guard).
func From(a Action) []string {
	return append([]string(nil), transitions[a].from...)
}

// Allowed returns the actions status allows, in display order.
func Allowed(status string) []Action {
	var out []Action
	for _, a := range Actions {
		if _, ok := Next(status, a); ok {
			out = append(out, a)
		}
	}
	return out
}

// Valid reports whether a is one of the actions.
func (a Action) Valid() bool {
	_, ok := transitions[a]
	return ok
}

// Event is the name of the history event the action writes ("assigned" …).
func (a Action) Event() string {
	switch a {
	case Assign:
		return model.EventAssigned
	case Start:
		return model.EventStarted
	case Resolve:
		return model.EventResolved
	case Close:
		return model.EventClosed
	case Reject:
		return model.EventRejected
	case Reopen:
		return model.EventReopened
	}
	return ""
}

// OutboxEvent is the name of the outbox event the action emits ("need.assigned" …).
func (a Action) OutboxEvent() string {
	if e := a.Event(); e != "" {
		return "need." + e
	}
	return ""
}

// Active reports whether a case in status is still being worked, so that its
// deadline runs and it can be overdue or escalated.
func Active(status string) bool {
	return model.Contains(model.NeedActiveStatuses, status)
}
