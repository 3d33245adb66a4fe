package living

import (
	"slices"
	"testing"
)

func TestNights(t *testing.T) {
	if got := Nights("2026-12-30", "2027-01-02"); !slices.Equal(got, []string{"2026-12-30", "2026-12-31", "2027-01-01"}) {
		t.Errorf("three nights over the new year: %v", got)
	}
	if got := Nights("2026-12-05", "2026-12-05"); len(got) != 0 {
		t.Errorf("out on the day of arrival holds no night: %v", got)
	}
	if got := Nights("2026-12-05", "2026-12-01"); len(got) != 0 {
		t.Errorf("out before in holds no night: %v", got)
	}
}

func TestHighRisk(t *testing.T) {
	tier1 := Deployment{Tier: 1, StartsOn: "2026-11-01", EndsOn: "2026-11-20"}
	cases := []struct {
		name    string
		deps    []Deployment
		in, out string
		want    bool
	}{
		{"a tier-1 deployment overlapping the stay", []Deployment{tier1}, "2026-11-10", "2026-11-17", true},
		{"ended 13 days before the stay", []Deployment{tier1}, "2026-12-03", "2026-12-10", true},
		{"ended 15 days before the stay", []Deployment{tier1}, "2026-12-05", "2026-12-10", false},
		{"starting after the stay", []Deployment{tier1}, "2026-10-01", "2026-11-01", false},
		{"a tier-2 deployment", []Deployment{{Tier: 2, StartsOn: "2026-11-01", EndsOn: "2026-11-20"}}, "2026-11-10", "2026-11-12", false},
		{"a cancelled tier-1 deployment", []Deployment{{Tier: 1, StartsOn: "2026-11-01", EndsOn: "2026-11-20", Cancelled: true}}, "2026-11-10", "2026-11-12", false},
		{"no deployment", nil, "2026-11-10", "2026-11-12", false},
	}
	for _, c := range cases {
		if got := HighRisk(c.deps, c.in, c.out); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestMayShareRoom(t *testing.T) {
	if !MayShareRoom(false, true, false) {
		t.Error("a site that does not separate mixes")
	}
	if MayShareRoom(true, true, false) || MayShareRoom(true, false, true) {
		t.Error("a separating site mixes high-risk and other staff")
	}
	if !MayShareRoom(true, true, true) || !MayShareRoom(true, false, false) {
		t.Error("a separating site refuses one group its own room")
	}
}

func TestTripSteps(t *testing.T) {
	team := TripCaller{Manager: true}
	driver := TripCaller{Driver: true}
	worker := TripCaller{Requester: true}
	cases := []struct {
		name   string
		c      TripCaller
		status string
		want   []TripAction
	}{
		{"the team assigns or cancels a new request", team, TripRequested, []TripAction{TripAssign, TripCancel}},
		{"the team works an assigned one", team, TripAssigned, []TripAction{TripAssign, TripStart, TripComplete, TripCancel}},
		{"the driver starts an assigned trip", driver, TripAssigned, []TripAction{TripStart, TripComplete}},
		{"the driver completes one under way", driver, TripUnderWay, []TripAction{TripComplete}},
		{"the worker cancels their own request", worker, TripRequested, []TripAction{TripCancel}},
		{"nobody cancels a trip under way", worker, TripUnderWay, nil},
		{"nothing follows completion", team, TripCompleted, nil},
		{"someone else's driver does nothing", TripCaller{}, TripAssigned, nil},
	}
	for _, c := range cases {
		if got := TripSteps(c.c, c.status); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
