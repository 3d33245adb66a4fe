package casework

import (
	"strconv"
	"strings"
	"time"

	"houdun/internal/model"
)

// Names of the per-region settings this package reads. A region's value
// applies to it and every region below it that sets none of its own.
const (
	SettingDeadlineUrgent    = "need.deadline.urgent" // minutes
	SettingDeadlineHigh      = "need.deadline.high"
	SettingDeadlineNormal    = "need.deadline.normal"
	SettingDeadlineLow       = "need.deadline.low"
	SettingVisitInterval     = "visit.interval_days"      // days between contacts
	SettingVisitIntervalCare = "visit.interval_days_care" // days, for families with care needs
	// SettingFamilyLinkPerHour caps the cases one self-service link may
	// report in any hour: enough for a family in trouble, too few to flood
	// the team's ledger from a link that leaked.
	SettingFamilyLinkPerHour = "family_link.reports_per_hour"
	// SettingPsychHotline is the psychological crisis hotline shown to a
	// worker with every screening result (digits only; 12356 by default).
	SettingPsychHotline = "psych.hotline"
)

// DefaultPsychHotline is the national psychological assistance hotline.
const DefaultPsychHotline = 12356

// SettingSpec describes a setting: its default and the whole-number range
// its value must lie in.
type SettingSpec struct {
	Name     string
	Default  int
	Min, Max int
	Unit     string // "minutes", "days" or "per_hour"
}

// Settings lists every setting of the needs ledger, in display order.
var Settings = []SettingSpec{
	{SettingDeadlineUrgent, 4 * 60, 15, 90 * 24 * 60, "minutes"},
	{SettingDeadlineHigh, 24 * 60, 15, 90 * 24 * 60, "minutes"},
	{SettingDeadlineNormal, 72 * 60, 15, 90 * 24 * 60, "minutes"},
	{SettingDeadlineLow, 7 * 24 * 60, 15, 90 * 24 * 60, "minutes"},
	{SettingVisitInterval, 7, 1, 90, "days"},
	{SettingVisitIntervalCare, 3, 1, 90, "days"},
	{SettingFamilyLinkPerHour, 20, 1, 500, "per_hour"},
	{SettingPsychHotline, DefaultPsychHotline, 100, 99999999999, "phone"},
}

// Spec returns the spec of a setting name.
func Spec(name string) (SettingSpec, bool) {
	for _, s := range Settings {
		if s.Name == name {
			return s, true
		}
	}
	return SettingSpec{}, false
}

// CheckSetting validates a value for a setting and returns it normalised, or
// a message key: setting.unknown or setting.range.
func CheckSetting(name, value string) (string, string) {
	spec, ok := Spec(name)
	if !ok {
		return "", "setting.unknown"
	}
	n, err := strconv.Atoi(strings.TrimSpace(value))
	if err != nil || n < spec.Min || n > spec.Max {
		return "", "setting.range"
	}
	return strconv.Itoa(n), ""
}

// Policy is the set of rules in force for one region.
type Policy struct {
	Deadlines         map[string]time.Duration // by urgency
	VisitInterval     int                      // days
	VisitIntervalCare int                      // days
	// FamilyLinkReportsPerHour is the most cases one self-service link may
	// report within any hour.
	FamilyLinkReportsPerHour int
}

// DefaultPolicy is the built-in policy: deadlines of 4 h, 24 h, 72 h and 7
// days; a contact every 7 days, every 3 for families with care needs; 20
// reports an hour through one self-service link.
func DefaultPolicy() Policy { return PolicyFrom(nil) }

// PolicyFrom builds the policy from the effective setting values of a region
// (name → value); missing or malformed values take their default.
func PolicyFrom(values map[string]string) Policy {
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
	minutes := func(name string) time.Duration { return time.Duration(get(name)) * time.Minute }
	return Policy{
		Deadlines: map[string]time.Duration{
			model.UrgencyUrgent: minutes(SettingDeadlineUrgent),
			model.UrgencyHigh:   minutes(SettingDeadlineHigh),
			model.UrgencyNormal: minutes(SettingDeadlineNormal),
			model.UrgencyLow:    minutes(SettingDeadlineLow),
		},
		VisitInterval:            get(SettingVisitInterval),
		VisitIntervalCare:        get(SettingVisitIntervalCare),
		FamilyLinkReportsPerHour: get(SettingFamilyLinkPerHour),
	}
}

// Deadline is the time allowed for a case of urgency; an unknown urgency
// gets the normal one.
func (p Policy) Deadline(urgency string) time.Duration {
	if d, ok := p.Deadlines[urgency]; ok {
		return d
	}
	if d, ok := p.Deadlines[model.UrgencyNormal]; ok {
		return d
	}
	return 72 * time.Hour
}
