package web

import (
	"time"

	"houdun/internal/model"
)

// incidentSamplePages are the empty and filled views of the incident pages,
// merged into samplePages so that the template test covers them.
func incidentSamplePages(base func(string) Page, empty func() Page) map[string][2]any {
	pg := base("i")
	pg.Errors = map[string]string{"family_member_id": "bad", "occurred_on": "bad", "place": "bad", "parties": "bad", "description": "bad",
		"reporter_name": "bad", "reporter_contact": "bad", "handler_id": "bad", "kind": "bad", "note": "bad", "outcome": "bad"}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	need, member, handler := int64(5), int64(9), int64(7)
	full := model.Incident{ID: 12, RegionCode: "210902", InstitutionID: 2, InstitutionName: "阜新市中心医院", PersonID: 3, PersonName: "王芳",
		FamilyMemberID: &member, FamilyMemberName: "王小明", FamilyRelation: model.RelChild, NeedID: &need, ReporterKind: model.ReporterFamily,
		ReporterName: "李娟", ReporterContact: "13800001111", OccurredOn: "2026-02-28", Place: "细河区某幼儿园", Description: "幼儿园不让孩子入园",
		Parties: []model.IncidentParty{{Kind: model.PartySchool, Name: "某幼儿园"}, {Kind: model.PartyOther}}, Status: model.IncidentHandling,
		HandlerID: &handler, HandlerName: "wang", ContactDueAt: now, ConcludeDueAt: now.Add(15 * 24 * time.Hour), ContactedAt: &now,
		ContactOverdue: true, Overdue: true, Team: true, RecordedByName: "family-link:4", Version: 3, CreatedAt: now,
		Steps: []model.IncidentStep{{ID: 1, Kind: model.StepContactReporter, Note: "已联系", ByName: "wang", At: now}, {ID: 2, Kind: model.StepOutcome, Note: model.OutcomeEducation, ByName: "wang", At: now}}}
	done := full
	done.Status, done.Outcome, done.OutcomeNote, done.ConcludedAt, done.ContactedAt = model.IncidentConcluded, model.OutcomePolice, "已移送", &now, nil
	opts := []option{{Value: "1", Text: "one", Selected: true}, {Value: "2", Text: "two"}}
	person := model.Person{ID: 3, Name: "王芳"}
	n := model.Need{ID: 5, Description: "x"}
	form := incidentForm{PersonID: "3", NeedID: "5", ReporterName: "李娟", OccurredOn: "2026-02-28", Place: "p", Description: "d"}
	form.Parties[0] = partyRow{Kind: model.PartySchool, Name: "某幼儿园"}
	filled := func(who string) *incidentFormView {
		v := &incidentFormView{Page: pg, Form: form, Action: "/incidents", Cancel: "/incidents", Who: who, Person: person, Need: &n, Family: opts,
			Reports: []incidentCard{newIncidentCard(pg, full), newIncidentCard(pg, done)}}
		v.fill()
		return v
	}
	return map[string][2]any{
		"incident_mine": {&myIncidentsView{Page: empty()}, &myIncidentsView{Page: pg, Reports: []incidentCard{newIncidentCard(pg, full), newIncidentCard(pg, done)},
			Pager: pager{Total: 2, From: 1, To: 2, Page: 1, Pages: 1}}},
		"incident_form": {&incidentFormView{Page: empty()}, filled("team")},
		"incident_list": {&incidentListView{Page: empty()}, &incidentListView{Page: pg, Filter: incidentFilterForm{Q: "x", Status: "handling", Overdue: true, Mine: true},
			Statuses: opts, Outcomes: opts, Parties: opts, Incidents: []incidentRow{newIncidentRow(pg, full), newIncidentRow(pg, done)},
			Pager: pager{Total: 2, From: 1, To: 2, Page: 1, Pages: 1}, ExportURL: "/api/v1/exports/incidents.xlsx", ExportMax: 10000}},
		"incident_show": {&incidentShowView{Page: empty()}, &incidentShowView{Page: pg, Incident: newIncidentRow(pg, full), Handlers: opts, StepKinds: opts,
			Outcomes: opts, Posted: "step", Note: "n", Open: true}},
	}
}

// incidentExtraStates: the worker's and the relative's forms, a concluded incident.
func incidentExtraStates(s map[string][2]any) map[string][]any {
	f := s["incident_form"][1].(*incidentFormView)
	worker, family := *f, *f
	worker.Who, family.Who = "worker", "family"
	show := *s["incident_show"][1].(*incidentShowView)
	row := show.Incident
	row.Status, row.Outcome = model.IncidentConcluded, model.OutcomeUnsubstantiated
	show.Incident, show.Open, show.Posted = row, false, "reopen"
	return map[string][]any{"incident_form": {&worker, &family}, "incident_show": {&show}}
}
