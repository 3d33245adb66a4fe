package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"houdun/internal/auth"
	"houdun/internal/config"
	"houdun/internal/ident"
	"houdun/internal/model"
	"houdun/internal/server"
	"houdun/internal/store"
	"houdun/internal/testutil"
)

// needsApp is the real handler stack on a fresh store whose clock the
// test moves: a hospital in Haizhou (210902), three frontline people (张伟
// with his mother, who needs care), a case worker, a volunteer with an
// account paired with 张伟's family, and 张伟's own worker account.
type needsApp struct {
	app
	clock     *testutil.Clock
	people    []model.Person
	mother    model.FamilyMember
	volunteer model.Volunteer
}

func newNeedsApp(t *testing.T) *needsApp {
	return newNeedsAppOn(t, store.SQLite)
}

// newNeedsAppOn builds the needs app on the given engine.
func newNeedsAppOn(t *testing.T, engine store.Engine) *needsApp {
	t.Helper()
	clock := testutil.NewClock(time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC)) // 09:00 in China
	st := testutil.NewStore(t, engine, clock.Now)
	srv := httptest.NewServer(server.New(config.Default(), st, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	a := &needsApp{app: app{url: srv.URL, st: st}, clock: clock}
	ctx := testutil.System()
	name, typ, region := "阜新市中心医院", model.InstHospital, "210902"
	var err error
	if a.inst, err = st.CreateInstitution(ctx, model.InstitutionInput{Name: &name, Type: &typ, RegionCode: &region}); err != nil {
		t.Fatal(err)
	}
	for i, p := range []struct{ name, dept, occ string }{
		{"张伟", "呼吸与危重症医学科", model.OccDoctor}, {"李娜", "重症医学科", model.OccNurse}, {"王芳", "感染科", model.OccNurse},
	} {
		idn := ident.MakeIDNumber("210902", time.Date(1985+i, 4, 12, 0, 0, 0, 0, time.UTC), 100+i)
		phone, front := fmt.Sprintf("1391234%04d", 5678+i), true
		created, err := st.CreatePerson(ctx, model.PersonInput{Name: &p.name, IDNumber: &idn, Phone: &phone, InstitutionID: &a.inst.ID,
			Department: &p.dept, Occupation: &p.occ, Frontline: &front})
		if err != nil {
			t.Fatal(err)
		}
		a.people = append(a.people, created)
	}
	a.zhang = a.people[0]
	mother, rel, born, lives, care := "赵秀兰", model.RelParent, "1948-05-03", true, []string{model.CareElderly}
	if a.mother, err = st.CreateFamilyMember(ctx, a.zhang.ID, model.FamilyMemberInput{Name: &mother, Relation: &rel, BirthDate: &born, LivesWith: &lives, CareNeeds: &care}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []model.UserInput{
		{Username: ptr("wang.caseworker"), DisplayName: ptr("王专员"), Role: ptr(auth.RoleCaseworker), RegionCode: ptr("210902")},
		{Username: ptr("liu.volunteer"), DisplayName: ptr("刘洋"), Role: ptr(auth.RoleVolunteer), RegionCode: ptr("210902")},
		{Username: ptr("zhang.worker"), Role: ptr(auth.RoleWorker), PersonID: &a.zhang.ID},
	} {
		u.Password = ptr(password)
		if _, err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	vname, vphone, skills := "刘洋", "13800001234", []string{model.SkillEldercare, model.SkillShopping, model.SkillDriving}
	if a.volunteer, err = st.CreateVolunteer(ctx, model.VolunteerInput{Name: &vname, Phone: &vphone, RegionCode: &region, Skills: &skills, Username: ptr("liu.volunteer")}); err != nil {
		t.Fatal(err)
	}
	start := "2026-02-20"
	if _, err := st.CreatePairing(ctx, model.PairingInput{VolunteerID: &a.volunteer.ID, PersonID: &a.zhang.ID, StartsOn: &start}); err != nil {
		t.Fatal(err)
	}
	other, oskills := "陈静", []string{model.SkillChildcare, model.SkillTutoring}
	if _, err := st.CreateVolunteer(ctx, model.VolunteerInput{Name: &other, Phone: ptr("13800005678"), RegionCode: &region, Skills: &oskills}); err != nil {
		t.Fatal(err)
	}
	return a
}

func ptr[T any](v T) *T { return &v }

// seedCase records a case as the system, so that lists look like a working day.
func (a *needsApp) seedCase(t *testing.T, person model.Person, category, kind, urgency, description string) model.Need {
	t.Helper()
	n, err := a.st.CreateNeed(testutil.System(), model.NeedInput{PersonID: person.ID, Category: category, Kind: kind, Urgency: urgency,
		Description: description, Source: model.SourceHotline})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// browseFor starts a headless Chromium as browse does, with a time limit of
// its own for the longer tests of the needs ledger.
func browseFor(t *testing.T, width, height int, limit time.Duration) context.Context {
	t.Helper()
	exec := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exec), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "zh-CN"), chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(width, height),
	)
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	return bctx
}

// loginAs opens path, is sent to the login form and logs in as username.
func (a *needsApp) loginAs(t *testing.T, ctx context.Context, path, username string) {
	t.Helper()
	do(t, ctx, "log in as "+username,
		chromedp.Navigate(a.url+path),
		chromedp.WaitVisible(chromedp.ID("f-username")),
		chromedp.SendKeys(chromedp.ID("f-username"), username),
		chromedp.SendKeys(chromedp.ID("f-password"), password),
		submit(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("header .who")),
	)
}

// logout presses the header's logout button.
func logout(t *testing.T, ctx context.Context) {
	t.Helper()
	do(t, ctx, "log out",
		submit(chromedp.CSS(`form[action="/logout"] button`)),
		chromedp.WaitVisible(chromedp.ID("f-username")),
	)
}

func (a *needsApp) caseURL(id int64) string { return a.url + "/needs/" + strconv.FormatInt(id, 10) }

// TestTheWholeLifeOfACaseInTheBrowser runs a case from the visit where it is
// heard to the ledger that reports it, on every engine of the test run.
func TestTheWholeLifeOfACaseInTheBrowser(t *testing.T) {
	chromium(t)
	for _, engine := range testutil.Engines() {
		t.Run(string(engine), func(t *testing.T) { wholeLifeOfACase(t, newNeedsAppOn(t, engine)) })
	}
}

func wholeLifeOfACase(t *testing.T, a *needsApp) {
	ctx := browseFor(t, 1280, 900, 90*time.Second)

	// A working day: other cases of the district, one already escalated once.
	ppe := a.seedCase(t, a.people[2], model.CategorySafety, model.KindPPE, model.UrgencyUrgent, "发热门诊 N95 口罩只够两天，家中也缺消毒用品")
	a.seedCase(t, a.people[1], model.CategoryHumanistic, model.KindChildcare, model.UrgencyNormal, "夫妻均在重症病房值班，8 岁女儿放学后无人照看")
	a.seedCase(t, a.people[1], model.CategoryPsychological, model.KindCounselling, model.UrgencyLow, "连续夜班后失眠，希望预约心理疏导")
	a.clock.Advance(5 * time.Hour)
	if _, err := a.st.EscalateOverdue(testutil.System(), a.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.AssignNeed(testutil.System(), ppe.ID, model.NeedAssign{VolunteerID: &a.volunteer.ID}); err != nil {
		t.Fatal(err)
	}

	// 1. The case worker records a home visit to 张伟 with one need heard.
	zhang := "/people/" + strconv.FormatInt(a.zhang.ID, 10)
	a.loginAs(t, ctx, zhang, "wang.caseworker")
	do(t, ctx, "open the visit form",
		submit(`//a[contains(., "记录走访")]`),
		chromedp.WaitVisible(chromedp.ID("f-channel")),
		chromedp.SetValue(chromedp.ID("f-channel"), "home"),
		chromedp.Click(chromedp.ID("f-target-both")),
		chromedp.SendKeys(chromedp.ID("f-notes"), "入户走访。张医生在发热门诊连续值班，母亲独居在家。"),
		chromedp.SetValue(chromedp.ID("f-needs-0-family_member_id"), strconv.FormatInt(a.mother.ID, 10)),
		chromedp.SetValue(chromedp.ID("f-needs-0-category"), model.CategoryLiving),
		chromedp.SetValue(chromedp.ID("f-needs-0-kind"), model.KindEldercare),
		chromedp.SetValue(chromedp.ID("f-needs-0-urgency"), model.UrgencyUrgent),
		chromedp.SendKeys(chromedp.ID("f-needs-0-description"), "母亲 78 岁，行动不便，需要每日送餐并陪同复诊"),
		submit(chromedp.CSS(`form.visit-form .actions button.primary`)),
		chromedp.WaitVisible(`//p[@class="notice"]`),
	)
	wantContains(t, text(t, ctx, "p.notice"), "走访记录已保存")
	wantContains(t, text(t, ctx, "#casework"), "老人照护")

	// 2. The case page; the paired volunteer is proposed first.
	do(t, ctx, "open the case",
		submit(`//section[@id="casework"]//a[contains(., "老人照护")]`),
		chromedp.WaitVisible(chromedp.ID("f-assign-assignee")),
	)
	caseURL, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	id, _ := strconv.ParseInt(caseURL[strings.LastIndex(caseURL, "/")+1:], 10, 64)
	first, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => { const g = document.querySelector("#f-assign-assignee optgroup");
		return [g.label, g.querySelector("option").textContent, g.querySelector("option").value]; })()`))
	if err != nil {
		t.Fatal(err)
	}
	if first[0] != "结对志愿者" || !strings.HasPrefix(first[1], "刘洋") {
		t.Errorf("first proposal %q", first)
	}
	do(t, ctx, "assign to the volunteer",
		chromedp.SetValue(chromedp.ID("f-assign-assignee"), first[2]),
		chromedp.SendKeys(chromedp.ID("f-assign-note"), "请今天下午联系家属"),
		submit(chromedp.CSS(`#act-assign button[type=submit]`)),
		chromedp.WaitVisible(`//p[@class="notice"]`),
	)
	wantContains(t, text(t, ctx, "dl.facts"), "刘洋")

	// 3. The deadline (4 h for urgent) passes; the list marks the overdue cases.
	a.clock.Advance(4*time.Hour + 30*time.Minute)
	a.loginAs(t, ctx, "/needs", "wang.caseworker")
	wantContains(t, text(t, ctx, "table.cases tbody"), "逾期 30 分钟")
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("table.cases tr.is-overdue").length`)); err != nil || n != 2 {
		t.Errorf("%d overdue rows (%v), want 2", n, err)
	}
	screenshot(t, ctx, "/tmp/houdun-needs-list.png")

	// 4. The scheduler's escalation: the case goes up to the city's team.
	if moved, err := a.st.EscalateOverdue(testutil.System(), a.clock.Now()); err != nil || moved != 2 {
		t.Fatalf("escalated %d (%v), want 2", moved, err)
	}
	do(t, ctx, "reload the case", chromedp.Navigate(a.caseURL(id)), chromedp.WaitVisible(chromedp.CSS("p.case-tags")))
	wantContains(t, text(t, ctx, "p.case-tags"), "升级 1 级")
	wantContains(t, text(t, ctx, "dl.facts"), "辽宁省阜新市")
	logout(t, ctx)

	// 5. The volunteer sees the case with the surname only, starts and resolves it.
	a.loginAs(t, ctx, "/needs", "liu.volunteer")
	list := text(t, ctx, "table.cases tbody")
	wantContains(t, list, "张某")
	if strings.Contains(list, "张伟") || strings.Contains(list, "李娜") {
		t.Errorf("the volunteer's list shows too much: %q", list)
	}
	do(t, ctx, "start and resolve",
		chromedp.Navigate(a.caseURL(id)),
		chromedp.WaitVisible(chromedp.CSS(`#act-start button`)),
		submit(chromedp.CSS(`#act-start button`)),
		chromedp.WaitVisible(chromedp.ID("f-resolve-resolution")),
		chromedp.SendKeys(chromedp.ID("f-resolve-resolution"), "已联系社区食堂每日 11 点送餐上门；周四陪同老人到医院复诊。"),
		submit(chromedp.CSS(`#act-resolve button`)),
		chromedp.WaitVisible(`//p[@class="notice"]`),
	)
	wantContains(t, text(t, ctx, "p.case-tags"), "已解决")
	logout(t, ctx)

	// 6. The case worker closes it after the follow-up call.
	a.loginAs(t, ctx, "/needs/"+strconv.FormatInt(id, 10), "wang.caseworker")
	do(t, ctx, "close with satisfaction 5",
		chromedp.WaitVisible(chromedp.ID("act-close")),
		chromedp.Click(chromedp.CSS(`label[for="f-close-satisfaction-5"]`)),
		chromedp.SendKeys(chromedp.ID("f-close-note"), "电话回访，张医生表示很满意"),
		submit(chromedp.CSS(`#act-close button[type=submit]`)),
		chromedp.WaitVisible(`//p[@class="notice"]`),
	)
	wantContains(t, text(t, ctx, "p.case-tags"), "已办结")
	history := text(t, ctx, "ol.timeline")
	for _, step := range []string{"登记", "分派", "逾期升级", "开始处理", "办理完成", "回访办结", "刘洋", "满意度：5 / 5 分", "电话回访，张医生表示很满意"} {
		wantContains(t, history, step)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("ol.timeline > li").length`)); err != nil || n != 6 {
		t.Errorf("%d history entries (%v), want 6", n, err)
	}
	screenshot(t, ctx, "/tmp/houdun-needs-case.png")

	do(t, ctx, "open the dashboard", chromedp.Navigate(a.url+"/dashboard"), chromedp.WaitVisible(chromedp.CSS("svg.chart")))
	wantContains(t, text(t, ctx, "dl.stat-tiles"), "需求总数")
	screenshot(t, ctx, "/tmp/houdun-needs-dashboard.png")

	// 7. The ledger, downloaded from the dashboard's link with the page's session.
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(async () => {
		const r = await fetch(document.querySelector("section.ledger a[download]").href);
		const b = new Uint8Array(await r.arrayBuffer());
		let s = ""; for (const x of b) s += String.fromCharCode(x);
		return [String(r.status), r.headers.get("content-type"), btoa(s)]; })()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != "200" || !strings.Contains(got[1], "spreadsheetml") {
		t.Fatalf("ledger download: status %s, type %s", got[0], got[1])
	}
	raw, err := base64.StdEncoding.DecodeString(got[2])
	if err != nil {
		t.Fatal(err)
	}
	book, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	rows, err := book.GetRows(book.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	var line string
	for _, r := range rows {
		if joined := strings.Join(r, "|"); strings.Contains(joined, "母亲 78 岁") {
			line = joined
		}
	}
	for _, want := range []string{"张伟", "阜新市中心医院", "老人照护", "已办结", "刘洋"} {
		wantContains(t, line, want)
	}
}

func TestAWorkerReportsANeedFromAPhone(t *testing.T) {
	a := newNeedsApp(t)
	ctx := browseFor(t, 375, 740, 90*time.Second)
	do(t, ctx, "phone viewport", chromedp.EmulateViewport(375, 740, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	a.loginAs(t, ctx, "/me/needs", "zhang.worker")
	overflow := func(what string) {
		t.Helper()
		if w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || w > 375+4 {
			t.Errorf("%s overflows the phone: %d px (%v)", what, w, err)
		}
	}
	overflow("the list of my needs")
	do(t, ctx, "open the report form",
		submit(`//main//a[contains(., "反映需求")]`),
		chromedp.WaitVisible(chromedp.ID("f-description")),
	)
	overflow("the report form")
	do(t, ctx, "report a need of the family",
		chromedp.Click(chromedp.ID("f-source-family")),
		chromedp.SetValue(chromedp.ID("f-family_member_id"), strconv.FormatInt(a.mother.ID, 10)),
		chromedp.SetValue(chromedp.ID("f-category"), model.CategoryLiving),
		chromedp.SetValue(chromedp.ID("f-kind"), model.KindSupplies),
		chromedp.SetValue(chromedp.ID("f-urgency"), model.UrgencyHigh),
		chromedp.SendKeys(chromedp.ID("f-description"), "母亲家中米面和常用药快用完了，我在医院封闭值班无法回家"),
		submit(chromedp.CSS(`form.need-form button.primary`)),
		chromedp.WaitVisible(`//p[@class="notice"]`),
	)
	wantContains(t, text(t, ctx, "p.notice"), "已提交")
	card := text(t, ctx, "ul.case-cards")
	for _, want := range []string{"生活物资", "赵秀兰", "待处理", "米面"} {
		wantContains(t, card, want)
	}
	overflow("the list with a case")
	screenshot(t, ctx, "/tmp/houdun-needs-phone.png")
}
