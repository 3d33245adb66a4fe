package e2e

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/testutil"
)

// TestAPhoneCheckInWithFeverReachesTheTeamLeader: 张伟, deployed with the
// aid team 李娜 leads, checks in on his phone (390 px) with a fever; the one
// screen fits the phone and its controls are big enough to tap; 李娜 finds
// the fever in her inbox and opens her team's check-ins from it.
func TestAPhoneCheckInWithFeverReachesTheTeamLeader(t *testing.T) {
	a := newNeedsApp(t)
	sys := testutil.System()
	day, to := model.ChinaDay(a.clock.Now()), model.ChinaDay(a.clock.Now().AddDate(0, 0, 10))
	li := a.people[1]
	b, err := a.st.CreateBatch(sys, model.BatchInput{Name: ptr("第七批援鄂医疗队"), Destination: ptr("武汉"), RegionCode: ptr("2109"),
		LeaderPersonID: &li.ID, DepartsOn: &day, ReturnsOn: &to})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.CreateDeployment(sys, model.DeploymentInput{PersonID: &a.zhang.ID, BatchID: &b.ID, StartsOn: day, EndsOn: to}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.CreateUser(sys, model.UserInput{Username: ptr("li.leader"), Role: ptr(auth.RoleWorker), PersonID: &li.ID, Password: ptr(password)}); err != nil {
		t.Fatal(err)
	}

	ctx := browseFor(t, 390, 844, 120*time.Second)
	do(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	a.loginAs(t, ctx, "/checkin", "zhang.worker")
	wantContains(t, text(t, ctx, "main"), "第七批援鄂医疗队")
	// Every control of the form can be tapped: at least 44 px high.
	small, err := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelectorAll("form.checkin-form input[type=number], form.checkin-form .chip, form.checkin-form .mood, form.checkin-form button.primary")]
		.filter(e => e.getBoundingClientRect().height < 44).length`))
	if err != nil || small != 0 {
		t.Errorf("%d controls are smaller than a finger (%v)", small, err)
	}
	do(t, ctx, "check in with a fever",
		chromedp.SendKeys(chromedp.ID("f-temperature"), "38.1"),
		chromedp.Click(chromedp.CSS(`label.chip:has(input[value="cough"])`)),
		chromedp.SendKeys(chromedp.ID("f-sleep_hours"), "4.5"),
		chromedp.Click(chromedp.CSS(`label.mood.m-2`)),
		submit(chromedp.CSS(`form.checkin-form button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	wantContains(t, text(t, ctx, ".notice"), "今日打卡已提交")
	wantContains(t, text(t, ctx, ".notice-inline"), "体温偏高")
	wantContains(t, text(t, ctx, "section.recent-checkins"), "38.1 ℃")
	if w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || w > 390+4 {
		t.Errorf("the check-in page overflows the phone: %d px (%v)", w, err)
	}
	screenshot(t, ctx, "/tmp/houdun-checkin-phone.png")
	logout(t, ctx)

	// 李娜, the team leader, on her phone.
	a.loginAs(t, ctx, "/inbox", "li.leader")
	wantContains(t, text(t, ctx, "ul.inbox-list"), "发热")
	do(t, ctx, "open the alert",
		submit(chromedp.CSS(`ul.inbox-list a[href="/checkins?fever=true"]`)),
		chromedp.WaitVisible(chromedp.CSS("table.checkins")),
	)
	row := text(t, ctx, "table.checkins tbody tr")
	wantContains(t, row, "张伟")
	wantContains(t, row, "38.1 ℃")
	wantContains(t, row, "咳嗽")
	if w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || w > 390+4 {
		t.Errorf("the team's check-ins overflow the phone: %d px (%v)", w, err)
	}
}
