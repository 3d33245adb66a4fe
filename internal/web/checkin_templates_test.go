package web

import (
	"time"

	"houdun/internal/model"
	"houdun/internal/store"
)

// checkinSamplePages are the empty and filled views of the check-in and
// family liaison pages, merged into samplePages so that the template test
// covers them.
func checkinSamplePages(base func(string) Page, empty func() Page) map[string][2]any {
	pg := base("c")
	pg.Errors = map[string]string{"temperature": "bad", "mood": "bad", "symptoms": "bad", "sleep_hours": "bad", "remark": "bad",
		"channel": "bad", "outcome": "bad", "note": "bad", "contacted_at": "bad", "family_member_id": "bad", "need_id": "bad", "date": "bad", "from": "bad"}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	c := model.Checkin{ID: 1, PersonID: 3, PersonName: "张三", InstitutionName: "阜新市中心医院", RegionCode: "210902", Day: "2026-03-01",
		Temperature: 37.6, Symptoms: []string{"cough"}, SleepHours: 5.5, Mood: 2, Remark: "夜班", Fever: true, Corrections: 1, UpdatedAt: now}
	row := newCheckinRow(pg, c, true)
	plain := newCheckinRow(pg, model.Checkin{ID: 2, PersonName: "李四", Day: "2026-02-28", Temperature: 36.5, Mood: 4, Symptoms: []string{}}, false)
	opts := []option{{Value: "1", Text: "one", Selected: true}, {Value: "2", Text: "two"}}
	counts := model.CheckinCounts{Day: "2026-03-01", Deployed: 12, CheckedIn: 9, Missing: 3, Fever: model.Suppressed}
	pgr := pager{Total: 2, From: 1, To: 2, Page: 1, Pages: 1}
	need := int64(5)
	member := int64(9)
	fc := model.FamilyContact{ID: 1, PersonID: 3, PersonName: "张三", InstitutionName: "阜新市中心医院", FamilyMemberID: &member, FamilyMemberName: "李四",
		Relation: model.RelParent, Channel: model.ContactPhone, Outcome: model.ContactNeedHeard, Note: "药快吃完了", NeedID: &need, ContactedAt: now, ContactedBy: "wang"}
	fcRow := newFamilyContactRow(pg, fc)
	fcBare := newFamilyContactRow(pg, model.FamilyContact{ID: 2, PersonID: 4, Channel: model.ContactVideo, Outcome: model.ContactNoAnswer, ContactedAt: now})
	person := model.Person{ID: 3, Name: "张三"}
	return map[string][2]any{
		"checkin_form": {&checkinView{Page: empty()}, &checkinView{Page: pg, Today: store.CheckinToday{Day: "2026-03-01", Deployed: true, Assignment: "第七批援鄂医疗队",
			Today: &c, Recent: []model.Checkin{c}, Leads: true}, Form: checkinForm{Temperature: "37.6", Symptoms: []string{"cough"}, Sleep: "5.5", Mood: "2"},
			Symptoms: opts, Moods: opts, Recent: []checkinRow{row, plain}, FeverLine: model.FeverLine, TeamURL: "/checkins", MissingURL: "/checkins/missing"}},
		"checkin_list": {&checkinListView{Page: empty()}, &checkinListView{Page: pg, Filter: checkinFilterForm{Q: "张", Fever: true, From: "2026-02-01"},
			Checkins: []checkinRow{row, plain}, Pager: pgr, Counts: counts, ExportURL: "/api/v1/exports/checkins.xlsx", ExportMax: 20000,
			MissingURL: "/checkins/missing", FeverLine: model.FeverLine}},
		"checkin_missing": {&missingView{Page: empty()}, &missingView{Page: pg, Day: "2026-02-28", Today: "2026-03-01", Region: "210902", Counts: counts, Pager: pgr,
			ExportURL: "/api/v1/exports/checkins-missing.xlsx?date=2026-02-28", ExportMax: 20000, Items: []missingRow{
				{MissingCheckin: model.MissingCheckin{PersonID: 3, PersonName: "张三", InstitutionName: "阜新市中心医院", Assignment: "发热门诊", LastCheckin: "2026-02-27"}, Region: "海州区", PersonURL: "/people/3"},
				{MissingCheckin: model.MissingCheckin{PersonID: 4, PersonName: "李四"}}}}},
		"family_contact_list": {&familyContactListView{Page: empty()}, &familyContactListView{Page: pg, Filter: familyContactFilterForm{Q: "张", Channel: "phone", Person: 3},
			Channels: opts, Outcomes: opts, Contacts: []familyContactRow{fcRow, fcBare}, Pager: pgr, ExportURL: "/api/v1/exports/family-contacts.xlsx", ExportMax: 20000}},
		"family_contact_form": {&familyContactFormView{Page: empty()}, &familyContactFormView{Page: pg, Person: person,
			Form: familyContactForm{FamilyMemberID: "9", Channel: "phone", Outcome: "need_heard", Note: "n", NeedID: "5"}, Family: opts, Channels: opts,
			Outcomes: opts, Cases: opts, MaxTime: "2026-03-01T17:00", NewCase: "/needs/new?person_id=3"}},
	}
}

// checkinExtraStates: the person page with its liaison block, the dashboard
// with the day's check-ins (a case worker's and a leader's), a worker not
// deployed today.
func checkinExtraStates(s map[string][2]any) map[string][]any {
	person := *s["person_show"][1].(*personShowView)
	fc := s["family_contact_list"][1].(*familyContactListView)
	ci := s["checkin_list"][1].(*checkinListView)
	person.Liaison = personLiaison{Read: true, Contacts: fc.Contacts, Total: 2, NewURL: "/family-contacts/new?person_id=3", AllURL: "/family-contacts?person_id=3",
		ReadCheckins: true, Checkins: ci.Checkins, CheckinsURL: "/checkins?person_id=3"}
	noContacts := person
	noContacts.Liaison = personLiaison{Read: true, ReadCheckins: true}
	dash := *s["dashboard"][1].(*dashboardView)
	dash.Checkins = &model.CheckinCounts{Day: "2026-03-01", Deployed: 12, CheckedIn: 9, Missing: 3, Fever: 1}
	leader := dash
	leader.Checkins = &model.CheckinCounts{Day: "2026-03-01", Deployed: 12, CheckedIn: model.Suppressed, Missing: model.Suppressed, Fever: 0}
	idle := *s["checkin_form"][1].(*checkinView)
	idle.Today = store.CheckinToday{Day: "2026-03-01"}
	idle.Recent, idle.TeamURL, idle.MissingURL = nil, "", ""
	return map[string][]any{"person_show": {&person, &noContacts}, "dashboard": {&dash, &leader}, "checkin_form": {&idle}}
}
