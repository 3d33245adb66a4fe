package web

import (
	"time"

	"houdun/internal/letters"
	"houdun/internal/model"
)

// letterSamplePages are the empty and filled views of the letters' pages,
// merged into samplePages so that the template test covers them.
func letterSamplePages(base func(string) Page, empty func() Page) map[string][2]any {
	pg := base("l")
	pg.Errors = map[string]string{"template_id": "bad", "institution_id": "bad", "person_ids": "bad", "date": "bad", "body": "bad", "sender": "bad",
		"title": "bad", "person_id": "bad", "level": "bad", "deed": "bad", "reason": "bad", "status": "bad"}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	opts := []option{{Value: "1", Text: "one", Selected: true}, {Value: "2", Text: "two"}}
	pgr := pager{Total: 2, From: 1, To: 2, Page: 1, Pages: 1}
	letter := model.Letter{ID: 5, TemplateName: "慰问信", PersonID: 3, PersonName: "王晓梅", InstitutionName: "阜新市中心医院", FrontlineDays: "46.5",
		Status: model.LetterSent, SentAt: &now, Version: 2}
	tpl := model.LetterTemplate{ID: 2, RegionCode: "2109", Name: "致一线医务人员的慰问信", Title: "慰问信", Body: letters.FuxinTemplate.Body,
		Sender: letters.FuxinTemplate.Sender, Active: true, Letters: 12, Editable: true, Version: 3}
	comm := model.Commendation{ID: 9, PersonName: "王晓梅", InstitutionName: "阜新市中心医院", Department: "发热门诊", Level: model.CommendJigong,
		Deed: "坚守发热门诊42天", DeedOn: "2022-12-31", Status: model.CommendationNominated, NominatedByName: "inst", CanDecide: true, Version: 1}
	decided := comm
	decided.ID, decided.Status, decided.Reason, decided.DecidedAt, decided.DecidedByName, decided.CanDecide = 10, model.CommendationRejected, "材料不全", &now, "cw", false
	title := model.TitlePriority{PersonName: "王晓梅", InstitutionName: "阜新市中心医院", Department: "发热门诊", Occupation: model.OccNurse, Title: "主管护师",
		FrontlineDays: "46", Tier1Days: "30", Periods: []model.DatePeriod{{From: "2022-12-01", To: "2022-12-31"}}}
	injury := model.WorkInjuryCase{ID: 4, PersonID: 3, PersonName: "王晓梅", InstitutionName: "阜新市中心医院", RegionCode: "210902", InfectedOn: "2022-12-20",
		DiagnosedOn: "2022-12-21", DeadlineOn: "2023-01-20", Overdue: true, Diagnosis: "新冠病毒感染", Status: model.InjuryOpen, DocumentsDone: 1,
		Documents: []model.WorkInjuryDocument{{Code: letters.DocApplication, Done: true, DoneAt: &now, DoneByName: "cw"}, {Code: letters.DocTest}}, Version: 2}
	return map[string][2]any{
		"letter_list": {&letterListView{Page: empty()}, &letterListView{Page: pg, Manage: true, Q: "王", Status: "sent", TemplateID: "1", Institution: "1",
			Statuses: opts, Templates: opts, Institutions: opts, Pager: pgr, ExportURL: "/x.xlsx", MergedURL: "/x.pdf", Active: true,
			Letters: []letterRow{{Letter: letter, PDFURL: "/api/v1/letters/5/pdf", Sent: "2026-03-01 17:00", CanReceive: true}, {Letter: model.Letter{ID: 6}, CanSend: true}}}},
		"letter_templates": {&letterTemplateView{Page: empty()}, &letterTemplateView{Page: pg, Templates: []model.LetterTemplate{tpl, {ID: 3, Name: "x"}},
			Placeholders: letters.Placeholders, Template: tpl, Action: "/letter-templates"}},
		"letter_template_form": {&letterTemplateView{Page: empty()}, &letterTemplateView{Page: pg, Placeholders: letters.Placeholders, Template: tpl, Edit: true, Action: "/letter-templates/2"}},
		"commendation_list": {&commendationListView{Page: empty()}, &commendationListView{Page: pg, Nominate: true, Review: true, Q: "王", Status: "nominated",
			Statuses: opts, Levels: opts, Items: []commendationRow{{Commendation: comm}, {Commendation: decided, Decided: "2026-03-01 17:00"}}, Pager: pgr,
			Active: true, ExportURL: "/x.xlsx", HonourURL: "/h.xlsx", People: opts, Form: model.CommendationInput{Level: model.CommendJigong, Deed: "d"}, RejectID: 9, Reason: "r"}},
		"title_priority": {&titlePriorityView{Page: empty()}, &titlePriorityView{Page: pg, Q: "王", From: "2022-12-01", To: "2022-12-31",
			Items: []titleRow{{TitlePriority: title, PeriodsText: "2022-12-01—2022-12-31", Basis: "b"}}, Pager: pgr, Active: true, ExportURL: "/x.xlsx"}},
		"injury_list": {&injuryListView{Page: empty()}, &injuryListView{Page: pg, Q: "王", Status: "open", Overdue: true, Statuses: opts,
			Items: []injuryRow{newInjuryRow(pg, injury)}, Pager: pgr, Active: true, ExportURL: "/x.xlsx", People: opts, Form: model.WorkInjuryInput{InfectedOn: "2022-12-20"}}},
		"injury_show": {&injuryShowView{Page: empty()}, &injuryShowView{Page: pg, Case: newInjuryRow(pg, injury), Next: opts}},
	}
}
