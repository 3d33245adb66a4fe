package casework_test

import (
	"strconv"
	"testing"
	"time"

	"houdun/internal/casework"
	"houdun/internal/model"
)

// TestEveryStatusAndAction is the life cycle as a table: every status against
// every action, with the status it leads to or "" where the step is refused.
func TestEveryStatusAndAction(t *testing.T) {
	const no = ""
	want := map[string]map[casework.Action]string{
		model.NeedOpen: {
			casework.Assign: model.NeedAssigned, casework.Start: no, casework.Resolve: no,
			casework.Close: no, casework.Reject: model.NeedRejected, casework.Reopen: no,
		},
		model.NeedAssigned: {
			casework.Assign: model.NeedAssigned, casework.Start: model.NeedInProgress, casework.Resolve: model.NeedResolved,
			casework.Close: no, casework.Reject: model.NeedRejected, casework.Reopen: no,
		},
		model.NeedInProgress: {
			casework.Assign: model.NeedAssigned, casework.Start: no, casework.Resolve: model.NeedResolved,
			casework.Close: no, casework.Reject: model.NeedRejected, casework.Reopen: no,
		},
		model.NeedResolved: {
			casework.Assign: no, casework.Start: no, casework.Resolve: no,
			casework.Close: model.NeedClosed, casework.Reject: no, casework.Reopen: model.NeedOpen,
		},
		model.NeedClosed: {
			casework.Assign: no, casework.Start: no, casework.Resolve: no,
			casework.Close: no, casework.Reject: no, casework.Reopen: model.NeedOpen,
		},
		model.NeedRejected: {
			casework.Assign: no, casework.Start: no, casework.Resolve: no,
			casework.Close: no, casework.Reject: no, casework.Reopen: model.NeedOpen,
		},
	}
	if len(want) != len(model.NeedStatuses) {
		t.Fatalf("table covers %d statuses, model has %d", len(want), len(model.NeedStatuses))
	}
	for _, status := range model.NeedStatuses {
		row, ok := want[status]
		if !ok {
			t.Fatalf("status %s missing from the table", status)
		}
		for _, a := range casework.Actions {
			exp, ok := row[a]
			if !ok {
				t.Fatalf("%s × %s missing from the table", status, a)
			}
			got, allowed := casework.Next(status, a)
			if allowed != (exp != no) || got != exp {
				t.Errorf("%s × %s = %q, %v; want %q", status, a, got, allowed, exp)
			}
			if allowed != contains(casework.From(a), status) {
				t.Errorf("From(%s) disagrees with Next for %s", a, status)
			}
			if allowed != containsAction(casework.Allowed(status), a) {
				t.Errorf("Allowed(%s) disagrees with Next for %s", status, a)
			}
		}
	}
	if _, ok := casework.Next("bogus", casework.Assign); ok {
		t.Error("an unknown status allowed a step")
	}
	if _, ok := casework.Next(model.NeedOpen, "escalate"); ok {
		t.Error("an unknown action was allowed")
	}
}

func TestEventNames(t *testing.T) {
	want := map[casework.Action][2]string{
		casework.Assign:  {"assigned", "need.assigned"},
		casework.Start:   {"started", "need.started"},
		casework.Resolve: {"resolved", "need.resolved"},
		casework.Close:   {"closed", "need.closed"},
		casework.Reject:  {"rejected", "need.rejected"},
		casework.Reopen:  {"reopened", "need.reopened"},
	}
	for a, w := range want {
		if a.Event() != w[0] || a.OutboxEvent() != w[1] || !a.Valid() {
			t.Errorf("%s: event %q outbox %q", a, a.Event(), a.OutboxEvent())
		}
		if !model.Contains(model.OutboxEvents, a.OutboxEvent()) {
			t.Errorf("%s: outbox event %q is not subscribable", a, a.OutboxEvent())
		}
	}
	if casework.Action("escalate").Valid() || casework.Action("x").Event() != "" {
		t.Error("unknown action accepted")
	}
}

func TestActiveStatuses(t *testing.T) {
	for _, s := range model.NeedStatuses {
		want := s == model.NeedOpen || s == model.NeedAssigned || s == model.NeedInProgress
		if casework.Active(s) != want {
			t.Errorf("Active(%s) = %v", s, !want)
		}
	}
}

var now = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func TestDefaultDeadlines(t *testing.T) {
	p := casework.DefaultPolicy()
	for urgency, d := range map[string]time.Duration{"urgent": 4 * time.Hour, "high": 24 * time.Hour, "normal": 72 * time.Hour, "low": 7 * 24 * time.Hour, "bogus": 72 * time.Hour} {
		if got := p.Deadline(urgency); got != d {
			t.Errorf("deadline %s = %v, want %v", urgency, got, d)
		}
		if got := p.DueAt(now, urgency); !got.Equal(now.Add(d)) {
			t.Errorf("due %s = %v", urgency, got)
		}
	}
	if p.VisitIntervalDays(false) != 7 || p.VisitIntervalDays(true) != 3 {
		t.Errorf("visit intervals %d/%d", p.VisitIntervalDays(false), p.VisitIntervalDays(true))
	}
}

func TestPolicyFromSettings(t *testing.T) {
	p := casework.PolicyFrom(map[string]string{
		casework.SettingDeadlineUrgent:    "120",
		casework.SettingDeadlineLow:       "not a number", // falls back to the default
		casework.SettingVisitInterval:     " 5 ",
		casework.SettingVisitIntervalCare: "0", // out of range: default
		"unrelated":                       "1",
	})
	if p.Deadline("urgent") != 2*time.Hour || p.Deadline("low") != 7*24*time.Hour || p.Deadline("high") != 24*time.Hour {
		t.Errorf("deadlines %v", p.Deadlines)
	}
	if p.VisitIntervalDays(false) != 5 || p.VisitIntervalDays(true) != 3 {
		t.Errorf("visit intervals %d/%d", p.VisitIntervalDays(false), p.VisitIntervalDays(true))
	}
}

func TestCheckSetting(t *testing.T) {
	cases := []struct {
		name, value, want, key string
	}{
		{"need.deadline.urgent", "240", "240", ""},
		{"need.deadline.urgent", " 0015", "15", ""},
		{"need.deadline.urgent", "14", "", "setting.range"},
		{"need.deadline.low", "129601", "", "setting.range"},
		{"visit.interval_days", "7", "7", ""},
		{"visit.interval_days_care", "91", "", "setting.range"},
		{"visit.interval_days", "7.5", "", "setting.range"},
		{"need.deadline.yearly", "1", "", "setting.unknown"},
	}
	for _, c := range cases {
		got, key := casework.CheckSetting(c.name, c.value)
		if got != c.want || key != c.key {
			t.Errorf("CheckSetting(%q, %q) = %q, %q; want %q, %q", c.name, c.value, got, key, c.want, c.key)
		}
	}
	for _, s := range casework.Settings {
		if v, key := casework.CheckSetting(s.Name, strconv.Itoa(s.Default)); key != "" || v != strconv.Itoa(s.Default) {
			t.Errorf("default of %s does not pass its own check", s.Name)
		}
	}
}

func TestCheckDue(t *testing.T) {
	p := casework.DefaultPolicy()
	at := func(d time.Duration) *time.Time { v := now.Add(d); return &v }
	cases := []struct {
		name    string
		urgency string
		req     *time.Time
		want    time.Time
		key     string
	}{
		{"no request takes the default", "urgent", nil, now.Add(4 * time.Hour), ""},
		{"earlier than the default", "urgent", at(time.Hour), now.Add(time.Hour), ""},
		{"exactly the default", "high", at(24 * time.Hour), now.Add(24 * time.Hour), ""},
		{"now itself", "normal", at(0), now, ""},
		{"in the past", "normal", at(-time.Minute), time.Time{}, "need.due_past"},
		{"later than the default", "urgent", at(4*time.Hour + time.Second), time.Time{}, "need.due_too_late"},
		{"zero time is no request", "low", &time.Time{}, now.Add(7 * 24 * time.Hour), ""},
	}
	for _, c := range cases {
		got, key := p.CheckDue(now, c.urgency, c.req)
		if !got.Equal(c.want) || key != c.key {
			t.Errorf("%s: %v, %q; want %v, %q", c.name, got, key, c.want, c.key)
		}
	}
	// A deadline in another time zone is the same instant.
	shanghai := time.FixedZone("CST", 8*3600)
	req := now.Add(time.Hour).In(shanghai)
	if got, key := p.CheckDue(now, "urgent", &req); key != "" || !got.Equal(now.Add(time.Hour)) || got.Location() != time.UTC {
		t.Errorf("zoned request: %v %q", got, key)
	}
}

func TestOverdueAndDueSoon(t *testing.T) {
	cases := []struct {
		status           string
		due              time.Duration
		overdue, dueSoon bool
	}{
		{model.NeedOpen, -time.Second, true, false},
		{model.NeedAssigned, 0, false, true},
		{model.NeedInProgress, 2 * time.Hour, false, true},
		{model.NeedInProgress, 2*time.Hour + time.Second, false, false},
		{model.NeedResolved, -time.Hour, false, false},
		{model.NeedClosed, time.Hour, false, false},
		{model.NeedRejected, -time.Hour, false, false},
	}
	for _, c := range cases {
		due := now.Add(c.due)
		if got := casework.Overdue(c.status, due, now); got != c.overdue {
			t.Errorf("Overdue(%s, %v) = %v", c.status, c.due, got)
		}
		if got := casework.DueSoon(c.status, due, now); got != c.dueSoon {
			t.Errorf("DueSoon(%s, %v) = %v", c.status, c.due, got)
		}
	}
}

// TestEscalationClimbsTheRegionTree: a community's case climbs street,
// county, city, province and stops there.
func TestEscalationClimbsTheRegionTree(t *testing.T) {
	path := []string{"210902001001", "210902001", "210902", "2109", "21"}
	for i := 0; i < len(path)-1; i++ {
		next, moved := casework.NextTeam(path[i])
		if !moved || next != path[i+1] {
			t.Errorf("NextTeam(%s) = %s, %v; want %s", path[i], next, moved, path[i+1])
		}
	}
	if next, moved := casework.NextTeam("21"); moved || next != "21" {
		t.Errorf("a province escalated to %q", next)
	}
	if _, moved := casework.NextTeam(""); moved {
		t.Error("the empty region escalated")
	}
}

func TestVisitCadence(t *testing.T) {
	if casework.CareCadence(nil) || casework.CareCadence([]string{model.CareChronicIll}) {
		t.Error("chronic illness alone shortens the interval")
	}
	for _, c := range []string{model.CareElderly, model.CareMinor, model.CareDisability} {
		if !casework.CareCadence([]string{model.CareChronicIll, c}) {
			t.Errorf("%s does not shorten the interval", c)
		}
	}
	registered := now.AddDate(0, 0, -10)
	if got := casework.NextVisit(time.Time{}, registered, 7); !got.Equal(registered.AddDate(0, 0, 7)) {
		t.Errorf("never visited: next %v", got)
	}
	last := now.AddDate(0, 0, -2)
	if got := casework.NextVisit(last, registered, 3); !got.Equal(last.AddDate(0, 0, 3)) {
		t.Errorf("visited: next %v", got)
	}
	for _, c := range []struct {
		next         time.Duration
		due, overdue bool
	}{
		{-time.Minute, true, true},
		{0, true, false},
		{24 * time.Hour, true, false},
		{25 * time.Hour, false, false},
	} {
		due, overdue := casework.VisitState(now.Add(c.next), now)
		if due != c.due || overdue != c.overdue {
			t.Errorf("next in %v: due %v overdue %v", c.next, due, overdue)
		}
	}
}

func TestMaskName(t *testing.T) {
	for in, want := range map[string]string{
		"张伟":     "张某",
		" 李娜 ":   "李某",
		"王":      "王某",
		"欧阳娜娜":   "欧阳某",
		"欧阳":     "欧某", // two characters: a single surname 欧 and the given name 阳
		"司马光":    "司马某",
		"Anna":   "A**",
		"":       "",
		"买买提·艾力": "买某",
	} {
		if got := casework.MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPhoneVisibleToVolunteer(t *testing.T) {
	for _, s := range model.NeedStatuses {
		want := s == model.NeedAssigned || s == model.NeedInProgress
		if casework.PhoneVisibleToVolunteer(s) != want {
			t.Errorf("%s: %v", s, !want)
		}
	}
}

func TestSkillsFor(t *testing.T) {
	for _, k := range model.NeedKinds {
		skills := casework.SkillsFor(model.CategoryLiving, k)
		if len(skills) == 0 {
			t.Errorf("kind %s matches no skill", k)
		}
		for _, s := range skills {
			if !model.Contains(model.VolunteerSkills, s) {
				t.Errorf("kind %s maps to unknown skill %s", k, s)
			}
		}
	}
	if got := casework.SkillsFor(model.CategoryPsychological, model.KindOther); !contains(got, model.SkillCounselling) {
		t.Errorf("psychological need: %v", got)
	}
	if got := casework.MatchingSkills([]string{"driving", "tutoring"}, model.CategoryLiving, model.KindSupplies); len(got) != 1 || got[0] != "driving" {
		t.Errorf("matching = %v", got)
	}
}

func contains(list []string, v string) bool { return model.Contains(list, v) }

func containsAction(list []casework.Action, a casework.Action) bool {
	for _, x := range list {
		if x == a {
			return true
		}
	}
	return false
}

func TestMaskAddress(t *testing.T) {
	for in, want := range map[string]string{
		"海州区西山街道和平社区3号楼2单元501": "海州区西山街道…",
		"和平社区5号": "和平社…",
		"":       "",
		"  ":     "",
		"A":      "…",
	} {
		if got := casework.MaskAddress(in); got != want {
			t.Errorf("MaskAddress(%q) = %q, want %q", in, got, want)
		}
	}
}
