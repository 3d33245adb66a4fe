package casework

import (
	"time"

	"houdun/internal/model"
)

// careCadenceNeeds are the family care needs that shorten the visit interval:
// elderly members needing care, minor children, disabled members.
var careCadenceNeeds = []string{model.CareElderly, model.CareMinor, model.CareDisability}

// CareCadence reports whether a family with these care needs is visited on
// the shorter interval.
func CareCadence(careNeeds []string) bool {
	for _, c := range careNeeds {
		if model.Contains(careCadenceNeeds, c) {
			return true
		}
	}
	return false
}

// CareCadenceNeeds returns the care needs that shorten the interval.
func CareCadenceNeeds() []string { return append([]string(nil), careCadenceNeeds...) }

// VisitIntervalDays is the number of days allowed between two contacts.
func (p Policy) VisitIntervalDays(care bool) int {
	if care {
		return p.VisitIntervalCare
	}
	return p.VisitInterval
}

// VisitDueWindow: a person is "due" when the next contact falls within it.
const VisitDueWindow = 24 * time.Hour

// NextVisit is when a person must next be contacted: the interval after the
// last visit, or after registration for someone never visited.
func NextVisit(lastVisit, registered time.Time, intervalDays int) time.Time {
	base := lastVisit
	if base.IsZero() {
		base = registered
	}
	return base.Add(time.Duration(intervalDays) * 24 * time.Hour)
}

// VisitState classifies the next contact date at now: due (within a day, or
// past) and overdue (past).
func VisitState(next, now time.Time) (due, overdue bool) {
	overdue = next.Before(now)
	due = overdue || !next.After(now.Add(VisitDueWindow))
	return due, overdue
}
