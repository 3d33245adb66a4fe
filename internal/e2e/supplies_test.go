package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"houdun/internal/auth"
	"houdun/internal/model"
	"houdun/internal/testutil"
)

// TestMasksAreReceivedAndHandedOutOnAPhone: the district's case worker
// records a donation of 100 N95 masks at the hospital's store, makes a
// weekly plan of 30 per frontline worker and the day's list, hands it out
// on a phone (390 px) with one tap per person, and sees the stock fall to
// 40, under the reorder level of 50, with the alert in the inbox; 张伟
// confirms his receipt on his own phone.
func TestMasksAreReceivedAndHandedOutOnAPhone(t *testing.T) {
	a := newApp(t)
	sys := testutil.System()
	n95, err := a.st.CreateItem(sys, model.ItemInput{Name: ptrS("N95 医用防护口罩"), Category: ptrS(model.ItemMaskN95), Unit: ptrS("只"), RegionCode: ptrS("")})
	if err != nil {
		t.Fatal(err)
	}
	store, err := a.st.CreateStore(sys, model.StoreInput{Name: ptrS("阜新市中心医院物资库"), InstitutionID: &a.inst.ID})
	if err != nil {
		t.Fatal(err)
	}
	lvl := int64(50)
	if err := a.st.SetReorderLevel(sys, store.ID, model.ReorderInput{ItemID: n95.ID, Level: &lvl}); err != nil {
		t.Fatal(err)
	}
	user, role, pw := "zhang.worker", auth.RoleWorker, password
	if _, err := a.st.CreateUser(sys, model.UserInput{Username: &user, Role: &role, PersonID: &a.zhang.ID, Password: &pw}); err != nil {
		t.Fatal(err)
	}
	storeURL := fmt.Sprintf("/supplies/stores/%d", store.ID)
	ctx := browseFor(t, 1280, 900, 120*time.Second)
	a.login(t, ctx, storeURL)
	do(t, ctx, "record the donation",
		chromedp.WaitVisible(chromedp.ID("f-receipt-quantity")),
		chromedp.SetValue(chromedp.ID("f-receipt-item_id"), strconv.FormatInt(n95.ID, 10)),
		chromedp.SendKeys(chromedp.ID("f-receipt-quantity"), "100"),
		chromedp.SetValue(chromedp.ID("f-receipt-source"), model.SourceDonation),
		chromedp.SendKeys(chromedp.ID("f-receipt-supplier"), "阜新市红十字会"),
		chromedp.SendKeys(chromedp.ID("f-receipt-batch"), "HSH-2026-03"),
		chromedp.SetValue(chromedp.ID("f-receipt-expiry_date"), "2028-12-31"),
		submit(chromedp.CSS(`form[action$="/movements"] input[value=receipt] ~ .actions button`)),
		chromedp.WaitVisible(chromedp.CSS(".stock-qty")),
	)
	if got := text(t, ctx, ".stock-qty"); got != "100" {
		t.Fatalf("stock after the donation: %q, want 100", got)
	}
	do(t, ctx, "make a weekly plan",
		chromedp.Navigate(a.url+"/supplies/plans"),
		chromedp.WaitVisible(chromedp.ID("f-name")),
		chromedp.SendKeys(chromedp.ID("f-name"), "一线人员每周N95"),
		chromedp.SetValue(chromedp.ID("f-store_id"), strconv.FormatInt(store.ID, 10)),
		chromedp.SetValue(chromedp.ID("f-item_id"), strconv.FormatInt(n95.ID, 10)),
		chromedp.SetValue(chromedp.ID("f-basis"), model.BasisPerson),
		chromedp.SendKeys(chromedp.ID("f-quantity"), "30"),
		chromedp.SetValue(chromedp.ID("f-period"), model.PeriodWeek),
		submit(chromedp.CSS(`form[action="/supplies/plans"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".plan-card")),
		submit(chromedp.CSS(`.plan-card form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".tap-list")),
	)
	// On the phone: one tap per person.
	fits := func(what string) {
		t.Helper()
		if w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || w > 390 {
			t.Errorf("%s overflows the phone: %d px (%v)", what, w, err)
		}
	}
	do(t, ctx, "phone width", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)), chromedp.Navigate(a.url+mustLocation(t, ctx)))
	cards, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".tap-list:not(.done) .tap-card").length`))
	if err != nil || cards != 2 {
		t.Fatalf("%d people to hand to (%v), want the two frontline workers", cards, err)
	}
	fits("the distribution list")
	for i := 0; i < 2; i++ {
		do(t, ctx, "tap hand over", submit(chromedp.CSS(`.tap-list:not(.done) .tap-card .tap-button`)))
	}
	wantContains(t, text(t, ctx, ".handed-count"), "2")
	fits("the list after the hand-overs")
	do(t, ctx, "back to the store", chromedp.Navigate(a.url+storeURL), chromedp.WaitVisible(chromedp.CSS(".stock-qty")))
	if got := text(t, ctx, ".stock-qty"); got != "40" {
		t.Errorf("stock after two hand-overs of 30: %q, want 40", got)
	}
	wantContains(t, text(t, ctx, ".stock-line"), "低于补货线")
	do(t, ctx, "the inbox", chromedp.Navigate(a.url+"/inbox"), chromedp.WaitVisible(chromedp.CSS("main")))
	wantContains(t, text(t, ctx, "main"), "补货线")

	// 张伟 confirms on his own phone.
	wctx, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	defer cancel()
	wfits := phone(t, wctx)
	do(t, wctx, "log in as the worker",
		chromedp.Navigate(a.url+"/me/supplies"),
		chromedp.WaitVisible(chromedp.ID("f-username")),
		chromedp.SendKeys(chromedp.ID("f-username"), user),
		chromedp.SendKeys(chromedp.ID("f-password"), password),
		submit(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".tap-card")),
	)
	wfits("my supplies")
	do(t, wctx, "confirm receipt", submit(chromedp.CSS(`.tap-card .tap-button`)))
	wantContains(t, text(t, wctx, ".tap-card"), "已签收")
}

func ptrS(s string) *string { return &s }

// mustLocation is the path of the page the browser shows.
func mustLocation(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(loc, "/supplies/")
	return loc[i:]
}
