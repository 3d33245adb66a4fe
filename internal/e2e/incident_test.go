package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"houdun/internal/model"
)

// TestAWorkerReportsDiscriminationOnAPhoneAndTheTeamHandlesIt: 张伟 reports
// on his phone that the landlord wants his mother out; the case worker finds
// the report in the team's list with its reporter, records the call back to
// him and concludes it with criticism and education; on his phone 张伟 then
// sees the outcome and its note, and none of the team's notes.
func TestAWorkerReportsDiscriminationOnAPhoneAndTheTeamHandlesIt(t *testing.T) {
	a := newNeedsApp(t)
	ctx := browseFor(t, 390, 844, 2*time.Minute)
	do(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	overflow := func(what string) {
		t.Helper()
		if w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || w > 390+4 {
			t.Errorf("%s overflows the phone: %d px (%v)", what, w, err)
		}
	}
	a.loginAs(t, ctx, "/me/incidents", "zhang.worker")
	overflow("my reports")
	do(t, ctx, "open the report form",
		submit(`//main//a[contains(., "报告歧视事件")]`),
		chromedp.WaitVisible(chromedp.ID("f-description")),
	)
	overflow("the report form")
	day := a.clock.Now().Add(-24 * time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	do(t, ctx, "report the landlord",
		chromedp.SetValue(chromedp.ID("f-family_member_id"), strconv.FormatInt(a.mother.ID, 10)),
		chromedp.SetValue(chromedp.ID("f-occurred_on"), day),
		chromedp.SendKeys(chromedp.ID("f-place"), "海州区阳光花园 3 号楼"),
		chromedp.SetValue(chromedp.ID("f-party_kind_0"), model.PartyLandlord),
		chromedp.SendKeys(chromedp.ID("f-party_name_0"), "房东孙某"),
		chromedp.SendKeys(chromedp.ID("f-description"), "房东听说我在发热门诊上班，要求母亲一周内搬走"),
		submit(chromedp.CSS(`form.incident-form button.primary`)),
		chromedp.WaitVisible(`//p[@class="notice"]`),
	)
	wantContains(t, text(t, ctx, "p.notice"), "已收到您的报告")
	card := text(t, ctx, "ul.case-cards")
	for _, want := range []string{"房东", "房东孙某", "待处理", "搬走"} {
		wantContains(t, card, want)
	}
	overflow("my reports with one")
	do(t, ctx, "log out", submit(chromedp.CSS(`form[action="/logout"] button`)))

	// The team, at a desk.
	do(t, ctx, "desk viewport", chromedp.EmulateViewport(1280, 900))
	a.loginAs(t, ctx, "/incidents", "wang.caseworker")
	list := text(t, ctx, "table.incidents")
	for _, want := range []string{"张伟", "赵秀兰", "医务人员本人", "房东"} {
		wantContains(t, list, want)
	}
	do(t, ctx, "open the incident",
		submit(`//table[contains(@class, "incidents")]//a[starts-with(., "#")]`),
		chromedp.WaitVisible(chromedp.ID("act-step")),
	)
	wantContains(t, text(t, ctx, "section.reporter"), "13912345678")
	do(t, ctx, "record the call back",
		chromedp.SetValue(chromedp.ID("f-step-kind"), model.StepContactReporter),
		chromedp.SendKeys(chromedp.ID("f-step-note"), "电话联系张伟，约定明天上门"),
		submit(chromedp.CSS(`#act-step button.primary`)),
		chromedp.WaitVisible(`//p[@class="notice"]`),
	)
	do(t, ctx, "conclude",
		chromedp.Click(chromedp.ID("f-outcome-"+model.OutcomeEducation)),
		chromedp.SendKeys(chromedp.ID("f-outcome-note"), "社区约谈房东，房东已道歉并同意续租"),
		submit(chromedp.CSS(`#act-outcome button.primary`)),
		chromedp.WaitVisible(chromedp.ID("act-reopen")),
	)
	head := text(t, ctx, ".case-head")
	wantContains(t, head, "已办结")
	wantContains(t, head, "批评教育")
	wantContains(t, text(t, ctx, "#history"), "电话联系张伟")
	do(t, ctx, "log out", submit(chromedp.CSS(`form[action="/logout"] button`)))

	// 张伟 follows it on his phone.
	do(t, ctx, "phone viewport again", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	a.loginAs(t, ctx, "/me/incidents", "zhang.worker")
	card = text(t, ctx, "ul.case-cards")
	for _, want := range []string{"已办结", "批评教育", "房东已道歉"} {
		wantContains(t, card, want)
	}
	if strings.Contains(text(t, ctx, "main"), "约定明天上门") {
		t.Error("the worker sees the team's notes")
	}
	overflow("my concluded report")
	screenshot(t, ctx, "/tmp/houdun-incident-phone.png")
}
