package web

import (
	"strings"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/i18n"
	"houdun/internal/model"
)

// needSamplePages are the empty and filled views of the needs ledger's
// pages, merged into samplePages so that the template test covers them.
func needSamplePages(lang i18n.Lang, base func(string) Page, empty func() Page) map[string][2]any {
	pg := base("n")
	pg.Errors = map[string]string{"assignee": "bad", "resolution": "bad", "satisfaction": "bad", "reason": "bad", "note": "bad",
		"category": "bad", "kind": "bad", "urgency": "bad", "source": "bad", "description": "bad", "family_member_id": "bad", "due_at": "bad",
		"channel": "bad", "visited_at": "bad", "target": "bad", "notes": "bad", "needs": "bad", "needs[0].category": "bad",
		"needs[1].description": "bad", "needs[1].due_at": "bad", "needs[0].kind": "bad", "needs[0].family_member_id": "bad", "needs[0].urgency": "bad",
		"name": "bad", "phone": "bad", "region_code": "bad", "skills": "bad", "username": "bad", "person_id": "bad", "starts_on": "bad",
		"ends_on": "bad", "region": "bad", "from": "bad", "to": "bad"}
	pg.Unread, pg.Inbox = 3, true
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	due := now.Add(-3 * time.Hour)
	resolved := now.Add(-time.Hour)
	uid, vid, sat := int64(7), int64(4), 5
	c := model.Need{ID: 12, PersonID: 3, PersonName: "张伟", FamilyMemberID: &vid, FamilyMemberName: "张小明", FamilyRelation: model.RelChild,
		ContactPhone: "139****5678", InstitutionID: 2, InstitutionName: "阜新市中心医院", RegionCode: "210902", TeamRegionCode: "2109",
		Category: model.CategoryLiving, Kind: model.KindEldercare, Urgency: model.UrgencyUrgent, Description: "老人独居，需要每日送餐。\n第二行",
		Source: model.SourceVisit, Status: model.NeedInProgress, DueAt: due, Overdue: true, EscalationLevel: 1,
		Assignee: &model.NeedAssignee{Kind: model.AssigneeVolunteer, VolunteerID: &vid, Name: "刘洋"}, Resolution: "已安排", RejectReason: "r",
		Satisfaction: &sat, RecordedBy: "wang", Version: 4, CreatedAt: now.Add(-8 * time.Hour), ResolvedAt: &resolved}
	rowOf := func(n model.Need) caseRow { return newCaseRow(pg, n, now) }
	open := c
	open.ID, open.Status, open.Overdue, open.EscalationLevel, open.Assignee, open.DueAt = 13, model.NeedAssigned, false, 0, nil, now.Add(90*time.Minute)
	events := []eventRow{
		newEventRow(pg, model.NeedEvent{ID: 1, At: now, Username: "wang", Action: model.EventCreated, ToStatus: model.NeedOpen, Note: "n"}),
		newEventRow(pg, model.NeedEvent{ID: 2, At: now, Username: "wang", Action: model.EventAssigned, FromStatus: model.NeedOpen, ToStatus: model.NeedAssigned,
			Assignee: &model.NeedAssignee{Kind: model.AssigneeUser, UserID: &uid, Name: "王专员"}}),
		newEventRow(pg, model.NeedEvent{ID: 3, At: now, Username: "system", Action: model.EventEscalated, FromStatus: model.NeedAssigned, ToStatus: model.NeedAssigned, TeamRegionCode: "2109", EscalationLevel: 1}),
		newEventRow(pg, model.NeedEvent{ID: 4, At: now, Username: "wang", Action: model.EventClosed, FromStatus: model.NeedResolved, ToStatus: model.NeedClosed, Satisfaction: &sat}),
	}
	steps := map[string]bool{"assign": true, "start": true, "resolve": true, "close": true, "reject": true, "reopen": true}
	groups := []optionGroup{{Label: "paired", Options: []option{{Value: "v:4", Text: "刘洋", Selected: true}}}, {Label: "staff", Options: []option{{Value: "u:7", Text: "me"}}}}
	opts := []option{{Value: "1", Text: "one", Selected: true}, {Value: "2", Text: "two"}}
	pgr := pager{Total: 120, From: 51, To: 100, Page: 2, Pages: 3, PrevURL: "/needs?page=1", NextURL: "/needs?page=3"}
	person := model.Person{ID: 3, Name: "张伟", InstitutionName: "阜新市中心医院"}
	last := now.Add(-10 * 24 * time.Hour)
	vo := model.Volunteer{ID: 4, Name: "刘洋", PhoneMasked: "139****0001", RegionCode: "210902", Skills: []string{model.SkillEldercare, model.SkillShopping},
		Available: true, Active: true, Username: "liu.volunteer", Version: 2}
	block := func(i int, nf needForm) needBlock {
		return needBlock{needForm: nf, Index: i, Prefix: needPrefix(i), Family: opts, Categories: opts, Kinds: opts, Urgencies: opts}
	}
	plan := model.VisitPlan{Total: 2, People: 10, Due: 2, Overdue: 1, Institutions: []model.VisitInstitutionCount{{InstitutionID: 2, InstitutionName: "阜新市中心医院", People: 10, Due: 2, Overdue: 1}}}
	dash := &dashboardView{Page: pg, Region: "210902", From: "2026-01-01", To: "2026-03-01",
		Stats:  model.NeedStats{Total: 40, Active: 12, Overdue: 3, Escalated: 1, MedianResolveSeconds: 26 * 3600, Resolved: 20, MeanSatisfaction: 4.6},
		Median: pg.Span(26 * time.Hour), Satisfaction: "4.6", OutcomePeriod: pg.T("web.dashboard.outcome_period", "2026-01-01", "2026-03-01"),
		Overdue: []caseRow{rowOf(c)}, OverdueURL: "/needs?overdue=1", Visits: &model.VisitCounts{People: 10, Due: 2, Overdue: 1}, PlanURL: "/visits/due",
		LedgerURL: "/api/v1/ledger.xlsx?region=210902", RegionLabel: regionLabel("210902")}
	dash.ByCategory, dash.ByStatus = dash.charts(model.NeedStats{ByCategory: []model.NeedCategoryCount{{Category: model.CategoryLiving, Count: 7},
		{Category: model.CategorySafety, Count: 3}}, ByStatus: []model.NeedStatusCount{{Status: model.NeedOpen, Count: 7}, {Status: model.NeedClosed, Count: 3}}})

	return map[string][2]any{
		"need_list": {&needListView{Page: empty()}, &needListView{Page: pg, Filter: needFilterForm{Status: statusAll, Overdue: true, Assignee: assigneeMe},
			Statuses: opts, Categories: opts, Urgencies: opts, Institutions: opts, Assignees: opts, Cases: []caseRow{rowOf(c), rowOf(open)}, Pager: pgr}},
		"need_show": {&needShowView{Page: empty()}, &needShowView{Page: pg, Case: rowOf(c), Events: events, CanSeePerson: true, Steps: steps,
			Assignees: groups, Satisfactions: opts, Posted: "close", Typed: stepForm{Note: "typed", Satisfaction: "1"}, StaleHint: true}},
		"need_form": {&needFormView{Page: empty()}, &needFormView{Page: pg, Person: person, Form: needForm{Category: "living", Description: "d", DueAt: "2026-03-02T10:00"},
			Family: opts, Categories: opts, Kinds: opts, Urgencies: opts, Sources: opts, Action: "/needs", Cancel: "/people/3", MinDue: "2026-03-01T17:00"}},
		"need_mine": {&myNeedsView{Page: empty()}, &myNeedsView{Page: pg, Pager: pgr, Cases: []myCase{
			{caseRow: rowOf(c), Progress: progressOf(pg, c.Status)}, {caseRow: rowOf(open), Progress: progressOf(pg, model.NeedRejected)}}}},
		"visit_form": {&visitFormView{Page: empty()}, &visitFormView{Page: pg, Person: person, Form: visitForm{Notes: "n", VisitedAt: "2026-03-01T16:00"},
			Blocks: []needBlock{block(0, needForm{Category: "living"}), block(1, needForm{Description: "d"})}, Targets: opts, Channels: opts,
			MaxTime: "2026-03-01T17:00", MinDue: "2026-03-01T17:00", CanAdd: true, CanNeeds: true}},
		"visit_due": {&visitDueView{Page: empty()}, &visitDueView{Page: pg, Status: "due", Statuses: opts, Institutions: opts, Plan: plan, Pager: pgr, CanVisit: true,
			Rows: []visitDueRow{
				{VisitDue: model.VisitDue{PersonID: 3, PersonName: "张伟", InstitutionName: "阜新市中心医院", LastVisitAt: &last, IntervalDays: 3, Care: true, Overdue: true, Due: true},
					LastVisit: formatTime(last), NextDue: "2026-02-28 09:00", OverdueBy: "1 天", VisitURL: "/visits/new?person_id=3", PersonURL: "/people/3"},
				{VisitDue: model.VisitDue{PersonID: 4, PersonName: "李娜", IntervalDays: 7, Due: true}, StateLabel: "due", PersonURL: "/people/4"},
				{VisitDue: model.VisitDue{PersonID: 5, PersonName: "王芳", IntervalDays: 7}, PersonURL: "/people/5"}}}},
		"volunteer_list": {&volunteerListView{Page: empty()}, &volunteerListView{Page: pg, Q: "刘", Skill: "eldercare", Available: "true", Skills: opts, Pager: pgr,
			Volunteers: []volunteerRow{newVolunteerRow(pg, vo), newVolunteerRow(pg, model.Volunteer{ID: 5, Name: "赵敏"})}}},
		"volunteer_form": {&volunteerFormView{Page: empty()}, &volunteerFormView{Page: pg, Edit: true, Volunteer: vo, Form: volunteerFormOf(vo), Skills: opts,
			Regions: []model.Region{{Code: "210902001", Name: "街道"}}, Action: "/volunteers/4", Cancel: "/volunteers/4", StaleHint: true}},
		"volunteer_show": {&volunteerShowView{Page: empty()}, &volunteerShowView{Page: pg, Volunteer: newVolunteerRow(pg, vo), Today: "2026-03-01", Q: "张",
			Searched: true, Found: opts, FoundTotal: 2, Pair: pairingForm{StartsOn: "2026-03-01"}, Pairings: []model.Pairing{
				{ID: 1, VolunteerID: 4, PersonID: 3, PersonName: "张伟", StartsOn: "2026-02-01", Active: true, Version: 1},
				{ID: 2, VolunteerID: 4, PersonID: 4, PersonName: "李娜", StartsOn: "2025-01-01", EndsOn: "2025-06-30", Note: "n"},
				{ID: 3, VolunteerID: 4, PersonID: 5, PersonName: "王芳", StartsOn: "2026-04-01"}}}},
		"inbox": {&inboxView{Page: empty()}, &inboxView{Page: pg, Pager: pgr, Entries: []inboxRow{
			{Notification: model.Notification{ID: 1, Kind: model.NotifyOverdue}, When: "2026-03-01 17:00", Text: "t", CaseURL: "/needs/12", Brief: "b", Status: "s", Due: "d"},
			{Notification: model.Notification{ID: 2, Kind: model.NotifyAssigned, ReadAt: &now}, Text: "t"}}}},
		"dashboard": {&dashboardView{Page: empty()}, dash},
	}
}

// needExtraStates renders the ledger's pages in the states the filled
// views above do not reach: a volunteer's list, a step lost to a state
// change, a worker's report, the person page with its casework block.
func needExtraStates(lang i18n.Lang, s map[string][2]any) map[string][]any {
	minimal := *s["need_list"][1].(*needListView)
	minimal.Minimal, minimal.CanStart, minimal.Filter = true, true, needFilterForm{}
	lost := *s["need_show"][1].(*needShowView)
	lost.Steps, lost.Lost, lost.Posted, lost.Typed, lost.Mine = map[string]bool{}, true, "resolve", stepForm{Resolution: "typed"}, true
	self := *s["need_form"][1].(*needFormView)
	self.Self = true
	newVol := *s["volunteer_form"][1].(*volunteerFormView)
	newVol.Edit = false
	noMatch := *s["volunteer_show"][1].(*volunteerShowView)
	noMatch.Found, noMatch.Pairings = nil, nil
	leader := *s["dashboard"][1].(*dashboardView)
	leader.Suppressed, leader.OverdueURL, leader.PlanURL, leader.Median, leader.Satisfaction = true, "", "", "", ""
	leader.Visits = &model.VisitCounts{People: 40, Due: model.Suppressed, Overdue: 0}
	leader.ByCategory, leader.ByStatus = leader.charts(model.NeedStats{ByCategory: []model.NeedCategoryCount{{Category: model.CategoryLiving, Count: model.Suppressed}},
		ByStatus: []model.NeedStatusCount{{Status: model.NeedOpen, Count: model.Suppressed}}})
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	person := *s["person_show"][1].(*personShowView)
	person.Casework = personCasework{Show: true, CanVisit: true, CanNeed: true, CanReport: true, ReadCases: true, ReadVisit: true, OpenTotal: 1,
		OpenURL: "/me/needs", VisitURL: "/visits/new?person_id=3", NeedURL: "/needs/new?person_id=3", VisitedAt: "2026-02-20 10:00",
		LastVisit: &model.Visit{Channel: model.ChannelHome, Target: model.VisitTargetBoth, Visitor: "wang"},
		Open:      []caseRow{newCaseRow(person.Page, model.Need{ID: 1, Category: "living", Kind: "meals", Urgency: "high", Status: "open", DueAt: now.Add(-time.Hour)}, now)}}
	noVisit := person
	noVisit.Casework.LastVisit, noVisit.Casework.Open = nil, nil
	return map[string][]any{"need_list": {&minimal}, "need_show": {&lost}, "need_form": {&self}, "volunteer_form": {&newVol},
		"volunteer_show": {&noMatch}, "dashboard": {&leader}, "person_show": {&person, &noVisit}}
}

func TestBarChartIsAccessibleAndProportional(t *testing.T) {
	svg := string(barChart("c1", "按类别 <统计>", []bar{{Label: "生活保障", Value: 10}, {Label: "心理<保障>", Value: 5, Class: "warn"},
		{Label: "其他", Value: 0}, {Label: "小数", Value: 0, Text: "<5"}}))
	for _, want := range []string{`role="img"`, `aria-labelledby="c1-t c1-d"`, `<title id="c1-t">按类别 &lt;统计&gt;</title>`,
		`生活保障: 10; 心理&lt;保障&gt;: 5; 其他: 0; 小数: &lt;5`, `width="100.00%"`, `width="50.00%"`, `class="bar warn"`, `>&lt;5</text>`} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q:\n%s", want, svg)
		}
	}
	if n := strings.Count(svg, `class="bar`); n != 2 {
		t.Errorf("%d bars drawn, want 2 (zero values get only a track)", n)
	}
	if strings.Contains(svg, "<script") || strings.Contains(svg, "style=") {
		t.Error("the chart carries script or inline style")
	}
	if empty := string(barChart("c2", "t", nil)); !strings.Contains(empty, `height="42"`) {
		t.Errorf("an empty chart has no room for its title: %s", empty)
	}
}

func TestSpanReadsAsAPersonSaysIt(t *testing.T) {
	zh, en := Page{Lang: i18n.ZH}, Page{Lang: i18n.EN}
	for d, want := range map[time.Duration][2]string{
		30 * time.Second:               {"1 分钟", "1 min"},
		45 * time.Minute:               {"45 分钟", "45 min"},
		3 * time.Hour:                  {"3 小时", "3 h"},
		3*time.Hour + 20*time.Minute:   {"3 小时 20 分钟", "3 h 20 min"},
		50 * time.Hour:                 {"2 天 2 小时", "2 d 2 h"},
		-(7 * 24 * time.Hour):          {"7 天", "7 d"},
		7*24*time.Hour + 5*time.Minute: {"7 天", "7 d"},
	} {
		if got := zh.Span(d); got != want[0] {
			t.Errorf("zh Span(%v) = %q, want %q", d, got, want[0])
		}
		if got := en.Span(d); got != want[1] {
			t.Errorf("en Span(%v) = %q, want %q", d, got, want[1])
		}
	}
}

func TestRegionLabelNamesThePath(t *testing.T) {
	for code, want := range map[string]string{"210902": "辽宁省阜新市海州区", "2109": "辽宁省阜新市", "210902001": "辽宁省阜新市海州区 210902001", "": ""} {
		if got := regionLabel(code); got != want {
			t.Errorf("regionLabel(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestProgressMarksThePassedStages(t *testing.T) {
	p := Page{Lang: i18n.EN}
	steps := progressOf(p, model.NeedInProgress)
	if !steps[0].Done || !steps[1].Done || !steps[2].Current || steps[3].Done || steps[3].Current {
		t.Errorf("in progress: %+v", steps)
	}
	rejected := progressOf(p, model.NeedRejected)
	if last := rejected[len(rejected)-1]; !last.Current || last.Text != "Rejected" {
		t.Errorf("rejected: %+v", rejected)
	}
}

func TestEveryLedgerCodeHasALabelInBothLanguages(t *testing.T) {
	events := []string{model.EventCreated, model.EventAssigned, model.EventStarted, model.EventResolved, model.EventClosed,
		model.EventRejected, model.EventReopened, model.EventEscalated}
	for prefix, values := range map[string][]string{
		"need.category": model.NeedCategories, "need.kind": model.NeedKinds, "need.urgency": model.NeedUrgencies,
		"need.source": model.NeedSources, "need.status": model.NeedStatuses, "need.event": events,
		"need.assignee": {model.AssigneeUser, model.AssigneeVolunteer}, "visit.channel": model.VisitChannels,
		"visit.target": model.VisitTargets, "volunteer.skill": model.VolunteerSkills, "notification.kind": model.NotificationKinds,
		"web.need.satisfaction": {"1", "2", "3", "4", "5"},
	} {
		for _, v := range values {
			sep := "."
			if prefix == "web.need.satisfaction" {
				sep = "_"
			}
			if zh, en := i18n.Texts(prefix + sep + v); zh == "" || en == "" {
				t.Errorf("%s%s%s has no label in both languages", prefix, sep, v)
			}
		}
	}
}

func TestEveryMenuEntryHasATileText(t *testing.T) {
	for _, role := range auth.Roles {
		u := &auth.Principal{UserID: 1, Role: role, RegionCode: "2109"}
		for _, n := range navFor(u, i18n.ZH) {
			for _, key := range []string{"web.nav." + n.Key, "web.home.about." + n.Key} {
				if !i18n.Has(key) {
					t.Errorf("%s: menu entry %s lacks %s", role, n.Key, key)
				}
			}
		}
	}
	worker := navFor(&auth.Principal{UserID: 1, Role: auth.RoleWorker, PersonID: 3}, i18n.ZH)
	finance := navFor(&auth.Principal{UserID: 1, Role: auth.RoleFinance, RegionCode: "2109"}, i18n.ZH)
	counselor := navFor(&auth.Principal{UserID: 1, Role: auth.RoleCounselor, RegionCode: "2109"}, i18n.ZH)
	leader := navFor(&auth.Principal{UserID: 1, Role: auth.RoleLeader, RegionCode: "2109"}, i18n.ZH)
	volunteer := navFor(&auth.Principal{UserID: 1, Role: auth.RoleVolunteer, RegionCode: "2109"}, i18n.ZH)
	for _, tc := range []struct {
		name  string
		nav   []navLink
		key   string
		shown bool
	}{
		{"a worker has their own needs", worker, "my_needs", true},
		{"a worker has no case list", worker, "needs", false},
		{"finance has no dashboard", finance, "dashboard", false},
		{"a counselor has the dashboard", counselor, "dashboard", true},
		{"a leader has the dashboard", leader, "dashboard", true},
		{"a leader has no case list", leader, "needs", false},
		{"a volunteer has the case list", volunteer, "needs", true},
		{"a volunteer has no dashboard", volunteer, "dashboard", false},
	} {
		found := false
		for _, n := range tc.nav {
			found = found || n.Key == tc.key
		}
		if found != tc.shown {
			t.Errorf("%s: %s shown = %v", tc.name, tc.key, found)
		}
	}
}
