package casework

import (
	"time"

	"houdun/internal/region"
)

// DueSoonWindow is how long before the deadline the assignee is reminded.
const DueSoonWindow = 2 * time.Hour

// DueAt is the default deadline of a case of urgency recorded at now.
func (p Policy) DueAt(now time.Time, urgency string) time.Time {
	return now.Add(p.Deadline(urgency))
}

// CheckDue decides the deadline of a new case: the default of its urgency,
// or an earlier one the recorder asks for. A requested deadline in the past
// or later than the default is refused with the message key returned.
func (p Policy) CheckDue(now time.Time, urgency string, requested *time.Time) (time.Time, string) {
	def := p.DueAt(now, urgency)
	if requested == nil || requested.IsZero() {
		return def, ""
	}
	r := requested.UTC().Truncate(time.Millisecond)
	switch {
	case r.Before(now.Truncate(time.Millisecond)):
		return time.Time{}, "need.due_past"
	case r.After(def):
		return time.Time{}, "need.due_too_late"
	}
	return r, ""
}

// Overdue reports whether a case in status with deadline due is overdue at now.
func Overdue(status string, due, now time.Time) bool {
	return Active(status) && !due.IsZero() && due.Before(now)
}

// DueSoon reports whether an active case's deadline falls within the
// reminder window and has not passed.
func DueSoon(status string, due, now time.Time) bool {
	return Active(status) && !due.Before(now) && !due.After(now.Add(DueSoonWindow))
}

// NextTeam is where an overdue case goes: the team of the parent region of
// the team responsible now (a street's case goes to its county, a county's
// to its city, a city's to its province). At a province there is no higher
// team: moved is false and the team stays.
func NextTeam(team string) (next string, moved bool) {
	lvl := region.LevelOfCode(team)
	if lvl <= region.LevelProvince {
		return team, false
	}
	return region.ParentOf(team), true
}
