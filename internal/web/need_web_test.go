package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// ledgerSite is the shared site with what the needs ledger's pages need on
// top: a worker account for 张伟, a volunteer with an account, and a finance
// account that sees no case counts.
type ledgerSite struct {
	*site
	volunteer model.Volunteer
}

func newLedgerSite(t *testing.T, st *store.Store, clock *testutil.Clock) *ledgerSite {
	t.Helper()
	s := &ledgerSite{site: newSite(t, st, clock)}
	ctx := testutil.System()
	s.userWith(model.UserInput{Role: ptr(auth.RoleWorker), PersonID: &s.zhang.ID}, "worker_zhang")
	s.user("vol_liu", auth.RoleVolunteer, "210902")
	s.user("finance_fx", auth.RoleFinance, "2109")
	name, phone, region, user := "刘洋", "13800001234", "210902", "vol_liu"
	skills := []string{model.SkillEldercare, model.SkillShopping}
	var err error
	if s.volunteer, err = st.CreateVolunteer(ctx, model.VolunteerInput{Name: &name, Phone: &phone, RegionCode: &region, Skills: &skills, Username: &user}); err != nil {
		t.Fatal(err)
	}
	return s
}

func ptr[T any](v T) *T { return &v }

func (s *ledgerSite) userWith(in model.UserInput, name string) {
	s.t.Helper()
	pw := password
	in.Username, in.Password = &name, &pw
	if _, err := s.st.CreateUser(testutil.System(), in); err != nil {
		s.t.Fatal(err)
	}
}

// newCase records a case as the system, for the tests' setup.
func (s *ledgerSite) newCase(person int64, kind, description string) model.Need {
	s.t.Helper()
	n, err := s.st.CreateNeed(testutil.System(), model.NeedInput{PersonID: person, Category: model.CategoryLiving, Kind: kind,
		Urgency: model.UrgencyHigh, Description: description, Source: model.SourceHotline})
	if err != nil {
		s.t.Fatal(err)
	}
	return n
}

func caseURL(id int64) string { return "/needs/" + strconv.FormatInt(id, 10) }

var anyFieldError = regexp.MustCompile(`<p class="error" id="f-([a-z0-9_-]+)-error">([^<]*)</p>`)

// fieldErrors maps the ids of a page's fields to their messages.
func fieldErrors(body string) map[string]string {
	out := map[string]string{}
	for _, m := range anyFieldError.FindAllStringSubmatch(body, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	return out
}

func TestNewCaseFormShowsTheMessagesBesideTheFieldsAndKeepsTheText(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newLedgerSite(t, st, clock)
		cw := s.as("cw_haizhou")
		person := strconv.FormatInt(s.zhang.ID, 10)
		r := cw.get("/needs/new?person_id=" + person)
		if r.status != http.StatusOK {
			t.Fatalf("new case form: %d", r.status)
		}
		contains(t, r, "为 张伟 登记需求", `name="person_id" value="`+person+`"`, "保障类别", "生活保障", "老人照护")

		past := clock.Now().Add(-time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
		r = cw.postForm("/needs", url.Values{"person_id": {person}, "category": {""}, "kind": {"eldercare"}, "urgency": {"high"},
			"source": {"visit"}, "description": {"母亲独居，需要每日送餐"}, "due_at": {past}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("a case without category: %d, want 422", r.status)
		}
		errs := fieldErrors(r.body)
		if errs["category"] != "必填" {
			t.Errorf("category error %q (all: %v)", errs["category"], errs)
		}
		contains(t, r, "母亲独居，需要每日送餐", `<option value="eldercare" data-categories="living humanistic other" selected>`, "输入有误")
		if list, _ := st.ListNeeds(testutil.System(), model.NeedFilter{PersonID: s.zhang.ID}); list.Total != 0 {
			t.Errorf("a refused form wrote %d cases", list.Total)
		}

		// With the category, the store still refuses a deadline in the past.
		r = cw.postForm("/needs", url.Values{"person_id": {person}, "category": {"living"}, "kind": {"eldercare"}, "urgency": {"high"},
			"source": {"visit"}, "description": {"母亲独居"}, "due_at": {past}})
		if r.status != http.StatusUnprocessableEntity || fieldErrors(r.body)["due_at"] != "办理期限不能早于现在" {
			t.Errorf("a past deadline: %d %v", r.status, fieldErrors(r.body))
		}

		r = cw.postForm("/needs", url.Values{"person_id": {person}, "category": {"living"}, "kind": {"eldercare"}, "urgency": {"high"},
			"source": {"visit"}, "description": {"母亲独居"}})
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/needs/") {
			t.Fatalf("a good case: %d to %q", r.status, r.location)
		}
		page := cw.get(r.location)
		contains(t, page, "需求已登记", "母亲独居", "张伟", "待处理", "高", "分派", "驳回")
	})
}

func TestAVisitWithTwoNeedsRecordsBothInOneGo(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newLedgerSite(t, st, clock)
		cw := s.as("cw_haizhou")
		person := strconv.FormatInt(s.zhang.ID, 10)
		r := cw.get("/visits/new?person_id=" + person)
		contains(t, r, `name="blocks" value="1"`, `name="needs[0].category"`, "再添加一条需求")
		lacks(t, r, `name="needs[1].category"`)
		// The need block may stay empty: its fields carry no "required" star,
		// the block says what a recorded need must have.
		if _, block, ok := strings.Cut(r.body, `class="need-block"`); !ok || strings.Contains(strings.SplitN(block, "</fieldset>", 2)[0], `class="req"`) {
			t.Errorf("the optional need block marks fields required (or is missing)")
		}
		contains(t, r, "可不填：不填则只记录走访")

		when := clock.Now().Add(-2 * time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
		form := url.Values{"person_id": {person}, "channel": {"home"}, "target": {"both"}, "visited_at": {when}, "notes": {"入户走访，家中老人身体尚可"},
			"blocks": {"1"}, "needs[0].category": {"living"}, "needs[0].kind": {"meals"}, "needs[0].urgency": {"normal"},
			"needs[0].description": {"老人需要送餐"}}
		// "Add another need" shows the form again with a second block and
		// the first one as typed; nothing is saved yet.
		add := url.Values{}
		for k, v := range form {
			add[k] = v
		}
		add.Set("add", "need")
		r = cw.postForm("/visits", add)
		if r.status != http.StatusOK {
			t.Fatalf("add a block: %d", r.status)
		}
		contains(t, r, `name="blocks" value="2"`, `name="needs[1].description"`, "老人需要送餐", "入户走访，家中老人身体尚可")
		if list, _ := st.ListVisits(testutil.System(), model.VisitFilter{PersonID: s.zhang.ID}); list.Total != 0 {
			t.Fatal("adding a block saved the visit")
		}

		// A wrong second block: the first is kept, the error is beside the second.
		form.Set("blocks", "3")
		form.Set("needs[1].kind", "childcare")
		form.Set("needs[1].urgency", "normal")
		form.Set("needs[1].description", "孩子放学无人接")
		bad := cw.postForm("/visits", form)
		if bad.status != http.StatusUnprocessableEntity {
			t.Fatalf("a block without category: %d", bad.status)
		}
		if errs := fieldErrors(bad.body); errs["needs-1-category"] != "必填" || len(errs) != 1 {
			t.Errorf("errors %v, want the second block's category only", errs)
		}
		contains(t, bad, "老人需要送餐", "孩子放学无人接")

		form.Set("needs[1].category", "humanistic")
		r = cw.postForm("/visits", form)
		if r.status != http.StatusSeeOther || r.location != "/people/"+person+"?msg=visit_saved#casework" {
			t.Fatalf("save the visit: %d to %q\n%v", r.status, r.location, fieldErrors(r.body))
		}
		list, err := st.ListNeeds(testutil.System(), model.NeedFilter{PersonID: s.zhang.ID})
		if err != nil || list.Total != 2 {
			t.Fatalf("%d cases recorded (%v), want 2; the third, empty block is left out", list.Total, err)
		}
		for _, n := range list.Items {
			if n.Source != model.SourceVisit || n.VisitID == nil {
				t.Errorf("case %d: source %s visit %v", n.ID, n.Source, n.VisitID)
			}
		}
		page := cw.get(r.location)
		contains(t, page, "走访记录已保存", "上次走访", "入户", "就餐", "子女照护")
	})
}

func TestAStepTheCaseNoLongerAllowsShowsWhyAndKeepsTheText(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newLedgerSite(t, st, clock)
		n := s.newCase(s.zhang.ID, model.KindSupplies, "家中缺少口罩和消毒液")
		cw := s.as("cw_haizhou")
		version := strconv.FormatInt(n.Version, 10)

		// Closing an open case: the page says why, and the typed note is kept.
		r := cw.postForm(caseURL(n.ID)+"/close", url.Values{"version": {version}, "satisfaction": {"5"}, "note": {"回访时本人表示满意"}})
		if r.status != http.StatusConflict {
			t.Fatalf("closing an open case: %d, want 409", r.status)
		}
		contains(t, r, "需求当前为“待处理”，不能回访办结", "回访时本人表示满意", "未保存")

		// A stale version: the message, and the reason typed into the form.
		if _, err := st.AssignNeed(testutil.System(), n.ID, model.NeedAssign{VolunteerID: &s.volunteer.ID}); err != nil {
			t.Fatal(err)
		}
		r = cw.postForm(caseURL(n.ID)+"/reject", url.Values{"version": {version}, "reason": {"已由单位解决"}})
		if r.status != http.StatusConflict {
			t.Fatalf("a stale version: %d, want 409", r.status)
		}
		contains(t, r, "该记录已被他人修改", ">已由单位解决</textarea>", `name="version" value="`+strconv.FormatInt(n.Version+1, 10)+`"`)

		// A missing resolution is a field error beside its field.
		r = cw.postForm(caseURL(n.ID)+"/resolve", url.Values{"version": {strconv.FormatInt(n.Version+1, 10)}, "resolution": {"  "}})
		if r.status != http.StatusUnprocessableEntity || fieldErrors(r.body)["resolve-resolution"] != "必填" {
			t.Errorf("resolve without text: %d %v", r.status, fieldErrors(r.body))
		}
		// And GET never changes anything.
		if r := cw.get(caseURL(n.ID) + "/start"); r.status != http.StatusNotFound && r.status != http.StatusMethodNotAllowed {
			t.Errorf("GET on a step: %d", r.status)
		}
	})
}

func TestAVolunteerSeesOnlyTheirOwnCaseWithMinimalData(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newLedgerSite(t, st, clock)
		mine := s.newCase(s.zhang.ID, model.KindSupplies, "代购一周的生活物资")
		other := s.newCase(s.zhang.ID, model.KindTransport, "夜班后需要接送")

		// The case worker assigns through the page; the paired volunteer is
		// offered in the select.
		cw := s.as("cw_haizhou")
		page := cw.get(caseURL(mine.ID))
		contains(t, page, `value="v:`+strconv.FormatInt(s.volunteer.ID, 10)+`"`, "刘洋")
		r := cw.postForm(caseURL(mine.ID)+"/assign", url.Values{"version": {strconv.FormatInt(mine.Version, 10)},
			"assignee": {"v:" + strconv.FormatInt(s.volunteer.ID, 10)}, "note": {"请今天联系"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("assign: %d %v", r.status, fieldErrors(r.body))
		}

		vol := s.as("vol_liu")
		list := vol.get("/needs")
		if list.status != http.StatusOK {
			t.Fatalf("volunteer list: %d", list.status)
		}
		contains(t, list, "分派给我的需求", "#"+strconv.FormatInt(mine.ID, 10), "张某", "开始处理")
		lacks(t, list, "#"+strconv.FormatInt(other.ID, 10)+" ", "张伟", "阜新市中心医院", "夜班后需要接送")
		// The header shows the assignment in the inbox.
		contains(t, list, `<span class="badge">1<`)

		if r := vol.get(caseURL(other.ID)); r.status != http.StatusNotFound {
			t.Errorf("another case: %d, want 404", r.status)
		}
		detail := vol.get(caseURL(mine.ID))
		contains(t, detail, "张某", "13912345678", "开始处理", "办理完成")
		lacks(t, detail, "张伟", `action="/needs/`+strconv.FormatInt(mine.ID, 10)+`/assign"`, `/reject"`, `href="/people/`)

		r = vol.postForm(caseURL(mine.ID)+"/start", url.Values{"version": {strconv.FormatInt(mine.Version+1, 10)}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("start: %d", r.status)
		}
		r = vol.postForm(caseURL(mine.ID)+"/resolve", url.Values{"version": {strconv.FormatInt(mine.Version+2, 10)}, "resolution": {"已送达"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("resolve: %d %v", r.status, fieldErrors(r.body))
		}
		// A volunteer may not take the other case's steps, whatever they post.
		if r := vol.postForm(caseURL(other.ID)+"/start", url.Values{"version": {"1"}}); r.status != http.StatusNotFound {
			t.Errorf("start another case: %d, want 404", r.status)
		}
		inbox := vol.get("/inbox")
		// The entry names its case and its person as the volunteer sees them: the surname.
		contains(t, inbox, "有需求分派给您", "全部标为已读", `<span class="case-no">#`+strconv.FormatInt(mine.ID, 10)+`</span>`, `<span class="inbox-person">张某</span>`)
		lacks(t, inbox, "张伟")
		if r := vol.postForm("/inbox/read", nil); r.status != http.StatusSeeOther {
			t.Errorf("mark all read: %d", r.status)
		}
		lacks(t, vol.get("/inbox"), `<span class="badge">`)
	})
}

func TestCasesOutsideTheScopeAre404AndFunctionsOutsideTheRoleAre403(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newLedgerSite(t, st, clock)
		far := s.newCase(s.li.ID, model.KindMeals, "新邱区的需求")
		cw := s.as("cw_haizhou")
		li := strconv.FormatInt(s.li.ID, 10)
		for _, path := range []string{caseURL(far.ID), "/needs/999999", "/needs/new?person_id=" + li, "/visits/new?person_id=" + li, "/volunteers/999999"} {
			if r := cw.get(path); r.status != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", path, r.status)
			} else {
				lacks(t, r, "新邱区的需求", "李娜")
			}
		}
		for path, form := range map[string]url.Values{
			caseURL(far.ID) + "/start":  {"version": {"1"}},
			caseURL(far.ID) + "/assign": {"version": {"1"}, "assignee": {"v:" + strconv.FormatInt(s.volunteer.ID, 10)}},
			"/needs":                    {"person_id": {li}, "category": {"living"}, "kind": {"meals"}, "urgency": {"low"}, "source": {"visit"}, "description": {"x"}},
			"/visits":                   {"person_id": {li}, "channel": {"phone"}, "blocks": {"0"}},
			caseURL(far.ID) + "/fly":    {"version": {"1"}},
		} {
			if r := cw.postForm(path, form); r.status != http.StatusNotFound {
				t.Errorf("POST %s: %d, want 404", path, r.status)
			}
		}
		if list := cw.get("/needs?status=all"); strings.Contains(list.body, "新邱区的需求") {
			t.Error("the list shows a case of another district")
		}

		leader := s.as("leader_fx")
		for _, path := range []string{"/needs", caseURL(far.ID), "/visits/due", "/volunteers"} {
			if r := leader.get(path); r.status != http.StatusForbidden {
				t.Errorf("leader GET %s: %d, want 403", path, r.status)
			}
		}
		if r := s.as("finance_fx").get("/dashboard"); r.status != http.StatusForbidden {
			t.Errorf("finance dashboard: %d, want 403", r.status)
		}
		worker := s.as("worker_zhang")
		for _, path := range []string{"/volunteers", "/visits/due", "/dashboard", "/needs/new?person_id=" + strconv.FormatInt(s.zhang.ID, 10)} {
			if r := worker.get(path); r.status != http.StatusForbidden {
				t.Errorf("worker GET %s: %d, want 403", path, r.status)
			}
		}
		if r := s.as("vol_liu").get("/dashboard"); r.status != http.StatusForbidden {
			t.Errorf("a volunteer's dashboard: %d, want 403", r.status)
		}
		if r := s.as("cw_haizhou").get("/me/needs"); r.status != http.StatusForbidden {
			t.Errorf("a case worker's /me/needs: %d, want 403", r.status)
		}
	})
}

func TestAWorkerReportsANeedAndFollowsIt(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newLedgerSite(t, st, clock)
		w := s.as("worker_zhang")
		if r := w.get("/needs"); r.status != http.StatusSeeOther || r.location != "/me/needs" {
			t.Errorf("a worker's /needs: %d to %q", r.status, r.location)
		}
		contains(t, w.get("/me/needs/new"), "反映需求", "本人反映", "家属反映")
		r := w.postForm("/me/needs", url.Values{"source": {"hotline"}, "category": {"safety"}, "kind": {"ppe"}, "urgency": {"high"}, "description": {"科室口罩不够"}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("a worker's report from the hotline: %d", r.status)
		}
		contains(t, r, "科室口罩不够")
		r = w.postForm("/me/needs", url.Values{"source": {"self"}, "category": {"safety"}, "kind": {"ppe"}, "urgency": {"high"}, "description": {"科室口罩不够"}})
		if r.status != http.StatusSeeOther || r.location != "/me/needs?msg=need_reported" {
			t.Fatalf("report: %d to %q %v", r.status, r.location, fieldErrors(r.body))
		}
		mine := w.get(r.location)
		contains(t, mine, "您反映的需求已提交", "防护用品", "科室口罩不够", `aria-current="step"`, "待处理")
	})
}

func TestDashboardCountsAndTheLedgerLink(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newLedgerSite(t, st, clock)
		for i := range 3 {
			s.newCase(s.zhang.ID, model.KindMeals, "送餐 "+strconv.Itoa(i))
		}
		clock.Advance(25 * time.Hour) // past the 24 h of urgency high
		cw := s.as("cw_haizhou")
		r := cw.get("/dashboard")
		if r.status != http.StatusOK {
			t.Fatalf("dashboard: %d", r.status)
		}
		contains(t, r, `<svg class="chart"`, `role="img"`, "生活保障: 3", "/api/v1/ledger.xlsx?region=210902", "逾期最久的需求", "走访情况")
		leader := s.as("leader_fx")
		r = leader.get("/dashboard?from=2026-01-01&to=2026-12-31")
		if r.status != http.StatusOK {
			t.Fatalf("leader dashboard: %d", r.status)
		}
		contains(t, r, "生活保障: *", "少于 5 件", "from=2026-01-01")
		lacks(t, r, "张伟", "送餐", "逾期最久的需求")
		if r := leader.get("/dashboard?from=yesterday"); r.status != http.StatusUnprocessableEntity {
			t.Errorf("a bad date: %d", r.status)
		}
	})
}

// escalate moves the clock past a case's deadline and runs the escalation
// as the scheduler would.
func escalate(t *testing.T, st *store.Store, clock *testutil.Clock, d time.Duration) {
	t.Helper()
	clock.Advance(d)
	if _, err := st.EscalateOverdue(context.Background(), clock.Now()); err == nil {
		t.Fatal("escalation without a principal was allowed")
	}
	if _, err := st.EscalateOverdue(testutil.System(), clock.Now()); err != nil {
		t.Fatal(err)
	}
}

func TestAnOverdueCaseShowsHowLateAndItsEscalation(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newLedgerSite(t, st, clock)
		n := s.newCase(s.zhang.ID, model.KindMeals, "夜班期间孩子无人做饭")
		clock.Advance(26 * time.Hour) // past the 24 h of urgency high
		cw := s.as("cw_haizhou")
		list := cw.get("/needs?overdue=1")
		contains(t, list, `class="is-overdue"`, "逾期 2 小时", "夜班期间孩子无人做饭")
		// Escalation hands the case to the city's team with a new deadline.
		escalate(t, st, clock, time.Minute)
		page := cw.get(caseURL(n.ID))
		contains(t, page, "升级 1 级", "辽宁省阜新市", "逾期升级", "剩余 1 天")
		// The history says it in words, in the reader's language, never the machine note.
		contains(t, page, `<p class="ev-detail">逾期未办结，升级至辽宁省阜新市专班（第 1 级）</p>`)
		lacks(t, page, "level=")
		cw.header.Set("Accept-Language", "en")
		en := cw.get(caseURL(n.ID))
		contains(t, en, "Not resolved by the deadline: escalated to the team of 辽宁省阜新市 (level 1)")
		lacks(t, en, "level=")
		cw.header.Del("Accept-Language")
		lacks(t, cw.get("/needs?overdue=1"), "夜班期间孩子无人做饭")
		contains(t, cw.get("/needs"), "升级 1 级")
		// The dashboard counts it as a missed deadline, and its link lists it.
		s.user("cw_city", auth.RoleCaseworker, "2109")
		city := s.as("cw_city")
		dash := city.get("/dashboard")
		contains(t, dash, `href="/needs?missed=1"`)
		contains(t, city.get("/needs?missed=1"), "夜班期间孩子无人做饭", `id="f-missed" name="missed" value="1" checked`)
	})
}

func TestVolunteersAreRegisteredPairedAndUnpairedThroughForms(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newLedgerSite(t, st, clock)
		cw := s.as("cw_haizhou")
		form := url.Values{"name": {"孙丽"}, "phone": {"12345"}, "region_code": {"210902"}, "skills": {"childcare", "tutoring"}, "available": {"1"}, "active": {"1"}}
		r := cw.postForm("/volunteers", form)
		if r.status != http.StatusUnprocessableEntity || fieldErrors(r.body)["phone"] == "" {
			t.Fatalf("a bad phone: %d %v", r.status, fieldErrors(r.body))
		}
		contains(t, r, `value="孙丽"`, `id="f-skill-tutoring" name="skills" value="tutoring" checked`)
		form.Set("phone", "13700001111")
		r = cw.postForm("/volunteers", form)
		if r.status != http.StatusSeeOther {
			t.Fatalf("register: %d %v", r.status, fieldErrors(r.body))
		}
		show := r.location[:strings.Index(r.location, "?")]
		contains(t, cw.get("/volunteers"), "孙丽", "137****1111", "看护儿童", "刘洋")

		// Find 张伟 by name and pair; 李娜 of another district is not found.
		found := cw.get(show + "?q=" + url.QueryEscape("张"))
		contains(t, found, `name="person_id" value="`+strconv.FormatInt(s.zhang.ID, 10)+`"`, "张伟")
		lacks(t, cw.get(show+"?q="+url.QueryEscape("李")), "李娜")
		today := clock.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
		r = cw.postForm(show+"/pairings", url.Values{"person_id": {strconv.FormatInt(s.zhang.ID, 10)}, "starts_on": {"2026-02-01"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("pair: %d %v", r.status, fieldErrors(r.body))
		}
		r = cw.postForm(show+"/pairings", url.Values{"person_id": {strconv.FormatInt(s.li.ID, 10)}, "starts_on": {today}})
		if r.status != http.StatusUnprocessableEntity || fieldErrors(r.body)["person_id"] != "找不到该人员，或不在您的管辖范围内" {
			t.Errorf("pairing with a person of another district: %d %v", r.status, fieldErrors(r.body))
		}
		page := cw.get(show)
		contains(t, page, "结对中", "结束结对")
		pairings, err := st.ListPairings(testutil.System(), model.PairingFilter{PersonID: s.zhang.ID})
		if err != nil || pairings.Total != 1 {
			t.Fatalf("pairings %d %v", pairings.Total, err)
		}
		r = cw.postForm("/pairings/"+strconv.FormatInt(pairings.Items[0].ID, 10)+"/end", url.Values{"version": {strconv.FormatInt(pairings.Items[0].Version, 10)}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("end: %d", r.status)
		}
		page = cw.get(r.location)
		contains(t, page, "已结束", "结对已结束")
		lacks(t, page, "结束结对<")

		// Editing keeps the phone unless a new one is typed.
		edit := cw.get(show + "/edit")
		contains(t, edit, `placeholder="137****1111"`, `name="version" value="`)
	})
}

// assignSelect reads the assign form's select: each optgroup's label with
// the texts of its options.
func assignSelect(t *testing.T, body string) [][]string {
	t.Helper()
	start := strings.Index(body, `<select id="f-assign-assignee"`)
	if start < 0 {
		t.Fatal("the page has no assign select")
	}
	sel := body[start : start+strings.Index(body[start:], "</select>")]
	var out [][]string
	for _, g := range regexp.MustCompile(`(?s)<optgroup label="([^"]*)">(.*?)</optgroup>`).FindAllStringSubmatch(sel, -1) {
		group := []string{html.UnescapeString(g[1])}
		for _, o := range regexp.MustCompile(`<option value="[uv]:\d+"[^>]*>([^<]*)</option>`).FindAllStringSubmatch(g[2], -1) {
			group = append(group, html.UnescapeString(o[1]))
		}
		out = append(out, group)
	}
	return out
}

// TestTheAssignSelectOffersPairedVolunteersStaffAndOtherVolunteers: a case
// worker (who cannot list accounts) is offered the volunteer paired with the
// family, the district's staff whose scope reaches the case (themself named
// as such), then the other volunteers; a volunteer's account is offered only
// as the volunteer, disabled accounts and other districts' staff not at all.
func TestTheAssignSelectOffersPairedVolunteersStaffAndOtherVolunteers(t *testing.T) {
	t.Parallel()
	testutil.ForEachEngine(t, func(t *testing.T, st *store.Store, clock *testutil.Clock) {
		s := newLedgerSite(t, st, clock)
		ctx := testutil.System()
		s.userWith(model.UserInput{Role: ptr(auth.RoleCaseworker), RegionCode: ptr("210902"), DisplayName: ptr("孙专员")}, "cw_sun")
		s.user("cw_xinqiu", auth.RoleCaseworker, "210903")
		s.userWith(model.UserInput{Role: ptr(auth.RoleCaseworker), RegionCode: ptr("210902"), DisplayName: ptr("停用专员")}, "cw_gone")
		gone, err := st.ListUsers(ctx, model.UserFilter{Q: "cw_gone"})
		if err != nil || len(gone.Items) != 1 {
			t.Fatalf("cw_gone: %v", err)
		}
		if _, err := st.UpdateUser(ctx, gone.Items[0].ID, model.UserInput{Disabled: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		zhou, err := st.CreateVolunteer(ctx, model.VolunteerInput{Name: ptr("周全"), Phone: ptr("13700005555"), RegionCode: ptr("210902"),
			Skills: ptr([]string{model.SkillDriving})})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreatePairing(ctx, model.PairingInput{VolunteerID: &zhou.ID, PersonID: &s.zhang.ID, StartsOn: ptr("2026-01-01")}); err != nil {
			t.Fatal(err)
		}
		n := s.newCase(s.zhang.ID, model.KindSupplies, "代购一周的生活物资")

		got := assignSelect(t, s.as("cw_haizhou").get(caseURL(n.ID)).body)
		want := [][]string{
			{"结对志愿者", "周全 · 驾车接送"},
			{"工作人员", "我自己（cw_haizhou）", "孙专员 · 专班工作人员"},
			{"其他志愿者", "刘洋 · 代购物资"},
		}
		if len(got) != len(want) {
			t.Fatalf("select = %q, want %q", got, want)
		}
		for i := range want {
			if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
				t.Errorf("group %d = %q, want %q", i, got[i], want[i])
			}
		}

		// Assigned to 孙专员, the select starts from them.
		r := s.as("cw_haizhou").get(caseURL(n.ID))
		sun := regexp.MustCompile(`<option value="(u:\d+)"[^>]*>孙专员`).FindStringSubmatch(r.body)
		if sun == nil {
			t.Fatal("孙专员 is not offered")
		}
		if res := s.as("cw_haizhou").postForm(caseURL(n.ID)+"/assign", url.Values{"version": {strconv.FormatInt(n.Version, 10)},
			"assignee": {sun[1]}}); res.status != http.StatusSeeOther {
			t.Fatalf("assign to 孙专员: %d %v", res.status, fieldErrors(res.body))
		}
		contains(t, s.as("cw_haizhou").get(caseURL(n.ID)), `<option value="`+sun[1]+`" selected>孙专员`)
	})
}
