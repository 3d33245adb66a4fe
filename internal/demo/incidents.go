package demo

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"houdun/internal/auth"
	"houdun/internal/casework"
	"houdun/internal/model"
	"houdun/internal/store"
)

// demoIncident is one discrimination incident (歧视孤立事件) of the demo: who
// reports it and how, what happened, how far the team has come and how it
// ended. daysAgo is when it was reported (on the demo clock, when there is one).
type demoIncident struct {
	daysAgo  float64
	reporter string // "worker" (the worker account), "link" (a relative's link), or a case worker's account
	relative string // a relation of the affected relative ("" for the person), model.Rel*
	fromCase bool   // opened from a ledger case of kind discrimination
	name     string // the reporter as the team recorded them
	place    string
	text     string
	parties  []model.IncidentParty
	steps    []model.IncidentStepInput
	outcome  string
	note     string
}

// demoIncidents: a landlord asking a nurse to move out, a kindergarten
// keeping a doctor's child away, neighbours of a compound and its property
// management, a shop, a taxi, a spouse's employer and a threat that went to
// the police; reported, being handled, overdue and concluded.
var demoIncidents = []demoIncident{
	{daysAgo: 2, reporter: "worker", place: "海州区和平街道光明小区 12 号楼",
		text:    "房东得知我在发热门诊上班后，要求我月底前搬出出租屋，说“楼里的人都怕”，并说到期不搬就换锁。",
		parties: []model.IncidentParty{{Kind: model.PartyLandlord, Name: "房东孙某"}},
		steps:   []model.IncidentStepInput{{Kind: model.StepContactReporter, Note: "电话联系报告人，了解租约到 2026 年 8 月，已告知不必搬离，专班将约谈房东。"}}},
	{daysAgo: 12, reporter: "caseworker", relative: model.RelChild, name: "家长（12345 热线转来）", place: "海州区西山街道阳光幼儿园",
		text:    "孩子母亲在定点医院隔离病区工作，幼儿园以“其他家长担心”为由，连续三天不让孩子入园。",
		parties: []model.IncidentParty{{Kind: model.PartySchool, Name: "阳光幼儿园"}},
		steps: []model.IncidentStepInput{{Kind: model.StepContactReporter, Note: "当天回电家长，说明专班会与教育部门一起处理。"},
			{Kind: model.StepVisit, Note: "会同区教育局到园了解情况，园方承认未经防疫评估即拒收。"},
			{Kind: model.StepMediation, Note: "园方、家长委员会与家长面谈，说明医务人员家属无特殊风险。"}},
		outcome: model.OutcomeEducation, note: "园方已认识错误，孩子次日恢复入园；区教育局对园长批评教育，并向全区幼儿园发通知。"},
	{daysAgo: 9, reporter: "link", relative: model.RelSpouse, place: "海州区新兴街道幸福里小区 3 单元",
		text: "邻居在单元门上贴告示，写着“医护人员家属不得乘坐电梯”，物业保安也拦着我不让坐电梯。",
		parties: []model.IncidentParty{{Kind: model.PartyNeighbour, Name: "3 单元部分住户"},
			{Kind: model.PartyProperty, Name: "幸福里物业"}},
		steps: []model.IncidentStepInput{{Kind: model.StepContactReporter, Note: "联系报告人，约定次日上门。"},
			{Kind: model.StepContactParty, Note: "约谈物业经理，告示当场撤下。"}},
		outcome: model.OutcomePenalty, note: "物业公司对拦人的保安予以处分并书面道歉；社区在业主群澄清，提醒不得歧视医务人员家庭。"},
	{daysAgo: 6, reporter: "caseworker", fromCase: true, name: "本人（走访时反映）", place: "海州区站前街道建设路 45 号",
		text:    "楼上邻居多次辱骂“把病毒带回家”，昨晚砸坏了本人停在楼下的车窗。",
		parties: []model.IncidentParty{{Kind: model.PartyNeighbour, Name: "楼上住户王某"}},
		steps: []model.IncidentStepInput{{Kind: model.StepContactReporter, Note: "走访时当面了解，已拍照留存车窗损坏情况。"},
			{Kind: model.StepReferral, Note: "涉及毁坏财物，已陪同本人到站前派出所报案。"}},
		outcome: model.OutcomePolice, note: "已移送站前派出所，派出所已受案并对王某进行训诫；专班继续关注。"},
	{daysAgo: 20, reporter: "caseworker", relative: model.RelSpouse, name: "配偶（电话）", place: "阜新市某物流公司",
		text:    "丈夫所在的物流公司得知妻子在发热门诊工作，要求丈夫“居家隔离”十四天，期间不发工资。",
		parties: []model.IncidentParty{{Kind: model.PartyEmployer, Name: "某物流公司"}},
		steps:   []model.IncidentStepInput{{Kind: model.StepContactReporter, Note: "回电了解情况，已请区人社局劳动监察大队协助。"}}},
	{daysAgo: 15, reporter: "caseworker", name: "本人（电话）", place: "海州区中华路公交站",
		text:    "下夜班穿着工作服打车，司机看到后说“不拉医院的人”，拒载。",
		parties: []model.IncidentParty{{Kind: model.PartyBusiness, Name: "出租车（车牌号已记录）"}},
		steps: []model.IncidentStepInput{{Kind: model.StepContactReporter, Note: "已回电。"},
			{Kind: model.StepContactParty, Note: "请交通运输局调取车载录像。"}},
		outcome: model.OutcomeUnsubstantiated, note: "车载录像显示司机当时正要交班，此前也拒载了其他乘客，与职业无关；已向本人说明，司机因拒载另受交通部门处理。"},
	{daysAgo: 1.5, reporter: "worker", relative: model.RelParent, place: "海州区和平街道光明小区业主群",
		text:    "小区业主群里有人发起“医护家庭搬出小区”的接龙，还点了我母亲的门牌号，母亲不敢出门买菜。",
		parties: []model.IncidentParty{{Kind: model.PartyNeighbour, Name: "业主群发起人"}}},
}

// fillIncidents records the demo's incidents in 海州区 and works them as
// the district's team would, each at its own time on the demo clock (when
// there is one; the clock is back where it was afterwards).
func fillIncidents(ctx context.Context, st *store.Store, clock *Clock, as actors, workerID int64, sum *Summary) (err error) {
	sys := as[""]
	others, err := st.ListPeople(sys, model.PersonFilter{RegionCode: "210902", Page: model.Page{Limit: 200}})
	if err != nil {
		return fmt.Errorf("demo: incidents: %w", err)
	}
	next := 0
	// personWith picks a person of 海州区 (not the worker account's) with a
	// relative of the relation, and that relative.
	personWith := func(relation string) (int64, *int64) {
		for ; next < len(others.Items); next++ {
			p := others.Items[next]
			if p.ID == workerID {
				continue
			}
			fam, err := st.ListFamily(sys, p.ID, false)
			if err != nil {
				continue
			}
			for _, m := range fam {
				if relation == "" || m.Relation == relation {
					next++
					if relation == "" {
						return p.ID, nil
					}
					return p.ID, &m.ID
				}
			}
		}
		return 0, nil
	}
	team := as["caseworker"]
	base := st.Now()
	if clock != nil {
		defer clock.setTo(base)
	}
	// Oldest first, so that their numbers follow the time they were reported.
	plan := slices.Clone(demoIncidents)
	slices.SortStableFunc(plan, func(a, b demoIncident) int { return cmp.Compare(b.daysAgo, a.daysAgo) })
	for i, d := range plan {
		if clock != nil {
			clock.setTo(base.Add(-time.Duration(d.daysAgo * float64(24*time.Hour))))
		}
		when := base.Add(-time.Duration(d.daysAgo*float64(24*time.Hour)) - 10*time.Hour).Format("2006-01-02")
		in := model.IncidentInput{ReporterName: d.name, OccurredOn: when, Place: d.place, Description: d.text, Parties: d.parties}
		by := team
		switch d.reporter {
		case "worker":
			by = as["worker"]
			if d.relative != "" {
				fam, err := st.ListFamily(sys, workerID, false)
				if err != nil {
					return fmt.Errorf("demo: incident %d: %w", i, err)
				}
				for _, m := range fam {
					if m.Relation == d.relative {
						in.FamilyMemberID = &m.ID
						break
					}
				}
			}
		case "link":
			person, member := personWith(d.relative)
			if person == 0 {
				continue
			}
			link, err := st.CreateFamilyLink(team, person, model.FamilyLinkInput{FamilyMemberID: member})
			if err != nil {
				return fmt.Errorf("demo: incident %d: link: %w", i, err)
			}
			pr, _, err := st.AuthenticateFamilyLink(ctx, link.Token, "127.0.0.1")
			if err != nil {
				return fmt.Errorf("demo: incident %d: link: %w", i, err)
			}
			by = auth.WithPrincipal(ctx, pr)
			in.FamilyMemberID, in.ReporterContact = member, "13700001234"
		default:
			person, member := personWith(d.relative)
			if person == 0 {
				continue
			}
			in.PersonID, in.FamilyMemberID = person, member
			if d.fromCase {
				n, err := st.CreateNeed(team, model.NeedInput{PersonID: person, Category: model.CategorySafety, Kind: model.KindDiscrimination,
					Urgency: model.UrgencyHigh, Description: d.text, Source: model.SourceVisit})
				if err != nil {
					return fmt.Errorf("demo: incident %d: case: %w", i, err)
				}
				sum.Cases++
				// The team takes the case on: the incident settles it.
				uid := auth.FromContext(team).UserID
				if _, err := st.AssignNeed(team, n.ID, model.NeedAssign{UserID: &uid}); err != nil {
					return fmt.Errorf("demo: incident %d: assign case: %w", i, err)
				}
				if _, err := st.StartNeed(team, n.ID, model.NeedStep{}); err != nil {
					return fmt.Errorf("demo: incident %d: start case: %w", i, err)
				}
				in.NeedID, in.PersonID, in.FamilyMemberID = &n.ID, 0, nil
			}
		}
		got, err := st.CreateIncident(by, in)
		if err != nil {
			return fmt.Errorf("demo: incident %d: %w", i, err)
		}
		sum.Incidents++
		// The team works it over the following hours and days.
		at := base.Add(-time.Duration(d.daysAgo * float64(24*time.Hour)))
		for j, s := range d.steps {
			if clock != nil {
				clock.setTo(at.Add(time.Duration(j+1) * 5 * time.Hour))
			}
			if _, err := st.AddIncidentStep(team, got.ID, s); err != nil {
				return fmt.Errorf("demo: incident %d step %d: %w", i, j, err)
			}
		}
		if d.outcome != "" {
			if clock != nil {
				clock.setTo(at.Add(time.Duration(len(d.steps)+1) * 20 * time.Hour))
			}
			out := model.IncidentOutcomeInput{Outcome: d.outcome, Note: d.note}
			if d.fromCase {
				out.ResolveCase, out.CaseResolution = true, fmt.Sprintf("歧视事件 #%d 已办结：已移送公安机关处理。", got.ID)
			}
			if _, err := st.ConcludeIncident(team, got.ID, out); err != nil {
				return fmt.Errorf("demo: incident %d outcome: %w", i, err)
			}
		}
	}
	// The city's settings: conclude within 15 days, as the default says;
	// written out so that the settings page shows them.
	if _, err := st.SetSetting(as["caseworker-city"], cityCode, casework.SettingIncidentConclude, "15"); err != nil {
		return fmt.Errorf("demo: incident setting: %w", err)
	}
	return nil
}
