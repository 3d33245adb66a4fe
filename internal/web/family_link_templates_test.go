package web

import (
	"time"

	"houdun/internal/i18n"
	"houdun/internal/model"
)

// familyLinkSamplePages are the empty and filled views of the self-service
// link pages, merged into samplePages so that the template test covers them.
func familyLinkSamplePages(lang i18n.Lang, base func(string) Page, empty func() Page) map[string][2]any {
	pg := base("l")
	pg.Errors = map[string]string{"family_member_id": "bad", "days": "bad", "category": "bad", "kind": "bad", "urgency": "bad", "description": "bad"}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	used := now.Add(-time.Hour)
	link := model.FamilyLink{ID: 4, PersonID: 3, FamilyMemberID: 9, FamilyMemberName: "赵秀兰", FamilyRelation: model.RelParent, CreatedBy: "zhang.worker",
		CreatedAt: now, ExpiresAt: now.Add(30 * 24 * time.Hour), LastUsedAt: &used}
	byCaseworker := link
	byCaseworker.ID, byCaseworker.CreatedBy, byCaseworker.LastUsedAt = 5, "family-link:4", nil
	row := newFamilyLinkRow(pg, link)
	row.RevokeURL = "/me/family-links/4/revoke"
	fresh := newFamilyLinkRow(pg, link)
	fresh.URL = "https://houdun.example.cn/f/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	opts := []option{{Value: "9", Text: "赵秀兰（父母）", Selected: true}, {Value: "10", Text: "张小明（子女）"}}
	fid := int64(9)
	c := model.Need{ID: 12, FamilyMemberID: &fid, FamilyMemberName: "赵秀兰", Category: model.CategoryLiving, Kind: model.KindSupplies,
		Urgency: model.UrgencyHigh, Description: "家中米面快用完了", Source: model.SourceFamily, Status: model.NeedAssigned, DueAt: now.Add(3 * time.Hour),
		Assignee: &model.NeedAssignee{Kind: model.AssigneeVolunteer, Name: "刘洋"}, CreatedAt: now}
	done := c
	done.ID, done.Status, done.Resolution, done.Assignee = 13, model.NeedResolved, "已送达", nil
	report := &familyReportView{Page: pg, Link: link, Action: "/f/x", Expires: formatTime(link.ExpiresAt),
		Form: needForm{Category: "living", Description: "d"}, Categories: opts, Kinds: opts, Urgencies: opts,
		Cases: []myCase{{caseRow: newCaseRow(pg, c, now), Progress: progressOf(pg, c.Status)}, {caseRow: newCaseRow(pg, done, now), Progress: progressOf(pg, done.Status)}}}
	report.User, report.Nav, report.Relative = nil, nil, true
	return map[string][2]any{
		"family_links": {&familyLinksView{Page: empty()}, &familyLinksView{Page: pg, Person: model.Person{ID: 3, Name: "张伟"}, Base: "/people/3/family-links",
			Links: []familyLinkRow{row, newFamilyLinkRow(pg, byCaseworker)}, Family: opts, Form: familyLinkForm{FamilyMemberID: "9", Days: "30"},
			New: &fresh, MaxDays: model.FamilyLinkMaxDays}},
		"family_report": {&familyReportView{Page: empty()}, report},
	}
}

// familyLinkExtraStates: the worker's own page, without family.
func familyLinkExtraStates(s map[string][2]any) map[string][]any {
	own := *s["family_links"][1].(*familyLinksView)
	own.Own, own.Family, own.Links, own.New = true, nil, nil, nil
	return map[string][]any{"family_links": {&own}}
}
