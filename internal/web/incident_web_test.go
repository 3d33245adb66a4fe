package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// TestIncidentIsReportedAndHandledThroughThePages: a worker reports from
// their page; the district's team finds it in its list with the reporter,
// records the contact and concludes it; the worker sees the outcome and not
// the team's notes; the leader's dashboard shows suppressed counts; a
// relative reports through their link and the worker never sees that
// report. Bad forms answer with the page and its messages (422).
func TestIncidentIsReportedAndHandledThroughThePages(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newLedgerSite(t, st, clock)
		mother, err := st.CreateFamilyMember(testutil.System(), s.zhang.ID, model.FamilyMemberInput{Name: ptr("赵秀兰"), Relation: ptr(model.RelParent), BirthDate: ptr("1948-05-03")})
		if err != nil {
			t.Fatal(err)
		}
		worker := s.as("worker_zhang")
		contains(t, worker.get("/"), `href="/me/incidents"`)
		contains(t, worker.get("/me/incidents/new"), `name="occurred_on"`, `name="party_kind_0"`, "赵秀兰")
		bad := worker.postForm("/me/incidents", url.Values{"occurred_on": {"2099-01-01"}, "description": {"x"}})
		if bad.status != http.StatusUnprocessableEntity || strings.HasPrefix(bad.body, "{") {
			t.Fatalf("a bad report: %d %.200s", bad.status, bad.body)
		}
		contains(t, bad, "发生日期不能晚于今天", `id="f-parties-error"`)
		day := clock.Now().Add(-48 * 3600e9).Format("2006-01-02")
		r := worker.postForm("/me/incidents", url.Values{"family_member_id": {fmt.Sprint(mother.ID)}, "occurred_on": {day}, "place": {"海州区阳光小区"},
			"description": {"房东要求母亲一周内搬走"}, "party_kind_0": {"landlord"}, "party_name_0": {"房东孙某"}})
		if r.status != http.StatusSeeOther || r.location != "/me/incidents?msg=incident_reported" {
			t.Fatalf("report: %d %q %.300s", r.status, r.location, r.body)
		}
		contains(t, worker.get(r.location), "已收到您的报告", "房东（房东孙某）", "待处理")

		team := s.as("cw_haizhou")
		list := team.get("/incidents?party=landlord")
		contains(t, list, "张伟", "医务人员本人", `data-label="`, "/api/v1/exports/incidents.xlsx?party=landlord")
		all, _ := st.ListIncidents(testutil.System(), model.IncidentFilter{})
		path := fmt.Sprintf("/incidents/%d", all.Items[0].ID)
		contains(t, team.get(path), "房东要求母亲一周内搬走", "13912345678", `action="`+path+`/outcome"`)
		if r := team.postForm(path+"/outcome", url.Values{"outcome": {"education"}, "version": {"1"}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("an outcome without a note: %d", r.status)
		}
		r = team.postForm(path+"/step", url.Values{"kind": {"contact_reporter"}, "note": {"电话安抚张伟"}, "version": {"1"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("step: %d %.300s", r.status, r.body)
		}
		r = team.postForm(path+"/outcome", url.Values{"outcome": {"education"}, "note": {"房东已道歉"}, "version": {"2"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("outcome: %d %.300s", r.status, r.body)
		}
		contains(t, team.get(path), "已办结", "批评教育", "电话安抚张伟", `action="`+path+`/reopen"`)
		mine := worker.get("/me/incidents")
		contains(t, mine, "批评教育", "房东已道歉", "已办结")
		lacks(t, mine, "电话安抚张伟")
		// Outside the team: the page of another district's team says 404.
		s.user("cw_xinqiu", auth.RoleCaseworker, "210903")
		if r := s.as("cw_xinqiu").get(path); r.status != http.StatusNotFound {
			t.Errorf("another district's team: %d", r.status)
		}
		// The leader's dashboard: the one concluded is a small cell.
		dash := s.as("leader_fx").get("/dashboard")
		contains(t, dash, "歧视事件")
		lacks(t, dash, `href="/incidents"`)

		// A relative reports through their link.
		link, err := st.CreateFamilyLink(testutil.System(), s.zhang.ID, model.FamilyLinkInput{FamilyMemberID: &mother.ID})
		if err != nil {
			t.Fatal(err)
		}
		visitor := s.browser()
		contains(t, visitor.get(link.Path), `href="`+link.Path+`/incidents"`)
		contains(t, visitor.get(link.Path+"/incidents"), `name="family_member_id"`, "我本人")
		if r := visitor.postForm(link.Path+"/incidents", url.Values{"place": {"x"}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("a bad report through the link: %d", r.status)
		}
		r = visitor.postForm(link.Path+"/incidents", url.Values{"family_member_id": {fmt.Sprint(mother.ID)}, "occurred_on": {day}, "place": {"菜市场"},
			"description": {"摊主不卖菜给我，说我儿子是医生会传染"}, "party_kind_0": {"business"}, "reporter_contact": {"13800002222"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("the relative's report: %d %.300s", r.status, r.body)
		}
		contains(t, visitor.get(r.location), "摊主不卖菜给我", "已收到您的报告")
		lacks(t, worker.get("/me/incidents"), "摊主不卖菜给我")
		contains(t, team.get("/incidents?party=business"), "赵秀兰", "家属（自助链接）")
		if r := s.browser().get("/f/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/incidents"); r.status != http.StatusNotFound {
			t.Errorf("an unknown link: %d", r.status)
		}
	})
}

// TestIncidentOpenedFromACase: a case of kind discrimination offers the
// incident form, filled from the case; once recorded, the same link opens
// the incident, and its outcome resolves the case.
func TestIncidentOpenedFromACase(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newSite(t, st, clock)
		n, err := st.CreateNeed(testutil.System(), model.NeedInput{PersonID: s.zhang.ID, Category: model.CategorySafety, Kind: model.KindDiscrimination,
			Urgency: model.UrgencyHigh, Description: "物业不让张伟进小区", Source: model.SourceHotline})
		if err != nil {
			t.Fatal(err)
		}
		team := s.as("cw_haizhou")
		from := fmt.Sprintf("/incidents/new?need_id=%d", n.ID)
		contains(t, team.get(fmt.Sprintf("/needs/%d", n.ID)), `href="`+from+`"`)
		contains(t, team.get(from), "物业不让张伟进小区", fmt.Sprintf(`name="need_id" value="%d"`, n.ID))
		day := clock.Now().Add(-24 * 3600e9).Format("2006-01-02")
		r := team.postForm("/incidents", url.Values{"person_id": {fmt.Sprint(s.zhang.ID)}, "need_id": {fmt.Sprint(n.ID)}, "occurred_on": {day},
			"place": {"海州区某小区"}, "description": {"物业不让张伟进小区"}, "party_kind_0": {"property"}, "reporter_name": {"张伟（电话）"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("record: %d %.300s", r.status, r.body)
		}
		path, _, _ := strings.Cut(r.location, "?")
		if again := team.get(from); again.status != http.StatusSeeOther || again.location != path {
			t.Errorf("the case's link again: %d %q, want %s", again.status, again.location, path)
		}
		contains(t, team.get(path), fmt.Sprintf(`href="/needs/%d"`, n.ID), `name="resolve_case"`)
		r = team.postForm(path+"/outcome", url.Values{"outcome": {"penalty"}, "note": {"物业经理被通报批评"}, "resolve_case": {"1"}, "version": {"1"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("outcome: %d %.300s", r.status, r.body)
		}
		got, err := st.GetNeed(testutil.System(), n.ID)
		if err != nil || got.Status != model.NeedResolved || !strings.Contains(got.Resolution, "处理处罚") {
			t.Errorf("the case after the outcome: %+v %v", got, err)
		}
	})
}
