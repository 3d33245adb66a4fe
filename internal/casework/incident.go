package casework

import (
	"strconv"
	"strings"
	"time"

	"houdun/internal/model"
)

// The rules of discrimination incidents (歧视孤立事件): their deadlines, which
// step leads where, and who is of the handling team. Pure, as the rest of
// this package: the store, the API and the pages ask the same functions.

// Per-region settings of incidents: the time to reach the reporter after a
// report, and the days to conclude it.
const (
	SettingIncidentContact  = "incident.contact_minutes" // minutes
	SettingIncidentConclude = "incident.conclude_days"   // days
)

func init() {
	Settings = append(Settings,
		SettingSpec{SettingIncidentContact, 24 * 60, 15, 7 * 24 * 60, "minutes"},
		SettingSpec{SettingIncidentConclude, 15, 1, 90, "days"})
}

// IncidentDeadlines are the contact and conclusion deadlines of an incident
// reported at `at` under a region's effective setting values (name → value;
// missing or malformed values take their default): by default the reporter
// is reached within a day and the incident concluded within 15 days.
func IncidentDeadlines(values map[string]string, at time.Time) (contact, conclude time.Time) {
	get := func(name string) int {
		spec, _ := Spec(name)
		if v, ok := values[name]; ok {
			if n, key := CheckSetting(name, v); key == "" {
				i, _ := strconv.Atoi(n)
				return i
			}
		}
		return spec.Default
	}
	return at.Add(time.Duration(get(SettingIncidentContact)) * time.Minute),
		at.Add(time.Duration(get(SettingIncidentConclude)) * 24 * time.Hour)
}

// IncidentAction is a step of an incident's life cycle.
type IncidentAction string

// Incident actions.
const (
	IncidentAssign   IncidentAction = "assign"  // name the handler
	IncidentStep     IncidentAction = "step"    // record a step taken
	IncidentConclude IncidentAction = "outcome" // record the outcome
	IncidentReopen   IncidentAction = "reopen"  // the outcome did not hold
)

// IncidentNext is the status after act on an incident in status, and whether
// act is allowed there. Any step of the team moves a reported incident into
// handling; a concluded one takes no step but reopening.
func IncidentNext(status string, act IncidentAction) (string, bool) {
	switch status {
	case model.IncidentReported, model.IncidentHandling:
		switch act {
		case IncidentAssign, IncidentStep:
			return model.IncidentHandling, true
		case IncidentConclude:
			return model.IncidentConcluded, true
		}
	case model.IncidentConcluded:
		if act == IncidentReopen {
			return model.IncidentHandling, true
		}
	}
	return "", false
}

// IncidentContactOverdue: the reporter was not reached by the contact
// deadline (an incident concluded without a contact step is overdue too
// until then: it says nobody called back).
func IncidentContactOverdue(contacted bool, contactDue, now time.Time) bool {
	return !contacted && now.After(contactDue)
}

// IncidentOverdue: not concluded by its deadline.
func IncidentOverdue(status string, concludeDue, now time.Time) bool {
	return status != model.IncidentConcluded && now.After(concludeDue)
}

// OnIncidentTeam reports whether an account of a region scope (scopeRegion,
// "" for the whole country) holding incident.handle belongs to the handling
// team of an incident in regionCode: the case workers whose region covers it.
// Accounts of an institution or a person are of no team.
func OnIncidentTeam(canHandle bool, scopeRegion string, regionScoped bool, regionCode string) bool {
	return canHandle && regionScoped && strings.HasPrefix(regionCode, scopeRegion)
}
