package web

import (
	"time"

	"houdun/internal/model"
)

// deploySamplePages are the empty and filled views of the deployment pages,
// merged into samplePages so that the template test covers them.
func deploySamplePages(base func(string) Page, empty func() Page) map[string][2]any {
	pg := base("t")
	pg.Errors = map[string]string{"person_id": "bad", "post_id": "bad", "ends_on": "bad", "override_reason": "bad", "institution_id": "bad", "tier": "bad"}
	dp := deployPage{Page: pg, Tabs: deployTabs(pg.User, "deployments")}
	ep := deployPage{Page: empty()}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	post, batch, other := int64(3), int64(4), int64(9)
	d := model.Deployment{ID: 7, PersonID: 2, PersonName: "张伟", Occupation: model.OccDoctor, RegionCode: "210902", InstitutionName: "阜新市中心医院",
		PostID: &post, PostName: "发热门诊", Tier: 1, StartsOn: "2026-03-01", EndsOn: "2026-03-14", ShiftHours: 4, Status: "planned", Role: "医生",
		OverrideReason: "人手不足", CreatedByName: "cw", Version: 1, CreatedAt: now}
	m := d
	m.PostID, m.BatchID, m.BatchName, m.Status, m.OverrideReason, m.ShiftHours = nil, &batch, "辽宁援鄂第7批", "cancelled", "", 8
	c := model.DeploymentConflict{ID: 1, Kind: "couple", Status: "overridden", Severe: true, DeploymentID: 7, PersonID: 2, PersonName: "张伟", StartsOn: "2026-03-01",
		EndsOn: "2026-03-14", OtherID: &other, OtherPersonID: 5, OtherPersonName: "李娜", OtherStartsOn: "2026-02-20", OtherEndsOn: "2026-03-05", Reason: "人手不足",
		DecidedByName: "cw", CreatedAt: &now}
	open := c
	open.ID, open.Status, open.Reason, open.OtherPersonName, open.Severe = 0, "open", "", "", false
	rows := []deploymentRow{newDeploymentRow(d), newDeploymentRow(m)}
	refs := []conflictRefRow{{ConflictRef: model.ConflictRef{Kind: "couple", DeploymentID: 9, PersonID: 5, PersonName: "李娜", StartsOn: "2026-02-20", EndsOn: "2026-03-05", Severe: true}, Text: "x"},
		{ConflictRef: model.ConflictRef{Kind: "rest", RestKind: "consecutive", Days: 18, Limit: 14, RestUntil: "2026-03-17"}, Text: "y"}}
	opt := []option{{Value: "1", Text: "x", Selected: true}, {Value: "2", Text: "y"}}
	p := model.Post{ID: 3, Name: "发热门诊", InstitutionID: 1, InstitutionName: "阜新市中心医院", RegionCode: "210902", Kind: "fever_clinic", Tier: 1, Active: true, DeployedNow: 4, Version: 2}
	closed := p
	closed.Active = false
	b := model.Batch{ID: 4, Name: "辽宁援鄂第7批", Destination: "湖北省武汉市", RegionCode: "2109", LeaderName: "王强", DepartsOn: "2026-02-01", ReturnsOn: "2026-03-20",
		QuarantineDays: 14, Tier: 1, Members: 2}
	cands := model.CandidateList{PostID: 3, StartsOn: "2026-03-01", EndsOn: "2026-03-14", Eligible: 40, Items: []model.Candidate{
		{PersonID: 2, PersonName: "张伟", Occupation: model.OccDoctor, InstitutionName: "阜新市中心医院", Rank: 1},
		{PersonID: 5, PersonName: "李娜", Occupation: model.OccNurse, InstitutionName: "阜新市中心医院", Rank: 2, CoupleConflict: true}}}
	return map[string][2]any{
		"deploy_list": {&deploymentListView{deployPage: ep}, &deploymentListView{deployPage: dp, Filter: deploymentFilterForm{Q: "张", ActiveOn: "2026-03-02", Tier: "1"},
			Tiers: opt, Statuses: opt, Deployments: rows, Pager: pager{Total: 2, From: 1, To: 2, Page: 1, Pages: 1}, CanPlan: true, ExportURL: "/api/v1/exports/deployments.xlsx", ExportMax: 20000, Today: "2026-03-02"}},
		"deploy_form": {&deploymentFormView{deployPage: ep}, &deploymentFormView{deployPage: dp, Form: deploymentForm{PersonID: "1", PostID: "1", StartsOn: "2026-03-01", OverrideReason: "r"},
			People: opt, Posts: opt, Conflicts: refs, Refused: "couple_conflict", CanOverride: true}},
		"deploy_show": {&deploymentShowView{deployPage: ep}, &deploymentShowView{deployPage: dp, Deployment: rows[0], Conflicts: []conflictRow{newConflictRow(c)}, CanCancel: true}},
		"conflict_list": {&conflictListView{deployPage: ep}, &conflictListView{deployPage: dp, Status: "open", Statuses: opt, Kinds: opt, Severe: "1",
			Conflicts: []conflictRow{newConflictRow(c), newConflictRow(open)}, Pager: pager{Total: 2, From: 1, To: 2, Page: 1, Pages: 1}}},
		"rest_due": {&restDueView{deployPage: ep}, &restDueView{deployPage: dp, On: "2026-03-02", Due: []model.RestDue{{PersonID: 2, PersonName: "张伟", InstitutionName: "阜新市中心医院",
			Kind: "consecutive", RunStart: "2026-02-15", RunDays: 15, Tier1Days: 15, RestUntil: "2026-03-05", Working: true}}}},
		"deploy_days": {&daysView{deployPage: ep}, &daysView{deployPage: dp, From: "2026-03-01", To: "2026-03-31", ExportURL: "/x", Days: []model.PersonDays{{PersonID: 2, PersonName: "张伟",
			Occupation: model.OccDoctor, InstitutionName: "阜新市中心医院", Tier1Days: 29, Tier2Days: 4, Tier1HalfDays: 29, Tier2HalfDays: 4}}}},
		"post_list": {&postListView{deployPage: ep}, &postListView{deployPage: dp, Q: "发热", Kinds: opt, Tiers: opt, Posts: []postRow{newPostRow(p), newPostRow(closed)},
			Pager: pager{Total: 2, From: 1, To: 2, Page: 1, Pages: 1}, CanManage: true, CanPlan: true, Form: postForm{Name: "x", Tier: "1", Kind: "icu"}, Institutions: opt}},
		"post_show": {&postShowView{deployPage: ep}, &postShowView{deployPage: dp, Post: newPostRow(p), Form: formOfPost(p), Kinds: opt, Deployments: rows, CanManage: true, CanPlan: true}},
		"candidates": {&candidateListView{deployPage: ep}, &candidateListView{deployPage: dp, Post: p, Count: "10", Occupations: opt, StartsOn: "2026-03-01", EndsOn: "2026-03-14",
			List: cands, Reasons: [][]string{{"a", "b"}, {"c"}}}},
		"batch_list": {&batchListView{deployPage: ep}, &batchListView{deployPage: dp, Q: "援鄂", Batches: []model.Batch{b}, Pager: pager{Total: 1, From: 1, To: 1, Page: 1, Pages: 1},
			CanManage: true, Form: batchForm{Name: "x", QuarantineDays: "14"}, Leaders: opt}},
		"batch_show": {&batchShowView{deployPage: ep}, &batchShowView{deployPage: dp, Batch: b, Members: rows, CanAdd: true, AddURL: "/deployments/new?batch=4", ExportURL: "/x"}},
	}
}
