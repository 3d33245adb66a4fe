package api_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"houdun/internal/auth"
	"houdun/internal/jobs"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// needJSON is a case as the API answers it.
type needJSON struct {
	ID               int64     `json:"id"`
	PersonID         int64     `json:"person_id"`
	PersonName       string    `json:"person_name"`
	FamilyMemberID   *int64    `json:"family_member_id"`
	FamilyMemberName string    `json:"family_member_name"`
	ContactPhone     string    `json:"contact_phone"`
	InstitutionName  string    `json:"institution_name"`
	TeamRegionCode   string    `json:"team_region_code"`
	VisitID          *int64    `json:"visit_id"`
	Category         string    `json:"category"`
	Urgency          string    `json:"urgency"`
	Description      string    `json:"description"`
	Source           string    `json:"source"`
	Status           string    `json:"status"`
	DueAt            time.Time `json:"due_at"`
	Overdue          bool      `json:"overdue"`
	EscalationLevel  int       `json:"escalation_level"`
	Assignee         *struct {
		Kind        string `json:"kind"`
		UserID      *int64 `json:"user_id"`
		VolunteerID *int64 `json:"volunteer_id"`
		Name        string `json:"name"`
	} `json:"assignee"`
	Resolution   string `json:"resolution"`
	Satisfaction *int   `json:"satisfaction"`
	Version      int64  `json:"version"`
	Events       []struct {
		Action          string `json:"action"`
		ToStatus        string `json:"to_status"`
		Username        string `json:"username"`
		Note            string `json:"note"`
		TeamRegionCode  string `json:"team_region_code"`
		EscalationLevel int    `json:"escalation_level"`
	} `json:"events"`
}

func (n needJSON) actions() []string {
	var out []string
	for _, e := range n.Events {
		out = append(out, e.Action)
	}
	return out
}

type needListJSON struct {
	Items []needJSON `json:"items"`
	Total int        `json:"total"`
}

type inboxJSON struct {
	Items []struct {
		ID         int64  `json:"id"`
		Kind       string `json:"kind"`
		NeedID     *int64 `json:"need_id"`
		PersonName string `json:"person_name"`
	} `json:"items"`
	Total  int `json:"total"`
	Unread int `json:"unread"`
}

// scheduler is the context the in-process scheduler runs its jobs in.
func scheduler() context.Context { return auth.WithPrincipal(context.Background(), jobs.Principal()) }

// relogin opens fresh sessions for the named callers: moving the clock by
// hours ends the old ones (idle timeout), as it would for real users.
func (f *fixture) relogin(t *testing.T, who ...string) {
	t.Helper()
	for _, name := range who {
		f.tokens[name] = f.login(t, f.users[name].Username)
	}
}

// TestCaseLifeThroughTheAPI runs a case from the visit where it is heard to
// the ledger and back: visit with needs, the team lead's list, assignment to
// a volunteer who sees only that case and only what the task needs, the
// deadline passing and the escalation to the city's team, the volunteer's
// work, the follow-up, the ledger download and a reopening.
func TestCaseLifeThroughTheAPI(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		const cw, vol, city, leader = auth.RoleCaseworker, auth.RoleVolunteer, cityCaseworker, auth.RoleLeader
		f := newFixture(t, st, clock, cw, vol, city, leader)
		mother := f.relative[f.atA.ID]

		// The caseworker registers the volunteer with their account, and pairs them with 张伟's family.
		var volunteer struct {
			ID          int64
			PhoneMasked string `json:"phone_masked"`
			Username    string
		}
		f.send(t, cw, "POST", "/api/v1/volunteers", map[string]any{"name": "赵志愿", "phone": "+86 137 0000 1111", "region_code": "210902",
			"skills": []string{"shopping", "eldercare"}, "username": f.users[vol].Username}).want(t, http.StatusCreated).decode(t, &volunteer)
		if volunteer.PhoneMasked != "137****1111" || volunteer.Username != f.users[vol].Username {
			t.Fatalf("volunteer = %+v", volunteer)
		}
		f.send(t, cw, "POST", "/api/v1/pairings", map[string]any{"volunteer_id": volunteer.ID, "person_id": f.atA.ID, "starts_on": "2026-02-01"}).
			want(t, http.StatusCreated)

		// A home visit to 张伟 hears two needs, recorded in the same form.
		var visit struct {
			ID    int64
			Needs []needJSON
		}
		r := f.send(t, cw, "POST", "/api/v1/visits", map[string]any{"person_id": f.atA.ID, "target": "both", "channel": "home",
			"visited_at": clock.Now().Add(-2 * time.Hour), "notes": "夫妻均在一线，母亲独居",
			"needs": []map[string]any{
				{"category": "living", "kind": "meals", "urgency": "high", "description": "母亲独居，需要每日送餐", "family_member_id": mother.ID},
				{"category": "other", "kind": "legal", "urgency": "low", "description": "咨询工伤认定材料"},
			}}).want(t, http.StatusCreated)
		r.decode(t, &visit)
		if r.Header.Get("Location") != "/api/v1/visits/"+id(visit.ID) || len(visit.Needs) != 2 {
			t.Fatalf("visit answer: Location %q, %d needs: %s", r.Header.Get("Location"), len(visit.Needs), r.Body)
		}
		meals, legal := visit.Needs[0], visit.Needs[1]
		if meals.Source != "visit" || meals.VisitID == nil || *meals.VisitID != visit.ID || meals.Status != "open" ||
			meals.FamilyMemberID == nil || *meals.FamilyMemberID != mother.ID || !meals.DueAt.Equal(clock.Now().Add(24*time.Hour)) {
			t.Fatalf("need from the visit: %+v", meals)
		}
		// An urgent case of a colleague comes in by the hotline.
		var urgent needJSON
		f.send(t, cw, "POST", "/api/v1/needs", map[string]any{"person_id": f.atA2.ID, "category": "safety", "kind": "ppe", "urgency": "urgent",
			"description": "家属外出购物缺少口罩", "source": "hotline"}).want(t, http.StatusCreated).decode(t, &urgent)

		// The team lead's list: urgency first, then the deadline; by deadline on request.
		var list needListJSON
		list = needListJSON{}
		f.get(t, cw, "/api/v1/needs?status=open").want(t, http.StatusOK).decode(t, &list)
		if got := ids(list.Items); got != id(urgent.ID)+","+id(meals.ID)+","+id(legal.ID) || list.Total != 3 {
			t.Fatalf("open cases by urgency: %s (total %d)", got, list.Total)
		}
		list = needListJSON{}
		f.get(t, cw, "/api/v1/needs?status=open&sort=due_at&urgency=low").want(t, http.StatusOK).decode(t, &list)
		if ids(list.Items) != id(legal.ID) {
			t.Errorf("low urgency: %s", ids(list.Items))
		}

		// The paired volunteer is proposed first; the case goes to them.
		var proposals struct {
			Items []struct {
				ID     int64
				Paired bool
			}
		}
		f.get(t, cw, "/api/v1/needs/"+id(meals.ID)+"/volunteers").want(t, http.StatusOK).decode(t, &proposals)
		if len(proposals.Items) == 0 || proposals.Items[0].ID != volunteer.ID || !proposals.Items[0].Paired {
			t.Fatalf("proposals: %+v", proposals)
		}
		var assigned needJSON
		f.send(t, cw, "POST", "/api/v1/needs/"+id(meals.ID)+"/assign", map[string]any{"volunteer_id": volunteer.ID, "version": meals.Version,
			"note": "请每天中午送餐"}).want(t, http.StatusOK).decode(t, &assigned)
		if assigned.Status != "assigned" || assigned.Assignee == nil || assigned.Assignee.Kind != "volunteer" || assigned.Version != meals.Version+1 {
			t.Fatalf("after assign: %+v", assigned)
		}

		// The volunteer sees that case only, with the surname and, while it is active, the phone to call.
		list = needListJSON{}
		f.get(t, vol, "/api/v1/needs").want(t, http.StatusOK).decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != meals.ID {
			t.Fatalf("volunteer's list: %s", ids(list.Items))
		}
		seen := list.Items[0]
		if seen.PersonName != "张某" || seen.InstitutionName != "" || seen.ContactPhone != f.phone[f.atA.ID] ||
			strings.Contains(seen.FamilyMemberName, mother.Name[3:]) {
			t.Errorf("volunteer's view: name %q, institution %q, phone %q, relative %q", seen.PersonName, seen.InstitutionName, seen.ContactPhone, seen.FamilyMemberName)
		}
		f.get(t, vol, "/api/v1/needs/"+id(legal.ID)).want(t, http.StatusNotFound)
		list = needListJSON{}
		f.get(t, vol, "/api/v1/needs?assignee=me").want(t, http.StatusOK).decode(t, &list)
		if ids(list.Items) != id(meals.ID) {
			t.Errorf("assignee=me: %s", ids(list.Items))
		}
		var inbox inboxJSON
		inbox = inboxJSON{}
		f.get(t, vol, "/api/v1/inbox").want(t, http.StatusOK).decode(t, &inbox)
		if len(inbox.Items) != 1 || inbox.Items[0].Kind != "assigned" || *inbox.Items[0].NeedID != meals.ID || inbox.Unread != 1 ||
			inbox.Items[0].PersonName != "张某" {
			t.Errorf("volunteer's inbox: %+v (the person by surname only)", inbox)
		}
		// The case worker sees the masked phone, never the full one.
		var full needJSON
		f.get(t, cw, "/api/v1/needs/"+id(meals.ID)).want(t, http.StatusOK).decode(t, &full)
		if full.ContactPhone == f.phone[f.atA.ID] || !strings.Contains(full.ContactPhone, "****") || full.PersonName != "张伟" {
			t.Errorf("case worker's view: %q %q", full.PersonName, full.ContactPhone)
		}

		// The deadline passes; the scheduler escalates the case to the city's team.
		clock.Advance(25 * time.Hour)
		moved, err := st.EscalateOverdue(scheduler(), clock.Now())
		if err != nil || moved != 2 { // the meals case and the urgent one
			t.Fatalf("EscalateOverdue = %d, %v", moved, err)
		}
		if again, err := st.EscalateOverdue(scheduler(), clock.Now()); err != nil || again != 0 {
			t.Fatalf("a second run escalated %d more (%v)", again, err)
		}
		f.relogin(t, cw, vol, city, leader)
		var escalated needJSON
		f.get(t, cw, "/api/v1/needs/"+id(meals.ID)).want(t, http.StatusOK).decode(t, &escalated)
		if escalated.EscalationLevel != 1 || escalated.TeamRegionCode != "2109" || escalated.Overdue ||
			escalated.Events[len(escalated.Events)-1].Action != "escalated" {
			t.Fatalf("after escalation: level %d team %s overdue %v events %v", escalated.EscalationLevel, escalated.TeamRegionCode, escalated.Overdue, escalated.actions())
		}
		// The escalation event says so in structured fields, and in words in
		// the caller's language.
		ev := escalated.Events[len(escalated.Events)-1]
		if ev.EscalationLevel != 1 || ev.TeamRegionCode != "2109" || ev.Note != "逾期未办结，升级至辽宁省阜新市专班（第 1 级）" {
			t.Errorf("escalation event: %+v", ev)
		}
		var english needJSON
		f.do(t, call{Method: "GET", Path: "/api/v1/needs/" + id(meals.ID), Token: f.tokens[cw], Header: map[string]string{"Accept-Language": "en"}}).
			want(t, http.StatusOK).decode(t, &english)
		if ev := english.Events[len(english.Events)-1]; ev.Note != "Not resolved by the deadline: escalated to the team of 辽宁省阜新市 (level 1)" || ev.EscalationLevel != 1 {
			t.Errorf("escalation event in English: %+v", ev)
		}
		list = needListJSON{}
		f.get(t, city, "/api/v1/needs?team=2109&escalated=true").want(t, http.StatusOK).decode(t, &list)
		if !strings.Contains(","+ids(list.Items)+",", ","+id(meals.ID)+",") {
			t.Errorf("the city's escalated list lacks the case: %s", ids(list.Items))
		}
		inbox = inboxJSON{}
		f.get(t, city, "/api/v1/inbox?unread=true").want(t, http.StatusOK).decode(t, &inbox)
		var escalation int64
		for _, it := range inbox.Items {
			if it.Kind == "escalated" && it.NeedID != nil && *it.NeedID == meals.ID {
				escalation = it.ID
			}
		}
		if escalation == 0 {
			t.Fatalf("the city's case worker got no escalation notice: %+v", inbox)
		}
		var marked struct{ Marked, Unread int }
		f.send(t, city, "POST", "/api/v1/inbox/read", map[string]any{"ids": []int64{escalation}}).want(t, http.StatusOK).decode(t, &marked)
		if marked.Marked != 1 || marked.Unread != inbox.Unread-1 {
			t.Errorf("mark read: %+v (unread before %d)", marked, inbox.Unread)
		}

		// The volunteer starts and resolves; the recorder is told.
		var step needJSON
		step = needJSON{}
		f.send(t, vol, "POST", "/api/v1/needs/"+id(meals.ID)+"/start", nil).want(t, http.StatusOK).decode(t, &step)
		if step.Status != "in_progress" || step.ContactPhone != f.phone[f.atA.ID] {
			t.Fatalf("after start: %s, phone %q", step.Status, step.ContactPhone)
		}
		started := step.Version
		step = needJSON{}
		f.send(t, vol, "POST", "/api/v1/needs/"+id(meals.ID)+"/resolve", map[string]any{"resolution": "已安排社区食堂每日送餐", "version": started}).
			want(t, http.StatusOK).decode(t, &step)
		if step.Status != "resolved" || strings.Contains(step.ContactPhone, f.phone[f.atA.ID]) {
			t.Fatalf("after resolve: %s, phone %q (masked once the task is done)", step.Status, step.ContactPhone)
		}
		inbox = inboxJSON{}
		f.get(t, cw, "/api/v1/inbox").want(t, http.StatusOK).decode(t, &inbox)
		if len(inbox.Items) == 0 || inbox.Items[0].Kind != "resolved" || inbox.Items[0].PersonName != "张伟" {
			t.Errorf("the recorder's inbox: %+v (the person by name)", inbox)
		}
		// Closing is the case worker's, after the follow-up.
		f.send(t, vol, "POST", "/api/v1/needs/"+id(meals.ID)+"/close", map[string]any{"satisfaction": 4}).want(t, http.StatusForbidden)
		step = needJSON{}
		f.send(t, cw, "POST", "/api/v1/needs/"+id(meals.ID)+"/close", map[string]any{"satisfaction": 4, "note": "电话回访，家属满意"}).
			want(t, http.StatusOK).decode(t, &step)
		if step.Status != "closed" || step.Satisfaction == nil || *step.Satisfaction != 4 ||
			strings.Join(step.actions(), ",") != "created,assigned,escalated,started,resolved,closed" {
			t.Fatalf("after close: %s %v %v", step.Status, step.Satisfaction, step.actions())
		}

		// The ledger has the case as a Chinese ledger lists it.
		r = f.get(t, cw, "/api/v1/ledger.xlsx?region=210902").want(t, http.StatusOK)
		if ct := r.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Errorf("Content-Type %q", ct)
		}
		if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "210902") {
			t.Errorf("Content-Disposition %q", cd)
		}
		row := ledgerRow(t, r.Body, "母亲独居，需要每日送餐")
		for col, want := range map[string]string{"姓名": "张伟", "单位": f.instA.Name, "保障类别": "生活保障", "需求类型": "就餐", "紧急程度": "高",
			"责任人": "赵志愿", "状态": "已办结\n升级 1 级", "满意度": "4", "登记日期": "2026-03-01", "办结日期": "2026-03-02"} {
			if row[col] != want {
				t.Errorf("ledger %s = %q, want %q", col, row[col], want)
			}
		}
		// The relative (a father by his ID number, who lives with the person
		// and needs care) and every measure taken, dated.
		if fam := row["家庭情况"]; !strings.HasPrefix(fam, "父亲（") || !strings.Contains(fam, "岁，需照护，同住）；本需求涉及：父亲 家属") {
			t.Errorf("ledger 家庭情况 = %q", fam)
		}
		if m := row["采取措施"]; !strings.HasPrefix(m, "3月1日 分派给志愿者赵志愿") || !strings.Contains(m, "\n3月2日 办理完成：已安排社区食堂每日送餐") ||
			!strings.HasSuffix(m, "回访办结，满意度 4 分（电话回访，家属满意）") {
			t.Errorf("ledger 采取措施 = %q", m)
		}
		if strings.Contains(string(exportText(t, r)), f.phone[f.atA.ID]) || strings.Contains(exportText(t, r), f.idNumber[f.atA.ID]) {
			t.Error("the ledger holds a phone or an ID number")
		}
		// A leader's ledger of the same cases is the summary alone: no case, no name.
		text := exportText(t, f.get(t, leader, "/api/v1/ledger.xlsx").want(t, http.StatusOK))
		if !strings.Contains(text, "仅含汇总") || strings.Contains(text, "张") || strings.Contains(text, "赵志愿") || strings.Contains(text, "送餐") {
			t.Errorf("leader's ledger holds cases: %s", text)
		}
		if audit, err := st.ListAudit(testutil.System(), model.AuditFilter{Action: store.ActLedgerExport}); err != nil || audit.Total != 2 {
			t.Errorf("ledger exports audited: %d, %v", audit.Total, err)
		}

		// The dashboard's figures.
		type statsJSON struct {
			Total, Active, Overdue, Escalated, Resolved *int
			MedianResolveSeconds                        int64   `json:"median_resolve_seconds"`
			MeanSatisfaction                            float64 `json:"mean_satisfaction"`
			Visits                                      *struct{ People, Due, Overdue *int }
			Suppressed                                  bool
		}
		n := func(p *int) int {
			if p == nil {
				return -1 // null: suppressed
			}
			return *p
		}
		var stats statsJSON
		f.get(t, cw, "/api/v1/needs/stats").want(t, http.StatusOK).decode(t, &stats)
		if n(stats.Total) != 3 || n(stats.Active) != 2 || n(stats.Escalated) != 1 || n(stats.Resolved) != 1 || stats.MeanSatisfaction != 4 ||
			stats.MedianResolveSeconds != int64((25*time.Hour)/time.Second) || stats.Visits == nil || n(stats.Visits.People) <= 0 || stats.Suppressed {
			t.Errorf("stats: %+v", stats)
		}
		// The leader gets the same figures without the cells under 5 (null),
		// and the visit plan's totals without names.
		stats = statsJSON{}
		f.get(t, leader, "/api/v1/needs/stats").want(t, http.StatusOK).decode(t, &stats)
		if !stats.Suppressed || stats.Total != nil || stats.Escalated != nil || stats.MedianResolveSeconds != 0 || stats.MeanSatisfaction != 0 ||
			stats.Visits == nil {
			t.Errorf("leader's stats: %+v", stats)
		}

		// Reopened, the case is open again with the district team and a new deadline.
		step = needJSON{}
		f.send(t, cw, "POST", "/api/v1/needs/"+id(meals.ID)+"/reopen", nil).want(t, http.StatusOK).decode(t, &step)
		if step.Status != "open" || step.EscalationLevel != 0 || step.TeamRegionCode != "210902" || step.Assignee != nil ||
			!step.DueAt.Equal(clock.Now().Add(24*time.Hour)) || step.Satisfaction != nil {
			t.Errorf("after reopen: %+v", step)
		}
		f.get(t, vol, "/api/v1/needs/"+id(meals.ID)).want(t, http.StatusNotFound)
	})
}

// ids joins the ids of cases in order.
func ids(items []needJSON) string {
	var out []string
	for _, n := range items {
		out = append(out, id(n.ID))
	}
	return strings.Join(out, ",")
}

// ledgerRow finds the ledger row whose 需求内容 is need, as header → cell.
func ledgerRow(t *testing.T, body []byte, need string) map[string]string {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("ledger is not an .xlsx: %v", err)
	}
	defer x.Close()
	rows, err := x.GetRows(x.GetSheetList()[0])
	if err != nil || len(rows) < 4 {
		t.Fatalf("ledger rows: %v, %v", rows, err)
	}
	if !strings.HasSuffix(rows[0][0], "一线医务人员及家属需求困难台账") {
		t.Errorf("title %q", rows[0][0])
	}
	header := rows[2]
	for _, row := range rows[3:] {
		cells := map[string]string{}
		for i, h := range header {
			if i < len(row) {
				cells[h] = row[i]
			}
		}
		if cells["需求内容"] == need {
			return cells
		}
	}
	t.Fatalf("no ledger row for %q", need)
	return nil
}

// TestNeedBadInput checks each kind of bad request answers its status,
// names the field, and changes nothing.
func TestNeedBadInput(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		const cw = auth.RoleCaseworker
		f := newFixture(t, st, clock, cw, auth.RoleWorker)
		w := f.world(t)
		open := w.need[f.atA.ID]
		resolved := f.stepNeed(t, f.newNeed(t, f.atA.ID, model.CategoryLiving).ID, model.NeedResolved, &model.NeedAssign{VolunteerID: ptr(w.volunteer["210902"].ID)})
		valid := func(change map[string]any) map[string]any {
			b := map[string]any{"person_id": f.atA.ID, "category": "living", "kind": "meals", "urgency": "normal", "description": "需要送餐", "source": "hotline"}
			for k, v := range change {
				if v == nil {
					delete(b, k)
				} else {
					b[k] = v
				}
			}
			return b
		}
		before, _ := st.ListNeeds(testutil.System(), model.NeedFilter{})
		cases := []struct {
			name         string
			who          string
			method, path string
			body         any
			status       int
			field        string
		}{
			{"an unknown person", cw, "POST", "/api/v1/needs", valid(map[string]any{"person_id": 987654}), 404, ""},
			{"a person outside the district", cw, "POST", "/api/v1/needs", valid(map[string]any{"person_id": f.atB.ID}), 404, ""},
			{"another person's family member", cw, "POST", "/api/v1/needs", valid(map[string]any{"family_member_id": f.relative[f.atA2.ID].ID}), 400, "family_member_id"},
			{"a family member that does not exist", cw, "POST", "/api/v1/needs", valid(map[string]any{"family_member_id": 987654}), 400, "family_member_id"},
			{"a deadline in the past", cw, "POST", "/api/v1/needs", valid(map[string]any{"due_at": clock.Now().Add(-time.Minute)}), 400, "due_at"},
			{"a deadline later than the urgency allows", cw, "POST", "/api/v1/needs", valid(map[string]any{"due_at": clock.Now().Add(73 * time.Hour)}), 400, "due_at"},
			{"an unknown category", cw, "POST", "/api/v1/needs", valid(map[string]any{"category": "housing"}), 400, "category"},
			{"an unknown kind", cw, "POST", "/api/v1/needs", valid(map[string]any{"kind": "pets"}), 400, "kind"},
			{"no urgency", cw, "POST", "/api/v1/needs", valid(map[string]any{"urgency": nil}), 400, "urgency"},
			{"an oversized description", cw, "POST", "/api/v1/needs", valid(map[string]any{"description": strings.Repeat("难", 2001)}), 400, "description"},
			{"an empty description", cw, "POST", "/api/v1/needs", valid(map[string]any{"description": "  "}), 400, "description"},
			{"a kind of another category (心理保障 with 就餐)", cw, "POST", "/api/v1/needs", valid(map[string]any{"category": "psychological", "kind": "meals"}), 400, "kind"},
			{"a visit's need of a kind of another category", cw, "POST", "/api/v1/visits", map[string]any{"person_id": f.atA.ID, "channel": "home", "visited_at": clock.Now(),
				"needs": []map[string]any{{"category": "psychological", "kind": "meals", "urgency": "high", "description": "送餐"}}}, 400, "needs[0].kind"},
			{"a control character", cw, "POST", "/api/v1/needs", valid(map[string]any{"description": "a\x07b"}), 400, "description"},
			{"a body over 1 MiB", cw, "POST", "/api/v1/needs", valid(map[string]any{"description": strings.Repeat("x", 1<<20)}), 413, ""},
			{"an unknown field", cw, "POST", "/api/v1/needs", valid(map[string]any{"priority": 1}), 400, "priority"},
			{"a worker's need from the hotline", auth.RoleWorker, "POST", "/api/v1/needs", valid(map[string]any{"person_id": f.self.ID}), 400, "source"},
			{"a worker's need for a colleague", auth.RoleWorker, "POST", "/api/v1/needs", valid(map[string]any{"source": "self"}), 404, ""},

			{"closing an open case", cw, "POST", "/api/v1/needs/" + id(open) + "/close", map[string]int{"satisfaction": 4}, 409, ""},
			{"starting an open case", cw, "POST", "/api/v1/needs/" + id(open) + "/start", nil, 409, ""},
			{"assigning a resolved case", cw, "POST", "/api/v1/needs/" + id(resolved.ID) + "/assign", map[string]any{"volunteer_id": w.volunteer["210902"].ID}, 409, ""},
			{"a stale version", cw, "POST", "/api/v1/needs/" + id(open) + "/reject", map[string]any{"reason": "重复", "version": 99}, 409, ""},
			{"satisfaction 7", cw, "POST", "/api/v1/needs/" + id(resolved.ID) + "/close", map[string]int{"satisfaction": 7}, 400, "satisfaction"},
			{"satisfaction 0", cw, "POST", "/api/v1/needs/" + id(resolved.ID) + "/close", map[string]int{"satisfaction": 0}, 400, "satisfaction"},
			{"no satisfaction", cw, "POST", "/api/v1/needs/" + id(resolved.ID) + "/close", nil, 400, "satisfaction"},
			{"a rejection without reason", cw, "POST", "/api/v1/needs/" + id(open) + "/reject", map[string]string{}, 400, "reason"},
			{"both a user and a volunteer", cw, "POST", "/api/v1/needs/" + id(open) + "/assign", map[string]any{"user_id": f.users[cw].ID, "volunteer_id": w.volunteer["210902"].ID}, 400, "user_id"},
			{"nobody to assign", cw, "POST", "/api/v1/needs/" + id(open) + "/assign", map[string]any{}, 400, "user_id"},
			{"a volunteer of another district", cw, "POST", "/api/v1/needs/" + id(open) + "/assign", map[string]any{"volunteer_id": w.volunteer["210903"].ID}, 400, "volunteer_id"},
			{"an account that does not work cases", cw, "POST", "/api/v1/needs/" + id(open) + "/assign", map[string]any{"user_id": f.users[auth.RoleWorker].ID}, 400, "user_id"},
			{"a step on a case of another district", cw, "POST", "/api/v1/needs/" + id(w.need[f.atB.ID]) + "/reject", map[string]string{"reason": "x"}, 404, ""},
			{"a case id that is not a number", cw, "GET", "/api/v1/needs/abc", nil, 404, ""},

			{"an unknown status filter", cw, "GET", "/api/v1/needs?status=open,lost", nil, 400, ""},
			{"an unknown sort", cw, "GET", "/api/v1/needs?sort=name", nil, 400, ""},
			{"a sort by SQL", cw, "GET", "/api/v1/needs?sort=n.id%3BDROP%20TABLE%20needs", nil, 400, ""},
			{"an unknown order", cw, "GET", "/api/v1/needs?sort=due_at&order=up", nil, 400, ""},
			{"a search over 100 characters", cw, "GET", "/api/v1/needs?q=" + strings.Repeat("难", 101), nil, 400, ""},
			{"a malformed recording date", cw, "GET", "/api/v1/needs?created_from=yesterday", nil, 400, ""},
			{"recorded until before from", cw, "GET", "/api/v1/needs?created_from=2026-03-02&created_to=2026-03-01", nil, 400, ""},
			{"a malformed assignee", cw, "GET", "/api/v1/needs?assignee=user:x", nil, 400, ""},
			{"a malformed overdue", cw, "GET", "/api/v1/needs?overdue=perhaps", nil, 400, ""},
			{"a period ending before it starts", cw, "GET", "/api/v1/needs/stats?from=2026-03-02&to=2026-03-01", nil, 400, ""},

			{"a visit in the future", cw, "POST", "/api/v1/visits", map[string]any{"person_id": f.atA.ID, "channel": "phone", "visited_at": clock.Now().Add(time.Hour)}, 400, "visited_at"},
			{"a visit with a bad need", cw, "POST", "/api/v1/visits", map[string]any{"person_id": f.atA.ID, "channel": "home", "visited_at": clock.Now(),
				"needs": []map[string]any{{"category": "living", "kind": "meals", "urgency": "high", "description": "送餐"}, {"category": "x", "kind": "meals", "urgency": "high", "description": "y"}}}, 400, "needs[1].category"},
			{"a visit's need of another family", cw, "POST", "/api/v1/visits", map[string]any{"person_id": f.atA.ID, "channel": "home", "visited_at": clock.Now(),
				"needs": []map[string]any{{"category": "living", "kind": "meals", "urgency": "high", "description": "送餐", "family_member_id": f.relative[f.atA2.ID].ID}}}, 400, "needs[0].family_member_id"},
			{"an unknown channel", cw, "POST", "/api/v1/visits", map[string]any{"person_id": f.atA.ID, "channel": "letter", "visited_at": clock.Now()}, 400, "channel"},

			{"a pairing ending before it starts", cw, "POST", "/api/v1/pairings", map[string]any{"volunteer_id": w.volunteer["210902"].ID, "person_id": f.atA2.ID, "starts_on": "2026-03-01", "ends_on": "2026-02-01"}, 400, "ends_on"},
			{"an overlapping pairing", cw, "POST", "/api/v1/pairings", map[string]any{"volunteer_id": w.volunteer["210902"].ID, "person_id": f.atA.ID, "starts_on": "2026-03-01"}, 409, "starts_on"},
			{"a volunteer with a bad phone", cw, "POST", "/api/v1/volunteers", map[string]any{"name": "甲", "phone": "12345", "region_code": "210902"}, 400, "phone"},
			{"a volunteer with an unknown skill", cw, "POST", "/api/v1/volunteers", map[string]any{"name": "甲", "phone": "13700002222", "region_code": "210902", "skills": []string{"flying"}}, 400, "skills"},
			{"a volunteer account that is not a volunteer's", cw, "POST", "/api/v1/volunteers", map[string]any{"name": "甲", "phone": "13700002222", "region_code": "210902", "username": f.users[cw].Username}, 400, "username"},

			{"marking neither ids nor all", cw, "POST", "/api/v1/inbox/read", map[string]any{}, 400, "ids"},
			{"marking ids and all", cw, "POST", "/api/v1/inbox/read", map[string]any{"ids": []int{1}, "all": true}, 400, "ids"},

			{"a setting out of range", cw, "PUT", "/api/v1/settings?region=210902", map[string]any{"values": map[string]any{"need.deadline.urgent": 5, "visit.interval_days": 3}}, 400, "values.need.deadline.urgent"},
			{"an unknown setting", cw, "PUT", "/api/v1/settings?region=210902", map[string]any{"values": map[string]any{"need.deadline.yearly": 5}}, 400, "values.need.deadline.yearly"},
			{"a setting of the wrong type", cw, "PUT", "/api/v1/settings?region=210902", map[string]any{"values": map[string]any{"visit.interval_days": true}}, 400, "values.visit.interval_days"},
			{"no settings", cw, "PUT", "/api/v1/settings?region=210902", map[string]any{"values": map[string]any{}}, 400, "values"},
			{"settings without a region", cw, "PUT", "/api/v1/settings", map[string]any{"values": map[string]any{"visit.interval_days": 3}}, 400, ""},
			{"settings of another district", cw, "PUT", "/api/v1/settings?region=210903", map[string]any{"values": map[string]any{"visit.interval_days": 3}}, 404, ""},
			{"settings of an unknown region", cw, "GET", "/api/v1/settings?region=219999", nil, 404, ""},

			{"a ledger of another district", cw, "GET", "/api/v1/ledger.xlsx?region=210903", nil, 404, ""},
			{"a ledger of a region above one's own", cw, "GET", "/api/v1/ledger.xlsx?region=2109", nil, 404, ""},
			{"a ledger of an unknown region", cw, "GET", "/api/v1/ledger.xlsx?region=210999", nil, 400, "region"},
			{"a ledger with a malformed date", cw, "GET", "/api/v1/ledger.xlsx?from=yesterday", nil, 400, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				var r *response
				if c.body == nil && c.method != "GET" {
					r = f.do(t, call{Method: c.method, Path: c.path, Token: f.tokens[c.who]})
				} else if c.method == "GET" {
					r = f.get(t, c.who, c.path)
				} else {
					r = f.send(t, c.who, c.method, c.path, c.body)
				}
				r.want(t, c.status)
				e := r.apiError(t)
				if c.field != "" {
					if _, ok := e.Fields[c.field]; !ok {
						t.Errorf("error fields %v lack %q", e.Fields, c.field)
					}
				}
			})
		}
		after, _ := st.ListNeeds(testutil.System(), model.NeedFilter{})
		if after.Total != before.Total {
			t.Errorf("bad requests recorded %d cases", after.Total-before.Total)
		}
		if n, _ := st.GetNeed(testutil.System(), open); n.Status != model.NeedOpen || n.Version != 1 {
			t.Errorf("the open case changed: %s v%d", n.Status, n.Version)
		}
		if eff, _ := st.EffectiveSettings(testutil.System(), "210902"); eff[4].Value != "7" || !eff[4].Default {
			t.Errorf("a bad settings request changed a value: %+v", eff[4])
		}
		// An out-of-scope person answers exactly like a missing one.
		a := f.send(t, cw, "POST", "/api/v1/needs", valid(map[string]any{"person_id": f.atB.ID}))
		b := f.send(t, cw, "POST", "/api/v1/needs", valid(map[string]any{"person_id": 987654}))
		if !bytes.Equal(a.Body, b.Body) {
			t.Errorf("out of scope %s, missing %s", a.Body, b.Body)
		}
		c := f.get(t, cw, "/api/v1/needs/"+id(w.need[f.atB.ID]))
		d := f.get(t, cw, "/api/v1/needs/987654")
		if c.Status != 404 || !bytes.Equal(c.Body, d.Body) {
			t.Errorf("out of scope %d %s, missing %s", c.Status, c.Body, d.Body)
		}
	})
}

// TestConcurrentAssign: two team leads assign the same case at once with
// the version they read: one wins, the other gets 409, and the history
// holds exactly the winner's assignment.
func TestConcurrentAssign(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		const cw = auth.RoleCaseworker
		f := newFixture(t, st, clock, cw, cityCaseworker)
		w := f.world(t)
		v1, v2 := w.volunteer["210902"], f.newVolunteer(t, "210902", "")
		for round := 0; round < 5; round++ {
			n := f.newNeed(t, f.atA.ID, model.CategoryLiving)
			var wg sync.WaitGroup
			statuses := make([]int, 2)
			answers := make([]*response, 2)
			for i, who := range []string{cw, cityCaseworker} {
				vid := []int64{v1.ID, v2.ID}[i]
				wg.Add(1)
				go func() {
					defer wg.Done()
					answers[i] = f.send(t, who, "POST", "/api/v1/needs/"+id(n.ID)+"/assign", map[string]any{"volunteer_id": vid, "version": n.Version})
					statuses[i] = answers[i].Status
				}()
			}
			wg.Wait()
			winner := -1
			for i, s := range statuses {
				if s == http.StatusOK {
					winner = i
				} else if s != http.StatusConflict {
					t.Fatalf("round %d: status %d: %s", round, s, answers[i].Body)
				} else if e := answers[i].apiError(t); e.Code != "version_conflict" {
					t.Errorf("round %d: loser's code %q", round, e.Code)
				}
			}
			if winner < 0 || statuses[0] == statuses[1] {
				t.Fatalf("round %d: statuses %v, want one 200 and one 409", round, statuses)
			}
			got, err := st.GetNeed(testutil.System(), n.ID)
			if err != nil {
				t.Fatal(err)
			}
			var assignedEvents int
			for _, e := range got.Events {
				if e.Action == model.EventAssigned {
					assignedEvents++
				}
			}
			want := []int64{v1.ID, v2.ID}[winner]
			if got.Version != n.Version+1 || assignedEvents != 1 || got.Assignee == nil || *got.Assignee.VolunteerID != want {
				t.Errorf("round %d: version %d, %d assignments, assignee %+v; want the winner's volunteer %d", round, got.Version, assignedEvents, got.Assignee, want)
			}
		}
	})
}

// TestWhoSeesWhichCase checks the case lists of the roles that read cases.
func TestWhoSeesWhichCase(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		who := []string{auth.RoleCaseworker, auth.RoleInstitutionAdmin, auth.RoleCounselor, auth.RoleVolunteer, auth.RoleWorker, auth.RoleLeader}
		f := newFixture(t, st, clock, who...)
		w := f.world(t)
		living := f.newNeed(t, f.atA.ID, model.CategoryLiving).ID
		mine := f.newNeed(t, f.atA.ID, model.CategoryLiving).ID
		f.stepNeed(t, mine, model.NeedAssigned, &model.NeedAssign{UserID: ptr(f.users[auth.RoleCaseworker].ID)})
		all := map[string]int64{"atA psychological": w.need[f.atA.ID], "atA living": living, "atA mine": mine, "atA2": w.need[f.atA2.ID],
			"atB": w.need[f.atB.ID], "self": w.need[f.self.ID], "volunteer's": w.volNeed}
		cases := []struct {
			who, query string
			want       []string
		}{
			{auth.RoleCaseworker, "", []string{"atA psychological", "atA living", "atA mine", "atA2", "self", "volunteer's"}},
			{auth.RoleCaseworker, "?assignee=me", []string{"atA mine"}},
			{auth.RoleCaseworker, "?assignee=user:" + id(f.users[auth.RoleCaseworker].ID), []string{"atA mine"}},
			{auth.RoleCaseworker, "?assignee=volunteer:" + id(w.linked.ID), []string{"volunteer's"}},
			{auth.RoleCaseworker, "?assignee=none&person_id=" + id(f.atA.ID), []string{"atA psychological", "atA living"}},
			{auth.RoleCaseworker, "?institution=" + id(f.instA2.ID), []string{"atA2"}},
			{auth.RoleCaseworker, "?category=psychological", []string{"atA psychological", "atA2", "self"}},
			{auth.RoleCaseworker, "?status=assigned", []string{"atA mine", "volunteer's"}},
			{auth.RoleInstitutionAdmin, "", []string{"atA psychological", "atA living", "atA mine", "self", "volunteer's"}},
			{auth.RoleCounselor, "", []string{"atA psychological", "atA2", "self"}},
			{auth.RoleVolunteer, "", []string{"volunteer's"}},
			{auth.RoleWorker, "", []string{"self"}},
		}
		for _, c := range cases {
			var list needListJSON
			list = needListJSON{}
			f.get(t, c.who, "/api/v1/needs"+c.query).want(t, http.StatusOK).decode(t, &list)
			got := map[int64]bool{}
			for _, n := range list.Items {
				got[n.ID] = true
			}
			for name, nid := range all {
				if got[nid] != contains(c.want, name) {
					t.Errorf("%s %q: case %s listed %v", c.who, c.query, name, got[nid])
				}
			}
			if list.Total != len(list.Items) {
				t.Errorf("%s %q: total %d for %d items", c.who, c.query, list.Total, len(list.Items))
			}
		}
		f.get(t, auth.RoleLeader, "/api/v1/needs").want(t, http.StatusForbidden)
		f.get(t, auth.RoleCounselor, "/api/v1/needs/"+id(living)).want(t, http.StatusNotFound)
		// A counselor may work psychological cases assigned to them only.
		f.send(t, auth.RoleCounselor, "POST", "/api/v1/needs/"+id(f.stepNeed(t, f.newNeed(t, f.atA.ID, model.CategoryPsychological).ID, model.NeedAssigned,
			&model.NeedAssign{VolunteerID: ptr(w.volunteer["210902"].ID)}).ID)+"/start", nil).want(t, http.StatusForbidden)
		// The worker reports their own need and follows it.
		var own needJSON
		f.send(t, auth.RoleWorker, "POST", "/api/v1/needs", map[string]any{"person_id": f.self.ID, "category": "living", "kind": "childcare",
			"urgency": "high", "description": "孩子放学无人接", "source": "family"}).want(t, http.StatusCreated).decode(t, &own)
		f.get(t, auth.RoleWorker, "/api/v1/needs/"+id(own.ID)).want(t, http.StatusOK)
	})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestSettingsThroughTheAPI: a district's deadline applies to new cases at
// once; null gives the region its parent's value back.
func TestSettingsThroughTheAPI(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		const cw = auth.RoleCaseworker
		f := newFixture(t, st, clock, cw, cityCaseworker, auth.RoleLeader)
		type settings struct {
			RegionCode string `json:"region_code"`
			Effective  []struct {
				Name, Value string
				RegionCode  string `json:"region_code"`
				Default     bool
			}
			Settings []struct{ Name, Value, RegionCode string }
		}
		value := func(s settings, name string) (string, string) {
			for _, e := range s.Effective {
				if e.Name == name {
					return e.Value, e.RegionCode
				}
			}
			return "", ""
		}
		var s settings
		f.send(t, cityCaseworker, "PUT", "/api/v1/settings?region=2109", map[string]any{"values": map[string]any{"need.deadline.urgent": 180}}).want(t, http.StatusOK)
		s = settings{}
		f.send(t, cw, "PUT", "/api/v1/settings?region=210902", map[string]any{"values": map[string]any{"need.deadline.urgent": "120", "visit.interval_days": 5}}).
			want(t, http.StatusOK).decode(t, &s)
		if v, from := value(s, "need.deadline.urgent"); v != "120" || from != "210902" {
			t.Errorf("urgent deadline %s from %s", v, from)
		}
		var n needJSON
		f.send(t, cw, "POST", "/api/v1/needs", map[string]any{"person_id": f.atA.ID, "category": "safety", "kind": "ppe", "urgency": "urgent",
			"description": "缺少口罩", "source": "hotline"}).want(t, http.StatusCreated).decode(t, &n)
		if !n.DueAt.Equal(clock.Now().Add(2 * time.Hour)) {
			t.Errorf("deadline %v, want 2 hours from now", n.DueAt)
		}
		s = settings{}
		f.send(t, cw, "PUT", "/api/v1/settings?region=210902", map[string]any{"values": map[string]any{"need.deadline.urgent": nil}}).
			want(t, http.StatusOK).decode(t, &s)
		if v, from := value(s, "need.deadline.urgent"); v != "180" || from != "2109" {
			t.Errorf("after removing the district's value: %s from %s, want the city's", v, from)
		}
		// Anyone who works with the policy reads it; the caller's region by default.
		s = settings{}
		f.get(t, auth.RoleLeader, "/api/v1/settings").want(t, http.StatusOK).decode(t, &s)
		if s.RegionCode != "210902" {
			t.Errorf("default region %q", s.RegionCode)
		}
		if v, _ := value(s, "visit.interval_days"); v != "5" {
			t.Errorf("visit interval %s", v)
		}
		f.send(t, auth.RoleLeader, "PUT", "/api/v1/settings?region=210902", map[string]any{"values": map[string]any{"visit.interval_days": 4}}).want(t, http.StatusForbidden)
		if audit, _ := st.ListAudit(testutil.System(), model.AuditFilter{Action: store.ActSettingUpdate}); audit.Total != 3 {
			t.Errorf("setting changes audited: %d", audit.Total)
		}
	})
}

// TestWebhooksThroughTheAPI: the secret is shown once; deliveries of the
// events subscribed to are listed without names.
func TestWebhooksThroughTheAPI(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		const admin = auth.RoleSysadmin
		f := newFixture(t, st, clock, admin)
		var hook struct {
			ID      int64
			Secret  string
			Events  []string
			Version int64
		}
		f.send(t, admin, "POST", "/api/v1/webhooks", map[string]any{"url": "https://hooks.example.org/houdun", "events": []string{"need.created", "need.escalated"}}).
			want(t, http.StatusCreated).decode(t, &hook)
		if len(hook.Secret) < 16 || len(hook.Events) != 2 {
			t.Fatalf("created webhook: %+v", hook)
		}
		r := f.get(t, admin, "/api/v1/webhooks/"+id(hook.ID)).want(t, http.StatusOK)
		if strings.Contains(string(r.Body), hook.Secret) || strings.Contains(string(f.get(t, admin, "/api/v1/webhooks").Body), hook.Secret) {
			t.Error("the secret is shown again")
		}
		f.newNeed(t, f.atA.ID, model.CategoryLiving)
		if _, err := st.EnqueueDeliveries(testutil.System()); err != nil {
			t.Fatal(err)
		}
		var deliveries struct {
			Items []struct {
				Event   string
				Status  string
				Payload map[string]any
			}
			Total int
		}
		r = f.get(t, admin, "/api/v1/webhooks/"+id(hook.ID)+"/deliveries?status=pending").want(t, http.StatusOK)
		r.decode(t, &deliveries)
		if deliveries.Total != 1 || deliveries.Items[0].Event != "need.created" || deliveries.Items[0].Payload["need_id"] == nil {
			t.Errorf("deliveries: %s", r.Body)
		}
		if strings.Contains(string(r.Body), f.atA.Name) {
			t.Error("a delivery names the person")
		}
		f.send(t, admin, "PATCH", "/api/v1/webhooks/"+id(hook.ID), map[string]any{"url": "ftp://x", "version": hook.Version}).want(t, http.StatusBadRequest)
		f.send(t, admin, "PATCH", "/api/v1/webhooks/"+id(hook.ID), map[string]any{"active": false, "version": hook.Version + 5}).want(t, http.StatusConflict)
		f.get(t, admin, "/api/v1/webhooks/987654/deliveries").want(t, http.StatusNotFound)
		f.do(t, call{Method: "DELETE", Path: "/api/v1/webhooks/" + id(hook.ID) + "?version=" + id(hook.Version), Token: f.tokens[admin]}).want(t, http.StatusNoContent)
		f.get(t, admin, "/api/v1/webhooks/"+id(hook.ID)).want(t, http.StatusNotFound)
	})
}

// TestTheMailChannelIsHiddenFromTheWebhookAPI: the system's mail channel is
// not in the sysadmin's webhook list, and reading, changing, deleting it or
// its deliveries answers exactly as for a webhook that does not exist.
func TestTheMailChannelIsHiddenFromTheWebhookAPI(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		const admin = auth.RoleSysadmin
		f := newFixture(t, st, clock, admin)
		channel, err := st.EnsureMailChannel(testutil.System(), []string{model.OutboxNeedEscalated}, true)
		if err != nil {
			t.Fatal(err)
		}
		hook := f.world(t).webhook
		var list struct {
			Items []model.Webhook
			Total int
		}
		f.get(t, admin, "/api/v1/webhooks").want(t, http.StatusOK).decode(t, &list)
		if list.Total != 1 || len(list.Items) != 1 || list.Items[0].ID != hook.ID {
			t.Errorf("webhooks = %+v", list)
		}
		const missing = 987654
		for _, c := range []struct {
			method, suffix string
			body           any
		}{
			{"GET", "", nil},
			{"PATCH", "", map[string]any{"url": "https://hooks.example.org/stolen", "active": false}},
			{"DELETE", "", nil},
			{"GET", "/deliveries", nil},
		} {
			a := f.send(t, admin, c.method, "/api/v1/webhooks/"+id(channel.ID)+c.suffix, c.body)
			b := f.send(t, admin, c.method, "/api/v1/webhooks/"+id(missing)+c.suffix, c.body)
			if a.Status != http.StatusNotFound || a.Status != b.Status || !bytes.Equal(a.Body, b.Body) {
				t.Errorf("%s the channel%s: %d %s; a missing webhook: %d %s", c.method, c.suffix, a.Status, a.Body, b.Status, b.Body)
			}
		}
		after, err := st.EnsureMailChannel(testutil.System(), []string{model.OutboxNeedEscalated}, true)
		if err != nil || after.ID != channel.ID || after.Version != channel.Version || after.URL != store.MailChannelURL || !after.Active {
			t.Errorf("the channel after the calls: %+v, %v", after, err)
		}
	})
}

// TestVisitPlanThroughTheAPI: a visit moves the person off the overdue list.
func TestVisitPlanThroughTheAPI(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		const cw = auth.RoleCaseworker
		f := newFixture(t, st, clock, cw)
		clock.Advance(10 * 24 * time.Hour) // nobody has been visited since registration
		f.relogin(t, cw)
		type plan struct {
			Items []struct {
				PersonID     int64 `json:"person_id"`
				IntervalDays int   `json:"interval_days"`
				Care         bool
				Overdue      bool
			}
			Total, People, Due, Overdue int
			Institutions                []struct {
				InstitutionID int64 `json:"institution_id"`
				People        int
				Overdue       int
			}
		}
		var p plan
		p = plan{}
		f.get(t, cw, "/api/v1/visits/due?status=overdue").want(t, http.StatusOK).decode(t, &p)
		if p.People != 3 || p.Overdue != 3 || p.Total != 3 || len(p.Institutions) != 2 {
			t.Fatalf("plan: %+v", p)
		}
		if p.Items[0].IntervalDays != 3 || !p.Items[0].Care { // every fixture family has an elderly relative
			t.Errorf("interval %d care %v", p.Items[0].IntervalDays, p.Items[0].Care)
		}
		var v struct{ ID int64 }
		f.send(t, cw, "POST", "/api/v1/visits", map[string]any{"person_id": f.atA.ID, "channel": "video", "visited_at": clock.Now().Add(-time.Hour)}).
			want(t, http.StatusCreated).decode(t, &v)
		p = plan{}
		f.get(t, cw, "/api/v1/visits/due?status=overdue&institution="+id(f.instA.ID)).want(t, http.StatusOK).decode(t, &p)
		for _, it := range p.Items {
			if it.PersonID == f.atA.ID {
				t.Error("a person just visited is still overdue")
			}
		}
		var visits struct {
			Items []struct {
				ID      int64
				Channel string
			}
			Total int
		}
		f.get(t, cw, "/api/v1/visits?person_id="+id(f.atA.ID)+"&from=2026-03-11").want(t, http.StatusOK).decode(t, &visits)
		if visits.Total != 1 || visits.Items[0].ID != v.ID || visits.Items[0].Channel != "video" {
			t.Errorf("visits: %+v", visits)
		}
		f.get(t, cw, "/api/v1/visits/due?status=soon").want(t, http.StatusBadRequest)
	})
}

// TestProposedVolunteersCanBeAssigned: a volunteer registered at the city
// serves its districts, so a district's team lead sees them proposed and may
// assign them; one of another district may not be assigned.
func TestProposedVolunteersCanBeAssigned(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		const cw = auth.RoleCaseworker
		f := newFixture(t, st, clock, cw)
		cityVol, otherVol := f.newVolunteer(t, "2109", ""), f.newVolunteer(t, "210903", "")
		n := f.newNeed(t, f.atA.ID, model.CategoryPsychological)
		var proposals struct{ Items []struct{ ID int64 } }
		f.get(t, cw, "/api/v1/needs/"+id(n.ID)+"/volunteers").want(t, http.StatusOK).decode(t, &proposals)
		if len(proposals.Items) != 1 || proposals.Items[0].ID != cityVol.ID {
			t.Fatalf("proposals %+v, want the city's volunteer only", proposals.Items)
		}
		f.send(t, cw, "POST", "/api/v1/needs/"+id(n.ID)+"/assign", map[string]any{"volunteer_id": otherVol.ID}).want(t, http.StatusBadRequest)
		f.send(t, cw, "POST", "/api/v1/needs/"+id(n.ID)+"/assign", map[string]any{"volunteer_id": cityVol.ID}).want(t, http.StatusOK)
	})
}

// TestSettingsMethods: the settings path has GET and PUT; another method
// answers 405 naming both.
func TestSettingsMethods(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		f := newFixture(t, st, clock, auth.RoleCaseworker)
		r := f.do(t, call{Method: "DELETE", Path: "/api/v1/settings?region=210902", Token: f.tokens[auth.RoleCaseworker]}).want(t, http.StatusMethodNotAllowed)
		if allow := r.Header.Get("Allow"); allow != "GET, PUT" {
			t.Errorf("Allow: %q", allow)
		}
	})
}
