// Package living holds the rules of isolation accommodation and transport
// help (生活保障: 隔离住宿、交通保障): which nights a stay holds, when a person
// counts as staff of a high-risk post, whether two groups may share a room,
// and which step of a transport request each status and caller allow. It is
// pure: no SQL, no HTTP, no clock of its own (callers pass dates); the store
// applies these rules inside its transactions and the pages ask them what
// to offer.
package living

import (
	"time"
)

// DateLayout is the form of every date of a stay ('YYYY-MM-DD').
const DateLayout = "2006-01-02"

// MaxNights bounds one stay: a longer one is booked again (a correction
// extends it), so that a typo of a year cannot hold a bed for a year.
const MaxNights = 90

// HighRiskWindowDays is how long after a tier-1 deployment ends a person
// still counts as staff of a high-risk post (the 14 days of rest and
// observation after frontline work, DOMAIN.md).
const HighRiskWindowDays = 14

// Nights returns the nights from in up to the day before out ('YYYY-MM-DD'
// each); none when out is not after in or a date does not parse.
func Nights(in, out string) []string {
	a, err1 := time.Parse(DateLayout, in)
	b, err2 := time.Parse(DateLayout, out)
	if err1 != nil || err2 != nil {
		return nil
	}
	var n []string
	for d := a; d.Before(b); d = d.AddDate(0, 0, 1) {
		n = append(n, d.Format(DateLayout))
	}
	return n
}

// AddDays returns date moved by n days ("" when it does not parse).
func AddDays(date string, n int) string {
	d, err := time.Parse(DateLayout, date)
	if err != nil {
		return ""
	}
	return d.AddDate(0, 0, n).Format(DateLayout)
}

// ValidDate reports whether s is a real 'YYYY-MM-DD' date.
func ValidDate(s string) bool {
	_, err := time.Parse(DateLayout, s)
	return err == nil
}

// Deployment is what the high-risk rule reads of one deployment.
type Deployment struct {
	Tier             int
	StartsOn, EndsOn string
	Cancelled        bool
}

// HighRisk reports whether a person with these deployments counts as staff
// of a high-risk post for a stay from in to out: a tier-1 deployment that is
// not cancelled overlaps the stay, or ended less than HighRiskWindowDays
// before it begins.
func HighRisk(deps []Deployment, in, out string) bool {
	from := AddDays(in, -HighRiskWindowDays)
	for _, d := range deps {
		if d.Tier != 1 || d.Cancelled {
			continue
		}
		if d.StartsOn < out && d.EndsOn >= from {
			return true
		}
	}
	return false
}

// MayShareRoom reports whether a person (highRisk) may sleep in a room on a
// night where others of group other already sleep: on a site that keeps
// high-risk staff apart, only with their own group. Separation is by room,
// not by floor: a room shares air and bathroom, a floor of a hotel does not,
// and separating by floor would empty whole floors of a small dormitory.
func MayShareRoom(separates, highRisk, other bool) bool {
	return !separates || highRisk == other
}
