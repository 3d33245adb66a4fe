package demo

import (
	"context"
	"fmt"

	"houdun/internal/letters"
	"houdun/internal/model"
	"houdun/internal/store"
)

// The demo's consolation letters (慰问信), commendations (表彰) and one
// work-injury determination case: the city team's letter in the style of
// the one Fuxin sent its frontline staff in January 2023 (seed 000), the
// letters 海州区's team generated for the central hospital's frontline staff
// in every delivery state (the worker's own sent, waiting for their
// confirmation), the hospital's nominations in each state, and a nurse's
// infection at work with its checklist half done.

// demoDeeds are the deeds the central hospital nominates, with their level
// and what the district team decided.
var demoDeeds = []struct {
	level, deed, deedOn, decision, reason string
}{
	{model.CommendJidagong, "2022年12月疫情高峰期间，连续42天坚守发热门诊，带病坚持接诊，累计接诊发热患者3100余人次，无一例院内交叉感染。", "2022-12-31", model.CommendationApproved, ""},
	{model.CommendJigong, "作为重症医学科护士长，组建重症救治梯队，24小时轮班守护危重症患者，参与抢救危重症患者56人次。", "2023-01-05", model.CommendationApproved, ""},
	{model.CommendJiajiang, "主动报名参加方舱医院支援，承担核酸采样与转运协调工作28天，协调转运患者400余人。", "2022-12-20", model.CommendationRejected, "事迹材料缺少所在方舱医院出具的证明，请补充后重新推荐。"},
	{model.CommendJigong, "在急诊科人员大面积感染期间顶岗值守，一人承担两个班次，确保急诊“不停诊、不断档”。", "2022-12-25", "", ""},
	{model.CommendJiajiang, "牵头制定院内发热患者分级诊疗流程，缩短患者平均候诊时间一半以上。", "2023-01-03", "", ""},
	{model.CommendJiajiang, "春节期间主动放弃休假，在隔离病区连续工作15天，照护高龄合并基础病患者。", "2023-01-22", "", ""},
}

// fillLetters makes the area's demo records as the demo accounts would.
func fillLetters(st *store.Store, as actors, instByName map[string]int64, workerID int64, sum *Summary) error {
	sys := as[""]
	ft := letters.FuxinTemplate
	city := cityCode
	tpl, err := st.CreateLetterTemplate(as["caseworker-city"], model.LetterTemplateInput{RegionCode: &city, Name: &ft.Name, Title: &ft.Title, Body: &ft.Body, Sender: &ft.Sender})
	if err != nil {
		return fmt.Errorf("demo: letter template: %w", err)
	}
	hospital := instByName[workerInstitution]
	res, err := st.GenerateLetters(as["caseworker"], model.LetterGeneration{TemplateID: tpl.ID, InstitutionID: hospital, Date: "2023-01-06"})
	if err != nil {
		return fmt.Errorf("demo: letters: %w", err)
	}
	sum.Letters = len(res.LetterIDs)
	// Delivery: most went out on the first days, most of those were signed
	// for; the worker's own is sent and waits for their confirmation.
	mine, err := st.ListLetters(sys, model.LetterFilter{PersonID: workerID, Page: model.Page{Limit: 1}})
	if err != nil {
		return fmt.Errorf("demo: the worker's letter: %w", err)
	}
	for i, id := range res.LetterIDs {
		own := len(mine.Items) == 1 && mine.Items[0].ID == id
		switch {
		case own || i%10 < 4:
			if err := deliver(as["caseworker"], st, id, model.LetterSent); err != nil {
				return err
			}
		case i%10 < 9:
			if err := deliver(as["caseworker"], st, id, model.LetterSent); err != nil {
				return err
			}
			if err := deliver(as["caseworker"], st, id, model.LetterReceived); err != nil {
				return err
			}
		}
	}
	// The hospital's nominations and the district team's decisions.
	frontline := true
	staff, err := st.ListPeople(sys, model.PersonFilter{InstitutionID: hospital, Frontline: &frontline, Page: model.Page{Limit: 40}})
	if err != nil {
		return fmt.Errorf("demo: the hospital's staff: %w", err)
	}
	var people []model.Person
	for _, p := range staff.Items {
		if p.ID != workerID {
			people = append(people, p)
		}
	}
	for i, d := range demoDeeds {
		if i >= len(people) {
			break
		}
		c, err := st.NominateCommendation(as["institution-admin"], model.CommendationInput{PersonID: people[i].ID, Level: d.level, Deed: d.deed, DeedOn: d.deedOn})
		if err != nil {
			return fmt.Errorf("demo: nomination %d: %w", i, err)
		}
		if d.decision != "" {
			if _, err := st.DecideCommendation(as["caseworker"], c.ID, d.decision == model.CommendationApproved, model.CommendationDecision{Reason: d.reason}); err != nil {
				return fmt.Errorf("demo: decision %d: %w", i, err)
			}
		}
		sum.Commendations++
	}
	// A nurse infected at work: the case is open, half its documents in.
	if len(people) > len(demoDeeds) {
		p := people[len(demoDeeds)]
		c, err := st.OpenWorkInjuryCase(as["caseworker"], model.WorkInjuryInput{PersonID: p.ID, InfectedOn: "2022-12-18", DiagnosedOn: "2022-12-19",
			Diagnosis: "新型冠状病毒感染（普通型），发热门诊接诊中感染", Note: "科室已出具排班表，劳动合同待人事科盖章。"})
		if err != nil {
			return fmt.Errorf("demo: work-injury case: %w", err)
		}
		if _, err := st.UpdateWorkInjuryCase(as["caseworker"], c.ID, model.WorkInjuryUpdate{Documents: map[string]bool{
			letters.DocApplication: true, letters.DocDiagnosis: true, letters.DocTest: true, letters.DocAssignment: true}}); err != nil {
			return fmt.Errorf("demo: work-injury checklist: %w", err)
		}
		sum.WorkInjuryCases++
	}
	return nil
}

func deliver(ctx context.Context, st *store.Store, id int64, status string) error {
	if _, err := st.DeliverLetter(ctx, id, model.LetterDelivery{Status: status}); err != nil {
		return fmt.Errorf("demo: letter %d %s: %w", id, status, err)
	}
	return nil
}
