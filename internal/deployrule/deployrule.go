// Package deployrule holds the rules of frontline deployment (一线派驻):
// inclusive date ranges and their overlap, the dual-medical-worker couple
// rule, rest rotation (consecutive frontline days, tier-1 days, the rest or
// quarantine after an aid mission), how severe a couple conflict is for the
// household left at home, the days a deployment counts (half days where the
// region says so), and the ranking of candidates for a post. It is pure: no
// SQL, no HTTP, no clock of its own; the store feeds it the rows it reads
// inside its transactions, and the API and the pages show what it decides.
package deployrule

import (
	"strconv"
	"strings"
	"time"

	"houdun/internal/casework"
)

// Day is a calendar date as days since 1970-01-01, so that ranges are
// integer arithmetic. Dates are ISO 'YYYY-MM-DD' in the store and the API.
type Day int32

// ParseDay reads an ISO date; ok is false for anything else.
func ParseDay(s string) (Day, bool) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return 0, false
	}
	return DayOf(t), true
}

// MustDay is ParseDay for dates the code or the store wrote itself.
func MustDay(s string) Day {
	d, ok := ParseDay(s)
	if !ok {
		panic("deployrule: bad date " + strconv.Quote(s))
	}
	return d
}

// DayOf is the calendar date of t in its own location.
func DayOf(t time.Time) Day {
	y, m, d := t.Date()
	return Day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// Time is midnight UTC of the day.
func (d Day) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String is the ISO date.
func (d Day) String() string { return d.Time().Format(time.DateOnly) }

// Span is an inclusive range of days.
type Span struct{ Start, End Day }

// Days is the number of days in the span.
func (s Span) Days() int {
	if s.End < s.Start {
		return 0
	}
	return int(s.End-s.Start) + 1
}

// Overlaps reports whether two inclusive spans share a day.
func Overlaps(a, b Span) bool { return a.Start <= b.End && b.Start <= a.End }

// Clip is the part of s inside [from, to]; ok is false when none is.
func (s Span) Clip(from, to Day) (Span, bool) {
	if s.Start < from {
		s.Start = from
	}
	if s.End > to {
		s.End = to
	}
	return s, s.Start <= s.End
}

// Deployment is what the rules need of one deployment (cancelled ones are
// never given to them: they count nothing and conflict with nothing).
type Deployment struct {
	ID       int64
	PersonID int64
	Span     Span
	Tier     int // 1 or 2
	// Aid is a deployment in an aid-team batch; QuarantineDays of rest or
	// quarantine follow its end.
	Aid            bool
	QuarantineDays int
	ShiftHours     int
}

// Names of the per-region settings of deployment, kept with the needs
// ledger's in casework.Settings so that one settings page and one API set
// them all.
const (
	SettingMaxDays      = "deploy.max_consecutive_days" // frontline days in a row before rest is due
	SettingMaxTier1Days = "deploy.max_tier1_days"       // tier-1 days in a row before rest is due
	SettingRestDays     = "deploy.rest_days"            // days off that count as rest
	SettingAidRestDays  = "deploy.aid_rest_days"        // rest/quarantine after an aid mission: a new batch's default
	SettingHalfDayHours = "deploy.half_day_hours"       // a shift of at most this many hours counts half a day; 0: never
)

// Settings are the deployment settings with their defaults (shared/DOMAIN.md:
// at most 14 consecutive frontline days, then at least 3 days of rest; 14
// days of rest/quarantine after an aid mission; a day of 4 hours or less
// counts as half a day).
var Settings = []casework.SettingSpec{
	{Name: SettingMaxDays, Default: 14, Min: 1, Max: 90, Unit: "days"},
	{Name: SettingMaxTier1Days, Default: 14, Min: 1, Max: 90, Unit: "days"},
	{Name: SettingRestDays, Default: 3, Min: 1, Max: 30, Unit: "days"},
	{Name: SettingAidRestDays, Default: 14, Min: 0, Max: 60, Unit: "days"},
	{Name: SettingHalfDayHours, Default: 4, Min: 0, Max: 12, Unit: "hours"},
}

func init() {
	casework.Settings = append(casework.Settings, Settings...)
}

// Policy is the rest and counting policy in force for one region.
type Policy struct {
	MaxDays      int
	MaxTier1Days int
	RestDays     int
	AidRestDays  int
	HalfDayHours int
}

// DefaultPolicy is the policy with every setting at its default.
func DefaultPolicy() Policy { return PolicyFrom(nil) }

// PolicyFrom builds the policy from a region's effective setting values
// (name → value); missing or malformed values take their default.
func PolicyFrom(values map[string]string) Policy {
	get := func(name string) int {
		spec, _ := casework.Spec(name)
		if v, ok := values[name]; ok {
			if n, key := casework.CheckSetting(name, v); key == "" {
				i, _ := strconv.Atoi(n)
				return i
			}
		}
		return spec.Default
	}
	return Policy{MaxDays: get(SettingMaxDays), MaxTier1Days: get(SettingMaxTier1Days), RestDays: get(SettingRestDays),
		AidRestDays: get(SettingAidRestDays), HalfDayHours: get(SettingHalfDayHours)}
}
