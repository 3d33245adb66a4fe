package web

import (
	"time"

	"houdun/internal/i18n"
	"houdun/internal/model"
	"houdun/internal/psych"
)

// psychSamplePages are the empty and filled views of the psychological
// support pages, merged into samplePages for the template test.
func psychSamplePages(lang i18n.Lang, base func(string) Page, empty func() Page) map[string][2]any {
	pg := base("p")
	pg.Errors = map[string]string{"note": "bad", "reason": "bad", "agree": "bad", "institution_id": "bad", "instruments": "bad", "channel": "bad", "notes": "bad"}
	now := time.Date(2020, 2, 10, 9, 0, 0, 0, time.UTC)
	phq := psych.Shipped().Get("phq9").View(string(lang))
	sid := int64(3)
	c := model.PsychCase{ID: 5, PersonID: 2, PersonName: "张伟", InstitutionName: "阜新市中心医院", Status: model.PsychCaseProposed, Source: model.PsychSourceScreening,
		Reason: "phq9:moderate:self_harm", CounselorName: "counselor_hz", NextScreeningOn: "2020-03-01", CreatedAt: now, LastSessionAt: &now, Version: 1}
	round := model.Screening{ID: 3, Name: "二月筛查", InstitutionID: &sid, InstitutionName: "阜新市中心医院", Instruments: []string{"phq9", "gad7"}, RepeatDays: 14,
		NextRoundAt: &now, Status: model.ScreeningOpen, Invited: 10, Answered: 4, CreatedByName: "c", CreatedAt: now}
	psychEmpty := func(tab string) Page { return empty() }
	_ = psychEmpty
	return map[string][2]any{
		"psych_wellbeing": {&wellbeingView{Page: empty()}, &wellbeingView{Page: pg, Consent: model.Consent{Active: true, GivenAt: &now},
			Invitations: []model.Invitation{{ScreeningID: 3, Name: "二月筛查", Instruments: []string{"phq9", "gad7"}, InvitedAt: now}, {ScreeningID: 4, Name: "一月", Instruments: []string{"phq9"}, AnsweredAt: &now}},
			Instruments: []model.InstrumentView{phq}, Trend: []wellbeingTrendPoint{{When: "2020-02-10 17:00", Instrument: "phq9", Band: "mild", Score: 6, Max: 27}},
			Chart: barChart("t", "t", []bar{{Label: "PHQ 02-10", Value: 6}}), Crisis: crisisResources{Hotline: "12356"}}},
		"psych_form": {&wellbeingFormView{Page: empty()}, &wellbeingFormView{Page: pg, Instrument: phq, ScreeningID: 3, Answers: map[int]int{0: 1}, Missing: map[int]bool{1: true}}},
		"psych_result": {&wellbeingResultView{Page: empty()}, &wellbeingResultView{Page: pg, Instrument: phq, Result: model.AssessmentResult{ID: 1, Score: 12, Band: "moderate",
			Risk: []string{"self_harm"}, Alert: true, Referral: true}, BandLabel: "中度", Advice: "a", Refer: true, Crisis: crisisResources{Hotline: "12356"}, Next: []model.InstrumentView{phq}, Screening: 3}},
		"psych_alerts": {&psychAlertsView{Page: empty()}, &psychAlertsView{Page: pg, Tab: "alerts", Status: "all", Duty: model.PsychDuty{OnDuty: true, Since: &now}, NoteOf: 1, Note: "n",
			Alerts: []psychAlertRow{{Alert: model.Alert{ID: 1, PersonName: "张伟", InstitutionName: "医院", Phone: "13900001111", Rule: "self_harm", Status: model.AlertOpen}, Created: "c", Waiting: "w"},
				{Alert: model.Alert{ID: 2, PersonName: "李娜", Rule: "self_harm", Status: model.AlertContacted, ContactedByName: "c", Note: "已联系"}, Created: "c", Contacted: "d"}},
			Pager: pager{Total: 2, From: 1, To: 2, Page: 1, Pages: 1}}},
		"psych_rounds": {&psychRoundsView{Page: empty()}, &psychRoundsView{Page: pg, Tab: "rounds", Q: "q", Status: "open", Rounds: []psychRoundRow{newPsychRoundRow(round)},
			Institutions: []option{{Value: "3", Text: "医院", Selected: true}}, Form: psychRoundForm{Name: "n", PHQ9: true}, Pager: pager{Total: 1, From: 1, To: 1, Page: 1, Pages: 1}}},
		"psych_round": {&psychRoundView{Page: empty()}, &psychRoundView{Page: pg, Round: newPsychRoundRow(round), Members: []psychMemberRow{
			{ScreeningMember: model.ScreeningMember{PersonID: 1, Name: "张伟", InstitutionName: "医院", Reminders: 1, AnsweredAt: &now}, Invited: "i", Answered: "a"},
			{ScreeningMember: model.ScreeningMember{PersonID: 2, Name: "李娜", Withdrawn: true}, Invited: "i"}}}},
		"psych_cases": {&psychCasesView{Page: empty()}, &psychCasesView{Page: pg, Tab: "cases", Filter: psychCaseFilterForm{Q: "张", Status: "open", Mine: true, Sort: "next_screening"},
			Statuses: []option{{Value: "open", Text: "o", Selected: true}}, Cases: []psychCaseRow{newPsychCaseRow(pg, c)}, Pager: pager{Total: 1, From: 1, To: 1, Page: 1, Pages: 1},
			ExportURL: "/api/v1/exports/psych-cases.xlsx", NewPerson: "2", NewReason: "r"}},
		"psych_case": {&psychCaseView{Page: empty()}, &psychCaseView{Page: pg, Case: newPsychCaseRow(pg, c), Sessions: []psychSessionRow{{PsychSession: model.PsychSession{ID: 1, Channel: "phone",
			Notes: "n", CounselorName: "c"}, When: "w"}}, Assessments: []psychAssessmentRow{{Assessment: model.Assessment{Score: 12}, When: "w", Name: "PHQ-9", BandLabel: "中度", Alert: true}},
			Channels: []option{{Value: "phone", Text: "p", Selected: true}}, Session: model.PsychSessionInput{At: "2020-02-10T09:00", Channel: "phone", Notes: "n"}, Next: "2020-03-01"}},
		"psych_summary": {&psychSummaryView{Page: empty()}, &psychSummaryView{Page: pg, Region: "2109", RegionChoices: []regionChoice{{Code: "2109", Name: "阜新市", Label: "辽宁省阜新市"}},
			Summary: model.PsychSummary{RegionCode: "2109", Suppressed: true}, Instruments: []psychSummaryBlock{{Name: "PHQ-9", Bands: []string{"a", "b"}, Cells: []string{"<5", "12"}, Total: "<5",
				Chart: barChart("c", "c", []bar{{Label: "a", Value: 3, Text: "<5"}}), Weeks: []psychSummaryWeekRow{{Week: "2020-02-10", Total: "12", Cells: []string{"<5", "<5"}}},
				Trend: barChart("d", "d", nil), Hidden: true}}}},
	}
}
