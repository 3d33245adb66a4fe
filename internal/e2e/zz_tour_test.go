package e2e

import (
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"houdun/internal/model"
	"houdun/internal/testutil"
)

func TestZZTour(t *testing.T) {
	a := newNeedsApp(t)
	ctx := browseFor(t, 1280, 900, 90*time.Second)
	n := a.seedCase(t, a.people[1], model.CategoryHumanistic, model.KindChildcare, model.UrgencyNormal, "夫妻均在重症病房值班，8 岁女儿放学后无人照看")
	a.st.AssignNeed(testutil.System(), n.ID, model.NeedAssign{VolunteerID: &a.volunteer.ID})
	a.clock.Advance(8 * 24 * time.Hour)
	zhang := "/people/" + strconv.FormatInt(a.zhang.ID, 10)
	a.loginAs(t, ctx, "/visits/new?person_id="+strconv.FormatInt(a.zhang.ID, 10), "wang.caseworker")
	do(t, ctx, "add", chromedp.SendKeys(chromedp.ID("f-needs-0-description"), "x"), chromedp.Click(chromedp.CSS(`button.add-need`)), chromedp.WaitVisible(chromedp.ID("f-needs-1-category")),
		chromedp.Click(chromedp.CSS(`form.visit-form .actions button.primary`)), chromedp.WaitVisible(chromedp.CSS(".problem")))
	screenshot(t, ctx, "/tmp/tour-visit-form.png")
	do(t, ctx, "p", chromedp.Navigate(a.url+zhang), chromedp.WaitVisible(chromedp.ID("casework")))
	screenshot(t, ctx, "/tmp/tour-person.png")
	do(t, ctx, "d", chromedp.Navigate(a.url+"/visits/due"), chromedp.WaitVisible(chromedp.CSS("h1")))
	screenshot(t, ctx, "/tmp/tour-due.png")
	do(t, ctx, "v", chromedp.Navigate(a.url+"/volunteers"), chromedp.WaitVisible(chromedp.CSS("h1")))
	screenshot(t, ctx, "/tmp/tour-vols.png")
	do(t, ctx, "v", chromedp.Navigate(a.url+"/volunteers/"+strconv.FormatInt(a.volunteer.ID, 10)+"?q=李"), chromedp.WaitVisible(chromedp.CSS("h1")))
	screenshot(t, ctx, "/tmp/tour-vol.png")
	do(t, ctx, "v", chromedp.Navigate(a.url+"/volunteers/new"), chromedp.WaitVisible(chromedp.CSS("h1")))
	screenshot(t, ctx, "/tmp/tour-vol-new.png")
	do(t, ctx, "n", chromedp.Navigate(a.url+"/needs/new?person_id="+strconv.FormatInt(a.zhang.ID, 10)), chromedp.WaitVisible(chromedp.CSS("h1")))
	screenshot(t, ctx, "/tmp/tour-need-new.png")
	do(t, ctx, "c", chromedp.Navigate(a.url+"/needs/"+strconv.FormatInt(n.ID, 10)), chromedp.WaitVisible(chromedp.CSS("h1")))
	screenshot(t, ctx, "/tmp/tour-case-open.png")
	do(t, ctx, "h", chromedp.Navigate(a.url+"/"), chromedp.WaitVisible(chromedp.CSS("h1")))
	screenshot(t, ctx, "/tmp/tour-home.png")
	do(t, ctx, "en", chromedp.Click(chromedp.CSS("a.lang")), chromedp.WaitVisible(chromedp.CSS("h1")), chromedp.Navigate(a.url+"/needs/"+strconv.FormatInt(n.ID, 10)), chromedp.WaitVisible(chromedp.CSS("h1")))
	screenshot(t, ctx, "/tmp/tour-case-en.png")
	do(t, ctx, "en", chromedp.Navigate(a.url+"/dashboard"), chromedp.WaitVisible(chromedp.CSS("h1")))
	screenshot(t, ctx, "/tmp/tour-dash-en.png")
	logout(t, ctx)
	a.loginAs(t, ctx, "/inbox", "liu.volunteer")
	screenshot(t, ctx, "/tmp/tour-inbox.png")
	do(t, ctx, "l", chromedp.Navigate(a.url+"/needs"), chromedp.WaitVisible(chromedp.CSS("h1")))
	screenshot(t, ctx, "/tmp/tour-vol-list.png")
	do(t, ctx, "phone", chromedp.EmulateViewport(375, 740, chromedp.EmulateMobile, chromedp.EmulateScale(2)), chromedp.Navigate(a.url+"/needs"), chromedp.WaitVisible(chromedp.CSS("h1")))
	screenshot(t, ctx, "/tmp/tour-vol-list-phone.png")
	do(t, ctx, "c", chromedp.Navigate(a.url+"/needs/"+strconv.FormatInt(n.ID, 10)), chromedp.WaitVisible(chromedp.CSS("h1")))
	screenshot(t, ctx, "/tmp/tour-case-phone.png")
}
