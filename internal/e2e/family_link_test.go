package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"houdun/internal/model"
)

// phone emulates a 375 px phone in ctx and returns a check that the page
// does not overflow it.
func phone(t *testing.T, ctx context.Context) func(what string) {
	t.Helper()
	do(t, ctx, "phone viewport", chromedp.EmulateViewport(375, 740, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	return func(what string) {
		t.Helper()
		if w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || w > 375+4 {
			t.Errorf("%s overflows the phone: %d px (%v)", what, w, err)
		}
	}
}

// TestARelativeReportsANeedThroughTheWorkersLink: 张伟 makes a link for his
// mother on his phone; she opens it on hers (another browser, no account),
// makes a mistake, then reports a need; the district's case worker finds it
// in the ledger as reported by the family through the link.
func TestARelativeReportsANeedThroughTheWorkersLink(t *testing.T) {
	a := newNeedsApp(t)
	ctx := browseFor(t, 375, 740, 120*time.Second)
	fits := phone(t, ctx)
	a.loginAs(t, ctx, "/me/needs", "zhang.worker")
	do(t, ctx, "make a link for the mother",
		submit(`//main//a[contains(., "家属自助链接")]`),
		chromedp.WaitVisible(chromedp.ID("f-family_member_id")),
		chromedp.SetValue(chromedp.ID("f-family_member_id"), strconv.FormatInt(a.mother.ID, 10)),
		submit(chromedp.CSS(`form.family-link-form button.primary`)),
		chromedp.WaitVisible(chromedp.ID("f-new-link")),
	)
	link, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("f-new-link")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(link, a.url+"/f/") || len(link) != len(a.url)+len("/f/")+43 {
		t.Fatalf("the link shown is %q", link)
	}
	wantContains(t, text(t, ctx, "section.link-ready"), "赵秀兰")
	wantContains(t, text(t, ctx, "ul.link-list"), "赵秀兰（父母）")
	fits("the links page")
	// The QR code is big enough to scan from the phone's screen, and the copy
	// button (shown once its script runs) copies the link and says so.
	if w, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector("section.link-ready svg.qr").getBoundingClientRect().width`)); err != nil || w < 150 || w > 375 {
		t.Errorf("the QR code is %.0f px wide on the phone (%v)", w, err)
	}
	do(t, ctx, "copy the link",
		chromedp.WaitVisible(chromedp.CSS(`button[data-copy="f-new-link"]`)),
		chromedp.Click(chromedp.CSS(`button[data-copy="f-new-link"]`)),
		chromedp.WaitVisible(chromedp.ID("copy-status")),
	)
	wantContains(t, text(t, ctx, "#copy-status"), "已复制")
	screenshot(t, ctx, "/tmp/houdun-family-links-phone.png")

	// The mother's phone: a browser of her own, with no session.
	mctx, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	defer cancel()
	motherFits := phone(t, mctx)
	do(t, mctx, "open the link",
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.ID("f-description")),
	)
	wantContains(t, text(t, mctx, "h1"), "您好，赵秀兰")
	if n, err := chromedp.Run(mctx, chromedp.Evaluate[int](`document.querySelectorAll("header .who, nav.main-nav").length`)); err != nil || n != 0 {
		t.Errorf("the relative's page shows an account or a menu (%d, %v)", n, err)
	}
	do(t, mctx, "send without a description",
		chromedp.SetValue(chromedp.ID("f-category"), model.CategoryLiving),
		chromedp.SetValue(chromedp.ID("f-kind"), model.KindMeals),
		chromedp.SetValue(chromedp.ID("f-urgency"), model.UrgencyHigh),
		submit(chromedp.CSS(`form.family-report button.primary`)),
		chromedp.WaitVisible(chromedp.ID("f-description-error")),
	)
	wantContains(t, text(t, mctx, "#f-description-error"), "必填")
	if v, _ := chromedp.Run(mctx, chromedp.Value(chromedp.ID("f-kind"))); v != model.KindMeals {
		t.Errorf("the chosen kind is lost: %q", v)
	}
	do(t, mctx, "describe and send",
		chromedp.SendKeys(chromedp.ID("f-description"), "腿脚不便，儿子在医院封闭值班，这几天需要有人送午饭"),
		submit(chromedp.CSS(`form.family-report button.primary`)),
		chromedp.WaitVisible(`//p[@class="notice"]`),
	)
	wantContains(t, text(t, mctx, "p.notice"), "已提交")
	card := text(t, mctx, "ul.case-cards")
	for _, want := range []string{"就餐", "待处理", "送午饭"} {
		wantContains(t, card, want)
	}
	motherFits("the relative's page with her case")
	screenshot(t, mctx, "/tmp/houdun-family-report-phone.png")

	// The district's case worker, at a desk.
	cctx, cancelCW := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	defer cancelCW()
	do(t, cctx, "desk viewport", chromedp.EmulateViewport(1280, 900))
	a.loginAs(t, cctx, "/needs", "wang.caseworker")
	wantContains(t, text(t, cctx, "table.cases tbody"), "赵秀兰")
	do(t, cctx, "open the family's case",
		submit(`//table[contains(@class,"cases")]//a[contains(., "就餐")]`),
		chromedp.WaitVisible(chromedp.CSS("dl.facts")),
	)
	facts := text(t, cctx, "dl.facts")
	for _, want := range []string{"家属反映", "家属（通过自助链接 #", "赵秀兰", "送午饭"} {
		wantContains(t, facts+text(t, cctx, "main"), want)
	}
	screenshot(t, cctx, "/tmp/houdun-family-case.png")
}
