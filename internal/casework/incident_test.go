package casework

import (
	"testing"
	"time"

	"houdun/internal/model"
)

func TestIncidentLifeCycle(t *testing.T) {
	cases := []struct {
		status string
		act    IncidentAction
		next   string
		ok     bool
	}{
		{model.IncidentReported, IncidentAssign, model.IncidentHandling, true},
		{model.IncidentReported, IncidentStep, model.IncidentHandling, true},
		{model.IncidentReported, IncidentConclude, model.IncidentConcluded, true},
		{model.IncidentHandling, IncidentStep, model.IncidentHandling, true},
		{model.IncidentHandling, IncidentConclude, model.IncidentConcluded, true},
		{model.IncidentReported, IncidentReopen, "", false},
		{model.IncidentHandling, IncidentReopen, "", false},
		{model.IncidentConcluded, IncidentStep, "", false},
		{model.IncidentConcluded, IncidentAssign, "", false},
		{model.IncidentConcluded, IncidentConclude, "", false},
		{model.IncidentConcluded, IncidentReopen, model.IncidentHandling, true},
		{"lost", IncidentStep, "", false},
	}
	for _, c := range cases {
		if next, ok := IncidentNext(c.status, c.act); next != c.next || ok != c.ok {
			t.Errorf("%s on %s: %q %v, want %q %v", c.act, c.status, next, ok, c.next, c.ok)
		}
	}
}

func TestIncidentDeadlinesFollowTheSettings(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name              string
		values            map[string]string
		contact, conclude time.Duration
	}{
		{"defaults: a day to reach the reporter, 15 days to conclude", nil, 24 * time.Hour, 15 * 24 * time.Hour},
		{"the region's values", map[string]string{SettingIncidentContact: "120", SettingIncidentConclude: "7"}, 2 * time.Hour, 7 * 24 * time.Hour},
		{"malformed or out of range: the defaults", map[string]string{SettingIncidentContact: "soon", SettingIncidentConclude: "365"}, 24 * time.Hour, 15 * 24 * time.Hour},
	} {
		contact, conclude := IncidentDeadlines(c.values, at)
		if !contact.Equal(at.Add(c.contact)) || !conclude.Equal(at.Add(c.conclude)) {
			t.Errorf("%s: %v %v", c.name, contact.Sub(at), conclude.Sub(at))
		}
	}
	if _, ok := Spec(SettingIncidentConclude); !ok {
		t.Error("the conclusion deadline is not a setting of the settings page")
	}
}

func TestIncidentOverdue(t *testing.T) {
	due := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	before, after := due.Add(-time.Minute), due.Add(time.Minute)
	if IncidentContactOverdue(false, due, before) || !IncidentContactOverdue(false, due, after) || IncidentContactOverdue(true, due, after) {
		t.Error("contact overdue: only past the deadline without a contact")
	}
	if IncidentOverdue(model.IncidentHandling, due, before) || !IncidentOverdue(model.IncidentHandling, due, after) ||
		IncidentOverdue(model.IncidentConcluded, due, after) {
		t.Error("overdue: only open past the deadline")
	}
}

func TestOnIncidentTeam(t *testing.T) {
	for _, c := range []struct {
		name         string
		can          bool
		scope        string
		regionScoped bool
		code         string
		want         bool
	}{
		{"the district's case workers", true, "210902", true, "210902", true},
		{"the city's", true, "2109", true, "210902", true},
		{"the whole country's", true, "", true, "210902", true},
		{"another district's", true, "210903", true, "210902", false},
		{"an institution's account", true, "", false, "210902", false},
		{"without incident.handle", false, "2109", true, "210902", false},
	} {
		if got := OnIncidentTeam(c.can, c.scope, c.regionScoped, c.code); got != c.want {
			t.Errorf("%s: %v", c.name, got)
		}
	}
}
